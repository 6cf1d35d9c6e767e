/* The SoH exchange of one EC connection, on the loop thread: the network SoH request GetSoHRequest
 * puts on the connection, and the network SoH response ProcessSoHResponse hands back. The bytes
 * are the codec's business (service/soh, docs/soh.md); this file decides what goes in and where
 * what comes out goes.
 *
 * What goes in, per registered SHA in id order (nap-research §8.2, §9.4):
 * - the SoH it gave in its last GetSoHRequest, or the one cached for it while it is not bound;
 * - bound but never asked (it has not called NotifySoHChange yet): what the documentation tells
 *   an SHA with no SoH ready to send itself, failure category ClientCommunication with
 *   NAP_E_NO_CACHED_SOH (a choice: the agent does not call an SHA the documentation says is not
 *   asked before its first NotifySoHChange);
 * - registered but not bound: the documented stand-in, ClientComponent with NAP_E_NOT_INITIALIZED.
 * An SHA whose SoH does not fit the connection's max size (with the ones before it) is left out
 * and reported; the ones after it still go in if they fit. */
#include <stdlib.h>
#include <string.h>

#include "agent_internal.h"
#include "nap_values.h"
#include "soh_message.h"

nap_result soh_exchange_stand_in(uint32_t sha_id, uint8_t failure_category, nap_result error,
                                 uint8_t **soh, size_t *size)
{
    struct soh_stand_in stand_in;
    struct soh_writer w;
    size_t length;
    uint8_t *bytes;

    soh_stand_in_build(&stand_in, sha_id, failure_category, (uint32_t)error);
    length = soh_attributes_wire_size(stand_in.attributes, SOH_STAND_IN_COUNT);
    if (!(bytes = malloc(length)))
        return NAP_RESULT_OUT_OF_MEMORY;
    w = soh_writer_make(bytes, length);
    soh_attributes_encode(&w, stand_in.attributes, SOH_STAND_IN_COUNT);
    *soh = bytes;
    *size = w.length;
    return NAP_RESULT_OK;
}

/* Everything one request is built from; on the heap (tens of KB). */
struct request_parts {
    struct soh_sha_soh shas[SOH_MAX_SHA_COUNT];
    uint32_t ids[SOH_MAX_SHA_COUNT];
    struct soh_stand_in stand_ins[SOH_MAX_SHA_COUNT];
    uint32_t generated_ids[SOH_MAX_SHA_COUNT];   /* SHAs whose SoH the agent made */
    uint16_t generated_count;
    struct soh_attribute views[SOH_MAX_SHA_COUNT][SOH_MAX_ATTRIBUTE_COUNT];
    uint8_t buffer[SOH_MAX_NETWORK_SIZE];
};

static void add_stand_in(struct request_parts *p, uint16_t i, uint32_t id, uint8_t category,
                         nap_result error)
{
    soh_stand_in_build(&p->stand_ins[i], id, category, (uint32_t)error);
    p->shas[i].attributes = p->stand_ins[i].attributes;
    p->shas[i].count = SOH_STAND_IN_COUNT;
    p->generated_ids[p->generated_count++] = id;
}

static uint16_t collect(struct agent *a, struct request_parts *p)
{
    uint16_t n = 0;

    for (size_t k = 0; k < a->shas.count && n < SOH_MAX_SHA_COUNT; ++k, ++n) {
        const struct component *c = a->shas.items[k];
        uint32_t id = c->registration.id;
        size_t count;

        p->ids[n] = id;
        if (c->soh && soh_attributes_decode(c->soh, c->soh_size, p->views[n],
                                            SOH_MAX_ATTRIBUTE_COUNT, &count) == SOH_OK
            && soh_attributes_check_structure(p->views[n], count, 1, NULL) == SOH_OK) {
            p->shas[n].attributes = p->views[n];
            p->shas[n].count = (uint16_t)count;
            if (c->soh_by_agent)
                p->generated_ids[p->generated_count++] = id;
        } else if (c->soh) {
            /* Cannot happen for SoHs the adapter checked; if it does, say so rather than send it. */
            add_stand_in(p, n, id, FAILURE_CATEGORY_CLIENT_COMPONENT, NAP_RESULT_INVALID_PACKET);
        } else if (c->bound) {
            add_stand_in(p, n, id, FAILURE_CATEGORY_CLIENT_COMMUNICATION, NAP_RESULT_NO_CACHED_SOH);
        } else {
            add_stand_in(p, n, id, FAILURE_CATEGORY_CLIENT_COMPONENT, NAP_RESULT_NOT_INITIALIZED);
        }
    }
    return n;
}

