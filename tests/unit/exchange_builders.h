/* What an EC and a policy server put into the core's SoH exchange in the native tests: request
 * parameters for a connection and a network SoH response encoded with the codec. Header-only. */
#ifndef NAPAGENT_TESTS_EXCHANGE_BUILDERS_H
#define NAPAGENT_TESTS_EXCHANGE_BUILDERS_H

#include <string.h>

#include "agent.h"
#include "soh_message.h"
#include "tap.h"

static const struct agent_machine_info machine = {
    "host.example.test", 10, 0, 19045, 0, 0, 9, 1,
};

static inline struct agent_soh_request_params params_for(uint8_t tag, size_t max_size)
{
    struct agent_soh_request_params p;

    memset(&p, 0, sizeof(p));
    memset(p.correlation.guid, tag, sizeof(p.correlation.guid));
    p.correlation.time = 0x01dc000000000000ull + tag;
    p.max_size = max_size;
    p.machine = &machine;
    return p;
}

/* A response for correlation `p` with a quarantine state and parts for the given SHAs, whose
 * SHVs it lists as installed. */
static inline size_t make_response(const struct agent_soh_request_params *p, uint8_t state, const char *url,
                                   const uint32_t *ids, uint16_t id_count, uint8_t *buf)
{
    static uint8_t id_bytes[SOH_MAX_SHA_COUNT][4];
    static uint8_t code_bytes[4] = {0, 0, 0, 0};
    static struct soh_attribute attrs[SOH_MAX_SHA_COUNT][2];
    struct soh_sha_soh shas[SOH_MAX_SHA_COUNT];
    struct soh_outgoing msg;
    size_t size = 0;

    memset(&msg, 0, sizeof(msg));
    for (uint16_t i = 0; i < id_count; ++i) {
        id_bytes[i][0] = (uint8_t)(ids[i] >> 24);
        id_bytes[i][1] = (uint8_t)(ids[i] >> 16);
        id_bytes[i][2] = (uint8_t)(ids[i] >> 8);
        id_bytes[i][3] = (uint8_t)ids[i];
        attrs[i][0] = (struct soh_attribute){SOH_ATTR_SYSTEM_HEALTH_ID, 4, id_bytes[i]};
        attrs[i][1] = (struct soh_attribute){SOH_ATTR_COMPLIANCE_RESULT_CODES, 4, code_bytes};
        shas[i].attributes = attrs[i];
        shas[i].count = 2;
    }
    msg.shas = shas;
    msg.sha_count = id_count;
    msg.system.present = SOH_ITEM_BIT(SOH_ITEM_QUARANTINE_STATE) | SOH_ITEM_BIT(SOH_ITEM_INSTALLED_SHVS);
    memcpy(msg.system.correlation_id.conn_id, p->correlation.guid, 16);
    msg.system.correlation_id.time_stamp = p->correlation.time;
    msg.system.quarantine.isolation_state = state;
    msg.system.quarantine.extended_state = state == 3 ? 2 : 0;
    msg.system.quarantine.probation_end = state == 2 ? 0x01dd000000000000ull : 0;
    msg.system.quarantine.url.size = (uint16_t)strlen(url);
    msg.system.quarantine.url.data = (const uint8_t *)url;
    msg.system.installed_shvs.count = id_count;   /* the SHAs answered are the SHVs installed */
    msg.system.installed_shvs.host = ids;
    if (soh_response_encode(&msg, buf, 4000, &size) != SOH_OK)
        tap_bail("cannot encode a test response");
    return size;
}

#endif
