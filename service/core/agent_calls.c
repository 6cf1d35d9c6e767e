/* The entry points of agent.h that any thread may call. Each builds a request in its own frame,
 * hands it to the loop and waits for the answer; on the loop thread it runs inline instead.
 * Nothing here touches core state. */
#include <stdlib.h>
#include <string.h>

#include "agent_internal.h"

static int on_loop_thread(struct agent *a)
{
    uv_thread_t self;

    if (!a->loop_thread_known)
        return 0;
    self = uv_thread_self();
    return uv_thread_equal(&self, &a->loop_thread_id);
}

static void request_init(struct agent_request *r, enum agent_request_kind kind)
{
    memset(r, 0, sizeof(*r));
    r->kind = kind;
    r->link.handle = agent_handle_request;
}

/* internal: allowed while the agent stops (only closing refuses it), for requests that release
 * memory or drive the stop itself. A timed request is on the heap and freed here, unless its
 * caller gave up waiting (then the loop frees it). */
static nap_result call(struct agent *a, struct agent_request *r, int internal)
{
    int waits_release = r->kind == AGENT_REQUEST_UNINITIALIZE
                        || r->kind == AGENT_REQUEST_DESTROY_BINDING;
    nap_result result, timeout_result = r->timeout_result;

    r->caller_worker = client_worker_current();
    r->internal = internal;
    if (on_loop_thread(a)) {
        r->inline_call = 1;
        if (!internal && !handoff_queue_accepting(&a->handoff))
            r->result = NAP_RESULT_SERVICE_NOT_RUNNING;
        else
            agent_handle_request(&r->link, a);
        result = r->result;
        if (r->timed)
            free(r);
        return result;
    }
    if (waits_release && uv_sem_init(&r->release_wait, 0))
        return NAP_RESULT_OUT_OF_MEMORY;
    result = handoff_queue_push(&a->handoff, &r->link, internal);
    if (!nap_failed(result)) {
        uint64_t deadline = 0, now;
        int abandoned;

        uv_mutex_lock(&a->answer_lock);
        while (!r->answered) {
            if (!r->timed || !r->deferred || r->claimed) {
                uv_cond_wait(&a->answer_cond, &a->answer_lock);
                continue;
            }
            /* The loop deferred the answer to a holder probe: wait for it only so long. */
            now = uv_hrtime();
            if (!deadline)
                deadline = now + AGENT_HOLDER_PROBE_TIMEOUT_MS * UINT64_C(1000000);
            if (now >= deadline) {
                r->abandoned = 1;
                break;
            }
            uv_cond_timedwait(&a->answer_cond, &a->answer_lock, deadline - now);
        }
        abandoned = r->abandoned;
        uv_mutex_unlock(&a->answer_lock);
        if (abandoned)
            return timeout_result;   /* r is the loop's now */
        result = r->result;
        if (r->wait_for_release)
            uv_sem_wait(&r->release_wait);
    }
    if (waits_release)
        uv_sem_destroy(&r->release_wait);
    if (r->timed)
        free(r);
    return result;
}

static int kind_valid(enum nap_component_kind kind)
{
    return kind == NAP_COMPONENT_ENFORCEMENT_CLIENT || kind == NAP_COMPONENT_SYSTEM_HEALTH_AGENT;
}

nap_result agent_binding_create(struct agent *agent, enum nap_component_kind kind,
                                struct agent_binding **out)
{
    struct agent_binding *b;

    if (!agent || !out)
        return NAP_RESULT_NULL_POINTER;
    *out = NULL;
    if (!kind_valid(kind))
        return NAP_RESULT_INVALID_ARG;
    if (!(b = calloc(1, sizeof(*b))))
        return NAP_RESULT_OUT_OF_MEMORY;
    b->agent = agent;
    b->kind = kind;
    *out = b;
    return NAP_RESULT_OK;
}

void agent_binding_destroy(struct agent_binding *binding)
{
    struct agent_request r;

    if (!binding)
        return;
    request_init(&r, AGENT_REQUEST_DESTROY_BINDING);
    r.binding = binding;
    /* Refused only once the loop has closed: then nothing refers to the binding any more. */
    if (nap_failed(call(binding->agent, &r, 1)))
        free(binding);
}

static nap_result binding_call(struct agent_binding *binding, enum agent_request_kind kind,
                               enum nap_component_kind required)
{
    struct agent_request r;

    if (!binding)
        return NAP_RESULT_NULL_POINTER;
    if (required && binding->kind != required)
        return NAP_RESULT_INVALID_ARG;
    request_init(&r, kind);
    r.binding = binding;
    return call(binding->agent, &r, 0);
}

/* On the heap: when the id is held, the caller may stop waiting for the holder probe and leave
 * the request to the loop (holder_probe.c). */
