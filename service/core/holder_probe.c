/* Initialize of an id that another binding holds, or Unregister of a bound id. A client process
 * that crashed between calls leaves its binding bound: nothing calls it, so nothing notices, and
 * under Wine COM never runs the dead client's objects down. Its restarted process would be
 * refused forever, and an administrator could never unregister it. So before refusing, the agent
 * asks the holder whether it is still there (agent_client_calls.client_alive, on the holder's own
 * worker so it never overlaps another call into it): a transport error unbinds the holder as dead,
 * and the request is then handled again as if it had just arrived.
 *
 * The caller waits for the answer at most AGENT_HOLDER_PROBE_TIMEOUT_MS once the probe started
 * (a holder frozen inside a callback keeps its worker, and the probe queues behind that call);
 * then it gets the request's refusal (r->timeout_result) and abandons the request, which the loop
 * frees when the probe comes back. A probe that comes back claims the request first, under the
 * answer lock, so a caller can no longer abandon a request that is about to bind. */
#include <stdlib.h>

#include "agent_internal.h"

struct holder_probe {
    struct worker_job job;
    struct handoff_request returned;
    struct bound_client *holder;
    struct agent_request *waiter;
    nap_result result;              /* written on the worker, read on the loop after the hand-off */
};

static void probe_run(struct worker_job *job)
{
    struct holder_probe *p = CONTAINER_OF(job, struct holder_probe, job);
    struct agent *a = p->holder->agent;

    p->result = a->calls.client_alive(a->calls.context, p->holder->client);
}

static void probe_complete(struct worker_job *job)
{
    struct holder_probe *p = CONTAINER_OF(job, struct holder_probe, job);

    handoff_queue_push(&p->holder->agent->handoff, &p->returned, 1);
}

/* The holder was unbound before the probe ran (runs under the pool lock, on the loop thread):
 * the waiter is still answered through the loop, as if the probe had come back. */
static void probe_dropped(struct worker_job *job)
{
    struct holder_probe *p = CONTAINER_OF(job, struct holder_probe, job);
    struct agent *a = p->holder->agent;

    p->result = NAP_RESULT_OK;
    ++a->outstanding_jobs;
    handoff_queue_push(&a->handoff, &p->returned, 1);
}

/* Whether the caller still waits; if so it can no longer give up. */
static int claim(struct agent *a, struct agent_request *r)
{
    int abandoned;

    uv_mutex_lock(&a->answer_lock);
    abandoned = r->abandoned;
    if (!abandoned) {
        r->claimed = 1;
        r->deferred = 0;
    }
    uv_mutex_unlock(&a->answer_lock);
    return !abandoned;
}

static void probe_returned(struct handoff_request *request, void *context)
{
    struct agent *a = context;
    struct holder_probe *p = CONTAINER_OF(request, struct holder_probe, returned);
    struct bound_client *holder = p->holder;
    struct agent_request *r = p->waiter;   /* its binding may be gone if the caller gave up */

    --a->outstanding_jobs;
    holder->probed = 0;
    if (!holder->unbound && nap_result_means_client_gone(p->result))
        agent_unbind(holder, AGENT_EVENT_CLIENT_DIED, p->result, NULL);
    free(p);
    if (!claim(a, r)) {
        /* The caller was refused when it gave up; now the loop can say so. */
        if (r->kind == AGENT_REQUEST_INITIALIZE)
            agent_emit(a, AGENT_EVENT_INITIALIZE_REFUSED, holder->kind, r->id, 0, 0,
                       r->timeout_result);
        free(r);
    } else if (a->stopping) {
        r->result = NAP_RESULT_SERVICE_NOT_RUNNING;
        agent_answer(a, r);
    } else {
        r->holder_probed = 1;
        agent_handle_request(&r->link, a);   /* as if it had just arrived; answers it */
    }
    agent_check_stopped(a);
}

/* Counts the probe against the holder's second (see AGENT_HOLDER_PROBES_PER_SECOND). */
static int probe_allowed(struct agent *a, struct bound_client *holder)
{
    uint64_t now = uv_now(a->loop);

    if (now - holder->probes_since >= 1000) {
        holder->probes_since = now;
        holder->probes = 0;
    }
    if (holder->probes >= AGENT_HOLDER_PROBES_PER_SECOND)
        return 0;
    ++holder->probes;
    return 1;
}

int holder_probe_start(struct agent *a, struct agent_request *r, enum nap_component_kind kind,
                       uint32_t id)
{
    struct component_table *table = kind == NAP_COMPONENT_ENFORCEMENT_CLIENT ? &a->ecs : &a->shas;
    struct component *c = kind == NAP_COMPONENT_ENFORCEMENT_CLIENT
                                  || kind == NAP_COMPONENT_SYSTEM_HEALTH_AGENT
                              ? component_table_find(table, id) : NULL;
    struct bound_client *holder = c ? c->bound : NULL;
    struct holder_probe *p;

    /* The loop itself cannot wait, and neither can the holder's own worker (the holder calling
     * Initialize with its own id from inside a callback): the probe would queue behind it. */
    if (!holder || r->holder_probed || !a->calls.client_alive || !r->timed || r->inline_call
        || r->caller_worker == &holder->worker)
        return 0;
    if (holder->probed || !probe_allowed(a, holder))
        return 0;
    if (!(p = calloc(1, sizeof(*p))))
        return 0;
    p->job.run = probe_run;
    p->job.complete = probe_complete;
    p->job.discard = probe_dropped;
    p->returned.handle = probe_returned;
    p->holder = holder;
    p->waiter = r;
    if (!client_worker_submit(&holder->worker, &p->job)) {
        free(p);
        return 0;
    }
    ++a->outstanding_jobs;
    holder->probed = 1;
    uv_mutex_lock(&a->answer_lock);
    r->deferred = 1;
    uv_cond_broadcast(&a->answer_cond);
    uv_mutex_unlock(&a->answer_lock);
    return 1;
}
