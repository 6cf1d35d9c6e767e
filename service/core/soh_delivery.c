/* Carries out what the SoH-change state machine decides for one EC: NotifySoHChange on the EC's
 * worker, the retry timer, the diagnostics. A dead client is unbound here, before the state
 * machine sees the result, because retrying against it would never succeed.
 *
 * A notification that does not return within notify_overdue_ms is given up on: its thread keeps
 * it, the EC is reported, and it counts as a failed attempt, so the retry policy sends it again
 * on another thread. Without that, every later change would only merge into the one whose call
 * never came back, and the EC would never hear of any of them. */
#include <stdlib.h>

#include "agent_internal.h"

static void notify_run(struct worker_job *job)
{
    struct notify_job *n = CONTAINER_OF(job, struct notify_job, job);
    struct agent *a = n->owner->agent;

    n->result = a->calls.ec_notify_soh_change(a->calls.context, n->owner->client);
}

static void notify_complete(struct worker_job *job)
{
    struct notify_job *n = CONTAINER_OF(job, struct notify_job, job);

    handoff_queue_push(&n->owner->agent->handoff, &n->returned, 1);
}

/* Queued but never run: the client was let go first. */
static void notify_dropped(struct worker_job *job)
{
    free(CONTAINER_OF(job, struct notify_job, job));
}

static void on_overdue(uv_timer_t *timer)
{
    struct bound_client *bc = timer->data;
    struct notify_job *n = bc->notifying;
    struct agent *a = bc->agent;

    if (!n)
        return;
    switch (client_worker_detach(&bc->worker, &n->job)) {
    case CLIENT_WORKER_AHEAD_DETACHED:
        /* Another call into the EC (a holder probe) was stuck ahead of it: now it can start. */
        n->sent_at = uv_now(a->loop);
        uv_timer_start(&bc->notify_watch, on_overdue, a->config.notify_overdue_ms, 0);
        return;
    case CLIENT_WORKER_DETACHED:
        break;
    default:
        return;
    }
    n->overdue = 1;
    bc->notifying = NULL;
    agent_emit(a, AGENT_EVENT_NOTIFICATION_OVERDUE, bc->kind, bc->id, n->attempt,
               uv_now(a->loop) - n->sent_at, NAP_RESULT_OK);
    soh_delivery_apply(bc, soh_change_notify_returned(&bc->change, n->seq, 1,
                                                      a->config.retry.exhausted_after),
                       NAP_RESULT_OK);
}

static void notify_start(struct bound_client *bc)
{
    struct agent *a = bc->agent;
    struct notify_job *n = calloc(1, sizeof(*n));

    if (!n) {
        /* As if the call had failed: the retry policy tries again. */
        soh_delivery_apply(bc, soh_change_notify_returned(&bc->change, bc->change.seq, 1,
                                                          a->config.retry.exhausted_after),
                           NAP_RESULT_OUT_OF_MEMORY);
        return;
    }
    n->job.run = notify_run;
    n->job.complete = notify_complete;
    n->job.discard = notify_dropped;
    n->returned.handle = soh_delivery_notify_returned;
    n->owner = bc;
    n->seq = bc->change.seq;
    n->attempt = bc->change.attempt;
    n->sent_at = uv_now(a->loop);
    n->result = NAP_RESULT_OK;
    agent_emit(a, AGENT_EVENT_NOTIFICATION_SENT, bc->kind, bc->id, n->attempt, 0, NAP_RESULT_OK);
    if (!client_worker_submit(&bc->worker, &n->job)) {
        free(n);
        return;
    }
    ++a->outstanding_jobs;
    bc->notifying = n;
    uv_timer_start(&bc->notify_watch, on_overdue, a->config.notify_overdue_ms, 0);
}

static void on_watch_closed(uv_handle_t *handle)
{
    agent_bound_client_put(handle->data);
}

/* Like the retry timer's: uv_timer_init only links the handle into the loop. */
void soh_delivery_init(struct bound_client *bc)
{
    uv_timer_init(bc->agent->loop, &bc->notify_watch);
    bc->notify_watch.data = bc;
}

void soh_delivery_close(struct bound_client *bc)
{
    bc->notifying = NULL;
    uv_close((uv_handle_t *)&bc->notify_watch, on_watch_closed);
}

void soh_delivery_apply(struct bound_client *bc, unsigned actions, nap_result failure)
{
    struct agent *a = bc->agent;
    uint32_t attempt = bc->change.attempt;

    if (actions & SOH_ACTION_RAISED)
        agent_emit(a, AGENT_EVENT_SOH_CHANGE_RAISED, bc->kind, bc->id, 0, 0, NAP_RESULT_OK);
    if (actions & SOH_ACTION_MERGED)
        agent_emit(a, AGENT_EVENT_SOH_CHANGE_MERGED, bc->kind, bc->id, attempt, 0, NAP_RESULT_OK);
    if (actions & SOH_ACTION_CANCEL_RETRY)
        retry_schedule_cancel(bc);
    if (actions & SOH_ACTION_APPLIED)
        agent_emit(a, AGENT_EVENT_CHANGE_APPLIED, bc->kind, bc->id, attempt, 0, NAP_RESULT_OK);
    if (actions & SOH_ACTION_SCHEDULE_RETRY) {
        uint64_t delay = retry_policy_next_delay(&a->config.retry, attempt, &a->rng);
        retry_schedule_start(bc, delay);
        agent_emit(a, AGENT_EVENT_NOTIFICATION_FAILED, bc->kind, bc->id, attempt, delay, failure);
    }
    if (actions & SOH_ACTION_EXHAUSTED)
        agent_emit(a, AGENT_EVENT_RETRY_EXHAUSTED, bc->kind, bc->id, attempt,
                   a->config.retry.max_delay_ms, NAP_RESULT_OK);
    if (actions & SOH_ACTION_NOTIFY)
        notify_start(bc);
}

void soh_delivery_raise_all(struct agent *a)
{
    /* Apply may not unbind, so walking the list while applying is safe. */
    for (struct bound_client *bc = a->bound_ecs; bc; bc = bc->next)
        soh_delivery_apply(bc, soh_change_raise(&bc->change), NAP_RESULT_OK);
}

void soh_delivery_notify_returned(struct handoff_request *request, void *context)
{
    struct agent *a = context;
    struct notify_job *n = CONTAINER_OF(request, struct notify_job, returned);
    struct bound_client *bc = n->owner;
    struct notify_job late = *n;

    free(n);
    --a->outstanding_jobs;
    agent_emit(a, AGENT_EVENT_NOTIFICATION_RETURNED, bc->kind, bc->id, late.attempt,
               uv_now(a->loop) - late.sent_at, late.result);
    if (bc->unbound) {
        agent_check_stopped(a);
        return;
    }
    if (nap_result_means_client_gone(late.result)) {
        agent_unbind(bc, AGENT_EVENT_CLIENT_DIED, late.result, NULL);
        return;
    }
    /* Given up on: the state machine already counted it as failed and moved on. */
    if (late.overdue)
        return;
    bc->notifying = NULL;
    uv_timer_stop(&bc->notify_watch);
    soh_delivery_apply(bc, soh_change_notify_returned(&bc->change, late.seq, nap_failed(late.result),
                                                      a->config.retry.exhausted_after),
                       late.result);
}
