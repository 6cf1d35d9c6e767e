/* SoH changes end to end on a loop the test runs: notification, failure, retry on the libuv timer,
 * apply, merge, dead clients, the exhausted diagnostic, the snapshot and a live policy change.
 * Retry delays are 1..8 ms; the tests wait for events, never for an amount of time. */
#include "harness.h"

struct wait_notifications {
    struct fake_client *f;
    unsigned want;
};

static int notifications_reached(void *arg)
{
    struct wait_notifications *w = arg;
    return fake_client_notifications(w->f) >= w->want;
}

static int run_until_notified(struct harness *h, struct fake_client *f, unsigned want)
{
    struct wait_notifications w = { f, want };
    return harness_run_until(h, notifications_reached, &w) && harness_settle(h);
}

static void test_change_notifies_a_bound_ec_once(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;
    struct agent_snapshot_binding s;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_OK);
    b = harness_bind_ec(&h, 1, &f);
    agent_raise_soh_change(h.agent);
    ok(run_until_notified(&h, &f, 1), "expected a notification, got %u", fake_client_notifications(&f));
    s = harness_binding_state(&h, 1);
    ok(s.soh_state == AGENT_SOH_NOTIFYING && s.attempts == 1 && !s.notification_in_flight,
       "expected notifying, attempt 1, call returned; got state %d attempt %u in flight %d",
       s.soh_state, s.attempts, s.notification_in_flight);
    ok(!f.called_on_loop_thread, "expected the call off the loop thread, got %d", f.called_on_loop_thread);
    ok(events_of(&h.events, AGENT_EVENT_NOTIFICATION_SENT, 1) == 1, "expected one NOTIFICATION_SENT, got %u",
       events_of(&h.events, AGENT_EVENT_NOTIFICATION_SENT, 1));
    agent_binding_destroy(b);
    harness_teardown(&h);
    fake_client_free(&f);
}

static void test_changes_while_pending_merge_into_one_notification(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;
    struct agent_snapshot_binding s;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_OK);
    b = harness_bind_ec(&h, 1, &f);
    for (int i = 0; i < 5; ++i)
        agent_raise_soh_change(h.agent);
    harness_settle(&h);
    ok(fake_client_notifications(&f) == 1, "expected one notification for 5 changes, got %u",
       fake_client_notifications(&f));
    s = harness_binding_state(&h, 1);
    ok(s.merged_changes == 4, "expected 4 merged changes, got %u", s.merged_changes);
    agent_binding_destroy(b);
    harness_teardown(&h);
    fake_client_free(&f);
}

static void test_apply_ends_the_change_and_a_new_change_starts_a_cycle(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;
    struct agent_snapshot_binding s;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_OK);
    b = harness_bind_ec(&h, 1, &f);
    agent_raise_soh_change(h.agent);
    run_until_notified(&h, &f, 1);
    res = agent_ec_soh_request_taken(b);
    ok(res == NAP_RESULT_OK, "expected OK, got %#x", (unsigned)res);
    s = harness_binding_state(&h, 1);
    ok(s.soh_state == AGENT_SOH_APPLIED, "expected applied, got %d", s.soh_state);
    res = agent_ec_notify_soh_change_failure(b);
    ok(res == NAP_RESULT_NOT_PENDING, "expected NOT_PENDING after apply, got %#x", (unsigned)res);
    agent_raise_soh_change(h.agent);
    ok(run_until_notified(&h, &f, 2), "expected a second notification, got %u", fake_client_notifications(&f));
    ok(events_of(&h.events, AGENT_EVENT_CHANGE_APPLIED, 1) == 1, "expected one CHANGE_APPLIED, got %u",
       events_of(&h.events, AGENT_EVENT_CHANGE_APPLIED, 1));
    agent_binding_destroy(b);
    harness_teardown(&h);
    fake_client_free(&f);
}

static void test_failure_with_nothing_pending_is_not_pending(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_OK);
    b = harness_bind_ec(&h, 1, &f);
    res = agent_ec_notify_soh_change_failure(b);
    ok(res == NAP_RESULT_NOT_PENDING, "expected NOT_PENDING, got %#x", (unsigned)res);
    agent_binding_destroy(b);
    harness_teardown(&h);
    fake_client_free(&f);
}

