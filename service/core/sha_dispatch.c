/* The agent's calls into system health agents, each on the SHA's own worker: GetSoHRequest when
 * the SHA reports a change, ProcessSoHResponse with its part of a response, and the notices of an
 * isolation change or an orphaned request. Also the SoH the agent holds per SHA, which is what
 * goes into every EC's request (soh_exchange.c).
 *
 * Nothing waits for an SHA without bound, whatever it or the ECs do: of each kind of call one at
 * a time is queued or running on its worker. NotifySoHChange calls that arrive while the SHA is
 * being asked fold into one more ask afterwards; isolation changes fold into one more notice;
 * response parts and orphaned ids wait behind theirs in bounded backlogs (AGENT_SHA_*_WAITING),
 * the oldest dropped when full (a frozen SHA must not make the agent hold every response an EC
 * ever processed). Calls of one kind keep their order; across kinds a backed-up SHA may hear of
 * an isolation change before it gets the response that caused it. */
#include <stdlib.h>
#include <string.h>

#include "agent_internal.h"
#include "nap_values.h"

static void job_free(struct sha_job *j)
{
    free(j->data);
    free(j->answer.soh);
    free(j);
}

void sha_dispatch_job_dropped(struct worker_job *job)
{
    job_free((struct sha_job *)job);
}

static void job_run(struct worker_job *job)
{
    struct sha_job *j = (struct sha_job *)job;
    struct agent *a = j->owner->agent;
    const struct agent_client_calls *calls = &a->calls;
    void *client = j->owner->client;

    switch (j->kind) {
    case SHA_JOB_GET_SOH:
        j->result = calls->sha_get_soh_request
                        ? calls->sha_get_soh_request(calls->context, client, &j->correlation,
                                                     j->data, j->size, &j->answer)
                        : NAP_RESULT_NOT_IMPLEMENTED;
        break;
    case SHA_JOB_PROCESS_RESPONSE:
        j->result = calls->sha_process_soh_response
                        ? calls->sha_process_soh_response(calls->context, client, &j->correlation,
                                                          j->data, j->size, j->flags)
                        : NAP_RESULT_NOT_IMPLEMENTED;
        break;
    case SHA_JOB_ISOLATION_CHANGED:
        j->result = calls->sha_notify_isolation_change
                        ? calls->sha_notify_isolation_change(calls->context, client)
                        : NAP_RESULT_NOT_IMPLEMENTED;
        break;
    case SHA_JOB_ORPHANED:
        j->result = calls->sha_notify_orphaned_request
                        ? calls->sha_notify_orphaned_request(calls->context, client, &j->correlation)
                        : NAP_RESULT_NOT_IMPLEMENTED;
        break;
    }
}

static void job_complete(struct worker_job *job)
{
    struct sha_job *j = (struct sha_job *)job;

    handoff_queue_push(&j->owner->agent->handoff, &j->returned, 1);
}

/* Replaces the SoH held for c; takes ownership of soh. Returns whether the bytes differ. */
static int hold(struct component *c, uint8_t *soh, size_t size, int cached)
{
    int changed = !c->soh || c->soh_size != size || memcmp(c->soh, soh, size) != 0;

    free(c->soh);
    c->soh = soh;
    c->soh_size = size;
    c->soh_cached = cached;
    c->soh_by_agent = 0;
    return changed;
}

/* Holds the stand-in for an SHA that could not give its SoH; returns whether it changed. */
static int hold_stand_in(struct component *c, uint8_t category, nap_result error)
{
    uint8_t *soh;
    size_t size;

    int changed;

    if (nap_failed(soh_exchange_stand_in(c->registration.id, category, error, &soh, &size)))
        return 0;   /* out of memory: the request builder makes a stand-in itself */
    changed = hold(c, soh, size, 0);
    c->soh_by_agent = 1;
    return changed;
}

static void gathered(struct agent *a, struct bound_client *sha, struct sha_job *j)
{
    struct component *c = sha->component;
    int changed;

    sha->gathering = 0;
    if (nap_result_means_client_gone(j->result)) {
        /* RPC_S_SERVER_UNAVAILABLE is also the SHA's documented "drop me": its cache goes too. */
        sha_dispatch_flush(c);
        agent_unbind(sha, AGENT_EVENT_CLIENT_DIED, j->result, NULL);
        return;
    }
    if (nap_failed(j->result)) {
        changed = hold_stand_in(c, FAILURE_CATEGORY_CLIENT_COMPONENT, j->result);
        agent_emit(a, AGENT_EVENT_SHA_SOH_FAILED, sha->kind, sha->id, 0, 0, j->result);
    } else if (j->answer.soh) {
        changed = hold(c, j->answer.soh, j->answer.size, j->answer.cache) && j->answer.changed;
        j->answer.soh = NULL;
    } else if (c->soh) {
        changed = 0;   /* the SHA set nothing new: the SoH held stands */
    } else {
        /* Nothing given and nothing held: what the documentation tells an SHA with no SoH ready
         * to send itself. */
        changed = hold_stand_in(c, FAILURE_CATEGORY_CLIENT_COMMUNICATION, NAP_RESULT_NO_CACHED_SOH);
    }
    if (changed) {
        agent_emit(a, AGENT_EVENT_SHA_SOH_CHANGED, sha->kind, sha->id, 0, 0, NAP_RESULT_OK);
        soh_delivery_raise_all(a);
    } else if (!nap_failed(j->result)) {
        agent_emit(a, AGENT_EVENT_SHA_SOH_UNCHANGED, sha->kind, sha->id, 0, 0, NAP_RESULT_OK);
    }
    if (sha->gather_again) {
        sha->gather_again = 0;
        sha_dispatch_gather(sha);
    }
}

