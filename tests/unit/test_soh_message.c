/* [MS-SOH] network messages: the encoder reproduces the hand-derived vectors byte for byte, the
 * decoder reads every field of them back, requests drop trailing SHAs that do not fit, and every
 * malformed message is refused with its own error (and never read past its end). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soh_message.h"
#include "soh_vectors.h"
#include "tap.h"

static struct soh_message message;   /* ~16 KB, one for all tests */

static int bytes_equal(const uint8_t *a, size_t a_size, const uint8_t *b, size_t b_size)
{
    if (a_size != b_size)
        return 0;
    for (size_t i = 0; i < a_size; ++i)
        if (a[i] != b[i]) {
            diag("first difference at byte %zu: %02x, expected %02x", i, a[i], b[i]);
            return 0;
        }
    return 1;
}

/* Decodes from an exactly sized heap copy, so that ASan reports any read past the end. */
static enum soh_error decode_copy(const uint8_t *data, size_t size, int is_request)
{
    uint8_t *copy = malloc(size ? size : 1);
    enum soh_error e;

    if (!copy)
        tap_bail("out of memory");
    if (size)
        memcpy(copy, data, size);
    e = is_request ? soh_request_decode(copy, size, &message) : soh_response_decode(copy, size, &message);
    free(copy);
    return e;
}

static void test_request_encodes_to_the_hand_derived_vector(void)
{
    struct vector_input in;
    uint8_t buf[SOH_MAX_NETWORK_SIZE];
    size_t size = 0;
    uint16_t included = 0;
    enum soh_error e;

    vector_request_input(&in);
    e = soh_request_encode(&in.msg, buf, sizeof(buf), &size, &included);
    ok(e == SOH_OK, "request encodes, got %s", soh_error_text(e));
    ok(included == 2, "both SHAs included, got %u", included);
    ok(bytes_equal(buf, size, vector_request, sizeof(vector_request)),
       "request is the %zu-byte vector, got %zu bytes", sizeof(vector_request), size);
}

static void test_response_encodes_to_the_hand_derived_vector(void)
{
    struct vector_input in;
    uint8_t buf[SOH_MAX_NETWORK_SIZE];
    size_t size = 0;
    enum soh_error e;

    vector_response_input(&in);
    e = soh_response_encode(&in.msg, buf, sizeof(buf), &size);
    ok(e == SOH_OK, "response encodes, got %s", soh_error_text(e));
    ok(bytes_equal(buf, size, vector_response, sizeof(vector_response)),
       "response is the %zu-byte vector, got %zu bytes", sizeof(vector_response), size);
}

static void test_request_vector_decodes_field_by_field(void)
{
    static const uint8_t conn[16] = { VECTOR_CONN_ID };
    const struct soh_system_items *s = &message.system;
    enum soh_error e = soh_request_decode(vector_request, sizeof(vector_request), &message);

    ok(e == SOH_OK, "request vector decodes, got %s", soh_error_text(e));
    ok(message.inner_type == 2 && message.has_mode_header && message.intent == 1,
       "inner type 2 with a request mode sub-header, got type %u intent %u", message.inner_type,
       message.intent);
    ok(!memcmp(s->correlation_id.conn_id, conn, 16) && s->correlation_id.time_stamp == VECTOR_TIME_STAMP,
       "correlation id read back, got time stamp %llx", (unsigned long long)s->correlation_id.time_stamp);
    ok(s->is_request && s->version == 1, "MS-Packet-Info request v1, got %d v%u", s->is_request, s->version);
    ok(s->inventory.os_major == 6 && s->inventory.os_minor == 1 && s->inventory.os_build == 7601
       && s->inventory.sp_major == 1 && s->inventory.sp_minor == 0 && s->inventory.processor_architecture == 9,
       "machine inventory 6.1.7601 SP1.0 arch 9, got %u.%u.%u", s->inventory.os_major,
       s->inventory.os_minor, s->inventory.os_build);
    ok(s->machine_name.size == 4 && !memcmp(s->machine_name.data, "PC1", 4),
       "machine name PC1 with its NUL, got %u bytes", s->machine_name.size);
    ok(s->quarantine.isolation_state == 1 && s->quarantine.extended_state == 0
       && s->quarantine.probation_end == 0 && s->quarantine.url.size == 0,
       "quarantine state 1/0, got %u/%u", s->quarantine.isolation_state, s->quarantine.extended_state);
    ok(s->product_type == 1 && s->inventory_ex_reserved == 0, "product type 1, got %u", s->product_type);
    ok(s->system_generated_ids.count == 1 && soh_dwords_at(&s->system_generated_ids, 0) == VECTOR_SHA_B,
       "system-generated ids { SHA B }, got %u ids", s->system_generated_ids.count);
    ok(s->present == (SOH_ITEM_BIT(1) | SOH_ITEM_BIT(2) | SOH_ITEM_BIT(3) | SOH_ITEM_BIT(4)
                      | SOH_ITEM_BIT(5) | SOH_ITEM_BIT(6) | SOH_ITEM_BIT(8)),
       "items 1-6 and 8 present, got %#x", s->present);
    ok(message.ssoh.sha_id == SOH_NAP_SYSTEM_ID && message.ssoh.count == 2 && message.ssoh.size == 95,
       "SSoH: 2 attributes in 95 bytes, got %u in %u", message.ssoh.count, message.ssoh.size);
    ok(message.report_count == 2, "two SHA reports, got %u", message.report_count);
    ok(message.reports[0].sha_id == VECTOR_SHA_A && message.reports[0].count == 3
       && message.reports[0].size == 28 && message.reports[0].bytes == vector_request + 141,
       "SHA A: 3 attributes, 28 bytes at offset 141, got %u, %u", message.reports[0].count,
       message.reports[0].size);
    ok(message.reports[1].sha_id == VECTOR_SHA_B && message.reports[1].count == 3
       && message.reports[1].size == 21 && message.reports[1].bytes == vector_request + 169,
       "SHA B: 3 attributes, 21 bytes at offset 169, got %u, %u", message.reports[1].count,
       message.reports[1].size);
    ok(message.reports[1].attributes[2].type == SOH_ATTR_ERROR_CODES
       && message.reports[1].attributes[2].size == 4
       && message.reports[1].attributes[2].value == vector_request + 186,
       "SHA B's ErrorCodes is a view into the input, got type %u", message.reports[1].attributes[2].type);
}

