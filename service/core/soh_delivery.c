/* Carries out what the SoH-change state machine decides for one EC: NotifySoHChange on the EC's
 * worker, the retry timer, the diagnostics. A dead client is unbound here, before the state
 * machine sees the result, because retrying against it would never succeed. */
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

static void notify_start(struct bound_client *bc)
{
    struct agent *a = bc->agent;

    bc->notify.job.run = notify_run;
    bc->notify.job.complete = notify_complete;
    bc->notify.returned.handle = soh_delivery_notify_returned;
    bc->notify.seq = bc->change.seq;
    bc->notify.attempt = bc->change.attempt;
    bc->notify.sent_at = uv_now(a->loop);
    bc->notify.result = NAP_RESULT_OK;
    if (client_worker_submit(&bc->worker, &bc->notify.job))
        ++a->outstanding_jobs;
    agent_emit(a, AGENT_EVENT_NOTIFICATION_SENT, bc->kind, bc->id, bc->change.attempt, 0,
               NAP_RESULT_OK);
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
    unsigned actions;

    --a->outstanding_jobs;
    agent_emit(a, AGENT_EVENT_NOTIFICATION_RETURNED, bc->kind, bc->id, n->attempt,
               uv_now(a->loop) - n->sent_at, n->result);
    if (bc->unbound) {
        agent_check_stopped(a);
        return;
    }
    if (nap_result_means_client_gone(n->result)) {
        agent_unbind(bc, AGENT_EVENT_CLIENT_DIED, n->result, NULL);
        return;
    }
    actions = soh_change_notify_returned(&bc->change, n->seq, nap_failed(n->result),
                                         a->config.retry.exhausted_after);
    soh_delivery_apply(bc, actions, n->result);
}
