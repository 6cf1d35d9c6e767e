/* The core on its own loop thread, as in the service: calls from other threads, a frozen client
 * that delays nobody else, an EC calling back from inside NotifySoHChange, Uninitialize waiting
 * for the running call, many threads calling at once, and the stop. Waits are for events, each
 * with a 5 s deadline that only turns a hang into a failure. */
#include "harness.h"

struct threaded {
    struct memory_store store;
    struct recorded_events events;
    struct agent_sink sink;
    struct agent_dependencies deps;
    struct agent *agent;
};

static void threaded_setup(struct threaded *t)
{
    struct agent_config c;

    memset(t, 0, sizeof(*t));
    harness_config(&c);
    memory_store_init(&t->store);
    uv_mutex_init(&t->events.lock);
    t->sink.context = &t->events;
    t->sink.emit = record_event;
    t->deps.storage = &t->store.storage;
    t->deps.sink = &t->sink;
    t->deps.calls = &fake_client_calls;
    if (agent_create(&c, &t->deps, NULL, &t->agent, NULL) != NAP_RESULT_OK
        || agent_start(t->agent) != NAP_RESULT_OK)
        tap_bail("cannot start an agent on its own thread");
}

static void threaded_teardown(struct threaded *t)
{
    agent_destroy(t->agent);
    memory_store_free(&t->store);
    uv_mutex_destroy(&t->events.lock);
}

static struct agent_binding *bind_ec(struct threaded *t, uint32_t id, struct fake_client *f)
{
    struct nap_registration r = harness_registration(NAP_COMPONENT_ENFORCEMENT_CLIENT, id, 1);
    struct agent_binding *b = NULL;

    if (agent_register(t->agent, &r) != NAP_RESULT_OK
        || agent_binding_create(t->agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, &b) != NAP_RESULT_OK
        || agent_binding_initialize(b, id, f) != NAP_RESULT_OK)
        tap_bail("cannot bind an EC");
    f->binding = b;
    return b;
}

static enum agent_soh_state state_of(struct threaded *t, uint32_t id)
{
    struct agent_snapshot s;
    enum agent_soh_state state = (enum agent_soh_state)-1;

    agent_snapshot(t->agent, &s);
    for (size_t i = 0; i < s.binding_count; ++i)
        if (s.bindings[i].id == id)
            state = s.bindings[i].soh_state;
    agent_snapshot_free(&s);
    return state;
}

static void test_frozen_client_delays_nobody_else(void)
{
    struct threaded t;
    struct fake_client frozen, others[3];
    struct agent_binding *bf, *bo[3];
    int reached;

    threaded_setup(&t);
    fake_client_init(&frozen, FAKE_FREEZE);
    bf = bind_ec(&t, 100, &frozen);
    for (int i = 0; i < 3; ++i) {
        fake_client_init(&others[i], FAKE_ANSWER_OK);
        bo[i] = bind_ec(&t, 1 + i, &others[i]);
    }
    agent_raise_soh_change(t.agent);
    ok(fake_client_wait(&frozen, fake_client_frozen, 1), "expected the frozen client inside its call, got %u",
       fake_client_frozen(&frozen));
    reached = 1;
    for (int i = 0; i < 3; ++i)
        reached &= fake_client_wait(&others[i], fake_client_notifications, 1);
    ok(reached, "expected every other EC notified while one is frozen, got %d", reached);
    /* A second round for the others, still with the frozen call running. */
    for (int i = 0; i < 3; ++i)
        agent_ec_soh_request_taken(bo[i]);
    agent_raise_soh_change(t.agent);
    reached = 1;
    for (int i = 0; i < 3; ++i)
        reached &= fake_client_wait(&others[i], fake_client_notifications, 2);
    ok(reached, "expected a second round for the others, got %d", reached);
    ok(fake_client_notifications(&frozen) == 1, "expected the frozen client called once, got %u",
       fake_client_notifications(&frozen));
    fake_client_unfreeze(&frozen);
    agent_binding_destroy(bf);
    for (int i = 0; i < 3; ++i)
        agent_binding_destroy(bo[i]);
    threaded_teardown(&t);
    ok(frozen.max_concurrent == 1, "expected one call at a time to the frozen client, got %u",
       frozen.max_concurrent);
    fake_client_free(&frozen);
    for (int i = 0; i < 3; ++i)
        fake_client_free(&others[i]);
}

