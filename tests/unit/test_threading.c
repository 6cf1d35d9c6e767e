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

static void threaded_setup_with(struct threaded *t, const struct agent_config *config)
{
    struct agent_config c = *config;

    memset(t, 0, sizeof(*t));
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

static void threaded_setup(struct threaded *t)
{
    struct agent_config c;

    harness_config(&c);
    threaded_setup_with(t, &c);
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
        || agent_binding_initialize(b, id, f, &fake_admin, NULL) != NAP_RESULT_OK)
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


static unsigned fake_client_count_alive_probes(struct fake_client *f)
{
    return fake_client_count(f, &f->alive_probes);
}

struct uninitialize_call {
    struct agent_binding *binding;
    nap_result result;
};

static void uninitialize_thread(void *arg)
{
    struct uninitialize_call *u = arg;

    u->result = agent_binding_uninitialize(u->binding);
}

struct stop_call {
    struct agent *agent;
};

static void stop_thread(void *arg)
{
    struct stop_call *s = arg;

    agent_stop(s->agent);
}

/* A stop held up by a frozen client says so, naming that client and no other, until the call
 * returns; then it finishes. */
static void test_stop_names_the_client_it_waits_for(void)
{
    struct threaded t;
    struct fake_client frozen, fine;
    struct agent_binding *bf, *bo;
    struct stop_call s;
    uv_thread_t st;
    struct agent_event e;
    unsigned fine_named, frozen_named;
    int named;

    threaded_setup(&t);
    fake_client_init(&frozen, FAKE_FREEZE);
    fake_client_init(&fine, FAKE_ANSWER_OK);
    bf = bind_ec(&t, 300, &frozen);
    bo = bind_ec(&t, 301, &fine);
    agent_raise_soh_change(t.agent);
    ok(fake_client_wait(&frozen, fake_client_frozen, 1), "the frozen client is inside its call");
    s.agent = t.agent;
    uv_thread_create(&st, stop_thread, &s);
    /* The other EC is released at once; from then on only the frozen one is named. */
    ok(fake_client_wait(&fine, fake_client_releases, 1), "the stop released the EC that was not called");
    fine_named = events_of(&t.events, AGENT_EVENT_STOP_WAITING, 301);
    frozen_named = events_of(&t.events, AGENT_EVENT_STOP_WAITING, 300);
    named = 0;
    for (uint64_t deadline = uv_hrtime() + 5000000000ull; !named && uv_hrtime() < deadline;)
        if (!(named = events_of(&t.events, AGENT_EVENT_STOP_WAITING, 300) >= frozen_named + 2))
            uv_sleep(5);
    e = last_event(&t.events, AGENT_EVENT_STOP_WAITING, 300);
    /* Two jobs outstanding: the frozen call and the release queued behind it. */
    ok(named && e.component_kind == NAP_COMPONENT_ENFORCEMENT_CLIENT && e.attempt == 2 && e.next_delay_ms >= 20,
       "the stop reports it waits for the frozen EC: %u reports, kind %d, %u jobs out, %llu ms",
       events_of(&t.events, AGENT_EVENT_STOP_WAITING, 300), (int)e.component_kind, e.attempt,
       (unsigned long long)e.next_delay_ms);
    ok(events_of(&t.events, AGENT_EVENT_STOP_WAITING, 301) == fine_named,
       "the released EC is named no more: %u reports, %u before its release",
       events_of(&t.events, AGENT_EVENT_STOP_WAITING, 301), fine_named);
    ok(fake_client_releases(&frozen) == 0, "the frozen client is not released while its call runs");
    fake_client_unfreeze(&frozen);
    uv_thread_join(&st);
    ok(fake_client_releases(&frozen) == 1 && fake_client_releases(&fine) == 1,
       "once the call returned, the stop released both clients and finished: %u, %u",
       fake_client_releases(&frozen), fake_client_releases(&fine));
    agent_binding_destroy(bf);
    agent_binding_destroy(bo);
    threaded_teardown(&t);
    fake_client_free(&frozen);
    fake_client_free(&fine);
}

/* Waits (5 s at most) until the agent has emitted `want` events of a kind for an id. */
static int wait_events(struct threaded *t, enum agent_event_kind kind, uint32_t id, unsigned want)
{
    for (uint64_t deadline = uv_hrtime() + 5000000000ull; uv_hrtime() < deadline; uv_sleep(2))
        if (events_of(&t->events, kind, id) >= want)
            return 1;
    return 0;
}

/* A NotifySoHChange that does not come back is given up on after notify_overdue_ms: the EC is
 * reported and notified again (on another thread), so the change reaches it; when the stuck
 * call returns at last it changes nothing. */
static void test_overdue_notification_is_sent_again(void)
{
    struct threaded t;
    struct agent_config c;
    struct fake_client f;
    struct agent_binding *b;
    struct agent_event overdue;

    harness_config(&c);
    c.notify_overdue_ms = 50;
    threaded_setup_with(&t, &c);
    fake_client_init(&f, FAKE_FREEZE);
    b = bind_ec(&t, 400, &f);
    agent_raise_soh_change(t.agent);
    ok(fake_client_wait(&f, fake_client_frozen, 1), "the EC is stuck inside its first notification");
    fake_client_set(&f, FAKE_ANSWER_OK);
    ok(fake_client_wait(&f, fake_client_notifications, 2),
       "the EC is notified again while the first call is still stuck: %u notifications",
       fake_client_notifications(&f));
    overdue = last_event(&t.events, AGENT_EVENT_NOTIFICATION_OVERDUE, 400);
    ok(events_of(&t.events, AGENT_EVENT_NOTIFICATION_OVERDUE, 400) == 1 && overdue.attempt == 1
           && overdue.next_delay_ms >= 50,
       "the overdue call was reported once: %u reports, attempt %u, after %llu ms",
       events_of(&t.events, AGENT_EVENT_NOTIFICATION_OVERDUE, 400), overdue.attempt,
       (unsigned long long)overdue.next_delay_ms);
    ok(agent_ec_soh_request_taken(b) == NAP_RESULT_OK && state_of(&t, 400) == AGENT_SOH_APPLIED,
       "the EC takes the change: state %d", state_of(&t, 400));
    fake_client_unfreeze(&f);
    ok(wait_events(&t, AGENT_EVENT_NOTIFICATION_RETURNED, 400, 2), "the stuck call returned at last: %u returns",
       events_of(&t.events, AGENT_EVENT_NOTIFICATION_RETURNED, 400));
    uv_sleep(50);   /* a late return that restarted the cycle would notify within a few ms */
    ok(fake_client_notifications(&f) == 2 && state_of(&t, 400) == AGENT_SOH_APPLIED,
       "its late return changed nothing: %u notifications, state %d", fake_client_notifications(&f),
       state_of(&t, 400));
    agent_binding_destroy(b);
    threaded_teardown(&t);
    ok(fake_client_releases(&f) == 1 && f.calls_after_release == 0 && f.max_concurrent == 2,
       "released once, after both calls returned (they overlapped once): %u releases, %u calls after, %u at once",
       fake_client_releases(&f), f.calls_after_release, f.max_concurrent);
    fake_client_free(&f);
}

/* agent_stop_within gives up on an EC frozen in NotifySoHChange and an SHA frozen in
 * GetSoHRequest at its limit: calls are refused, nothing is released under the frozen calls, and
 * once they return the core's threads finish the stop by themselves. */
static void test_stop_within_gives_up_on_frozen_clients(void)
{
    struct threaded t;
    struct fake_client ec, sha;
    struct agent_binding *be, *bs;
    struct nap_registration r = harness_registration(NAP_COMPONENT_SYSTEM_HEALTH_AGENT, 501, 1);
    uint64_t start, took;
    int stopped;

    threaded_setup(&t);
    fake_client_init(&ec, FAKE_FREEZE);
    fake_client_init(&sha, FAKE_FREEZE);
    sha.sha_id = 501;
    be = bind_ec(&t, 500, &ec);
    if (agent_register(t.agent, &r) != NAP_RESULT_OK
        || agent_binding_create(t.agent, NAP_COMPONENT_SYSTEM_HEALTH_AGENT, &bs) != NAP_RESULT_OK
        || agent_binding_initialize(bs, 501, &sha, &fake_admin, NULL) != NAP_RESULT_OK)
        tap_bail("cannot bind an SHA");
    agent_raise_soh_change(t.agent);
    agent_sha_notify_soh_change(bs);
    ok(fake_client_wait(&ec, fake_client_frozen, 1) && fake_client_wait(&sha, fake_client_frozen, 1),
       "the EC is stuck in NotifySoHChange and the SHA in GetSoHRequest");
    start = uv_hrtime();
    stopped = agent_stop_within(t.agent, 100);
    took = (uv_hrtime() - start) / 1000000u;
    ok(!stopped && took >= 100 && took < 2000, "the stop gave up waiting at its limit: stopped %d after %llu ms",
       stopped, (unsigned long long)took);
    ok(agent_ec_soh_request_taken(be) == NAP_RESULT_SERVICE_NOT_RUNNING
           && agent_sha_notify_soh_change(bs) == NAP_RESULT_SERVICE_NOT_RUNNING,
       "calls are refused meanwhile");
    ok(fake_client_releases(&ec) == 0 && fake_client_releases(&sha) == 0,
       "nobody is released while their calls still run");
    fake_client_unfreeze(&ec);
    fake_client_unfreeze(&sha);
    ok(fake_client_wait(&ec, fake_client_releases, 1) && fake_client_wait(&sha, fake_client_releases, 1),
       "once the calls returned the core released both clients by itself");
    agent_stop(t.agent);   /* waits for the end of the stop it gave up on */
    agent_binding_destroy(be);
    agent_binding_destroy(bs);
    threaded_teardown(&t);
    ok(ec.calls_after_release == 0 && sha.calls_after_release == 0 && fake_client_releases(&ec) == 1
           && fake_client_releases(&sha) == 1,
       "each released once, never called after: %u/%u releases, %u/%u calls after", fake_client_releases(&ec),
       fake_client_releases(&sha), ec.calls_after_release, sha.calls_after_release);
    fake_client_free(&ec);
    fake_client_free(&sha);
}

/* ---- Initialize of an id another binding holds: the holder is asked whether it is alive ---- */

static struct agent_binding *new_ec_binding(struct threaded *t)
{
    struct agent_binding *b = NULL;

    if (agent_binding_create(t->agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, &b) != NAP_RESULT_OK)
        tap_bail("cannot create a binding");
    return b;
}

struct initialize_call {
    struct agent_binding *binding;
    uint32_t id;
    struct fake_client *client;
    nap_result result;
    uint64_t took_ms;
};

static void initialize_thread(void *arg)
{
    struct initialize_call *c = arg;
    uint64_t start = uv_hrtime();

    c->result = agent_binding_initialize(c->binding, c->id, c->client, &fake_admin, NULL);
    c->took_ms = (uv_hrtime() - start) / 1000000;
}

/* A client holding an id and a newcomer with a binding of its own that wants the same id. */
struct holder_pair {
    struct threaded t;
    struct fake_client holder, newcomer;
    struct agent_binding *held, *wanting;
    struct initialize_call call;     /* the newcomer's Initialize, when made on a thread */
    uv_thread_t thread;
};

static void holder_pair_setup(struct holder_pair *p, uint32_t id, enum fake_behaviour holder)
{
    threaded_setup(&p->t);
    fake_client_init(&p->holder, holder);
    fake_client_init(&p->newcomer, FAKE_ANSWER_OK);
    p->held = bind_ec(&p->t, id, &p->holder);
    p->wanting = new_ec_binding(&p->t);
}

/* The holder frozen inside NotifySoHChange, and the newcomer's Initialize waiting on a thread for
 * the probe queued behind the frozen call. */
static void holder_pair_start_probed(struct holder_pair *p, uint32_t id)
{
    holder_pair_setup(p, id, FAKE_FREEZE);
    agent_raise_soh_change(p->t.agent);
    ok(fake_client_wait(&p->holder, fake_client_frozen, 1), "the holder is frozen inside NotifySoHChange");
    p->call.binding = p->wanting, p->call.id = id, p->call.client = &p->newcomer;
    p->call.result = (nap_result)-1;
    uv_thread_create(&p->thread, initialize_thread, &p->call);
    uv_sleep(100);   /* the newcomer's probe is queued by now (nothing depends on it being so) */
    fake_client_set(&p->holder, FAKE_ANSWER_OK);
}

static void holder_pair_end(struct holder_pair *p)
{
    agent_binding_destroy(p->wanting);
    if (p->held)
        agent_binding_destroy(p->held);
    threaded_teardown(&p->t);
    fake_client_free(&p->holder);
    fake_client_free(&p->newcomer);
}

static void test_live_holder_keeps_its_id(void)
{
    struct holder_pair p;
    nap_result res;

    holder_pair_setup(&p, 200, FAKE_ANSWER_OK);
    res = agent_binding_initialize(p.wanting, 200, &p.newcomer, &fake_admin, NULL);
    ok(res == NAP_RESULT_ALREADY_INITIALIZED, "a live holder keeps its id: expected ALREADY_INITIALIZED, got %#x",
       (unsigned)res);
    ok(fake_client_count(&p.holder, &p.holder.alive_probes) == 1, "the holder was asked once, got %u",
       fake_client_count(&p.holder, &p.holder.alive_probes));
    ok(agent_binding_check(p.held) == NAP_RESULT_OK && events_of(&p.t.events, AGENT_EVENT_CLIENT_DIED, 200) == 0,
       "the holder is still bound and not taken for dead");
    ok(events_of(&p.t.events, AGENT_EVENT_INITIALIZE_REFUSED, 200) == 1, "the refusal was reported once, got %u",
       events_of(&p.t.events, AGENT_EVENT_INITIALIZE_REFUSED, 200));
    /* A burst on the held id: the holder is asked only so often, the rest refused at once. */
    {
        uint64_t start = uv_hrtime(), seconds;
        unsigned refused = 0, probes;

        for (int i = 0; i < 40; ++i)
            refused += agent_binding_initialize(p.wanting, 200, &p.newcomer, &fake_admin, NULL)
                       == NAP_RESULT_ALREADY_INITIALIZED;
        seconds = (uv_hrtime() - start) / 1000000000u + 1;
        probes = fake_client_count(&p.holder, &p.holder.alive_probes) - 1;
        ok(refused == 40 && probes <= AGENT_HOLDER_PROBES_PER_SECOND * (seconds + 1),
           "40 Initialize calls in %llu s: all refused, the holder asked %u times (at most %u a second)",
           (unsigned long long)seconds, probes, AGENT_HOLDER_PROBES_PER_SECOND);
    }
    holder_pair_end(&p);
}

static void test_dead_holder_gives_its_id_up(void)
{
    struct holder_pair p;
    nap_result res;

    holder_pair_setup(&p, 201, FAKE_ANSWER_OK);
    fake_client_set(&p.holder, FAKE_ANSWER_DEAD);   /* its process died between calls */
    res = agent_binding_initialize(p.wanting, 201, &p.newcomer, &fake_admin, NULL);
    ok(res == NAP_RESULT_OK, "the id of a dead holder binds again at once: got %#x", (unsigned)res);
    ok(fake_client_wait(&p.holder, fake_client_releases, 1) && p.holder.released_died == 1,
       "the dead holder was released as dead (died %d)", p.holder.released_died);
    ok(last_event(&p.t.events, AGENT_EVENT_CLIENT_DIED, 201).result == NAP_RESULT_RPC_SERVER_UNAVAILABLE,
       "its death was reported with the transport error");
    ok(agent_binding_check(p.held) == NAP_RESULT_NOT_INITIALIZED, "the old binding is no longer bound");
    agent_raise_soh_change(p.t.agent);
    ok(fake_client_wait(&p.newcomer, fake_client_notifications, 1), "the new client gets the next change");
    ok(fake_client_count(&p.holder, &p.holder.calls_after_release) == 0,
       "nothing called the dead holder after its release");
    holder_pair_end(&p);
}

static void test_frozen_holder_refuses_after_the_probe_timeout(void)
{
    struct holder_pair p;
    nap_result res;
    uint64_t start, took;

    holder_pair_setup(&p, 202, FAKE_FREEZE);
    agent_raise_soh_change(p.t.agent);
    ok(fake_client_wait(&p.holder, fake_client_frozen, 1), "the holder is frozen inside NotifySoHChange");
    start = uv_hrtime();
    res = agent_binding_initialize(p.wanting, 202, &p.newcomer, &fake_admin, NULL);
    took = (uv_hrtime() - start) / 1000000;
    ok(res == NAP_RESULT_ALREADY_INITIALIZED && took >= AGENT_HOLDER_PROBE_TIMEOUT_MS - 50
           && took < AGENT_HOLDER_PROBE_TIMEOUT_MS + 2000,
       "behind a frozen holder, Initialize is refused after the probe timeout: %#x after %llu ms", (unsigned)res,
       (unsigned long long)took);
    /* Its probe is still queued behind the frozen call: another Initialize is refused at once,
     * nobody waits for a second probe. */
    start = uv_hrtime();
    res = agent_binding_initialize(p.wanting, 202, &p.newcomer, &fake_admin, NULL);
    took = (uv_hrtime() - start) / 1000000;
    ok(res == NAP_RESULT_ALREADY_INITIALIZED && took < AGENT_HOLDER_PROBE_TIMEOUT_MS / 2,
       "while its probe is out, the next Initialize is refused at once: %#x after %llu ms", (unsigned)res,
       (unsigned long long)took);
    /* Thawed, the holder answers the probe that waited: the abandoned request is the loop's to free
     * (the sanitizers see a leak or a double free), and the refusal is reported then. */
    fake_client_set(&p.holder, FAKE_ANSWER_OK);
    fake_client_unfreeze(&p.holder);
    ok(fake_client_wait(&p.holder, fake_client_count_alive_probes, 1), "the probe ran once the holder thawed");
    agent_binding_destroy(p.held);   /* waits for every call on the holder, the probe's return included */
    p.held = NULL;
    ok(events_of(&p.t.events, AGENT_EVENT_INITIALIZE_REFUSED, 202) == 2, "each refusal was reported once, got %u",
       events_of(&p.t.events, AGENT_EVENT_INITIALIZE_REFUSED, 202));
    /* The same id with the holder gone binds as usual, from a thread (the timed path). */
    p.call.binding = p.wanting, p.call.id = 202, p.call.client = &p.newcomer;
    uv_thread_create(&p.thread, initialize_thread, &p.call);
    uv_thread_join(&p.thread);
    ok(p.call.result == NAP_RESULT_OK, "with the holder gone the id binds: got %#x", (unsigned)p.call.result);
    holder_pair_end(&p);
}

static void test_holder_leaving_while_probed_hands_its_id_over(void)
{
    struct holder_pair p;
    struct uninitialize_call u;
    uv_thread_t ut;
    nap_result res;

    holder_pair_start_probed(&p, 203);
    res = agent_binding_check(p.held);
    ok(res == NAP_RESULT_OK, "the holder is still bound while the newcomer waits: %#x", (unsigned)res);
    /* The holder lets go meanwhile, as an EC shutting down does; its Uninitialize waits for the
     * frozen call, so it runs on a thread too. */
    u.binding = p.held, u.result = (nap_result)-1;
    uv_thread_create(&ut, uninitialize_thread, &u);
    uv_thread_join(&p.thread);
    ok(p.call.result == NAP_RESULT_OK && p.call.took_ms < AGENT_HOLDER_PROBE_TIMEOUT_MS,
       "the newcomer binds as soon as the holder let go: %#x after %llu ms", (unsigned)p.call.result,
       (unsigned long long)p.call.took_ms);
    fake_client_unfreeze(&p.holder);
    uv_thread_join(&ut);
    ok(u.result == NAP_RESULT_OK, "the holder's Uninitialize returned once its call did: %#x", (unsigned)u.result);
    ok(fake_client_count(&p.holder, &p.holder.alive_probes) == 0, "the dropped probe never called the holder");
    holder_pair_end(&p);
}

static void test_stop_answers_a_waiting_probe(void)
{
    struct holder_pair p;
    struct stop_call s;
    uv_thread_t st;

    holder_pair_start_probed(&p, 204);
    s.agent = p.t.agent;
    uv_thread_create(&st, stop_thread, &s);
    uv_thread_join(&p.thread);
    ok(p.call.result == NAP_RESULT_SERVICE_NOT_RUNNING,
       "a stop while the probe waits answers the newcomer SERVICE_NOT_RUNNING: %#x", (unsigned)p.call.result);
    fake_client_unfreeze(&p.holder);
    uv_thread_join(&st);
    ok(p.newcomer.releases == 0 && fake_client_releases(&p.holder) == 1, "only the holder was released (%u, %u)",
       p.newcomer.releases, fake_client_releases(&p.holder));
    holder_pair_end(&p);
}

static void test_unregister_asks_the_holder_first(void)
{
    struct holder_pair p;
    nap_result res;

    holder_pair_setup(&p, 205, FAKE_ANSWER_OK);
    res = agent_unregister(p.t.agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, 205, &fake_admin);
    ok(res == NAP_RESULT_STILL_BOUND && fake_client_count(&p.holder, &p.holder.alive_probes) == 1,
       "unregistering the id of a live holder: STILL_BOUND after asking it once, got %#x", (unsigned)res);
    fake_client_set(&p.holder, FAKE_ANSWER_DEAD);   /* its process died between calls */
    res = agent_unregister(p.t.agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, 205, &fake_admin);
    ok(res == NAP_RESULT_OK, "unregistering the id of a dead holder: it is dropped and the id unregistered, got %#x",
       (unsigned)res);
    ok(fake_client_wait(&p.holder, fake_client_releases, 1) && p.holder.released_died == 1,
       "the dead holder was released as dead");
    res = agent_binding_initialize(p.wanting, 205, &p.newcomer, &fake_admin, NULL);
    ok(res == NAP_RESULT_NOT_REGISTERED, "the id is gone: Initialize answers NOT_REGISTERED, got %#x",
       (unsigned)res);
    holder_pair_end(&p);
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
    test_live_holder_keeps_its_id();
    test_dead_holder_gives_its_id_up();
    test_frozen_holder_refuses_after_the_probe_timeout();
    test_holder_leaving_while_probed_hands_its_id_over();
    test_stop_answers_a_waiting_probe();
    test_stop_names_the_client_it_waits_for();
    test_unregister_asks_the_holder_first();
    test_overdue_notification_is_sent_again();
    test_stop_within_gives_up_on_frozen_clients();
    return tap_done();
}