static void test_response_vector_decodes_field_by_field(void)
{
    static const uint8_t conn[16] = { VECTOR_CONN_ID };
    const struct soh_system_items *s = &message.system;
    enum soh_error e = soh_response_decode(vector_response, sizeof(vector_response), &message);

    ok(e == SOH_OK, "response vector decodes, got %s", soh_error_text(e));
    ok(message.intent == 2, "intent 2 (response), got %u", message.intent);
    ok(!memcmp(s->correlation_id.conn_id, conn, 16) && s->correlation_id.time_stamp == VECTOR_TIME_STAMP,
       "correlation id from the mode sub-header, got %llx", (unsigned long long)s->correlation_id.time_stamp);
    ok(!(s->present & SOH_ITEM_BIT(SOH_ITEM_CORRELATION_ID)), "no MS-CorrelationId item, got %#x", s->present);
    ok(!s->is_request, "MS-Packet-Info says response");
    ok(s->quarantine.isolation_state == 3 && s->quarantine.extended_state == 1,
       "isolation state 3, extended 1, got %u, %u", s->quarantine.isolation_state, s->quarantine.extended_state);
    ok(s->quarantine.probation_end == 0x01D9A0B200000000ull, "probation end read, got %llx",
       (unsigned long long)s->quarantine.probation_end);
    ok(s->quarantine.url.size == 9 && !memcmp(s->quarantine.url.data, "http://r/", 9),
       "fixup URL http://r/, got %u bytes", s->quarantine.url.size);
    ok(s->installed_shvs.count == 2 && soh_dwords_at(&s->installed_shvs, 0) == VECTOR_SHA_A
       && soh_dwords_at(&s->installed_shvs, 1) == VECTOR_SHA_B, "installed SHVs A and B, got %u",
       s->installed_shvs.count);
    ok(message.report_count == 2 && message.reports[0].sha_id == VECTOR_SHA_A
       && message.reports[1].sha_id == VECTOR_SHA_B, "parts for SHA A and SHA B, got %u parts",
       message.report_count);
    ok(message.reports[0].size == 24 && message.reports[1].size == 33,
       "part sizes 24 and 33, got %u and %u", message.reports[0].size, message.reports[1].size);
    ok(message.reports[0].attributes[2].type == SOH_ATTR_IPV4_FIXUP_SERVERS
       && !memcmp(message.reports[0].attributes[2].value, "\x0a\x00\x00\x01", 4),
       "SHA A's fixup server 10.0.0.1, got type %u", message.reports[0].attributes[2].type);
}

static void test_encode_decode_round_trip_keeps_every_attribute(void)
{
    struct vector_input in;
    uint8_t buf[SOH_MAX_NETWORK_SIZE];
    size_t size;
    int same = 1;

    vector_response_input(&in);
    soh_response_encode(&in.msg, buf, sizeof(buf), &size);
    ok(soh_response_decode(buf, size, &message) == SOH_OK, "encoded response decodes");
    for (size_t r = 0; r < 2; ++r)
        for (size_t i = 0; i < 3; ++i) {
            const struct soh_attribute *want = &in.shas[r].attributes[i];
            const struct soh_attribute *got = &message.reports[r].attributes[i];
            same &= want->type == got->type && want->size == got->size
                 && !memcmp(want->value, got->value, want->size);
        }
    ok(same, "every attribute of both SHAs comes back equal");
}

