/* The SoH-change state machine on its own: every transition and answer, no loop, no threads. */
#include "soh_change.h"
#include "tap.h"

#define EXHAUSTED_AFTER 3

static void test_raise_from_idle_notifies(void)
{
    struct soh_change s;
    unsigned a;

    soh_change_init(&s);
    a = soh_change_raise(&s);
    ok(a == (SOH_ACTION_RAISED | SOH_ACTION_NOTIFY), "expected raised+notify, got %#x", a);
    ok(soh_change_phase(&s) == SOH_PHASE_NOTIFYING, "expected notifying, got %d", soh_change_phase(&s));
    ok(s.attempt == 1 && s.seq == 1, "expected attempt 1 seq 1, got %u/%u", s.attempt, s.seq);
}

static void test_raise_while_pending_merges(void)
{
    struct soh_change s;
    unsigned a;

    soh_change_init(&s);
    soh_change_raise(&s);
    a = soh_change_raise(&s);
    ok(a == SOH_ACTION_MERGED, "expected only a merge, got %#x", a);
    a = soh_change_raise(&s);
    ok(s.merged == 2 && s.seq == 1, "expected 2 merged and still one notification, got %u/%u",
       s.merged, s.seq);
}

static void test_taken_applies_the_change(void)
{
    struct soh_change s;
    unsigned a;

    soh_change_init(&s);
    soh_change_raise(&s);
    soh_change_notify_returned(&s, 1, 0, EXHAUSTED_AFTER);
    a = soh_change_taken(&s);
    ok(a == SOH_ACTION_APPLIED, "expected applied, got %#x", a);
    ok(soh_change_phase(&s) == SOH_PHASE_APPLIED, "expected applied phase, got %d", soh_change_phase(&s));
}

static void test_taken_with_nothing_pending_changes_nothing(void)
{
    struct soh_change s;
    unsigned a;

    soh_change_init(&s);
    a = soh_change_taken(&s);
    ok(a == 0, "expected no action for an EC's own GetSoHRequest, got %#x", a);
    ok(soh_change_phase(&s) == SOH_PHASE_IDLE, "expected idle, got %d", soh_change_phase(&s));
}

static void test_failure_with_nothing_pending_is_not_pending(void)
{
    struct soh_change s;
    unsigned a;
    nap_result r;

    soh_change_init(&s);
    r = soh_change_failure_reported(&s, EXHAUSTED_AFTER, &a);
    ok(r == NAP_RESULT_NOT_PENDING, "expected NOT_PENDING when idle, got %#x", (unsigned)r);
    soh_change_raise(&s);
    soh_change_taken(&s);
    r = soh_change_failure_reported(&s, EXHAUSTED_AFTER, &a);
    ok(r == NAP_RESULT_NOT_PENDING, "expected NOT_PENDING after apply, got %#x", (unsigned)r);
    ok(a == 0, "expected no action, got %#x", a);
}

static void test_failure_while_notifying_schedules_a_retry(void)
{
    struct soh_change s;
    unsigned a;
    nap_result r;

    soh_change_init(&s);
    soh_change_raise(&s);
    soh_change_notify_returned(&s, 1, 0, EXHAUSTED_AFTER);
    r = soh_change_failure_reported(&s, EXHAUSTED_AFTER, &a);
    ok(r == NAP_RESULT_OK, "expected OK, got %#x", (unsigned)r);
    ok(a == SOH_ACTION_SCHEDULE_RETRY, "expected a retry scheduled, got %#x", a);
    ok(soh_change_phase(&s) == SOH_PHASE_RETRY_SCHEDULED, "expected retry-scheduled, got %d",
       soh_change_phase(&s));
}

