/* [MS-SOH] codec throughput on a maximal message (20 SHAs, close to maxNetworkSoHSize), next to
 * a plain memcpy of the same bytes measured in the same run: encoding and decoding cannot be
 * faster than copying, so the ratio says what the codec costs per byte. Never fails on timing. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "soh_message.h"

#define SHAS 20
#define PER_SHA 6
#define MIN_SECONDS 0.5

struct maximal {
    struct soh_outgoing msg;
    struct soh_sha_soh shas[SHAS];
    struct soh_attribute attributes[SHAS][PER_SHA];
    uint8_t ids[SHAS][4];
    uint8_t codes[8];
    uint8_t time[8];
    uint8_t health_class;
    uint8_t product[32];
    uint8_t vendor[115];
};

/* Each SHA: SystemHealthId, 2 result codes, SoHGenerationTime, HealthClass, a 32-byte
 * ProductName and a 115-byte VendorSpecific: 192 bytes; with header and SSoH about 3950 bytes. */
static void maximal_build(struct maximal *m, int is_request)
{
    static const uint8_t conn[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

    memset(m, 0, sizeof(*m));
    memcpy(m->msg.system.correlation_id.conn_id, conn, 16);
    m->msg.system.correlation_id.time_stamp = 0x01D9A0B1C2D3E4F5ull;
    m->msg.system.present = is_request
        ? SOH_ITEM_BIT(SOH_ITEM_MACHINE_INVENTORY) | SOH_ITEM_BIT(SOH_ITEM_MACHINE_INVENTORY_EX)
        : SOH_ITEM_BIT(SOH_ITEM_QUARANTINE_STATE);
    m->msg.system.quarantine.isolation_state = 1;
    memset(m->product, 'p', sizeof(m->product));
    memset(m->vendor, 'v', sizeof(m->vendor));
    m->vendor[0] = 0;
    m->vendor[1] = 0;
    m->vendor[2] = 0x01;
    m->vendor[3] = 0x37;
    for (int i = 0; i < SHAS; ++i) {
        struct soh_attribute *a = m->attributes[i];

        m->ids[i][0] = 0;
        m->ids[i][1] = 0x01;
        m->ids[i][2] = 0x38;
        m->ids[i][3] = (uint8_t)i;
        a[0] = (struct soh_attribute){ SOH_ATTR_SYSTEM_HEALTH_ID, 4, m->ids[i] };
        a[1] = (struct soh_attribute){ SOH_ATTR_COMPLIANCE_RESULT_CODES, 8, m->codes };
        a[2] = (struct soh_attribute){ SOH_ATTR_SOH_GENERATION_TIME, 8, m->time };
        a[3] = (struct soh_attribute){ SOH_ATTR_HEALTH_CLASS, 1, &m->health_class };
        a[4] = (struct soh_attribute){ SOH_ATTR_PRODUCT_NAME, sizeof(m->product), m->product };
        a[5] = (struct soh_attribute){ SOH_ATTR_VENDOR_SPECIFIC, sizeof(m->vendor), m->vendor };
        m->shas[i] = (struct soh_sha_soh){ a, PER_SHA };
    }
    m->msg.shas = m->shas;
    m->msg.sha_count = SHAS;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* Keeps the compiler from dropping work whose result nobody reads. */
static void escape(const void *p)
{
    __asm__ volatile("" : : "g"(p) : "memory");
}

enum operation { COPY, ENCODE_REQUEST, DECODE_REQUEST, ENCODE_RESPONSE, DECODE_RESPONSE };

static struct soh_message decoded;

static int run_once(enum operation op, const struct maximal *m, const uint8_t *wire, size_t size, uint8_t *out)
{
    size_t out_size;
    uint16_t included;

    switch (op) {
    case COPY:
        memcpy(out, wire, size);
        escape(out);
        return 1;
    case ENCODE_REQUEST:
        return soh_request_encode(&m->msg, out, SOH_MAX_NETWORK_SIZE, &out_size, &included) == SOH_OK;
    case DECODE_REQUEST:
        escape(wire);
        return soh_request_decode(wire, size, &decoded) == SOH_OK;
    case ENCODE_RESPONSE:
        return soh_response_encode(&m->msg, out, SOH_MAX_NETWORK_SIZE, &out_size) == SOH_OK;
    case DECODE_RESPONSE:
        escape(wire);
        return soh_response_decode(wire, size, &decoded) == SOH_OK;
    }
    return 0;
}

/* Bytes per second over at least MIN_SECONDS. */
static double throughput(enum operation op, const struct maximal *m, const uint8_t *wire, size_t size)
{
    static uint8_t out[SOH_MAX_NETWORK_SIZE];
    unsigned long long rounds = 0, batch = 1000;
    double start = now(), elapsed;

    do {
        for (unsigned long long i = 0; i < batch; ++i)
            if (!run_once(op, m, wire, size, out)) {
                printf("bench_soh: operation %d failed\n", op);
                return 0;
            }
        rounds += batch;
        elapsed = now() - start;
    } while (elapsed < MIN_SECONDS);
    return (double)rounds * (double)size / elapsed;
}

static void report(const char *what, double codec, double copy, size_t size)
{
    printf("  %-16s %8.1f MB/s  %6.2f us/message  memcpy is %.1fx faster\n", what, codec / 1e6,
           size / codec * 1e6, copy / codec);
}

int main(void)
{
    static struct maximal request, response;
    static uint8_t request_wire[SOH_MAX_NETWORK_SIZE], response_wire[SOH_MAX_NETWORK_SIZE];
    size_t request_size, response_size;
    uint16_t included;
    double copy;

    maximal_build(&request, 1);
    maximal_build(&response, 0);
    if (soh_request_encode(&request.msg, request_wire, sizeof(request_wire), &request_size, &included) != SOH_OK
        || included != SHAS
        || soh_response_encode(&response.msg, response_wire, sizeof(response_wire), &response_size) != SOH_OK) {
        printf("bench_soh: the maximal message does not encode\n");
        return 1;
    }
    printf("bench_soh: [MS-SOH] codec, %d SHAs x %d attributes; request %zu bytes, response %zu bytes\n",
           SHAS, PER_SHA, request_size, response_size);
    copy = throughput(COPY, &request, request_wire, request_size);
    printf("  %-16s %8.1f MB/s  (baseline, same bytes)\n", "memcpy", copy / 1e6);
    report("encode request", throughput(ENCODE_REQUEST, &request, request_wire, request_size), copy, request_size);
    report("decode request", throughput(DECODE_REQUEST, &request, request_wire, request_size), copy, request_size);
    report("encode response", throughput(ENCODE_RESPONSE, &response, response_wire, response_size), copy,
           response_size);
    report("decode response", throughput(DECODE_RESPONSE, &response, response_wire, response_size), copy,
           response_size);
    return 0;
}