static void test_get_soh_request_inside_notify_applies_the_change(void)
{
    struct threaded t;
    struct fake_client f;
    struct agent_binding *b;

    threaded_setup(&t);
    fake_client_init(&f, FAKE_TAKE_INSIDE);
    b = bind_ec(&t, 1, &f);
    agent_raise_soh_change(t.agent);
    ok(fake_client_wait(&f, fake_client_inside_done, 1), "expected the call from inside done, got %u",
       fake_client_inside_done(&f));
    agent_binding_uninitialize(b);
    ok(f.inside_result == NAP_RESULT_OK, "expected GetSoHRequest from inside to succeed, got %#x",
       (unsigned)f.inside_result);
    ok(events_of(&t.events, AGENT_EVENT_CHANGE_APPLIED, 1) == 1, "expected CHANGE_APPLIED, got %u",
       events_of(&t.events, AGENT_EVENT_CHANGE_APPLIED, 1));
    agent_binding_destroy(b);
    threaded_teardown(&t);
    fake_client_free(&f);
}

static void test_failure_reported_inside_notify_is_retried_once(void)
{
    struct threaded t;
    struct fake_client f;
    struct agent_binding *b;

    threaded_setup(&t);
    fake_client_init(&f, FAKE_REPORT_FAILURE_INSIDE);
    b = bind_ec(&t, 1, &f);
    agent_raise_soh_change(t.agent);
    ok(fake_client_wait(&f, fake_client_notifications, 3), "expected retries, got %u",
       fake_client_notifications(&f));
    fake_client_set(&f, FAKE_TAKE_INSIDE);
    agent_binding_uninitialize(b);
    ok(f.max_concurrent == 1, "expected never two notifications at once, got %u", f.max_concurrent);
    agent_binding_destroy(b);
    threaded_teardown(&t);
    fake_client_free(&f);
}

struct uninit_thread {
    struct agent_binding *binding;
    nap_result result;
    struct fake_client *f;
    unsigned releases_when_returned;
};

static void uninit_main(void *arg)
{
    struct uninit_thread *u = arg;

    u->result = agent_binding_uninitialize(u->binding);
    u->releases_when_returned = fake_client_releases(u->f);
}

static void test_uninitialize_waits_for_the_running_call(void)
{
    struct threaded t;
    struct fake_client f;
    struct agent_binding *b;
    struct uninit_thread u;
    uv_thread_t thread;
    unsigned released_while_frozen;

    threaded_setup(&t);
    fake_client_init(&f, FAKE_FREEZE);
    b = bind_ec(&t, 1, &f);
    agent_raise_soh_change(t.agent);
    fake_client_wait(&f, fake_client_frozen, 1);
    u.binding = b;
    u.f = &f;
    uv_thread_create(&thread, uninit_main, &u);
    /* Whatever the other thread has done by now, release cannot precede the frozen call's end. */
    released_while_frozen = fake_client_releases(&f);
    fake_client_unfreeze(&f);
    uv_thread_join(&thread);
    ok(released_while_frozen == 0, "expected no release while the call runs, got %u", released_while_frozen);
    ok(u.result == NAP_RESULT_OK && u.releases_when_returned == 1,
       "expected Uninitialize to return OK after the release, got %#x with %u releases",
       (unsigned)u.result, u.releases_when_returned);
    ok(f.calls_after_release == 0, "expected no call after release, got %u", f.calls_after_release);
    agent_binding_destroy(b);
    threaded_teardown(&t);
    fake_client_free(&f);
}