static void test_request_drops_trailing_shas_that_do_not_fit(void)
{
    struct vector_input in;
    uint8_t buf[SOH_MAX_NETWORK_SIZE];
    size_t size = 0;
    uint16_t included = 99;
    enum soh_error e;

    vector_request_input(&in);
    e = soh_request_encode(&in.msg, buf, 189, &size, &included);
    ok(e == SOH_OK && included == 1 && size == 169,
       "max 189: SHA A only, 169 bytes, got %s, %u SHAs, %zu bytes", soh_error_text(e), included, size);
    ok(soh_request_decode(buf, size, &message) == SOH_OK && message.report_count == 1
       && message.reports[0].sha_id == VECTOR_SHA_A, "the trimmed request decodes with SHA A");
    ok(bytes_equal(buf + 12, 157, vector_request + 12, 157) && buf[3] == 186 - 21 && buf[11] == 178 - 21,
       "lengths shrink by SHA B's 21 bytes, the rest is the vector");

    e = soh_request_encode(&in.msg, buf, 141, &size, &included);
    ok(e == SOH_OK && included == 0 && size == 141,
       "max 141: header and SSoH only, got %s, %u SHAs, %zu bytes", soh_error_text(e), included, size);

    e = soh_request_encode(&in.msg, buf, 140, &size, &included);
    ok(e == SOH_E_BUFFER_TOO_SMALL, "max 140: too small for the SSoH, got %s", soh_error_text(e));
    ok(soh_error_result(e) == NAP_RESULT_MAXSIZE_TOO_SMALL, "which the core sees as MAXSIZE_TOO_SMALL");
    ok(soh_request_encode(&in.msg, buf, 0, &size, &included) == SOH_E_BUFFER_TOO_SMALL,
       "max 0: too small");
}

static void test_request_keeps_shas_in_order_and_stops_at_the_first_misfit(void)
{
    static uint8_t big[3000];
    static const uint8_t id[3][4] = { { 0, 1, 0x37, 0x90 }, { 0, 1, 0x37, 0x91 }, { 0, 1, 0x37, 0x92 } };
    struct soh_attribute a[3][2];
    struct soh_sha_soh shas[3];
    struct vector_input in;
    uint8_t buf[SOH_MAX_NETWORK_SIZE];
    size_t size;
    uint16_t included;

    for (int i = 0; i < 3; ++i) {
        a[i][0] = (struct soh_attribute){ SOH_ATTR_SYSTEM_HEALTH_ID, 4, id[i] };
        a[i][1] = (struct soh_attribute){ SOH_ATTR_VENDOR_SPECIFIC, i == 1 ? 3000 : 8, big };
        shas[i] = (struct soh_sha_soh){ a[i], 2 };
    }
    vector_request_input(&in);
    in.msg.shas = shas;
    in.msg.sha_count = 3;
    ok(soh_request_encode(&in.msg, buf, 1000, &size, &included) == SOH_OK && included == 1,
       "the second SHA does not fit in 1000 bytes: only the first goes in, got %u", included);
    ok(soh_request_encode(&in.msg, buf, 100000, &size, &included) == SOH_OK && included == 3
       && size <= SOH_MAX_NETWORK_SIZE, "a max above 4000 is clamped to 4000, got %zu bytes", size);
}

static void test_response_encoding_is_all_or_nothing(void)
{
    struct vector_input in;
    uint8_t buf[SOH_MAX_NETWORK_SIZE];
    size_t size;

    vector_response_input(&in);
    ok(soh_response_encode(&in.msg, buf, sizeof(vector_response) - 1, &size) == SOH_E_BUFFER_TOO_SMALL,
       "a response one byte too large for the buffer is refused");
}

static void test_encoder_refuses_bad_input(void)
{
    struct vector_input in;
    struct soh_sha_soh many[21];
    struct soh_stand_in stand_in[21];
    uint8_t buf[SOH_MAX_NETWORK_SIZE];
    size_t size;
    uint16_t included;
    enum soh_error e;

    vector_request_input(&in);
    ok(soh_request_encode(NULL, buf, sizeof(buf), &size, &included) == SOH_E_INVALID_ARGUMENT,
       "NULL message: INVALID_ARGUMENT");
    ok(soh_request_encode(&in.msg, NULL, sizeof(buf), &size, &included) == SOH_E_INVALID_ARGUMENT,
       "NULL buffer: INVALID_ARGUMENT");
    ok(soh_error_result(SOH_E_INVALID_ARGUMENT) == NAP_RESULT_INVALID_ARG, "which maps to INVALID_ARG");

    for (int i = 0; i < 21; ++i) {
        soh_stand_in_build(&stand_in[i], 0x00013790u + (uint32_t)i, 2, 0x80270007u);
        many[i] = (struct soh_sha_soh){ stand_in[i].attributes, SOH_STAND_IN_COUNT };
    }
    in.msg.shas = many;
    in.msg.sha_count = 21;
    e = soh_request_encode(&in.msg, buf, sizeof(buf), &size, &included);
    ok(e == SOH_E_TOO_MANY_SHAS, "21 SHAs: TOO_MANY_SHAS, got %s", soh_error_text(e));

    in.msg.sha_count = 20;
    ok(soh_request_encode(&in.msg, buf, sizeof(buf), &size, &included) == SOH_OK && included == 20,
       "20 SHAs encode");
    soh_stand_in_build(&stand_in[3], 0x00013790u, 2, 0);
    e = soh_request_encode(&in.msg, buf, sizeof(buf), &size, &included);
    ok(e == SOH_E_DUPLICATE_SHA, "two SHAs with one id: DUPLICATE_SHA, got %s", soh_error_text(e));
    soh_stand_in_build(&stand_in[3], SOH_NAP_SYSTEM_ID, 2, 0);
    e = soh_request_encode(&in.msg, buf, sizeof(buf), &size, &included);
    ok(e == SOH_E_DUPLICATE_SHA, "an SHA with the NAP system's id: DUPLICATE_SHA, got %s", soh_error_text(e));
    many[3].count = 0;
    e = soh_request_encode(&in.msg, buf, sizeof(buf), &size, &included);
    ok(e == SOH_E_EMPTY_SOH, "an SHA with no attributes: EMPTY_SOH, got %s", soh_error_text(e));

    vector_request_input(&in);
    in.msg.system.quarantine.isolation_state = 0;
    e = soh_request_encode(&in.msg, buf, sizeof(buf), &size, &included);
    ok(e == SOH_E_BAD_QUARANTINE_STATE, "isolation state 0: BAD_QUARANTINE_STATE, got %s", soh_error_text(e));
}

