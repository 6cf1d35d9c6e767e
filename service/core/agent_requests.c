/* The loop-thread side of every entry point in agent.h: checks the binding's state, does the
 * work, answers. Answers are signalled last, after every state change the call made. */
#include <stdlib.h>

#include "agent_internal.h"

static struct bound_client *bound_ec(struct agent_request *r)
{
    struct bound_client *bc = r->binding->bound;

    return bc && bc->kind == NAP_COMPONENT_ENFORCEMENT_CLIENT ? bc : NULL;
}

/* Waiting for client_release would deadlock when the caller is the loop itself or the very
 * worker that has to run it (the client uninitializing from inside its own callback). */
static uv_sem_t *release_waiter(struct agent_request *r, struct bound_client *bc)
{
    if (r->inline_call || r->caller_worker == &bc->worker)
        return NULL;
    r->wait_for_release = 1;
    return &r->release_wait;
}

static nap_result uninitialize(struct agent_request *r)
{
    struct bound_client *bc = r->binding->bound;

    if (!bc)
        return NAP_RESULT_NOT_INITIALIZED;
    agent_unbind(bc, AGENT_EVENT_UNBOUND, NAP_RESULT_OK, release_waiter(r, bc));
    return NAP_RESULT_OK;
}

static nap_result soh_taken(struct agent_request *r)
{
    struct bound_client *bc = bound_ec(r);

    if (!bc)
        return NAP_RESULT_NOT_INITIALIZED;
    soh_delivery_apply(bc, soh_change_taken(&bc->change), NAP_RESULT_OK);
    return NAP_RESULT_OK;
}

static nap_result failure_reported(struct agent *a, struct agent_request *r)
{
    struct bound_client *bc = bound_ec(r);
    unsigned actions;
    nap_result result;

    if (!bc)
        return NAP_RESULT_NOT_INITIALIZED;
    result = soh_change_failure_reported(&bc->change, a->config.retry.exhausted_after, &actions);
    soh_delivery_apply(bc, actions, NAP_RESULT_OK);
    return result;
}

static nap_result connection_created(struct agent *a, struct agent_request *r)
{
    struct bound_client *bc = bound_ec(r);
    nap_result result;

    if (!bc)
        return NAP_RESULT_NOT_INITIALIZED;
    result = connection_table_add(bc, r->connection);
    if (result == NAP_RESULT_OUT_OF_MEMORY)
        agent_emit(a, AGENT_EVENT_LIMIT_REACHED, bc->kind, bc->id, 0, 0, result);
    return result;
}

static nap_result connection_down(struct agent_request *r)
{
    struct bound_client *bc = bound_ec(r);
    struct connection_state *c;

    if (!bc)
        return NAP_RESULT_NOT_INITIALIZED;
    if (!(c = connection_table_find(bc, r->connection)))
        return NAP_RESULT_INVALID_ARG;
    connection_table_remove(bc, c);
    return NAP_RESULT_OK;
}

static void connection_released(struct agent *a, uint64_t key)
{
    for (struct bound_client *ec = a->bound_ecs; ec; ec = ec->next) {
        struct connection_state *c = connection_table_find(ec, key);

        if (c) {
            connection_table_remove(ec, c);
            return;
        }
    }
}

/* The connection-taking exchange calls: a bound EC and one of its live connections. */
static nap_result exchange_connection(struct agent_request *r, struct bound_client **bc,
                                      struct connection_state **c)
{
    if (!(*bc = bound_ec(r)))
        return NAP_RESULT_NOT_INITIALIZED;
    if (!(*c = connection_table_find(*bc, r->connection)))
        return NAP_RESULT_INVALID_ARG;
    return NAP_RESULT_OK;
}