static void test_uninitialize_inside_the_callback_does_not_deadlock(void)
{
    struct threaded t;
    struct fake_client f;
    struct agent_binding *b;

    threaded_setup(&t);
    fake_client_init(&f, FAKE_UNINITIALIZE_INSIDE);
    b = bind_ec(&t, 1, &f);
    agent_raise_soh_change(t.agent);
    ok(fake_client_wait(&f, fake_client_releases, 1), "expected the client released, got %u",
       fake_client_releases(&f));
    ok(f.inside_result == NAP_RESULT_OK, "expected Uninitialize from inside to succeed, got %#x",
       (unsigned)f.inside_result);
    ok(f.calls_after_release == 0, "expected the release after the call returned, got %u",
       f.calls_after_release);
    agent_binding_destroy(b);
    threaded_teardown(&t);
    fake_client_free(&f);
}

#define CALLERS 8
#define CALLS_PER_CALLER 200

struct caller {
    struct agent *agent;
    struct agent_binding *binding;
    unsigned wrong;
};

static void caller_main(void *arg)
{
    struct caller *c = arg;

    for (int i = 0; i < CALLS_PER_CALLER; ++i) {
        nap_result r = (i & 1) ? agent_ec_notify_soh_change_failure(c->binding)
                               : agent_raise_soh_change(c->agent);
        if (r != NAP_RESULT_OK && r != NAP_RESULT_NOT_PENDING)
            ++c->wrong;
    }
}

static void test_concurrent_callers_all_get_answers(void)
{
    struct threaded t;
    struct fake_client f;
    struct agent_binding *b;
    struct caller callers[CALLERS];
    uv_thread_t threads[CALLERS];
    unsigned wrong = 0;

    threaded_setup(&t);
    fake_client_init(&f, FAKE_ANSWER_OK);
    b = bind_ec(&t, 1, &f);
    for (int i = 0; i < CALLERS; ++i) {
        callers[i].agent = t.agent;
        callers[i].binding = b;
        callers[i].wrong = 0;
        uv_thread_create(&threads[i], caller_main, &callers[i]);
    }
    for (int i = 0; i < CALLERS; ++i) {
        uv_thread_join(&threads[i]);
        wrong += callers[i].wrong;
    }
    ok(wrong == 0, "expected every call answered OK or NOT_PENDING, got %u wrong answers", wrong);
    ok(state_of(&t, 1) != (enum agent_soh_state)-1, "expected the EC still bound, got state %d",
       state_of(&t, 1));
    agent_binding_destroy(b);
    threaded_teardown(&t);
    ok(f.max_concurrent == 1, "expected notifications serialised, got %u at once", f.max_concurrent);
    fake_client_free(&f);
}

static void test_stop_refuses_calls_and_releases_everyone(void)
{
    struct threaded t;
    struct fake_client f;
    struct agent_binding *b;
    nap_result res;

    threaded_setup(&t);
    fake_client_init(&f, FAKE_ANSWER_OK);
    b = bind_ec(&t, 1, &f);
    agent_stop(t.agent);
    ok(fake_client_releases(&f) == 1, "expected the client released, got %u", fake_client_releases(&f));
    res = agent_ec_soh_request_taken(b);
    ok(res == NAP_RESULT_SERVICE_NOT_RUNNING, "expected SERVICE_NOT_RUNNING, got %#x", (unsigned)res);
    agent_binding_destroy(b);   /* safe after stop */
    threaded_teardown(&t);
    fake_client_free(&f);
}

int main(void)
{
    test_frozen_client_delays_nobody_else();
    test_get_soh_request_inside_notify_applies_the_change();
    test_failure_reported_inside_notify_is_retried_once();
    test_uninitialize_waits_for_the_running_call();
    test_uninitialize_inside_the_callback_does_not_deadlock();
    test_concurrent_callers_all_get_answers();
    test_stop_refuses_calls_and_releases_everyone();
    return tap_done();
}
