/* Bounded big-endian reading and writing: [MS-SOH] puts every integer in network byte order.
 * The reader never reads past its end (a failed read consumes nothing); the writer never writes
 * past its capacity (an overflow is sticky, and a caller can roll back to a saved length, which
 * is how the request encoder drops SHAs that do not fit). Inline because the codec's throughput
 * is these few loads and stores. */
#ifndef NAPAGENT_SOH_WIRE_H
#define NAPAGENT_SOH_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct soh_reader {
    const uint8_t *p;
    size_t left;
};

static inline struct soh_reader soh_reader_make(const uint8_t *p, size_t size)
{
    struct soh_reader r = { p, size };
    return r;
}

/* Each read returns 1 and advances, or returns 0 and leaves the reader as it was. */
static inline int soh_read_u8(struct soh_reader *r, uint8_t *v)
{
    if (r->left < 1)
        return 0;
    *v = r->p[0];
    r->p += 1;
    r->left -= 1;
    return 1;
}

static inline uint16_t soh_get_u16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t soh_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* FILETIMEs travel as the high DWORD then the low DWORD, i.e. one big-endian 64-bit value. */
static inline uint64_t soh_get_u64(const uint8_t *p)
{
    return (uint64_t)soh_get_u32(p) << 32 | soh_get_u32(p + 4);
}

static inline int soh_read_u16(struct soh_reader *r, uint16_t *v)
{
    if (r->left < 2)
        return 0;
    *v = soh_get_u16(r->p);
    r->p += 2;
    r->left -= 2;
    return 1;
}

static inline int soh_read_u32(struct soh_reader *r, uint32_t *v)
{
    if (r->left < 4)
        return 0;
    *v = soh_get_u32(r->p);
    r->p += 4;
    r->left -= 4;
    return 1;
}

static inline int soh_read_u64(struct soh_reader *r, uint64_t *v)
{
    if (r->left < 8)
        return 0;
    *v = soh_get_u64(r->p);
    r->p += 8;
    r->left -= 8;
    return 1;
}

/* *bytes points into the reader's buffer: decoding copies nothing. */
static inline int soh_read_bytes(struct soh_reader *r, size_t n, const uint8_t **bytes)
{
    if (r->left < n)
        return 0;
    *bytes = r->p;
    r->p += n;
    r->left -= n;
    return 1;
}

struct soh_writer {
    uint8_t *buf;
    size_t capacity;
    size_t length;
    int overflow;
};

static inline struct soh_writer soh_writer_make(uint8_t *buf, size_t capacity)
{
    struct soh_writer w = { buf, capacity, 0, 0 };
    return w;
}

/* Reserves n bytes and returns where they start, or NULL (and marks the overflow). */
static inline uint8_t *soh_put_space(struct soh_writer *w, size_t n)
{
    uint8_t *at;

    if (w->overflow || w->capacity - w->length < n) {
        w->overflow = 1;
        return NULL;
    }
    at = w->buf + w->length;
    w->length += n;
    return at;
}

static inline void soh_set_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void soh_set_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void soh_set_u64(uint8_t *p, uint64_t v)
{
    soh_set_u32(p, (uint32_t)(v >> 32));
    soh_set_u32(p + 4, (uint32_t)v);
}

static inline void soh_put_u8(struct soh_writer *w, uint8_t v)
{
    uint8_t *p = soh_put_space(w, 1);
    if (p)
        p[0] = v;
}

static inline void soh_put_u16(struct soh_writer *w, uint16_t v)
{
    uint8_t *p = soh_put_space(w, 2);
    if (p)
        soh_set_u16(p, v);
}

static inline void soh_put_u32(struct soh_writer *w, uint32_t v)
{
    uint8_t *p = soh_put_space(w, 4);
    if (p)
        soh_set_u32(p, v);
}

static inline void soh_put_u64(struct soh_writer *w, uint64_t v)
{
    uint8_t *p = soh_put_space(w, 8);
    if (p)
        soh_set_u64(p, v);
}

static inline void soh_put_bytes(struct soh_writer *w, const void *bytes, size_t n)
{
    uint8_t *p = soh_put_space(w, n);
    if (p && n)
        memcpy(p, bytes, n);
}

/* A 16-bit length written once what it counts is known: reserve, then patch with the length of
 * everything written after the field. Returns the field's offset (meaningless on overflow). */
static inline size_t soh_put_length_field(struct soh_writer *w)
{
    size_t at = w->length;
    soh_put_u16(w, 0);
    return at;
}

static inline void soh_patch_length_field(struct soh_writer *w, size_t at)
{
    if (!w->overflow)
        soh_set_u16(w->buf + at, (uint16_t)(w->length - at - 2));
}

/* Back to a saved length, forgetting an overflow that happened after it. */
static inline void soh_writer_rewind(struct soh_writer *w, size_t length)
{
    w->length = length;
    w->overflow = 0;
}

#endif
