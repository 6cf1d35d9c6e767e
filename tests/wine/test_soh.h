/* The network SoH as a test enforcement client and its "server" see it: decoding the request
 * the agent put on a connection and encoding a server's response, with napagent's own codec
 * (service/soh, platform-neutral, linked into every Windows test). */
#ifndef NAPAGENT_WINE_TEST_SOH_H
#define NAPAGENT_WINE_TEST_SOH_H

#include <windows.h>
#include <naptypes.h>
#include "soh_message.h"

/* The reports the tests' SHV answers carry: SystemHealthId and ComplianceResultCodes {S_OK}. */
struct test_response_parts
{
    BYTE ids[SOH_MAX_SHA_COUNT][4];
    BYTE code[4];
    struct soh_attribute attributes[SOH_MAX_SHA_COUNT][2];
    struct soh_sha_soh shas[SOH_MAX_SHA_COUNT];
};

/* A server's response to the request of correlation id `id`: quarantine state `state` (1..3)
 * with `url`, and a part for each of ids[0..count). Returns its size, 0 if it cannot be built. */
static inline UINT16 make_test_response(const CorrelationId *id, UINT8 state, const char *url, const UINT32 *ids,
                                        UINT16 count, BYTE *buf, size_t capacity)
{
    static struct test_response_parts p;
    struct soh_outgoing msg;
    size_t size = 0;

    memset(&msg, 0, sizeof(msg));
    memset(p.code, 0, sizeof(p.code));
    for (UINT16 i = 0; i < count; ++i)
    {
        soh_set_u32(p.ids[i], ids[i]);
        p.attributes[i][0] = (struct soh_attribute){SOH_ATTR_SYSTEM_HEALTH_ID, 4, p.ids[i]};
        p.attributes[i][1] = (struct soh_attribute){SOH_ATTR_COMPLIANCE_RESULT_CODES, 4, p.code};
        p.shas[i].attributes = p.attributes[i];
        p.shas[i].count = 2;
    }
    msg.shas = p.shas;
    msg.sha_count = count;
    msg.system.present = SOH_ITEM_BIT(SOH_ITEM_QUARANTINE_STATE);
    memcpy(msg.system.correlation_id.conn_id, &id->connId, 16);
    msg.system.correlation_id.time_stamp = (UINT64)id->timeStamp.dwHighDateTime << 32 | id->timeStamp.dwLowDateTime;
    msg.system.quarantine.isolation_state = state;
    msg.system.quarantine.url.size = (uint16_t)strlen(url);
    msg.system.quarantine.url.data = (const uint8_t *)url;
    if (soh_response_encode(&msg, buf, capacity, &size) != SOH_OK)
        return 0;
    return (UINT16)size;
}

/* The report of SHA `sha_id` in a decoded request, or NULL. */
static inline const struct soh_report *find_report(const struct soh_message *m, UINT32 sha_id)
{
    for (UINT16 i = 0; i < m->report_count; ++i)
        if (m->reports[i].sha_id == sha_id)
            return &m->reports[i];
    return NULL;
}

#endif