nap_result agent_binding_initialize(struct agent_binding *binding, uint32_t id, void *client,
                                    const struct agent_caller *caller, struct nap_identity *owner)
{
    struct agent_request *r;

    if (!binding || !client || !caller)
        return NAP_RESULT_NULL_POINTER;
    if (!(r = malloc(sizeof(*r))))
        return NAP_RESULT_OUT_OF_MEMORY;
    request_init(r, AGENT_REQUEST_INITIALIZE);
    r->binding = binding;
    r->id = id;
    r->client = client;
    r->caller = *caller;
    r->owner_out = owner;
    r->timed = 1;
    r->timeout_result = NAP_RESULT_ALREADY_INITIALIZED;
    return call(binding->agent, r, 0);   /* frees r, or leaves it to the loop */
}

nap_result agent_binding_uninitialize(struct agent_binding *binding)
{
    return binding_call(binding, AGENT_REQUEST_UNINITIALIZE, 0);
}

nap_result agent_ec_soh_request_taken(struct agent_binding *binding)
{
    return binding_call(binding, AGENT_REQUEST_SOH_TAKEN, NAP_COMPONENT_ENFORCEMENT_CLIENT);
}

nap_result agent_ec_notify_soh_change_failure(struct agent_binding *binding)
{
    return binding_call(binding, AGENT_REQUEST_SOH_CHANGE_FAILURE,
                        NAP_COMPONENT_ENFORCEMENT_CLIENT);
}

static nap_result connection_call(struct agent_binding *binding, enum agent_request_kind kind,
                                   uint64_t connection)
{
    struct agent_request r;

    if (!binding)
        return NAP_RESULT_NULL_POINTER;
    if (binding->kind != NAP_COMPONENT_ENFORCEMENT_CLIENT)
        return NAP_RESULT_INVALID_ARG;
    request_init(&r, kind);
    r.binding = binding;
    r.connection = connection;
    return call(binding->agent, &r, 0);
}

nap_result agent_ec_connection_created(struct agent_binding *binding, uint64_t connection)
{
    return connection_call(binding, AGENT_REQUEST_CONNECTION_CREATED, connection);
}

nap_result agent_ec_connection_down(struct agent_binding *binding, uint64_t connection)
{
    return connection_call(binding, AGENT_REQUEST_CONNECTION_DOWN, connection);
}

nap_result agent_ec_build_soh_request(struct agent_binding *binding, uint64_t connection,
                                      const struct agent_soh_request_params *params,
                                      uint8_t **request, size_t *size, int *retrigger_hint)
{
    struct agent_request r;

    if (!binding || !params || !params->machine || !request || !size || !retrigger_hint)
        return NAP_RESULT_NULL_POINTER;
    *request = NULL;
    *size = 0;
    *retrigger_hint = 0;
    if (binding->kind != NAP_COMPONENT_ENFORCEMENT_CLIENT)
        return NAP_RESULT_INVALID_ARG;
    request_init(&r, AGENT_REQUEST_BUILD_SOH_REQUEST);
    r.binding = binding;
    r.connection = connection;
    r.soh_params = params;
    r.bytes_out = request;
    r.byte_count_out = size;
    r.flag_out = retrigger_hint;
    return call(binding->agent, &r, 0);
}

nap_result agent_ec_process_soh_response(struct agent_binding *binding, uint64_t connection,
                                         const uint8_t *response, size_t size,
                                         struct agent_soh_decision *decision)
{
    struct agent_request r;

    if (!binding || (!response && size) || !decision)
        return NAP_RESULT_NULL_POINTER;
    memset(decision, 0, sizeof(*decision));
    if (binding->kind != NAP_COMPONENT_ENFORCEMENT_CLIENT)
        return NAP_RESULT_INVALID_ARG;
    request_init(&r, AGENT_REQUEST_PROCESS_SOH_RESPONSE);
    r.binding = binding;
    r.connection = connection;
    r.bytes = response;
    r.byte_count = size;
    r.decision = decision;
    return call(binding->agent, &r, 0);
}

nap_result agent_system_isolation(struct agent *agent, struct agent_isolation *out,
                                  int *unknown_connections)
{
    struct agent_request r;

    if (!agent || !out || !unknown_connections)
        return NAP_RESULT_NULL_POINTER;
    request_init(&r, AGENT_REQUEST_SYSTEM_ISOLATION);
    r.isolation = out;
    r.flag_out = unknown_connections;
    return call(agent, &r, 0);
}

nap_result agent_binding_check(struct agent_binding *binding)
{
    return binding_call(binding, AGENT_REQUEST_BOUND_CHECK, 0);
}

nap_result agent_ec_connection_check(struct agent_binding *binding)
{
    return binding_call(binding, AGENT_REQUEST_CONNECTION_CHECK, NAP_COMPONENT_ENFORCEMENT_CLIENT);
}