static nap_result build_soh_request(struct agent *a, struct agent_request *r)
{
    struct bound_client *bc;
    struct connection_state *c;
    nap_result result = exchange_connection(r, &bc, &c);

    if (nap_failed(result))
        return result;
    result = soh_exchange_build_request(a, c, r->soh_params, r->bytes_out, r->byte_count_out,
                                        r->flag_out);
    if (nap_failed(result))
        return result;
    /* Taking the request is what makes the pending change count as applied. */
    soh_delivery_apply(bc, soh_change_taken(&bc->change), NAP_RESULT_OK);
    return NAP_RESULT_OK;
}

static nap_result process_soh_response(struct agent *a, struct agent_request *r)
{
    struct bound_client *bc;
    struct connection_state *c;
    nap_result result = exchange_connection(r, &bc, &c);

    if (nap_failed(result))
        return result;
    result = soh_exchange_process_response(a, bc, c, r->bytes, r->byte_count, r->decision);
    if (nap_failed(result))
        agent_emit(a, AGENT_EVENT_RESPONSE_REJECTED, bc->kind, bc->id, 0, 0, result);
    return result;
}

/* ProcessSoHResponse and NotifyConnectionStateDown need a bound EC that created a connection. */
static nap_result connection_check(struct agent_request *r)
{
    struct bound_client *bc = bound_ec(r);

    if (!bc)
        return NAP_RESULT_NOT_INITIALIZED;
    return bc->connections ? NAP_RESULT_OK : NAP_RESULT_INVALID_ARG;
}

static nap_result sha_notify(struct agent_request *r)
{
    struct bound_client *bc = r->binding->bound;

    if (!bc || bc->kind != NAP_COMPONENT_SYSTEM_HEALTH_AGENT)
        return NAP_RESULT_NOT_INITIALIZED;
    sha_dispatch_gather(bc);
    return NAP_RESULT_OK;
}

static struct bound_client *bound_sha(struct agent_request *r)
{
    struct bound_client *bc = r->binding->bound;

    return bc && bc->kind == NAP_COMPONENT_SYSTEM_HEALTH_AGENT ? bc : NULL;
}

static nap_result sha_flush(struct agent_request *r)
{
    struct bound_client *bc = bound_sha(r);

    if (!bc)
        return NAP_RESULT_NOT_INITIALIZED;
    sha_dispatch_flush(bc->component);
    return NAP_RESULT_OK;
}

/* Whether the caller may act for the registered component kind/id: LocalSystem and administrators
 * for any, others only for what they registered. An unknown id is left to the call's own answer
 * (NOT_REGISTERED, ID_NOT_FOUND). Checked first, so a caller who may not act for an id learns
 * nothing more and cannot make the agent ask its holder whether it is alive. */
static int caller_refused(struct agent *a, const struct agent_request *r, enum nap_component_kind kind)
{
    struct component_table *table = kind == NAP_COMPONENT_ENFORCEMENT_CLIENT ? &a->ecs : &a->shas;
    struct component *c = kind == NAP_COMPONENT_ENFORCEMENT_CLIENT || kind == NAP_COMPONENT_SYSTEM_HEALTH_AGENT
                              ? component_table_find(table, r->id) : NULL;

    return c && !r->caller.privileged && !nap_identity_equal(&c->registration.owner, &r->caller.identity);
}

static nap_result initialize(struct agent *a, struct agent_request *r)
{
    nap_result result = agent_bind(a, r->binding, r->id, r->client);

    if (!nap_failed(result) && r->owner_out)
        *r->owner_out = r->binding->bound->component->registration.owner;
    return result;
}