/* ---- malformed input ---- */

/* Frames body as a message: SoH header, mode sub-header (when mode), lengths that agree. */
static size_t frame(uint8_t *out, const uint8_t *body, size_t body_size, int mode, uint8_t intent)
{
    static const uint8_t conn[16] = { VECTOR_CONN_ID };
    size_t inner = body_size + (mode ? SOH_MODE_HEADER_SIZE : 0);
    uint8_t *p = out;

    *p++ = 0; *p++ = 7; *p++ = (uint8_t)((inner + 8) >> 8); *p++ = (uint8_t)(inner + 8);
    *p++ = 0; *p++ = 0; *p++ = 1; *p++ = 0x37;
    *p++ = 0; *p++ = mode ? 2 : 1; *p++ = (uint8_t)(inner >> 8); *p++ = (uint8_t)inner;
    if (mode) {
        *p++ = 0; *p++ = 7; *p++ = 0; *p++ = 30; *p++ = 0; *p++ = 0; *p++ = 1; *p++ = 0x37;
        memcpy(p, conn, 16);
        p += 16;
        *p++ = 0x01; *p++ = 0xD9; *p++ = 0xA0; *p++ = 0xB1; *p++ = 0xC2; *p++ = 0xD3; *p++ = 0xE4; *p++ = 0xF5;
        *p++ = intent; *p++ = 0;
    }
    memcpy(p, body, body_size);
    return (size_t)(p - out) + body_size;
}

/* An SSoH whose items are given: SystemHealthId 0x13700, vendor TLV 311 + items. */
static size_t ssoh(uint8_t *out, const uint8_t *items, size_t items_size)
{
    static const uint8_t head[] = { 0, 2, 0, 4, 0, 1, 0x37, 0 };
    memcpy(out, head, 8);
    out[8] = 0; out[9] = 7; out[10] = (uint8_t)((items_size + 4) >> 8); out[11] = (uint8_t)(items_size + 4);
    out[12] = 0; out[13] = 0; out[14] = 1; out[15] = 0x37;
    memcpy(out + 16, items, items_size);
    return 16 + items_size;
}

static const uint8_t request_items[] = { 0x03, 0x11 };
static const uint8_t response_items[] = { 0x03, 0x01 };

/* Decodes frame(ssoh(items) + extra) and checks the error. */
static void expect_body(const char *what, const uint8_t *items, size_t items_size, const uint8_t *extra,
                        size_t extra_size, int is_request, enum soh_error want)
{
    static uint8_t body[8192], msg[8192];
    size_t n = ssoh(body, items, items_size);
    enum soh_error e;

    if (extra_size)
        memcpy(body + n, extra, extra_size);
    n = frame(msg, body, n + extra_size, 1, is_request ? 1 : 2);
    e = decode_copy(msg, n, is_request);
    ok(e == want, "%s: expected %s, got %s", what, soh_error_text(want), soh_error_text(e));
}

static void expect_patched(const char *what, const uint8_t *vector, size_t size, size_t at,
                           uint8_t value, int is_request, enum soh_error want)
{
    uint8_t copy[SOH_MAX_NETWORK_SIZE];
    enum soh_error e;

    memcpy(copy, vector, size);
    copy[at] = value;
    e = decode_copy(copy, size, is_request);
    ok(e == want, "%s: expected %s, got %s", what, soh_error_text(want), soh_error_text(e));
}

