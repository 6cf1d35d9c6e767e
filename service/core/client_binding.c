/* Binding and unbinding of EC and SHA clients: the rules of Initialize (registered, enabled, one
 * live binding per id) and the one way a client is let go, whatever the reason (Uninitialize,
 * binding destroyed, client died, agent stopping): unlink at once, cancel its retry, drop calls
 * not started yet, and release it on its own worker after the running call returns. */
#include <stdlib.h>

#include "agent_internal.h"

static struct bound_client **bound_list(struct agent *a, enum nap_component_kind kind)
{
    return kind == NAP_COMPONENT_ENFORCEMENT_CLIENT ? &a->bound_ecs : &a->bound_shas;
}

static void release_run(struct worker_job *job)
{
    struct release_job *r = (struct release_job *)job;
    struct bound_client *bc = r->owner;
    struct agent *a = bc->agent;

    a->calls.client_release(a->calls.context, bc->client, r->died);
    if (r->waiter)
        uv_sem_post(r->waiter);
}

static void release_complete(struct worker_job *job)
{
    struct release_job *r = (struct release_job *)job;

    /* Cannot be refused: the queue closes only when no job is outstanding. */
    handoff_queue_push(&r->owner->agent->handoff, &r->released, 1);
}

static void released(struct handoff_request *request, void *context)
{
    struct agent *a = context;
    struct release_job *r = CONTAINER_OF(request, struct release_job, released);

    --a->outstanding_jobs;
    agent_bound_client_put(r->owner);
}

void agent_bound_client_put(struct bound_client *bc)
{
    struct agent *a = bc->agent;

    if (--bc->live_parts == 0) {
        if (bc->prev)
            bc->prev->next = bc->next;
        else
            a->leaving = bc->next;
        if (bc->next)
            bc->next->prev = bc->prev;
        free(bc->conns);
        free(bc);
        --a->live_clients;
    }
    agent_check_stopped(a);
}

nap_result agent_bind(struct agent *a, struct agent_binding *binding, uint32_t id, void *client)
{
    struct component_table *table = binding->kind == NAP_COMPONENT_ENFORCEMENT_CLIENT
                                        ? &a->ecs : &a->shas;
    struct component *c = component_table_find(table, id);
    struct bound_client *bc, **list;
    nap_result refused = NAP_RESULT_OK;

    if (binding->bound || (c && c->bound))
        refused = NAP_RESULT_ALREADY_INITIALIZED;
    else if (!c)
        refused = NAP_RESULT_NOT_REGISTERED;
    else if (!c->registration.enabled)
        refused = NAP_RESULT_ENTITY_DISABLED;
    if (nap_failed(refused)) {
        agent_emit(a, AGENT_EVENT_INITIALIZE_REFUSED, binding->kind, id, 0, 0, refused);
        return refused;
    }
    if (!(bc = calloc(1, sizeof(*bc))))
        return NAP_RESULT_OUT_OF_MEMORY;
    bc->agent = a;
    bc->binding = binding;
    bc->component = c;
    bc->kind = binding->kind;
    bc->id = id;
    bc->client = client;
    retry_schedule_init(bc);
    soh_delivery_init(bc);
    client_worker_init(&bc->worker, &a->pool);
    soh_change_init(&bc->change);
    bc->release.owner = bc;
    bc->live_parts = 3;   /* the two timers' closes and the release */
    ++a->live_clients;

    list = bound_list(a, bc->kind);
    bc->next = *list;
    if (*list)
        (*list)->prev = bc;
    *list = bc;
    c->bound = bc;
    binding->bound = bc;
    agent_emit(a, AGENT_EVENT_BOUND, bc->kind, id, 0, 0, NAP_RESULT_OK);
    return NAP_RESULT_OK;
}

/* A call queued but not started when the client is let go: it never runs, so its result will
 * never come back to be counted. */
static void job_dropped(struct worker_job *job, void *context)
{
    struct agent *a = context;

    --a->outstanding_jobs;
    if (job->discard)
        job->discard(job);
}

void agent_unbind(struct bound_client *bc, enum agent_event_kind reason, nap_result result,
                  uv_sem_t *waiter)
{
    struct agent *a = bc->agent;

    if (bc->prev)
        bc->prev->next = bc->next;
    else
        *bound_list(a, bc->kind) = bc->next;
    if (bc->next)
        bc->next->prev = bc->prev;
    bc->prev = NULL;
    bc->next = a->leaving;
    if (a->leaving)
        a->leaving->prev = bc;
    a->leaving = bc;
    bc->component->bound = NULL;
    bc->binding->bound = NULL;
    if (bc->kind == NAP_COMPONENT_SYSTEM_HEALTH_AGENT)
        sha_dispatch_unbound(bc);
    else
        connection_table_clear(bc);
    bc->component = NULL;
    bc->binding = NULL;
    bc->unbound = 1;

    retry_schedule_close(bc);
    soh_delivery_close(bc);
    bc->release.job.run = release_run;
    bc->release.job.complete = release_complete;
    bc->release.released.handle = released;
    bc->release.waiter = waiter;
    bc->release.died = reason == AGENT_EVENT_CLIENT_DIED;
    ++a->outstanding_jobs;
    client_worker_close(&bc->worker, &bc->release.job, job_dropped, a);
    agent_emit(a, reason, bc->kind, bc->id, bc->change.attempt, 0, result);
}

void agent_unbind_all(struct agent *a)
{
    while (a->bound_ecs)
        agent_unbind(a->bound_ecs, AGENT_EVENT_UNBOUND, NAP_RESULT_SERVICE_NOT_RUNNING, NULL);
    while (a->bound_shas)
        agent_unbind(a->bound_shas, AGENT_EVENT_UNBOUND, NAP_RESULT_SERVICE_NOT_RUNNING, NULL);
}
