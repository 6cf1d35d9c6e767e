/* See soh_change.h for the diagram. The rule that keeps "exactly one retry per failure" true is
 * `answered`: a notification gets at most one failure, whichever way the EC reports it. */
#include <string.h>

#include "soh_change.h"

void soh_change_init(struct soh_change *s)
{
    memset(s, 0, sizeof(*s));
}

/* At most one NotifySoHChange per EC is ever outstanding: if the previous call is still running
 * (a slow EC that reported the failure from inside it), the next one waits for it. */
static unsigned start_notification(struct soh_change *s)
{
    if (s->in_flight) {
        s->deferred = 1;
        return 0;
    }
    ++s->seq;
    s->in_flight = 1;
    s->answered = 0;
    return SOH_ACTION_NOTIFY;
}

static unsigned schedule_retry(struct soh_change *s, uint32_t exhausted_after)
{
    unsigned actions = SOH_ACTION_SCHEDULE_RETRY;

    s->answered = 1;
    s->retry_scheduled = 1;
    if (s->attempt >= exhausted_after && !s->exhausted_reported) {
        s->exhausted_reported = 1;
        actions |= SOH_ACTION_EXHAUSTED;
    }
    return actions;
}

unsigned soh_change_raise(struct soh_change *s)
{
    if (s->pending) {
        ++s->merged;
        return SOH_ACTION_MERGED;
    }
    s->pending = 1;
    s->attempt = 1;
    s->merged = 0;
    s->exhausted_reported = 0;
    return SOH_ACTION_RAISED | start_notification(s);
}

unsigned soh_change_notify_returned(struct soh_change *s, uint32_t seq, int failed,
                                    uint32_t exhausted_after)
{
    unsigned actions = 0;

    s->in_flight = 0;
    if (failed && s->pending && !s->answered && seq == s->seq && !s->deferred)
        actions |= schedule_retry(s, exhausted_after);
    if (s->deferred) {
        s->deferred = 0;
        if (s->pending && !s->retry_scheduled)
            actions |= start_notification(s);
    }
    return actions;
}

nap_result soh_change_failure_reported(struct soh_change *s, uint32_t exhausted_after,
                                       unsigned *actions)
{
    *actions = 0;
    if (!s->pending || s->answered || s->deferred)
        return NAP_RESULT_NOT_PENDING;
    *actions = schedule_retry(s, exhausted_after);
    return NAP_RESULT_OK;
}

unsigned soh_change_retry_due(struct soh_change *s)
{
    s->retry_scheduled = 0;
    if (!s->pending)
        return 0;
    ++s->attempt;
    return start_notification(s);
}

unsigned soh_change_taken(struct soh_change *s)
{
    unsigned actions = SOH_ACTION_APPLIED;

    if (!s->pending)
        return 0;
    s->pending = 0;
    s->applied = 1;
    s->answered = 1;
    s->deferred = 0;
    if (s->retry_scheduled) {
        s->retry_scheduled = 0;
        actions |= SOH_ACTION_CANCEL_RETRY;
    }
    return actions;
}

enum soh_change_phase soh_change_phase(const struct soh_change *s)
{
    if (!s->pending)
        return s->applied ? SOH_PHASE_APPLIED : SOH_PHASE_IDLE;
    return s->retry_scheduled ? SOH_PHASE_RETRY_SCHEDULED : SOH_PHASE_NOTIFYING;
}