static void submit(struct sha_job *j);
static struct sha_job *job_new(struct bound_client *sha, enum sha_job_kind kind,
                               const uint8_t *data, size_t size);
static void notify_isolation(struct bound_client *sha);
static void notify_orphan(struct bound_client *sha, const struct agent_correlation_id *id);

/* The call of j's kind came back: the next of that kind may go. */
static void start_next(struct bound_client *sha, enum sha_job_kind kind)
{
    struct sha_backlog *b = &sha->backlog;

    switch (kind) {
    case SHA_JOB_PROCESS_RESPONSE:
        b->response_out = 0;
        if (b->responses) {
            struct sha_job *next = b->responses;

            if (!(b->responses = next->waiting_next))
                b->responses_tail = NULL;
            --b->response_count;
            b->response_out = 1;
            submit(next);
        }
        break;
    case SHA_JOB_ISOLATION_CHANGED:
        b->isolation_out = 0;
        if (b->isolation_again) {
            b->isolation_again = 0;
            notify_isolation(sha);
        }
        break;
    case SHA_JOB_ORPHANED:
        b->orphan_out = 0;
        if (b->orphan_count) {
            struct agent_correlation_id id = b->orphans[b->orphan_first];

            b->orphan_first = (b->orphan_first + 1) % AGENT_SHA_ORPHANS_WAITING;
            --b->orphan_count;
            notify_orphan(sha, &id);
        }
        break;
    default:
        break;
    }
}

/* Once per binding: the SHA does not keep up, and what waits for it is being dropped. */
static void backlog_full(struct bound_client *sha, uint32_t which)
{
    if (sha->backlog.full_reported)
        return;
    sha->backlog.full_reported = 1;
    agent_emit(sha->agent, AGENT_EVENT_SHA_BACKLOG_FULL, sha->kind, sha->id, which, 0, NAP_RESULT_OK);
}

static void job_returned(struct handoff_request *request, void *context)
{
    struct agent *a = context;
    struct sha_job *j = CONTAINER_OF(request, struct sha_job, returned);
    struct bound_client *sha = j->owner;

    --a->outstanding_jobs;
    if (sha->unbound) {
        job_free(j);
        agent_check_stopped(a);
        return;
    }
    if (j->kind != SHA_JOB_GET_SOH && !nap_result_means_client_gone(j->result))
        start_next(sha, j->kind);
    if (j->kind == SHA_JOB_GET_SOH) {
        gathered(a, sha, j);
    } else if (nap_result_means_client_gone(j->result)) {
        agent_unbind(sha, AGENT_EVENT_CLIENT_DIED, j->result, NULL);
    } else if (nap_failed(j->result) && j->result != NAP_RESULT_NOT_IMPLEMENTED) {
        static const uint32_t which[] = {
            [SHA_JOB_PROCESS_RESPONSE] = AGENT_SHA_CALL_PROCESS_RESPONSE,
            [SHA_JOB_ISOLATION_CHANGED] = AGENT_SHA_CALL_ISOLATION_CHANGE,
            [SHA_JOB_ORPHANED] = AGENT_SHA_CALL_ORPHANED_REQUEST,
        };
        agent_emit(a, AGENT_EVENT_SHA_CALL_FAILED, sha->kind, sha->id, which[j->kind], 0,
                   j->result);
    }
    job_free(j);
}

/* A new job for sha; copies `data`. NULL when out of memory (the call is skipped: every caller
 * is best effort or, for GetSoHRequest, falls back to the SoH held). */
static struct sha_job *job_new(struct bound_client *sha, enum sha_job_kind kind,
                               const uint8_t *data, size_t size)
{
    struct sha_job *j = calloc(1, sizeof(*j));

    if (!j)
        return NULL;
    if (size && !(j->data = malloc(size))) {
        free(j);
        return NULL;
    }
    if (size)
        memcpy(j->data, data, size);
    j->size = size;
    j->owner = sha;
    j->kind = kind;
    j->job.run = job_run;
    j->job.complete = job_complete;
    j->job.discard = sha_dispatch_job_dropped;
    j->returned.handle = job_returned;
    return j;
}