static void describe_system(const struct agent_soh_request_params *params,
                            const struct connection_state *c, struct request_parts *p,
                            struct soh_system_items *items)
{
    const struct agent_machine_info *m = params->machine;
    size_t name_length = strnlen(m->name, sizeof(m->name));

    memset(items, 0, sizeof(*items));
    items->present = SOH_ITEM_BIT(SOH_ITEM_MACHINE_INVENTORY) | SOH_ITEM_BIT(SOH_ITEM_QUARANTINE_STATE)
                     | SOH_ITEM_BIT(SOH_ITEM_CORRELATION_ID)
                     | SOH_ITEM_BIT(SOH_ITEM_MACHINE_INVENTORY_EX);
    items->inventory.os_major = m->os_major;
    items->inventory.os_minor = m->os_minor;
    items->inventory.os_build = m->os_build;
    items->inventory.sp_major = m->sp_major;
    items->inventory.sp_minor = m->sp_minor;
    items->inventory.processor_architecture = m->architecture;
    if (name_length) {
        items->present |= SOH_ITEM_BIT(SOH_ITEM_MACHINE_NAME);
        items->machine_name.size = (uint16_t)name_length;
        items->machine_name.data = (const uint8_t *)m->name;
    }
    /* The client's current state on this connection: what the last response decided. */
    items->quarantine.isolation_state = c->decided ? c->state : ISOLATION_NOT_RESTRICTED;
    items->quarantine.extended_state = c->decided ? c->extended : 0;
    items->quarantine.probation_end = c->decided ? c->probation_end : 0;
    memcpy(items->correlation_id.conn_id, params->correlation.guid, 16);
    items->correlation_id.time_stamp = params->correlation.time;
    items->product_type = m->product_type;
    if (p->generated_count) {
        items->present |= SOH_ITEM_BIT(SOH_ITEM_SYSTEM_GENERATED_IDS);
        items->system_generated_ids.count = p->generated_count;
        items->system_generated_ids.host = p->generated_ids;
    }
}

static uint64_t fnv1a(uint64_t h, const uint8_t *bytes, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        h = (h ^ bytes[i]) * 1099511628211ull;
    return h;
}

/* Takes SHA `i` out of the request (and out of the system-generated list if it is there). */
static void leave_out(struct request_parts *p, struct soh_outgoing *msg, uint16_t i)
{
    uint32_t id = p->ids[i];
    uint16_t rest = (uint16_t)(msg->sha_count - i - 1);

    memmove(&p->shas[i], &p->shas[i + 1], rest * sizeof(p->shas[0]));
    memmove(&p->ids[i], &p->ids[i + 1], rest * sizeof(p->ids[0]));
    --msg->sha_count;
    for (uint16_t k = 0; k < p->generated_count; ++k)
        if (p->generated_ids[k] == id) {
            memmove(&p->generated_ids[k], &p->generated_ids[k + 1],
                    (p->generated_count - k - 1) * sizeof(p->generated_ids[0]));
            --p->generated_count;
            msg->system.system_generated_ids.count = p->generated_count;
            if (!p->generated_count)
                msg->system.present &= ~SOH_ITEM_BIT(SOH_ITEM_SYSTEM_GENERATED_IDS);
            break;
        }
}

/* What the SHAs said in the request, hashed: the correlation id and time change with every
 * request, so retriggerHint compares only this. */
static uint64_t content_hash(const struct soh_outgoing *msg, uint16_t included)
{
    uint64_t h = 14695981039346656037ull;

    for (uint16_t i = 0; i < included; ++i)
        for (uint16_t k = 0; k < msg->shas[i].count; ++k) {
            const struct soh_attribute *attribute = &msg->shas[i].attributes[k];
            uint8_t header[4] = {(uint8_t)(attribute->type >> 8), (uint8_t)attribute->type,
                                 (uint8_t)(attribute->size >> 8), (uint8_t)attribute->size};
            h = fnv1a(fnv1a(h, header, 4), attribute->value, attribute->size);
        }
    return h;
}