static void test_reported_failure_is_retried_on_the_timer(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;
    struct agent_event e;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_OK);
    b = harness_bind_ec(&h, 1, &f);
    agent_raise_soh_change(h.agent);
    run_until_notified(&h, &f, 1);
    res = agent_ec_notify_soh_change_failure(b);
    ok(res == NAP_RESULT_OK, "expected OK, got %#x", (unsigned)res);
    e = last_event(&h.events, AGENT_EVENT_NOTIFICATION_FAILED, 1);
    ok(e.attempt == 1 && e.next_delay_ms >= 1 && e.next_delay_ms <= 1,
       "expected attempt 1 with a 1 ms delay, got attempt %u delay %llu", e.attempt,
       (unsigned long long)e.next_delay_ms);
    ok(harness_binding_state(&h, 1).soh_state == AGENT_SOH_RETRY_SCHEDULED,
       "expected retry-scheduled, got %d", harness_binding_state(&h, 1).soh_state);
    ok(run_until_notified(&h, &f, 2), "expected the retry to notify again, got %u",
       fake_client_notifications(&f));
    ok(harness_binding_state(&h, 1).attempts == 2, "expected attempt 2, got %u",
       harness_binding_state(&h, 1).attempts);
    agent_binding_destroy(b);
    harness_teardown(&h);
    fake_client_free(&f);
}

static void test_failed_callback_is_retried(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_FAILURE);
    b = harness_bind_ec(&h, 1, &f);
    agent_raise_soh_change(h.agent);
    ok(run_until_notified(&h, &f, 3), "expected retries after failed callbacks, got %u",
       fake_client_notifications(&f));
    ok(last_event(&h.events, AGENT_EVENT_NOTIFICATION_FAILED, 1).result == NAP_RESULT_GENERIC_FAILURE,
       "expected the callback's failure in the event, got %#x",
       (unsigned)last_event(&h.events, AGENT_EVENT_NOTIFICATION_FAILED, 1).result);
    fake_client_set(&f, FAKE_ANSWER_OK);
    agent_binding_destroy(b);
    harness_teardown(&h);
    fake_client_free(&f);
}

static void test_backoff_delays_grow_to_the_cap(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;
    uint64_t delays[8] = { 0 };
    size_t n = 0;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_FAILURE);
    b = harness_bind_ec(&h, 1, &f);
    agent_raise_soh_change(h.agent);
    run_until_notified(&h, &f, 8);
    fake_client_set(&f, FAKE_ANSWER_OK);
    uv_mutex_lock(&h.events.lock);
    for (size_t i = 0; i < h.events.count && n < 7; ++i)
        if (h.events.events[i].kind == AGENT_EVENT_NOTIFICATION_FAILED)
            delays[n++] = h.events.events[i].next_delay_ms;
    uv_mutex_unlock(&h.events.lock);
    /* first 1, x2, cap 8, jitter 25 %: bases 1,2,4,8,8(exhausted)... */
    ok(delays[0] == 1, "expected 1 ms first, got %llu", (unsigned long long)delays[0]);
    ok(delays[1] >= 2 && delays[1] <= 2, "expected 2 ms second (jitter rounds to 0), got %llu",
       (unsigned long long)delays[1]);
    ok(delays[2] >= 3 && delays[2] <= 4, "expected 3..4 ms third, got %llu", (unsigned long long)delays[2]);
    ok(delays[3] >= 6 && delays[3] <= 8, "expected 6..8 ms fourth, got %llu", (unsigned long long)delays[3]);
    ok(delays[6] >= 6 && delays[6] <= 8, "expected the cap band later on, got %llu",
       (unsigned long long)delays[6]);
    agent_binding_destroy(b);
    harness_teardown(&h);
    fake_client_free(&f);
}

static void test_exhausted_diagnostic_is_raised_once_and_retries_go_on(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;
    struct agent_event e;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_FAILURE);
    b = harness_bind_ec(&h, 1, &f);
    agent_raise_soh_change(h.agent);
    ok(run_until_notified(&h, &f, 9), "expected retries past the threshold, got %u",
       fake_client_notifications(&f));
    fake_client_set(&f, FAKE_ANSWER_OK);
    ok(events_of(&h.events, AGENT_EVENT_RETRY_EXHAUSTED, 1) == 1, "expected one RETRY_EXHAUSTED, got %u",
       events_of(&h.events, AGENT_EVENT_RETRY_EXHAUSTED, 1));
    e = last_event(&h.events, AGENT_EVENT_RETRY_EXHAUSTED, 1);
    ok(e.attempt == 5 && e.next_delay_ms == 8, "expected attempt 5, cap 8 ms, got %u/%llu", e.attempt,
       (unsigned long long)e.next_delay_ms);
    agent_binding_destroy(b);
    harness_teardown(&h);
    fake_client_free(&f);
}