static void submit(struct sha_job *j)
{
    struct agent *a = j->owner->agent;

    if (client_worker_submit(&j->owner->worker, &j->job))
        ++a->outstanding_jobs;
    else
        job_free(j);
}

/* The request object's correlation id for a GetSoHRequest made on the agent's own initiative:
 * not tied to a connection, so a fresh id the SHA can log. */
static void gather_correlation(struct agent *a, struct agent_correlation_id *id)
{
    uint64_t r1 = jitter_rng_next(&a->rng), r2 = jitter_rng_next(&a->rng);

    memcpy(id->guid, &r1, 8);
    memcpy(id->guid + 8, &r2, 8);
    id->time = 0;
}

void sha_dispatch_gather(struct bound_client *sha)
{
    struct component *c = sha->component;
    struct sha_job *j;

    if (sha->gathering) {
        sha->gather_again = 1;
        return;
    }
    if (!(j = job_new(sha, SHA_JOB_GET_SOH, c->soh, c->soh ? c->soh_size : 0)))
        return;
    gather_correlation(sha->agent, &j->correlation);
    sha->gathering = 1;
    submit(j);
}

void sha_dispatch_flush(struct component *c)
{
    free(c->soh);
    c->soh = NULL;
    c->soh_size = 0;
    c->soh_cached = 0;
    c->soh_by_agent = 0;
}

void sha_dispatch_unbound(struct bound_client *sha)
{
    struct sha_backlog *b = &sha->backlog;

    while (b->responses) {
        struct sha_job *j = b->responses;

        b->responses = j->waiting_next;
        job_free(j);
    }
    memset(b, 0, sizeof(*b));
    if (!sha->component->soh_cached)
        sha_dispatch_flush(sha->component);
}

void sha_dispatch_process_response(struct bound_client *sha, const struct agent_correlation_id *id,
                                   const uint8_t *part, size_t size, uint8_t flags)
{
    struct sha_backlog *b = &sha->backlog;
    struct sha_job *j = job_new(sha, SHA_JOB_PROCESS_RESPONSE, part, size);

    if (!j)
        return;
    j->correlation = *id;
    j->flags = flags;
    if (!b->response_out) {
        b->response_out = 1;
        submit(j);
        return;
    }
    if (b->response_count == AGENT_SHA_RESPONSES_WAITING) {
        struct sha_job *oldest = b->responses;

        if (!(b->responses = oldest->waiting_next))
            b->responses_tail = NULL;
        --b->response_count;
        job_free(oldest);
        backlog_full(sha, AGENT_SHA_CALL_PROCESS_RESPONSE);
    }
    j->waiting_next = NULL;
    if (b->responses_tail)
        b->responses_tail->waiting_next = j;
    else
        b->responses = j;
    b->responses_tail = j;
    ++b->response_count;
}

static void notify_isolation(struct bound_client *sha)
{
    struct sha_job *j;

    if (sha->backlog.isolation_out) {
        sha->backlog.isolation_again = 1;
        return;
    }
    if (!(j = job_new(sha, SHA_JOB_ISOLATION_CHANGED, NULL, 0)))
        return;
    sha->backlog.isolation_out = 1;
    submit(j);
}

void sha_dispatch_isolation_changed(struct agent *a)
{
    for (struct bound_client *sha = a->bound_shas; sha; sha = sha->next)
        notify_isolation(sha);
}

static void notify_orphan(struct bound_client *sha, const struct agent_correlation_id *id)
{
    struct sha_backlog *b = &sha->backlog;
    struct sha_job *j;

    if (b->orphan_out) {
        if (b->orphan_count == AGENT_SHA_ORPHANS_WAITING) {
            b->orphan_first = (b->orphan_first + 1) % AGENT_SHA_ORPHANS_WAITING;
            --b->orphan_count;
            backlog_full(sha, AGENT_SHA_CALL_ORPHANED_REQUEST);
        }
        b->orphans[(b->orphan_first + b->orphan_count++) % AGENT_SHA_ORPHANS_WAITING] = *id;
        return;
    }
    if (!(j = job_new(sha, SHA_JOB_ORPHANED, NULL, 0)))
        return;
    j->correlation = *id;
    b->orphan_out = 1;
    submit(j);
}

/* Best effort, as documented: every bound SHA hears of it, whether or not its SoH made it in. */
void sha_dispatch_orphaned(struct agent *a, const struct agent_correlation_id *id)
{
    for (struct bound_client *sha = a->bound_shas; sha; sha = sha->next)
        notify_orphan(sha, id);
}
