/* The whole state for napctl, built in one go on the loop thread so it is consistent: no binding
 * can change between reading the registrations and reading the retries. */
#include <stdlib.h>
#include <string.h>

#include "agent_internal.h"

static enum agent_soh_state state_of(const struct soh_change *s)
{
    switch (soh_change_phase(s)) {
    case SOH_PHASE_NOTIFYING:
        return AGENT_SOH_NOTIFYING;
    case SOH_PHASE_RETRY_SCHEDULED:
        return AGENT_SOH_RETRY_SCHEDULED;
    case SOH_PHASE_APPLIED:
        return AGENT_SOH_APPLIED;
    default:
        return AGENT_SOH_IDLE;
    }
}

static size_t bound_count(const struct component_table *t)
{
    size_t n = 0;

    for (size_t i = 0; i < t->count; ++i)
        n += t->items[i]->bound != NULL;
    return n;
}

static nap_result add_table(const struct component_table *t, struct agent_snapshot *out)
{
    for (size_t i = 0; i < t->count; ++i) {
        struct component *c = t->items[i];
        struct bound_client *bc = c->bound;

        if (nap_failed(nap_registration_copy(&out->registrations[out->registration_count],
                                             &c->registration)))
            return NAP_RESULT_OUT_OF_MEMORY;
        ++out->registration_count;
        if (bc) {
            struct agent_snapshot_binding *b = &out->bindings[out->binding_count++];
            b->kind = bc->kind;
            b->id = bc->id;
            b->soh_state = state_of(&bc->change);
            b->attempts = bc->change.attempt;
            b->merged_changes = bc->change.merged;
            b->notification_in_flight = bc->change.in_flight;
            b->next_retry_ms = retry_schedule_due_in(bc);
            b->connections = bc->connections;
        }
    }
    return NAP_RESULT_OK;
}

nap_result snapshot_take(struct agent *a, struct agent_snapshot *out)
{
    size_t registrations = a->ecs.count + a->shas.count;
    size_t bindings = bound_count(&a->ecs) + bound_count(&a->shas);

    memset(out, 0, sizeof(*out));
    out->retry = a->config.retry;
    out->outgoing_calls_outstanding = a->outstanding_jobs;
    if ((registrations && !(out->registrations = calloc(registrations, sizeof(*out->registrations))))
        || (bindings && !(out->bindings = calloc(bindings, sizeof(*out->bindings))))
        || nap_failed(add_table(&a->ecs, out)) || nap_failed(add_table(&a->shas, out))) {
        agent_snapshot_free(out);
        return NAP_RESULT_OUT_OF_MEMORY;
    }
    return NAP_RESULT_OK;
}

void agent_snapshot_free(struct agent_snapshot *snapshot)
{
    nap_registrations_free(snapshot->registrations, snapshot->registration_count);
    free(snapshot->bindings);
    memset(snapshot, 0, sizeof(*snapshot));
}