static void test_apply_cancels_a_scheduled_retry(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;
    struct agent_config c;

    harness_config(&c);
    c.retry.first_delay_ms = c.retry.max_delay_ms = 60000; /* never fires within the test */
    harness_setup_with(&h, &c);
    fake_client_init(&f, FAKE_ANSWER_OK);
    b = harness_bind_ec(&h, 1, &f);
    agent_raise_soh_change(h.agent);
    run_until_notified(&h, &f, 1);
    agent_ec_notify_soh_change_failure(b);
    ok(harness_binding_state(&h, 1).next_retry_ms > 0, "expected a retry due, got %lld",
       (long long)harness_binding_state(&h, 1).next_retry_ms);
    agent_ec_soh_request_taken(b);
    ok(harness_binding_state(&h, 1).next_retry_ms == -1, "expected the retry cancelled, got %lld",
       (long long)harness_binding_state(&h, 1).next_retry_ms);
    agent_binding_destroy(b);
    harness_teardown(&h);
    fake_client_free(&f);
}

static void test_uninitialize_cancels_everything_pending(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;
    struct agent_snapshot s;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_OK);
    b = harness_bind_ec(&h, 1, &f);
    agent_raise_soh_change(h.agent);
    run_until_notified(&h, &f, 1);
    agent_ec_notify_soh_change_failure(b);
    agent_binding_uninitialize(b);
    harness_settle(&h);
    agent_snapshot(h.agent, &s);
    ok(s.binding_count == 0, "expected no binding left, got %zu", s.binding_count);
    agent_snapshot_free(&s);
    /* The loop has no timer of ours left: only the harness tick keeps it alive. */
    ok(fake_client_notifications(&f) == 1 && fake_client_releases(&f) == 1,
       "expected no notification after Uninitialize and one release, got %u/%u",
       fake_client_notifications(&f), fake_client_releases(&f));
    agent_binding_destroy(b);
    harness_teardown(&h);
    ok(f.calls_after_release == 0, "expected no call after release, got %u", f.calls_after_release);
    fake_client_free(&f);
}

static void test_dead_client_is_unbound_once_and_id_bindable_again(void)
{
    struct harness h;
    struct fake_client dead, other, again;
    struct agent_binding *b, *b_other;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&dead, FAKE_ANSWER_DEAD);
    fake_client_init(&other, FAKE_ANSWER_OK);
    fake_client_init(&again, FAKE_ANSWER_OK);
    b = harness_bind_ec(&h, 1, &dead);
    b_other = harness_bind_ec(&h, 2, &other);
    agent_raise_soh_change(h.agent);
    harness_settle(&h);
    ok(fake_client_notifications(&dead) == 1, "expected exactly one call to the dead client, got %u",
       fake_client_notifications(&dead));
    ok(fake_client_releases(&dead) == 1 && dead.released_died == 1,
       "expected one release marked died, got %u/%d", fake_client_releases(&dead), dead.released_died);
    ok(events_of(&h.events, AGENT_EVENT_CLIENT_DIED, 1) == 1
       && last_event(&h.events, AGENT_EVENT_CLIENT_DIED, 1).result == NAP_RESULT_RPC_SERVER_UNAVAILABLE,
       "expected one CLIENT_DIED with 0x800706BA, got %u", events_of(&h.events, AGENT_EVENT_CLIENT_DIED, 1));
    ok(events_of(&h.events, AGENT_EVENT_NOTIFICATION_FAILED, 1) == 0,
       "expected no retry against a dead client, got %u",
       events_of(&h.events, AGENT_EVENT_NOTIFICATION_FAILED, 1));
    ok(harness_binding_state(&h, 2).soh_state == AGENT_SOH_NOTIFYING,
       "expected the other EC unaffected, got %d", harness_binding_state(&h, 2).soh_state);
    res = agent_ec_notify_soh_change_failure(b);
    ok(res == NAP_RESULT_NOT_INITIALIZED, "expected the dead binding uninitialized, got %#x", (unsigned)res);
    res = agent_binding_initialize(b, 1, &again, &fake_admin, NULL);
    ok(res == NAP_RESULT_OK, "expected the id bindable again, got %#x", (unsigned)res);
    agent_binding_destroy(b);
    agent_binding_destroy(b_other);
    harness_teardown(&h);
    fake_client_free(&dead);
    fake_client_free(&other);
    fake_client_free(&again);
}