static void test_header_errors(void)
{
    uint8_t big[SOH_MAX_NETWORK_SIZE + 1] = { 0 };
    uint8_t longer[sizeof(vector_request) + 1];
    enum soh_error e;

    e = decode_copy(vector_request, 11, 1);
    ok(e == SOH_E_TRUNCATED_HEADER, "11 bytes: TRUNCATED_HEADER, got %s", soh_error_text(e));
    e = decode_copy(big, sizeof(big), 1);
    ok(e == SOH_E_TOO_LARGE, "4001 bytes: TOO_LARGE, got %s", soh_error_text(e));
    expect_patched("outer type 8", vector_request, sizeof(vector_request), 1, 8, 1, SOH_E_NOT_VENDOR_SPECIFIC);
    expect_patched("header vendor 312", vector_request, sizeof(vector_request), 7, 0x38, 1, SOH_E_WRONG_VENDOR);
    expect_patched("outer length one too long", vector_request, sizeof(vector_request), 3, 0xBB, 1,
                   SOH_E_LENGTH_PAST_END);
    expect_patched("outer length one too short", vector_request, sizeof(vector_request), 3, 0xB9, 1,
                   SOH_E_TRAILING_BYTES);
    expect_patched("inner length lies", vector_request, sizeof(vector_request), 11, 0xB1, 1,
                   SOH_E_NESTED_LENGTH);
    expect_patched("inner type 3", vector_request, sizeof(vector_request), 9, 3, 1, SOH_E_BAD_INNER_TYPE);
    expect_patched("inner type 0", vector_request, sizeof(vector_request), 9, 0, 1, SOH_E_BAD_INNER_TYPE);
    expect_patched("mode sub-header type 6", vector_request, sizeof(vector_request), 13, 6, 1,
                   SOH_E_BAD_MODE_HEADER);
    expect_patched("mode sub-header length 29", vector_request, sizeof(vector_request), 15, 29, 1,
                   SOH_E_BAD_MODE_HEADER);
    expect_patched("mode sub-header vendor", vector_request, sizeof(vector_request), 19, 0x38, 1,
                   SOH_E_WRONG_VENDOR);
    expect_patched("content type 1", vector_request, sizeof(vector_request), 45, 1, 1, SOH_E_BAD_CONTENT_TYPE);

    memcpy(longer, vector_request, sizeof(vector_request));
    longer[sizeof(vector_request)] = 0;
    e = decode_copy(longer, sizeof(longer), 1);
    ok(e == SOH_E_TRAILING_BYTES, "one byte appended: TRAILING_BYTES, got %s", soh_error_text(e));

    {
        uint8_t msg[64];
        size_t n = frame(msg, (const uint8_t *)"\0\2\0\4\0\1\x37\0", 8, 0, 0);
        msg[9] = 2;   /* claims a mode sub-header that the 8 bytes cannot hold */
        e = decode_copy(msg, n, 1);
        ok(e == SOH_E_TRUNCATED_MODE_HEADER, "inner type 2 with 8 bytes: TRUNCATED_MODE_HEADER, got %s",
           soh_error_text(e));
    }
}