nap_result soh_exchange_build_request(struct agent *a, struct connection_state *c,
                                      const struct agent_soh_request_params *params,
                                      uint8_t **request, size_t *size, int *retrigger_hint)
{
    struct request_parts *p = malloc(sizeof(*p));
    struct soh_outgoing msg;
    uint16_t included = 0;
    size_t length = 0;
    enum soh_error e;
    uint64_t hash;
    int expired;

    if (!p)
        return NAP_RESULT_OUT_OF_MEMORY;
    p->generated_count = 0;
    memset(&msg, 0, sizeof(msg));
    msg.sha_count = collect(a, p);
    msg.shas = p->shas;
    describe_system(params, c, p, &msg.system);
    /* The codec stops at the first SHA that does not fit; leave that one out and try the rest,
     * so that one oversized SoH does not take the SHAs after it along. */
    while ((e = soh_request_encode(&msg, p->buffer, params->max_size, &length, &included)) == SOH_OK
           && included < msg.sha_count) {
        agent_emit(a, AGENT_EVENT_SOH_REQUEST_TRIMMED, NAP_COMPONENT_SYSTEM_HEALTH_AGENT,
                   p->ids[included], 0, params->max_size, NAP_RESULT_MAXSIZE_TOO_SMALL);
        leave_out(p, &msg, included);
    }
    if (e != SOH_OK) {
        free(p);
        return e == SOH_E_BUFFER_TOO_SMALL ? NAP_RESULT_MAXSIZE_TOO_SMALL : soh_error_result(e);
    }
    if (!(*request = malloc(length))) {
        free(p);
        return NAP_RESULT_OUT_OF_MEMORY;
    }
    memcpy(*request, p->buffer, length);
    *size = length;
    hash = content_hash(&msg, msg.sha_count);
    free(p);

    expired = c->decided && c->state == ISOLATION_IN_PROBATION && c->probation_end
              && c->probation_end <= params->correlation.time;
    *retrigger_hint = !c->built || hash != c->content_hash || expired;
    c->built = 1;
    c->content_hash = hash;
    if (c->outstanding)
        sha_dispatch_orphaned(a, &c->outstanding_id);
    c->outstanding = 1;
    c->outstanding_id = params->correlation;
    return NAP_RESULT_OK;
}

static int same_correlation(const struct soh_correlation_id *got,
                            const struct agent_correlation_id *expected)
{
    return memcmp(got->conn_id, expected->guid, 16) == 0 && got->time_stamp == expected->time;
}

static void decision_of(const struct soh_message *m, struct agent_soh_decision *d)
{
    memset(d, 0, sizeof(*d));
    d->isolation.state = ISOLATION_NOT_RESTRICTED;
    if (m->system.present & SOH_ITEM_BIT(SOH_ITEM_QUARANTINE_STATE)) {
        const struct soh_quarantine_state *q = &m->system.quarantine;
        size_t n = 0;

        d->isolation.state = q->isolation_state;
        d->isolation.extended = q->extended_state;
        d->isolation.probation_end = q->probation_end;
        /* Senders commonly count a terminating NUL; the URL ends at the first one. */
        while (n < q->url.size && n < AGENT_MAX_URL_BYTES && q->url.data[n])
            ++n;
        memcpy(d->isolation.url, q->url.data, n);
        d->isolation.url[n] = '\0';
    }
    if (m->system.present & SOH_ITEM_BIT(SOH_ITEM_INSTALLED_SHVS)) {
        const struct soh_dwords *shvs = &m->system.installed_shvs;

        for (size_t i = 0; i < shvs->count && i < AGENT_MAX_INSTALLED_SHVS; ++i)
            d->installed_shvs[d->installed_shv_count++] = soh_dwords_at(shvs, i);
    }
}

/* The agent owns the correlation ids: a response answers the request it handed out last on this
 * connection, once. The copy on the connection object is the EC's to change and proves nothing;
 * an answered, orphaned or made-up id is MISMATCHED_ID and changes nothing (no replay). */
nap_result soh_exchange_process_response(struct agent *a, struct bound_client *ec,
                                         struct connection_state *c,
                                         const uint8_t *response, size_t size,
                                         struct agent_soh_decision *decision)
{
    struct soh_message *m = malloc(sizeof(*m));
    nap_result result;

    if (!m)
        return NAP_RESULT_OUT_OF_MEMORY;
    if (soh_response_decode(response, size, m) != SOH_OK) {
        free(m);
        return NAP_RESULT_INVALID_PACKET;
    }
    if (!c->outstanding || !same_correlation(&m->system.correlation_id, &c->outstanding_id)) {
        free(m);
        return NAP_RESULT_MISMATCHED_ID;
    }
    decision_of(m, decision);
    for (uint16_t i = 0; i < m->report_count; ++i) {
        const struct soh_report *r = &m->reports[i];
        struct component *sha = component_table_find(&a->shas, r->sha_id);

        /* A part for an SHA that is not bound has nobody to go to (its SHV answered an SoH the
         * agent sent on its behalf). */
        if (sha && sha->bound)
            sha_dispatch_process_response(sha->bound, &c->outstanding_id, r->bytes, r->size, SHA_FIXUP);
    }
    free(m);
    c->outstanding = 0;
    result = connection_table_decide(ec, c, &decision->isolation);
    return result;
}
