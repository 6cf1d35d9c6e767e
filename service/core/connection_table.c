/* An EC's live connections as the agent sees them (the adapter's key, the outstanding request,
 * the decision of the last response) and the system isolation state computed over all of them.
 *
 * The documentation gives the inputs and outputs of the system state but not the rule; ours is
 * the natural one: the most restrictive state over the connections that have a decision
 * (restricted > probation > not restricted), the earliest probation end among connections in
 * probation, and the URL and extended state of the connection that decided. Connections without a
 * decision are "unknown" and do not count. SHAs are told when the state or the probation end
 * changes. */
#include <stdlib.h>
#include <string.h>

#include "agent_internal.h"
#include "nap_values.h"

nap_result connection_table_add(struct bound_client *ec, uint64_t key)
{
    struct agent *a = ec->agent;
    struct connection_state *c;

    if (ec->connections >= a->config.max_connections_per_enforcer)
        return NAP_RESULT_OUT_OF_MEMORY;
    if (!ec->conns
        && !(ec->conns = calloc(a->config.max_connections_per_enforcer, sizeof(*ec->conns))))
        return NAP_RESULT_OUT_OF_MEMORY;
    if (connection_table_find(ec, key))
        return NAP_RESULT_INVALID_ARG;
    c = &ec->conns[ec->connections++];
    memset(c, 0, sizeof(*c));
    c->key = key;
    return NAP_RESULT_OK;
}

struct connection_state *connection_table_find(struct bound_client *ec, uint64_t key)
{
    for (uint32_t i = 0; i < ec->connections; ++i)
        if (ec->conns[i].key == key)
            return &ec->conns[i];
    return NULL;
}

static void forget(struct bound_client *ec, struct connection_state *c)
{
    if (c->outstanding)
        sha_dispatch_orphaned(ec->agent, &c->outstanding_id);
    free(c->url);
    *c = ec->conns[--ec->connections];
}

void connection_table_remove(struct bound_client *ec, struct connection_state *c)
{
    int decided = c->decided;

    forget(ec, c);
    if (decided)
        connection_table_recompute(ec->agent);
}

void connection_table_clear(struct bound_client *ec)
{
    int decided = 0;

    while (ec->connections) {
        decided |= ec->conns[0].decided;
        forget(ec, &ec->conns[0]);
    }
    if (decided)
        connection_table_recompute(ec->agent);
}

nap_result connection_table_decide(struct bound_client *ec, struct connection_state *c,
                                   const struct agent_isolation *isolation)
{
    char *url = NULL;
    size_t length = strnlen(isolation->url, sizeof(isolation->url));

    if (length && !(url = malloc(length + 1)))
        return NAP_RESULT_OUT_OF_MEMORY;
    if (url) {
        memcpy(url, isolation->url, length);
        url[length] = '\0';
    }
    free(c->url);
    c->url = url;
    c->decided = 1;
    c->state = isolation->state;
    c->extended = isolation->extended;
    c->probation_end = isolation->probation_end;
    connection_table_recompute(ec->agent);
    return NAP_RESULT_OK;
}

/* Does candidate decide the system state over the current decider? */
static int more_restrictive(const struct connection_state *candidate,
                            const struct connection_state *decider)
{
    if (!decider || candidate->state > decider->state)
        return 1;
    return candidate->state == decider->state && candidate->state == ISOLATION_IN_PROBATION
           && candidate->probation_end < decider->probation_end;
}

void connection_table_system(struct agent *a, struct agent_isolation *out, int *unknown)
{
    const struct connection_state *decider = NULL;

    memset(out, 0, sizeof(*out));
    out->state = ISOLATION_NOT_RESTRICTED;
    *unknown = 0;
    for (struct bound_client *ec = a->bound_ecs; ec; ec = ec->next)
        for (uint32_t i = 0; i < ec->connections; ++i) {
            const struct connection_state *c = &ec->conns[i];
            if (!c->decided)
                *unknown = 1;
            else if (more_restrictive(c, decider))
                decider = c;
        }
    if (!decider)
        return;
    out->state = decider->state;
    out->extended = decider->extended;
    out->probation_end = decider->state == ISOLATION_IN_PROBATION ? decider->probation_end : 0;
    if (decider->url) {
        strncpy(out->url, decider->url, sizeof(out->url) - 1);
        out->url[sizeof(out->url) - 1] = '\0';
    }
}

void connection_table_recompute(struct agent *a)
{
    struct agent_isolation now;
    int unknown;

    connection_table_system(a, &now, &unknown);
    if (a->system_state == 0) {
        /* Before the first decision the agent reported "not restricted", like a machine with no
         * NAP exchange yet: only a difference from that is a change. */
        a->system_state = ISOLATION_NOT_RESTRICTED;
    }
    if (now.state == a->system_state && now.probation_end == a->system_probation_end)
        return;
    a->system_state = now.state;
    a->system_probation_end = now.probation_end;
    agent_emit(a, AGENT_EVENT_ISOLATION_CHANGED, NAP_COMPONENT_SYSTEM_HEALTH_AGENT, 0, 0, 0,
               (nap_result)now.state);
    sha_dispatch_isolation_changed(a);
}