static void test_second_failure_for_one_notification_is_not_pending(void)
{
    struct soh_change s;
    unsigned a;
    nap_result r;

    soh_change_init(&s);
    soh_change_raise(&s);
    soh_change_notify_returned(&s, 1, 0, EXHAUSTED_AFTER);
    soh_change_failure_reported(&s, EXHAUSTED_AFTER, &a);
    r = soh_change_failure_reported(&s, EXHAUSTED_AFTER, &a);
    ok(r == NAP_RESULT_NOT_PENDING, "expected NOT_PENDING for a repeated failure, got %#x", (unsigned)r);
    ok(a == 0, "expected no second retry, got %#x", a);
}

static void test_returned_failure_schedules_a_retry(void)
{
    struct soh_change s;
    unsigned a;

    soh_change_init(&s);
    soh_change_raise(&s);
    a = soh_change_notify_returned(&s, 1, 1, EXHAUSTED_AFTER);
    ok(a == SOH_ACTION_SCHEDULE_RETRY, "expected a retry for a failed callback, got %#x", a);
}

static void test_reported_and_returned_failure_retry_once(void)
{
    struct soh_change s;
    unsigned a;

    soh_change_init(&s);
    soh_change_raise(&s);
    soh_change_failure_reported(&s, EXHAUSTED_AFTER, &a); /* from inside the callback */
    a = soh_change_notify_returned(&s, 1, 1, EXHAUSTED_AFTER);
    ok(a == 0, "expected the returned failure ignored after the reported one, got %#x", a);
}

static void test_retry_due_notifies_again(void)
{
    struct soh_change s;
    unsigned a;

    soh_change_init(&s);
    soh_change_raise(&s);
    soh_change_notify_returned(&s, 1, 1, EXHAUSTED_AFTER);
    a = soh_change_retry_due(&s);
    ok(a == SOH_ACTION_NOTIFY, "expected a new notification, got %#x", a);
    ok(s.attempt == 2 && s.seq == 2, "expected attempt 2 seq 2, got %u/%u", s.attempt, s.seq);
}

static void test_taken_during_retry_cancels_it(void)
{
    struct soh_change s;
    unsigned a;

    soh_change_init(&s);
    soh_change_raise(&s);
    soh_change_notify_returned(&s, 1, 1, EXHAUSTED_AFTER);
    a = soh_change_taken(&s);
    ok(a == (SOH_ACTION_APPLIED | SOH_ACTION_CANCEL_RETRY), "expected applied+cancel, got %#x", a);
    a = soh_change_retry_due(&s);
    ok(a == 0, "expected a stale timer to do nothing, got %#x", a);
}

static void test_change_after_apply_starts_a_new_cycle(void)
{
    struct soh_change s;
    unsigned a;

    soh_change_init(&s);
    soh_change_raise(&s);
    soh_change_notify_returned(&s, 1, 1, EXHAUSTED_AFTER);
    soh_change_retry_due(&s);
    soh_change_notify_returned(&s, 2, 0, EXHAUSTED_AFTER);
    soh_change_taken(&s);
    a = soh_change_raise(&s);
    ok(a == (SOH_ACTION_RAISED | SOH_ACTION_NOTIFY), "expected a new cycle, got %#x", a);
    ok(s.attempt == 1 && s.merged == 0, "expected attempt 1 and nothing merged, got %u/%u",
       s.attempt, s.merged);
}

static void test_taken_inside_the_callback_survives_its_return(void)
{
    struct soh_change s;
    unsigned a;

    soh_change_init(&s);
    soh_change_raise(&s);
    soh_change_taken(&s);
    a = soh_change_notify_returned(&s, 1, 1, EXHAUSTED_AFTER);
    ok(a == 0, "expected nothing after a failure returned once the change was taken, got %#x", a);
    ok(soh_change_phase(&s) == SOH_PHASE_APPLIED, "expected applied, got %d", soh_change_phase(&s));
}