static void dispatch(struct agent *a, struct agent_request *r)
{
    switch (r->kind) {
    case AGENT_REQUEST_INITIALIZE:
        if (caller_refused(a, r, r->binding->kind)) {
            r->result = NAP_RESULT_ACCESS_DENIED;
            agent_emit(a, AGENT_EVENT_INITIALIZE_REFUSED, r->binding->kind, r->id, 0, 0, r->result);
        } else if (r->binding->bound || !holder_probe_start(a, r, r->binding->kind, r->id)) {
            r->result = initialize(a, r);
        }
        break;
    case AGENT_REQUEST_UNREGISTER:
        if (caller_refused(a, r, r->component_kind))
            r->result = NAP_RESULT_ACCESS_DENIED;
        else if (!holder_probe_start(a, r, r->component_kind, r->id))
            component_admin_handle(a, r);
        break;
    case AGENT_REQUEST_UNINITIALIZE:
        r->result = uninitialize(r);
        break;
    case AGENT_REQUEST_DESTROY_BINDING:
        if (r->binding->bound)
            uninitialize(r);
        free(r->binding);
        r->result = NAP_RESULT_OK;
        break;
    case AGENT_REQUEST_SOH_TAKEN:
        r->result = soh_taken(r);
        break;
    case AGENT_REQUEST_SOH_CHANGE_FAILURE:
        r->result = failure_reported(a, r);
        break;
    case AGENT_REQUEST_CONNECTION_CREATED:
        r->result = connection_created(a, r);
        break;
    case AGENT_REQUEST_CONNECTION_DOWN:
        r->result = connection_down(r);
        break;
    case AGENT_REQUEST_CONNECTION_RELEASED:
        connection_released(a, r->connection);
        r->result = NAP_RESULT_OK;
        break;
    case AGENT_REQUEST_CONNECTION_CHECK:
        r->result = connection_check(r);
        break;
    case AGENT_REQUEST_BOUND_CHECK:
        r->result = r->binding->bound ? NAP_RESULT_OK : NAP_RESULT_NOT_INITIALIZED;
        break;
    case AGENT_REQUEST_SHA_NOTIFY_SOH_CHANGE:
        r->result = sha_notify(r);
        break;
    case AGENT_REQUEST_SHA_FLUSH_CACHE:
        r->result = sha_flush(r);
        break;
    case AGENT_REQUEST_BUILD_SOH_REQUEST:
        r->result = build_soh_request(a, r);
        break;
    case AGENT_REQUEST_PROCESS_SOH_RESPONSE:
        r->result = process_soh_response(a, r);
        break;
    case AGENT_REQUEST_SYSTEM_ISOLATION:
        connection_table_system(a, r->isolation, r->flag_out);
        r->result = NAP_RESULT_OK;
        break;
    case AGENT_REQUEST_RAISE_SOH_CHANGE:
        soh_delivery_raise_all(a);
        r->result = NAP_RESULT_OK;
        break;
    case AGENT_REQUEST_SET_RETRY_POLICY:
        if (retry_policy_valid(r->policy)) {
            a->config.retry = *r->policy;
            r->result = NAP_RESULT_OK;
        } else {
            r->result = NAP_RESULT_INVALID_ARG;
        }
        break;
    case AGENT_REQUEST_SNAPSHOT:
        r->result = snapshot_take(a, r->snapshot);
        break;
    case AGENT_REQUEST_STOP:
        agent_begin_stop(a);
        r->result = NAP_RESULT_OK;
        break;
    default:
        component_admin_handle(a, r);
        break;
    }
}

void agent_handle_request(struct handoff_request *request, void *context)
{
    struct agent *a = context;
    struct agent_request *r = CONTAINER_OF(request, struct agent_request, link);

    /* A client call queued before the stop began but handled after it: the queue no longer takes
     * client calls, and this one must not bind, raise or change anything either, or the stop
     * would wait for a client bound after it released everyone. */
    if (a->stopping && !r->internal) {
        r->result = NAP_RESULT_SERVICE_NOT_RUNNING;
        agent_answer(a, r);
        return;
    }
    dispatch(a, r);
    if (!r->deferred)
        agent_answer(a, r);
}

void agent_answer(struct agent *a, struct agent_request *r)
{
    if (r->heap)
        free(r);
    else if (!r->inline_call) {
        /* The caller holds r: once answered is set and the lock dropped, r may be gone. */
        uv_mutex_lock(&a->answer_lock);
        r->answered = 1;
        uv_cond_broadcast(&a->answer_cond);
        uv_mutex_unlock(&a->answer_lock);
    }
}
