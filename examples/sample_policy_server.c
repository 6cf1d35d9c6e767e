#include "sample_policy_server.h"
#include "sample_ids.h"
#include "soh_message.h"

/* One answer per SHA the request had: its SystemHealthId and the verdict (its own code echoed;
 * 0 is compliant). Static: the views must live until the response is encoded. */
static BYTE ids[SOH_MAX_SHA_COUNT][4], codes[SOH_MAX_SHA_COUNT][4];
static struct soh_attribute attributes[SOH_MAX_SHA_COUNT][2];
static struct soh_sha_soh shas[SOH_MAX_SHA_COUNT];
static struct soh_message request_message;

static UINT32 compliance_of(const struct soh_report *r)
{
    for (UINT16 i = 0; i < r->count; ++i)
        if (r->attributes[i].type == SOH_ATTR_COMPLIANCE_RESULT_CODES && r->attributes[i].size >= 4)
            return soh_get_u32(r->attributes[i].value);
    return 0xFFFFFFFFu;   /* no verdict of its own (an agent stand-in): not compliant */
}

UINT16 sample_policy_answer(const BYTE *request, UINT16 size, BYTE *response, UINT16 capacity, BOOL *compliant)
{
    struct soh_outgoing answer;
    size_t written = 0;

    *compliant = TRUE;
    if (soh_request_decode(request, size, &request_message) != SOH_OK)
        return 0;
    memset(&answer, 0, sizeof(answer));
    for (UINT16 i = 0; i < request_message.report_count; ++i)
    {
        const struct soh_report *r = &request_message.reports[i];
        UINT32 code = compliance_of(r);

        /* Only our SHA is required; other SHAs' reports are answered but do not decide. */
        if (r->sha_id == SAMPLE_SHA_ID && code != SAMPLE_FIREWALL_ON)
            *compliant = FALSE;
        soh_set_u32(ids[i], r->sha_id);
        soh_set_u32(codes[i], code);
        attributes[i][0] = (struct soh_attribute){SOH_ATTR_SYSTEM_HEALTH_ID, 4, ids[i]};
        attributes[i][1] = (struct soh_attribute){SOH_ATTR_COMPLIANCE_RESULT_CODES, 4, codes[i]};
        shas[i].attributes = attributes[i];
        shas[i].count = 2;
    }
    answer.shas = shas;
    answer.sha_count = request_message.report_count;
    /* The answer carries the request's correlation id: that is how the agent matches them. */
    answer.system.correlation_id = request_message.system.correlation_id;
    answer.system.present = SOH_ITEM_BIT(SOH_ITEM_QUARANTINE_STATE);
    answer.system.quarantine.isolation_state = *compliant ? 1 : 3;
    if (!*compliant)
    {
        answer.system.quarantine.url.size = sizeof(SAMPLE_REMEDIATION_URL) - 1;
        answer.system.quarantine.url.data = (const uint8_t *)SAMPLE_REMEDIATION_URL;
    }
    if (soh_response_encode(&answer, response, capacity, &written) != SOH_OK)
        return 0;
    return (UINT16)written;
}