static void test_tlv_and_report_errors(void)
{
    static const uint8_t stray[] = { 0x00, 0x02 };
    static const uint8_t past_end[] = { 0x00, 0x02, 0x00, 0x04, 0x00, 0x01, 0x37, 0x80, 0x00, 0x06, 0x00, 0x09, 0x00 };
    static const uint8_t dup_a[] = { 0, 2, 0, 4, 0, 1, 0x37, 0x80, 0, 2, 0, 4, 0, 1, 0x37, 0x80 };
    static const uint8_t dup_system[] = { 0, 2, 0, 4, 0, 1, 0x37, 0 };
    static const uint8_t two_v4[] = { 0, 2, 0, 4, 0, 1, 0x37, 0x80, 0, 3, 0, 4, 10, 0, 0, 1, 0, 3, 0, 4, 10, 0, 0, 2 };
    static const uint8_t v4_and_v6[] = { 0, 2, 0, 4, 0, 1, 0x37, 0x80, 0, 3, 0, 4, 10, 0, 0, 1,
                                         0, 15, 0, 16, 0xFE, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    static const uint8_t bad_id[] = { 0, 2, 0, 3, 0, 1, 0x37 };
    uint8_t body[4096], msg[4096];
    size_t n;
    enum soh_error e;

    expect_body("two stray bytes after the last TLV", request_items, 2, stray, 2, 1, SOH_E_TRUNCATED_TLV);
    expect_body("a TLV length past the end", request_items, 2, past_end, sizeof(past_end), 1,
                SOH_E_LENGTH_PAST_END);
    expect_body("two reports for one SHA", request_items, 2, dup_a, sizeof(dup_a), 1, SOH_E_DUPLICATE_SHA);
    expect_body("a second SSoH", request_items, 2, dup_system, sizeof(dup_system), 1, SOH_E_DUPLICATE_SHA);
    expect_body("a response part with two IPv4 server lists", response_items, 2, two_v4, sizeof(two_v4), 0,
                SOH_E_DUPLICATE_FIXUP_SERVERS);
    expect_body("a request SoH with two IPv4 server lists", request_items, 2, two_v4, sizeof(two_v4), 1,
                SOH_OK);
    expect_body("a response part with one IPv4 and one IPv6 list", response_items, 2, v4_and_v6,
                sizeof(v4_and_v6), 0, SOH_OK);
    expect_body("a SystemHealthId of 3 bytes", request_items, 2, bad_id, sizeof(bad_id), 1,
                SOH_E_BAD_SYSTEM_HEALTH_ID);

    n = frame(msg, (const uint8_t *)"\0\4\0\4\0\0\0\0", 8, 1, 1);
    e = decode_copy(msg, n, 1);
    ok(e == SOH_E_MISSING_SYSTEM_HEALTH_ID, "first TLV not SystemHealthId: got %s", soh_error_text(e));
    n = frame(msg, (const uint8_t *)"", 0, 1, 1);
    e = decode_copy(msg, n, 1);
    ok(e == SOH_E_MISSING_SSOH, "no TLV at all: MISSING_SSOH, got %s", soh_error_text(e));
    n = frame(msg, (const uint8_t *)"\0\2\0\4\0\1\x37\x80", 8, 1, 1);
    e = decode_copy(msg, n, 1);
    ok(e == SOH_E_MISSING_SSOH, "first report is an SHA's: MISSING_SSOH, got %s", soh_error_text(e));

    /* 101 attributes in one SHA's report: SystemHealthId + 100 empty ClientIds. */
    n = ssoh(body, request_items, 2);
    memcpy(body + n, "\0\2\0\4\0\1\x37\x80", 8);
    n += 8;
    for (int i = 0; i < 100; ++i, n += 4)
        memcpy(body + n, "\0\6\0\0", 4);
    e = decode_copy(msg, frame(msg, body, n, 1, 1), 1);
    ok(e == SOH_E_TOO_MANY_ATTRIBUTES, "101 attributes in one SoH: TOO_MANY_ATTRIBUTES, got %s",
       soh_error_text(e));
    e = decode_copy(msg, frame(msg, body, n - 4, 1, 1), 1);
    ok(e == SOH_OK, "100 attributes are fine, got %s", soh_error_text(e));

    /* 21 SHA reports. */
    n = ssoh(body, request_items, 2);
    for (int i = 0; i < 21; ++i, n += 8) {
        memcpy(body + n, "\0\2\0\4\0\1\x38\0", 8);
        body[n + 7] = (uint8_t)i;
    }
    e = decode_copy(msg, frame(msg, body, n, 1, 1), 1);
    ok(e == SOH_E_TOO_MANY_SHAS, "21 SHA reports: TOO_MANY_SHAS, got %s", soh_error_text(e));
    e = decode_copy(msg, frame(msg, body, n - 8, 1, 1), 1);
    ok(e == SOH_OK && message.report_count == 20, "20 SHA reports are fine, got %s", soh_error_text(e));
}

static void test_ssoh_item_errors(void)
{
    static const uint8_t unknown[] = { 0x03, 0x11, 0x09, 0x00 };
    static const uint8_t type_zero[] = { 0x03, 0x11, 0x00 };
    static const uint8_t short_inventory[] = { 0x03, 0x11, 0x01, 0, 0, 0, 6, 0, 0, 0, 1,
                                               0, 0, 0x1D, 0xB1, 0, 1, 0, 0, 0 };
    static const uint8_t short_name[] = { 0x03, 0x11, 0x05, 0x00, 0x05, 'P', 'C' };
    static const uint8_t twice[] = { 0x03, 0x11, 0x03, 0x11 };
    static const uint8_t odd_ids[] = { 0x03, 0x11, 0x04, 0x00, 0x03, 0, 1, 0x37 };
    static const uint8_t no_info[] = { 0x08, 0, 0, 0, 0, 1 };
    static const uint8_t version_2[] = { 0x03, 0x12 };
    static const uint8_t qstate_0[] = { 0x03, 0x11, 0x02, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    static const uint8_t extstate_4[] = { 0x03, 0x11, 0x02, 0x00, 0x21, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    static const uint8_t url_past_end[] = { 0x03, 0x01, 0x02, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 'h' };
    static const uint8_t short_correlation[] = { 0x03, 0x11, 0x06, 1, 2, 3 };
    uint8_t body[256], msg[512];
    size_t n;
    enum soh_error e;

    expect_body("item type 9", unknown, sizeof(unknown), NULL, 0, 1, SOH_E_UNKNOWN_ITEM);
    expect_body("item type 0", type_zero, sizeof(type_zero), NULL, 0, 1, SOH_E_UNKNOWN_ITEM);
    expect_body("machine inventory of 17 bytes", short_inventory, sizeof(short_inventory), NULL, 0, 1,
                SOH_E_TRUNCATED_ITEM);
    expect_body("machine name longer than its TLV", short_name, sizeof(short_name), NULL, 0, 1,
                SOH_E_TRUNCATED_ITEM);
    expect_body("correlation id of 3 bytes", short_correlation, sizeof(short_correlation), NULL, 0, 1,
                SOH_E_TRUNCATED_ITEM);
    expect_body("fixup URL longer than its TLV", url_past_end, sizeof(url_past_end), NULL, 0, 0,
                SOH_E_TRUNCATED_ITEM);
    expect_body("MS-Packet-Info twice", twice, sizeof(twice), NULL, 0, 1, SOH_E_DUPLICATE_ITEM);
    expect_body("an id list of 3 bytes", odd_ids, sizeof(odd_ids), NULL, 0, 1, SOH_E_BAD_ITEM_LENGTH);
    expect_body("no MS-Packet-Info", no_info, sizeof(no_info), NULL, 0, 1, SOH_E_MISSING_PACKET_INFO);
    expect_body("MS-Packet-Info version 2", version_2, sizeof(version_2), NULL, 0, 1, SOH_E_BAD_PACKET_VERSION);
    expect_body("isolation state 0", qstate_0, sizeof(qstate_0), NULL, 0, 1, SOH_E_BAD_QUARANTINE_STATE);
    expect_body("extended isolation state 4", extstate_4, sizeof(extstate_4), NULL, 0, 1,
                SOH_E_BAD_QUARANTINE_STATE);
    expect_body("a request decoded as a response", request_items, 2, NULL, 0, 0, SOH_E_WRONG_DIRECTION);

    e = decode_copy(vector_request, sizeof(vector_request), 0);
    ok(e == SOH_E_WRONG_DIRECTION, "the request vector as a response: WRONG_DIRECTION, got %s", soh_error_text(e));
    e = decode_copy(vector_response, sizeof(vector_response), 1);
    ok(e == SOH_E_WRONG_DIRECTION, "the response vector as a request: WRONG_DIRECTION, got %s", soh_error_text(e));
    expect_patched("MS-CorrelationId differs from the sub-header", vector_request, sizeof(vector_request),
                   101, 0x42, 1, SOH_E_CORRELATION_MISMATCH);

    /* The SSoH's vendor-specific attribute itself. */
    memcpy(body, "\0\2\0\4\0\1\x37\0", 8);
    e = decode_copy(msg, frame(msg, body, 8, 1, 1), 1);
    ok(e == SOH_E_MISSING_SSOH_ITEMS, "SSoH without items: MISSING_SSOH_ITEMS, got %s", soh_error_text(e));
    memcpy(body + 8, "\0\7\0\6\0\0\1\x38\3\x11", 10);
    e = decode_copy(msg, frame(msg, body, 18, 1, 1), 1);
    ok(e == SOH_E_WRONG_VENDOR, "SSoH items under vendor 312: WRONG_VENDOR, got %s", soh_error_text(e));
    memcpy(body + 8, "\0\7\0\2\0\0", 6);
    e = decode_copy(msg, frame(msg, body, 14, 1, 1), 1);
    ok(e == SOH_E_BAD_ATTRIBUTE_SIZE, "SSoH vendor attribute of 2 bytes: BAD_ATTRIBUTE_SIZE, got %s",
       soh_error_text(e));
    n = ssoh(body, request_items, 2);
    memcpy(body + n, "\0\7\0\6\0\0\1\x37\3\x11", 10);
    e = decode_copy(msg, frame(msg, body, n + 10, 1, 1), 1);
    ok(e == SOH_E_DUPLICATE_SSOH_ITEMS, "two Microsoft attributes in the SSoH: DUPLICATE_SSOH_ITEMS, got %s",
       soh_error_text(e));

    /* Without a mode sub-header the correlation id must come as an item. */
    n = ssoh(body, request_items, 2);
    e = decode_copy(msg, frame(msg, body, n, 0, 0), 1);
    ok(e == SOH_E_MISSING_CORRELATION_ID, "inner type 1 without MS-CorrelationId: got %s", soh_error_text(e));
    {
        uint8_t items[27] = { 0x03, 0x11, 0x06, VECTOR_CONN_ID };
        items[19] = 0x01;
        items[26] = 0xF5;
        n = ssoh(body, items, sizeof(items));
        e = decode_copy(msg, frame(msg, body, n, 0, 0), 1);
        ok(e == SOH_OK && message.inner_type == 1 && !message.has_mode_header
           && message.system.correlation_id.time_stamp == 0x0100000000000000ull + 0xF5,
           "inner type 1 with MS-CorrelationId decodes, got %s", soh_error_text(e));
    }
}

static void test_every_truncation_is_refused(void)
{
    int refused = 1;

    for (size_t len = 0; len < sizeof(vector_request); ++len)
        refused &= decode_copy(vector_request, len, 1) != SOH_OK;
    ok(refused, "every prefix of the request vector (0..%zu bytes) is refused", sizeof(vector_request) - 1);
    refused = 1;
    for (size_t len = 0; len < sizeof(vector_response); ++len)
        refused &= decode_copy(vector_response, len, 0) != SOH_OK;
    ok(refused, "every prefix of the response vector (0..%zu bytes) is refused", sizeof(vector_response) - 1);
}

/* Cut short with both length fields patched to agree: the header no longer gives the cut away,
 * the TLVs must. Only a cut at a TLV boundary after the SSoH leaves a well-formed message
 * (decoding checks structure, not whether an SHA's SoH is complete): 141 (the SSoH alone), 149,
 * 157, 169 (SHA A), 177, 182 and 190 (the whole). */
static void test_consistent_truncations_are_refused_inside_tlvs(void)
{
    uint8_t copy[sizeof(vector_request)];
    int right = 1;

    for (size_t len = SOH_HEADER_SIZE + SOH_MODE_HEADER_SIZE; len <= sizeof(vector_request); ++len) {
        static const size_t boundaries[] = { 141, 149, 157, 169, 177, 182, 190 };
        int boundary = 0;
        enum soh_error e;

        for (size_t b = 0; b < sizeof(boundaries) / sizeof(boundaries[0]); ++b)
            boundary |= len == boundaries[b];
        memcpy(copy, vector_request, len);
        copy[2] = (uint8_t)((len - 4) >> 8);
        copy[3] = (uint8_t)(len - 4);
        copy[10] = (uint8_t)((len - 12) >> 8);
        copy[11] = (uint8_t)(len - 12);
        e = decode_copy(copy, len, 1);
        if ((e == SOH_OK) != boundary) {
            diag("cut at %zu: %s", len, soh_error_text(e));
            right = 0;
        }
    }
    ok(right, "cuts with agreeing lengths are refused except at the 7 TLV boundaries after the SSoH");
    ok(decode_copy(vector_request, sizeof(vector_request), 1) == SOH_OK, "the whole vector still decodes");
}

static void test_response_may_carry_ms_correlation_id(void)
{
    struct vector_input in;
    uint8_t buf[SOH_MAX_NETWORK_SIZE];
    size_t size;
    enum soh_error e;

    vector_response_input(&in);
    in.msg.system.present |= SOH_ITEM_BIT(SOH_ITEM_CORRELATION_ID);
    e = soh_response_encode(&in.msg, buf, sizeof(buf), &size);
    ok(e == SOH_OK && size == sizeof(vector_response) + 25,
       "with MS-CorrelationId the response grows by 25 bytes, got %zu", size);
    e = soh_response_decode(buf, size, &message);
    ok(e == SOH_OK && (message.system.present & SOH_ITEM_BIT(SOH_ITEM_CORRELATION_ID))
       && message.system.correlation_id.time_stamp == VECTOR_TIME_STAMP,
       "and decodes with the item, got %s", soh_error_text(e));
    buf[46 + 16 + 2 + 1] ^= 0xFF;   /* headers, SSoH TLV heads, Packet-Info, the item's type: its GUID */
    e = soh_response_decode(buf, size, &message);
    ok(e == SOH_E_CORRELATION_MISMATCH, "a response whose item disagrees with its sub-header: got %s",
       soh_error_text(e));
}

/* Every single-byte change, decoded from an exact-size copy: ASan watches the reads, and every
 * answer must be SOH_OK or one of the documented errors. */
static void test_every_byte_mutation_is_decoded_safely(void)
{
    uint8_t copy[sizeof(vector_request)];
    int known = 1;
    size_t accepted = 0;

    for (size_t at = 0; at < sizeof(vector_request); ++at)
        for (unsigned v = 0; v < 256; v += 17) {
            enum soh_error e;

            memcpy(copy, vector_request, sizeof(copy));
            copy[at] ^= (uint8_t)(v | 1);
            e = decode_copy(copy, sizeof(copy), 1);
            known &= e >= SOH_OK && e < SOH_ERROR_COUNT;
            accepted += e == SOH_OK;
        }
    ok(known, "every mutated request gets a documented answer (%zu of them accepted)", accepted);
}

static void test_every_error_has_its_own_text_and_maps_to_invalid_packet(void)
{
    int distinct = 1, mapped = 1;

    for (int a = 1; a < SOH_ERROR_COUNT; ++a) {
        for (int b = a + 1; b < SOH_ERROR_COUNT; ++b)
            distinct &= strcmp(soh_error_text((enum soh_error)a), soh_error_text((enum soh_error)b)) != 0;
        if (a != SOH_E_BUFFER_TOO_SMALL && a != SOH_E_INVALID_ARGUMENT)
            mapped &= soh_error_result((enum soh_error)a) == NAP_RESULT_INVALID_PACKET;
    }
    ok(distinct, "each of the %d errors has a text of its own", SOH_ERROR_COUNT - 1);
    ok(mapped, "every decode error maps to NAP_E_INVALID_PACKET");
    ok(soh_error_result(SOH_OK) == NAP_RESULT_OK, "SOH_OK maps to OK");
    ok(strcmp(soh_error_text((enum soh_error)999), "unknown SoH error") == 0, "an unknown code has a text");
}

int main(void)
{
    test_request_encodes_to_the_hand_derived_vector();
    test_response_encodes_to_the_hand_derived_vector();
    test_request_vector_decodes_field_by_field();
    test_response_vector_decodes_field_by_field();
    test_encode_decode_round_trip_keeps_every_attribute();
    test_request_drops_trailing_shas_that_do_not_fit();
    test_request_keeps_shas_in_order_and_stops_at_the_first_misfit();
    test_response_encoding_is_all_or_nothing();
    test_encoder_refuses_bad_input();
    test_header_errors();
    test_tlv_and_report_errors();
    test_ssoh_item_errors();
    test_every_truncation_is_refused();
    test_consistent_truncations_are_refused_inside_tlvs();
    test_response_may_carry_ms_correlation_id();
    test_every_byte_mutation_is_decoded_safely();
    test_every_error_has_its_own_text_and_maps_to_invalid_packet();
    return tap_done();
}
