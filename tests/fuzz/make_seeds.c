/* Writes the fuzz seed corpus (make fuzz) from the hand-derived test vectors: each message as
 * request/response input, each SHA report as an attribute list, each attribute as a typed value,
 * each SSoH's items, and the request trimmed to every SHA count. Usage: make_seeds DIR */
#include <stdio.h>
#include <string.h>

#include "soh_vectors.h"

static int written;

static void seed(const char *dir, const char *name, int n, uint8_t selector, const uint8_t *data, size_t size)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s-%d", dir, name, n);
    f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return;
    }
    fputc(selector, f);
    fwrite(data, 1, size, f);
    fclose(f);
    ++written;
}

static void seeds_of(const char *dir, const char *name, const uint8_t *vector, size_t size, int is_request)
{
    static struct soh_message m;
    uint8_t buf[SOH_MAX_NETWORK_SIZE + 1];

    seed(dir, name, 0, is_request ? 0 : 1, vector, size);
    if ((is_request ? soh_request_decode(vector, size, &m) : soh_response_decode(vector, size, &m)) != SOH_OK)
        return;
    for (int r = 0; r < m.report_count; ++r) {
        buf[0] = (uint8_t)is_request;
        memcpy(buf + 1, m.reports[r].bytes, m.reports[r].size);
        seed(dir, name, 10 + r, 2, buf, m.reports[r].size + 1u);
        for (int a = 0; a < m.reports[r].count; ++a) {
            buf[0] = (uint8_t)m.reports[r].attributes[a].type;
            memcpy(buf + 1, m.reports[r].attributes[a].value, m.reports[r].attributes[a].size);
            seed(dir, name, 100 + 10 * r + a, 3, buf, m.reports[r].attributes[a].size + 1u);
        }
    }
    for (int a = 1; a < m.ssoh.count; ++a)
        if (m.ssoh.attributes[a].type == SOH_ATTR_VENDOR_SPECIFIC)
            seed(dir, name, 20, 4, m.ssoh.attributes[a].value + 4, m.ssoh.attributes[a].size - 4u);
}

int main(int argc, char **argv)
{
    struct vector_input in;
    uint8_t buf[SOH_MAX_NETWORK_SIZE];
    size_t size;
    uint16_t included;

    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    seeds_of(argv[1], "request", vector_request, sizeof(vector_request), 1);
    seeds_of(argv[1], "response", vector_response, sizeof(vector_response), 0);
    vector_request_input(&in);
    for (size_t max = 141; max <= sizeof(vector_request); max += 28)
        if (soh_request_encode(&in.msg, buf, max, &size, &included) == SOH_OK)
            seed(argv[1], "trimmed", included, 0, buf, size);
    printf("make_seeds: %d seeds in %s\n", written, argv[1]);
    return 0;
}