static void test_every_transport_error_means_dead(void)
{
    nap_result dead[] = { (nap_result)0x800706BAu, (nap_result)0x800706BEu, (nap_result)0x80010108u,
                          (nap_result)0x80010007u, (nap_result)0x80010012u };
    int all = 1;

    for (size_t i = 0; i < sizeof(dead) / sizeof(dead[0]); ++i)
        all &= nap_result_means_client_gone(dead[i]);
    ok(all, "expected all five transport errors to mean a dead client, got %d", all);
    ok(!nap_result_means_client_gone(NAP_RESULT_GENERIC_FAILURE)
       && !nap_result_means_client_gone(NAP_RESULT_OK),
       "expected E_FAIL and S_OK not to, got %d", nap_result_means_client_gone(NAP_RESULT_GENERIC_FAILURE));
}

static void test_set_retry_policy_applies_to_the_next_retry(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;
    struct retry_policy p = { 3000, 2000, 9000, 0, 10 };
    struct retry_policy bad = { 0, 2000, 9000, 0, 10 };
    nap_result res;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_OK);
    b = harness_bind_ec(&h, 1, &f);
    res = agent_set_retry_policy(h.agent, &bad);
    ok(res == NAP_RESULT_INVALID_ARG, "expected INVALID_ARG for a zero first delay, got %#x", (unsigned)res);
    res = agent_set_retry_policy(h.agent, &p);
    ok(res == NAP_RESULT_OK, "expected OK, got %#x", (unsigned)res);
    agent_raise_soh_change(h.agent);
    run_until_notified(&h, &f, 1);
    agent_ec_notify_soh_change_failure(b);
    ok(last_event(&h.events, AGENT_EVENT_NOTIFICATION_FAILED, 1).next_delay_ms == 3000,
       "expected the new 3000 ms first delay, got %llu",
       (unsigned long long)last_event(&h.events, AGENT_EVENT_NOTIFICATION_FAILED, 1).next_delay_ms);
    ok(harness_binding_state(&h, 1).next_retry_ms > 2000, "expected the retry ~3 s away, got %lld",
       (long long)harness_binding_state(&h, 1).next_retry_ms);
    agent_binding_destroy(b);
    harness_teardown(&h);
    fake_client_free(&f);
}

static void test_snapshot_shows_components_and_bindings(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;
    struct nap_registration sha = harness_registration(NAP_COMPONENT_SYSTEM_HEALTH_AGENT, 77, 1);
    struct agent_snapshot s;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_OK);
    agent_register(h.agent, &sha);
    b = harness_bind_ec(&h, 1, &f);
    agent_ec_connection_created(b, 7);
    res = agent_snapshot(h.agent, &s);
    ok(res == NAP_RESULT_OK && s.registration_count == 2 && s.binding_count == 1,
       "expected 2 registrations and 1 binding, got %#x %zu/%zu", (unsigned)res,
       s.registration_count, s.binding_count);
    ok(s.registrations[0].kind == NAP_COMPONENT_ENFORCEMENT_CLIENT && s.registrations[1].id == 77,
       "expected the EC first then SHA 77, got kind %d id %u", s.registrations[0].kind,
       s.registrations[1].id);
    ok(s.bindings[0].id == 1 && s.bindings[0].soh_state == AGENT_SOH_IDLE
       && s.bindings[0].next_retry_ms == -1 && s.bindings[0].connections == 1,
       "expected EC 1 idle, no retry, 1 connection; got id %u state %d retry %lld conns %u",
       s.bindings[0].id, s.bindings[0].soh_state, (long long)s.bindings[0].next_retry_ms,
       s.bindings[0].connections);
    ok(s.retry.first_delay_ms == 1, "expected the configured policy, got first %u", s.retry.first_delay_ms);
    agent_snapshot_free(&s);
    agent_binding_destroy(b);
    harness_teardown(&h);
    fake_client_free(&f);
}

int main(void)
{
    test_change_notifies_a_bound_ec_once();
    test_changes_while_pending_merge_into_one_notification();
    test_apply_ends_the_change_and_a_new_change_starts_a_cycle();
    test_failure_with_nothing_pending_is_not_pending();
    test_reported_failure_is_retried_on_the_timer();
    test_failed_callback_is_retried();
    test_backoff_delays_grow_to_the_cap();
    test_exhausted_diagnostic_is_raised_once_and_retries_go_on();
    test_apply_cancels_a_scheduled_retry();
    test_uninitialize_cancels_everything_pending();
    test_dead_client_is_unbound_once_and_id_bindable_again();
    test_every_transport_error_means_dead();
    test_set_retry_policy_applies_to_the_next_retry();
    test_snapshot_shows_components_and_bindings();
    return tap_done();
}