static void test_retry_due_while_call_runs_waits_for_it(void)
{
    struct soh_change s;
    unsigned a;

    soh_change_init(&s);
    soh_change_raise(&s);
    soh_change_failure_reported(&s, EXHAUSTED_AFTER, &a); /* reported inside; call still runs */
    a = soh_change_retry_due(&s);
    ok(a == 0, "expected no second outstanding notification, got %#x", a);
    a = soh_change_notify_returned(&s, 1, 0, EXHAUSTED_AFTER);
    ok(a == SOH_ACTION_NOTIFY, "expected the deferred notification once the call returned, got %#x", a);
    ok(s.seq == 2 && s.attempt == 2, "expected seq 2 attempt 2, got %u/%u", s.seq, s.attempt);
}

static void test_change_while_old_call_runs_waits_for_it(void)
{
    struct soh_change s;
    unsigned a;

    soh_change_init(&s);
    soh_change_raise(&s);
    soh_change_taken(&s);          /* taken inside the callback, which still runs */
    a = soh_change_raise(&s);
    ok(a == SOH_ACTION_RAISED, "expected the new notification deferred, got %#x", a);
    a = soh_change_notify_returned(&s, 1, 0, EXHAUSTED_AFTER);
    ok(a == SOH_ACTION_NOTIFY, "expected the deferred notification, got %#x", a);
}

static void test_exhausted_is_reported_once_per_change(void)
{
    struct soh_change s;
    unsigned a, exhausted = 0;

    soh_change_init(&s);
    soh_change_raise(&s);
    for (uint32_t i = 1; i <= 8; ++i) {
        a = soh_change_notify_returned(&s, s.seq, 1, EXHAUSTED_AFTER);
        exhausted += !!(a & SOH_ACTION_EXHAUSTED);
        if (i == EXHAUSTED_AFTER)
            ok(a & SOH_ACTION_EXHAUSTED, "expected the diagnostic at attempt %u, got %#x", i, a);
        soh_change_retry_due(&s);
    }
    ok(exhausted == 1, "expected one exhausted diagnostic over 8 failures, got %u", exhausted);
    ok(soh_change_phase(&s) == SOH_PHASE_NOTIFYING, "expected retries to go on, got phase %d",
       soh_change_phase(&s));
    soh_change_notify_returned(&s, s.seq, 0, EXHAUSTED_AFTER);
    soh_change_taken(&s);
    soh_change_raise(&s);
    for (uint32_t i = 1; i <= EXHAUSTED_AFTER; ++i) {
        a = soh_change_notify_returned(&s, s.seq, 1, EXHAUSTED_AFTER);
        soh_change_retry_due(&s);
    }
    ok(a & SOH_ACTION_EXHAUSTED, "expected the diagnostic again for a new change, got %#x", a);
}

static void test_stale_return_does_not_fail_the_newer_notification(void)
{
    struct soh_change s;
    unsigned a;

    soh_change_init(&s);
    soh_change_raise(&s);
    a = soh_change_notify_returned(&s, 0, 1, EXHAUSTED_AFTER);
    ok(a == 0, "expected a result for another notification to be ignored, got %#x", a);
}

int main(void)
{
    test_raise_from_idle_notifies();
    test_raise_while_pending_merges();
    test_taken_applies_the_change();
    test_taken_with_nothing_pending_changes_nothing();
    test_failure_with_nothing_pending_is_not_pending();
    test_failure_while_notifying_schedules_a_retry();
    test_second_failure_for_one_notification_is_not_pending();
    test_returned_failure_schedules_a_retry();
    test_reported_and_returned_failure_retry_once();
    test_retry_due_notifies_again();
    test_taken_during_retry_cancels_it();
    test_change_after_apply_starts_a_new_cycle();
    test_taken_inside_the_callback_survives_its_return();
    test_retry_due_while_call_runs_waits_for_it();
    test_change_while_old_call_runs_waits_for_it();
    test_exhausted_is_reported_once_per_change();
    test_stale_return_does_not_fail_the_newer_notification();
    return tap_done();
}