nap_result agent_sha_notify_soh_change(struct agent_binding *binding)
{
    return binding_call(binding, AGENT_REQUEST_SHA_NOTIFY_SOH_CHANGE,
                        NAP_COMPONENT_SYSTEM_HEALTH_AGENT);
}

nap_result agent_sha_flush_cache(struct agent_binding *binding)
{
    return binding_call(binding, AGENT_REQUEST_SHA_FLUSH_CACHE, NAP_COMPONENT_SYSTEM_HEALTH_AGENT);
}

/* A request nobody waits for: on the heap, freed by the loop once handled. */
static nap_result post(struct agent *agent, struct agent_request *r)
{
    nap_result result;

    r->heap = 1;
    if (on_loop_thread(agent)) {
        if (!handoff_queue_accepting(&agent->handoff)) {
            free(r);
            return NAP_RESULT_SERVICE_NOT_RUNNING;
        }
        r->inline_call = 1;
        agent_handle_request(&r->link, agent);
        return NAP_RESULT_OK;
    }
    if (nap_failed(result = handoff_queue_push(&agent->handoff, &r->link, 0)))
        free(r);
    return result;
}

/* The caller does not wait for a raised change to be delivered, only for it to be queued. */
nap_result agent_raise_soh_change(struct agent *agent)
{
    struct agent_request *r;

    if (!agent)
        return NAP_RESULT_NULL_POINTER;
    if (!(r = malloc(sizeof(*r))))
        return NAP_RESULT_OUT_OF_MEMORY;
    request_init(r, AGENT_REQUEST_RAISE_SOH_CHANGE);
    return post(agent, r);
}

nap_result agent_ec_connection_released(struct agent *agent, uint64_t connection)
{
    struct agent_request *r;

    if (!agent)
        return NAP_RESULT_NULL_POINTER;
    if (!(r = malloc(sizeof(*r))))
        return NAP_RESULT_OUT_OF_MEMORY;
    request_init(r, AGENT_REQUEST_CONNECTION_RELEASED);
    r->connection = connection;
    return post(agent, r);
}

nap_result agent_register(struct agent *agent, const struct nap_registration *registration)
{
    struct agent_request r;

    if (!agent || !registration)
        return NAP_RESULT_NULL_POINTER;
    request_init(&r, AGENT_REQUEST_REGISTER);
    r.registration = registration;
    return call(agent, &r, 0);
}

/* On the heap, like Initialize: a bound id's holder is asked whether it is alive first. */
nap_result agent_unregister(struct agent *agent, enum nap_component_kind kind, uint32_t id,
                            const struct agent_caller *caller)
{
    struct agent_request *r;

    if (!agent || !caller)
        return NAP_RESULT_NULL_POINTER;
    if (!(r = malloc(sizeof(*r))))
        return NAP_RESULT_OUT_OF_MEMORY;
    request_init(r, AGENT_REQUEST_UNREGISTER);
    r->component_kind = kind;
    r->id = id;
    r->caller = *caller;
    r->timed = 1;
    r->timeout_result = NAP_RESULT_STILL_BOUND;
    return call(agent, r, 0);   /* frees r, or leaves it to the loop */
}

nap_result agent_set_enabled(struct agent *agent, uint32_t ec_id, int enabled)
{
    struct agent_request r;

    if (!agent)
        return NAP_RESULT_NULL_POINTER;
    request_init(&r, AGENT_REQUEST_SET_ENABLED);
    r.id = ec_id;
    r.flag = enabled;
    return call(agent, &r, 0);
}

nap_result agent_list_registrations(struct agent *agent, enum nap_component_kind kind,
                                    struct nap_registration **out, size_t *count)
{
    struct agent_request r;

    if (!agent || !out || !count)
        return NAP_RESULT_NULL_POINTER;
    *out = NULL;
    *count = 0;
    request_init(&r, AGENT_REQUEST_LIST);
    r.component_kind = kind;
    r.list = out;
    r.list_count = count;
    return call(agent, &r, 0);
}

nap_result agent_set_retry_policy(struct agent *agent, const struct retry_policy *policy)
{
    struct agent_request r;

    if (!agent || !policy)
        return NAP_RESULT_NULL_POINTER;
    request_init(&r, AGENT_REQUEST_SET_RETRY_POLICY);
    r.policy = policy;
    return call(agent, &r, 0);
}

nap_result agent_snapshot(struct agent *agent, struct agent_snapshot *out)
{
    struct agent_request r;

    if (!agent || !out)
        return NAP_RESULT_NULL_POINTER;
    memset(out, 0, sizeof(*out));
    request_init(&r, AGENT_REQUEST_SNAPSHOT);
    r.snapshot = out;
    return call(agent, &r, 0);
}

/* For agent_stop from a thread other than the loop's. */
nap_result agent_request_stop(struct agent *agent)
{
    struct agent_request r;

    request_init(&r, AGENT_REQUEST_STOP);
    return call(agent, &r, 1);
}
