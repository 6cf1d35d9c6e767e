/* Every kind of client call raced against agent_stop, thousands of times, each race on a fresh
 * agent with its own loop thread, as in the service: the stop always ends, every client that was
 * bound is released exactly once (a bind after the stop let everyone go would hold the stop
 * forever), nobody is called after its release, and once the stop has begun every call answers
 * SERVICE_NOT_RUNNING. NAPAGENT_STOP_RACES sets the number of races (default 2000). */
#include <stdarg.h>
#include <stdio.h>

#include "exchange_builders.h"
#include "harness.h"

#define EC_ID 1u
#define SHA_ID 10u
#define FRESH_EC_ID 2u          /* the Initialize racer binds it again and again */
#define ADMIN_ID 50u            /* the administration racer registers and unregisters it */
#define STOP_DEADLINE_NS 5000000000ull

static void bail(const char *format, ...) __attribute__((format(printf, 1, 2), noreturn));
static void bail(const char *format, ...)
{
    char why[256];
    va_list args;

    va_start(args, format);
    vsnprintf(why, sizeof(why), format, args);
    va_end(args);
    tap_bail(why);
    abort();
}

enum racer_kind {
    RACE_INITIALIZE,            /* Initialize on a new binding, then Uninitialize */
    RACE_EC_CALLS,              /* every EC binding call on a bound EC */
    RACE_SHA_CALLS,             /* every SHA binding call on a bound SHA */
    RACE_ADMIN_CALLS,           /* registrations, enablement, snapshots, isolation, retry policy */
    RACE_REBIND,                /* Uninitialize and Initialize of the bound EC's binding */
    RACERS,
};

struct race;

struct racer {
    struct race *race;
    enum racer_kind kind;
    struct fake_client client;
    struct agent_binding *binding;  /* EC_CALLS, SHA_CALLS, REBIND: bound before the race */
    unsigned binds;                 /* Initialize calls that answered OK */
    unsigned wrong;                 /* answers no call may give */
    unsigned calls;
    uv_thread_t thread;
};

struct race {
    struct threaded_agent {
        struct memory_store store;
        struct recorded_events events;
        struct agent_sink sink;
        struct agent_dependencies deps;
        struct agent *agent;
    } core;
    struct racer racers[RACERS];
    uv_mutex_t lock;
    uv_cond_t changed;
    int stop_returned;
    int go;
};

/* An answer a call may give while the agent runs or stops. */
static int expected_answer(nap_result r)
{
    return r == NAP_RESULT_OK || r == NAP_RESULT_SERVICE_NOT_RUNNING || r == NAP_RESULT_NOT_PENDING
           || r == NAP_RESULT_NOT_INITIALIZED || r == NAP_RESULT_INVALID_ARG
           || r == NAP_RESULT_ALREADY_INITIALIZED || r == NAP_RESULT_CONFLICTING_ID
           || r == NAP_RESULT_ID_NOT_FOUND || r == NAP_RESULT_STILL_BOUND
           || r == NAP_RESULT_INVALID_PACKET || r == NAP_RESULT_MISMATCHED_ID;
}

static int answer(struct racer *rc, nap_result r)
{
    ++rc->calls;
    if (!expected_answer(r))
        ++rc->wrong;
    return r == NAP_RESULT_SERVICE_NOT_RUNNING;
}

static int race_calls_initialize(struct racer *rc)
{
    struct agent *a = rc->race->core.agent;
    struct agent_binding *b = NULL;
    nap_result r;
    int stopped;

    if (nap_failed(agent_binding_create(a, NAP_COMPONENT_ENFORCEMENT_CLIENT, &b)))
        return 1;
    r = agent_binding_initialize(b, FRESH_EC_ID, &rc->client, &fake_admin, NULL);
    stopped = answer(rc, r);
    if (r == NAP_RESULT_OK) {
        ++rc->binds;
        stopped |= answer(rc, agent_binding_uninitialize(b));
    }
    agent_binding_destroy(b);
    return stopped;
}

static int race_calls_ec(struct racer *rc, uint64_t *key)
{
    struct agent_binding *b = rc->binding;
    struct agent_soh_request_params p = params_for(7, 4000);
    struct agent_soh_decision decision;
    uint8_t response[4000], *request = NULL;
    size_t size = 0, response_size;
    int hint = 0, stopped = 0;
    uint64_t k = ++*key;

    stopped |= answer(rc, agent_ec_connection_created(b, k));
    stopped |= answer(rc, agent_ec_build_soh_request(b, k, &p, &request, &size, &hint));
    free(request);
    response_size = make_response(&p, 1, "", NULL, 0, response);
    stopped |= answer(rc, agent_ec_process_soh_response(b, k, response, response_size,
                                                        &decision));
    stopped |= answer(rc, agent_ec_soh_request_taken(b));
    stopped |= answer(rc, agent_ec_notify_soh_change_failure(b));
    stopped |= answer(rc, agent_ec_connection_check(b));
    stopped |= answer(rc, agent_ec_connection_down(b, k));
    stopped |= answer(rc, agent_binding_check(b));
    return stopped;
}

static int race_calls_sha(struct racer *rc)
{
    int stopped = 0;

    stopped |= answer(rc, agent_sha_notify_soh_change(rc->binding));
    stopped |= answer(rc, agent_sha_flush_cache(rc->binding));
    stopped |= answer(rc, agent_binding_check(rc->binding));
    return stopped;
}

static int race_calls_admin(struct racer *rc)
{
    struct agent *a = rc->race->core.agent;
    struct nap_registration reg = harness_registration(NAP_COMPONENT_ENFORCEMENT_CLIENT, ADMIN_ID, 0);
    struct nap_registration *list = NULL;
    struct agent_snapshot snapshot;
    struct agent_isolation isolation;
    struct retry_policy policy;
    size_t count = 0;
    int unknown, stopped = 0;

    stopped |= answer(rc, agent_register(a, &reg));
    stopped |= answer(rc, agent_set_enabled(a, ADMIN_ID, 1));
    stopped |= answer(rc, agent_list_registrations(a, NAP_COMPONENT_ENFORCEMENT_CLIENT, &list, &count));
    nap_registrations_free(list, count);
    if (agent_snapshot(a, &snapshot) == NAP_RESULT_OK) {
        agent_snapshot_free(&snapshot);
        ++rc->calls;
    } else {
        stopped = 1;
    }
    stopped |= answer(rc, agent_system_isolation(a, &isolation, &unknown));
    stopped |= answer(rc, agent_raise_soh_change(a));
    retry_policy_defaults(&policy);
    stopped |= answer(rc, agent_set_retry_policy(a, &policy));
    stopped |= answer(rc, agent_unregister(a, NAP_COMPONENT_ENFORCEMENT_CLIENT, ADMIN_ID, &fake_admin));
    return stopped;
}

static int race_calls_rebind(struct racer *rc)
{
    int stopped = answer(rc, agent_binding_uninitialize(rc->binding));
    nap_result r = agent_binding_initialize(rc->binding, EC_ID + 2, &rc->client, &fake_admin, NULL);

    stopped |= answer(rc, r);
    if (r == NAP_RESULT_OK)
        ++rc->binds;
    return stopped;
}

/* Calls until the agent says it stopped, then once more: that call must say so too. */
static void racer_main(void *arg)
{
    struct racer *rc = arg;
    struct race *race = rc->race;
    uint64_t key = 0;
    int stopped = 0;

    uv_mutex_lock(&race->lock);
    while (!race->go)
        uv_cond_wait(&race->changed, &race->lock);
    uv_mutex_unlock(&race->lock);
    for (int round = 0; round < 2; round += stopped) {
        switch (rc->kind) {
        case RACE_INITIALIZE: stopped = race_calls_initialize(rc); break;
        case RACE_EC_CALLS: stopped = race_calls_ec(rc, &key); break;
        case RACE_SHA_CALLS: stopped = race_calls_sha(rc); break;
        case RACE_ADMIN_CALLS: stopped = race_calls_admin(rc); break;
        case RACE_REBIND: stopped = race_calls_rebind(rc); break;
        default: return;
        }
    }
}

static void stop_main(void *arg)
{
    struct race *race = arg;

    agent_stop(race->core.agent);
    uv_mutex_lock(&race->lock);
    race->stop_returned = 1;
    uv_cond_broadcast(&race->changed);
    uv_mutex_unlock(&race->lock);
}

static void race_setup(struct race *race, unsigned n)
{
    struct threaded_agent *t = &race->core;
    struct agent_config c;
    const uint32_t ec_ids[] = {EC_ID, FRESH_EC_ID, EC_ID + 2};
    struct nap_registration sha = harness_registration(NAP_COMPONENT_SYSTEM_HEALTH_AGENT, SHA_ID, 1);

    memset(race, 0, sizeof(*race));
    harness_config(&c);
    c.jitter_seed = n + 1;
    memory_store_init(&t->store);
    uv_mutex_init(&t->events.lock);
    uv_mutex_init(&race->lock);
    uv_cond_init(&race->changed);
    t->sink.context = &t->events;
    t->sink.emit = record_event;
    t->deps.storage = &t->store.storage;
    t->deps.sink = &t->sink;
    t->deps.calls = &fake_client_calls;
    if (agent_create(&c, &t->deps, NULL, &t->agent, NULL) != NAP_RESULT_OK || agent_start(t->agent) != NAP_RESULT_OK)
        bail("race %u: cannot start an agent on its own thread", n);
    for (size_t i = 0; i < sizeof(ec_ids) / sizeof(ec_ids[0]); ++i) {
        struct nap_registration r = harness_registration(NAP_COMPONENT_ENFORCEMENT_CLIENT, ec_ids[i], 1);
        if (agent_register(t->agent, &r) != NAP_RESULT_OK)
            bail("race %u: cannot register EC %u", n, ec_ids[i]);
    }
    if (agent_register(t->agent, &sha) != NAP_RESULT_OK)
        bail("race %u: cannot register the SHA", n);
    for (int k = 0; k < RACERS; ++k) {
        struct racer *rc = &race->racers[k];
        uint32_t id = k == RACE_EC_CALLS ? EC_ID : k == RACE_SHA_CALLS ? SHA_ID : EC_ID + 2;
        enum nap_component_kind kind = k == RACE_SHA_CALLS ? NAP_COMPONENT_SYSTEM_HEALTH_AGENT
                                                            : NAP_COMPONENT_ENFORCEMENT_CLIENT;

        rc->race = race;
        rc->kind = (enum racer_kind)k;
        fake_client_init(&rc->client, FAKE_ANSWER_OK);
        rc->client.sha_id = SHA_ID;
        if (k != RACE_EC_CALLS && k != RACE_SHA_CALLS && k != RACE_REBIND)
            continue;
        if (agent_binding_create(t->agent, kind, &rc->binding) != NAP_RESULT_OK
            || agent_binding_initialize(rc->binding, id, &rc->client, &fake_admin, NULL) != NAP_RESULT_OK)
            bail("race %u: cannot bind racer %d", n, k);
        rc->client.binding = rc->binding;
        rc->binds = 1;
    }
}

/* Whether the stop returned within the deadline. */
static int wait_for_stop(struct race *race)
{
    uint64_t deadline = uv_hrtime() + STOP_DEADLINE_NS, now;

    uv_mutex_lock(&race->lock);
    while (!race->stop_returned && (now = uv_hrtime()) < deadline)
        uv_cond_timedwait(&race->changed, &race->lock, deadline - now);
    uv_mutex_unlock(&race->lock);
    return race->stop_returned;
}

struct tally {
    unsigned races, calls, binds, wrong, release_mismatch, calls_after_release, not_refused;
    unsigned binds_during;
};

/* After the stop, every entry point refuses. */
static unsigned refusals_missing(struct race *race)
{
    struct agent *a = race->core.agent;
    struct agent_binding *ec = race->racers[RACE_EC_CALLS].binding;
    struct agent_binding *sha = race->racers[RACE_SHA_CALLS].binding, *fresh = NULL;
    struct nap_registration reg = harness_registration(NAP_COMPONENT_ENFORCEMENT_CLIENT, ADMIN_ID + 1, 1);
    struct agent_snapshot snapshot;
    struct agent_isolation isolation;
    int unknown;
    unsigned missing = 0;

    missing += agent_binding_create(a, NAP_COMPONENT_ENFORCEMENT_CLIENT, &fresh) == NAP_RESULT_OK
               && agent_binding_initialize(fresh, FRESH_EC_ID, &race->racers[RACE_INITIALIZE].client, &fake_admin, NULL)
                      != NAP_RESULT_SERVICE_NOT_RUNNING;
    agent_binding_destroy(fresh);
    missing += agent_ec_soh_request_taken(ec) != NAP_RESULT_SERVICE_NOT_RUNNING;
    missing += agent_ec_notify_soh_change_failure(ec) != NAP_RESULT_SERVICE_NOT_RUNNING;
    missing += agent_ec_connection_created(ec, 999) != NAP_RESULT_SERVICE_NOT_RUNNING;
    missing += agent_sha_notify_soh_change(sha) != NAP_RESULT_SERVICE_NOT_RUNNING;
    missing += agent_binding_uninitialize(sha) != NAP_RESULT_SERVICE_NOT_RUNNING;
    missing += agent_register(a, &reg) != NAP_RESULT_SERVICE_NOT_RUNNING;
    missing += agent_unregister(a, NAP_COMPONENT_ENFORCEMENT_CLIENT, EC_ID, &fake_admin) != NAP_RESULT_SERVICE_NOT_RUNNING;
    missing += agent_snapshot(a, &snapshot) != NAP_RESULT_SERVICE_NOT_RUNNING;
    missing += agent_system_isolation(a, &isolation, &unknown) != NAP_RESULT_SERVICE_NOT_RUNNING;
    missing += agent_raise_soh_change(a) != NAP_RESULT_SERVICE_NOT_RUNNING;
    return missing;
}

static int run_race(unsigned n, struct tally *tally)
{
    struct race race;
    uv_thread_t stopper;

    race_setup(&race, n);
    for (int k = 0; k < RACERS; ++k)
        if (uv_thread_create(&race.racers[k].thread, racer_main, &race.racers[k]))
            bail("race %u: cannot start racer %d", n, k);
    uv_mutex_lock(&race.lock);
    race.go = 1;
    uv_cond_broadcast(&race.changed);
    uv_mutex_unlock(&race.lock);
    /* Let the racers get going by a different amount each time, so that the stop lands at every
     * point of every call over the run. */
    for (unsigned spin = (n * 2654435761u) % 20000; spin; --spin)
        __asm__ volatile("" ::: "memory");
    if (uv_thread_create(&stopper, stop_main, &race))
        bail("race %u: cannot start the stopper", n);
    if (!wait_for_stop(&race))
        bail("race %u: agent_stop had not returned after %llu s (calls so far: %u %u %u %u %u)", n,
                 STOP_DEADLINE_NS / 1000000000ull, race.racers[0].calls, race.racers[1].calls,
                 race.racers[2].calls, race.racers[3].calls, race.racers[4].calls);
    uv_thread_join(&stopper);
    for (int k = 0; k < RACERS; ++k)
        uv_thread_join(&race.racers[k].thread);
    tally->not_refused += refusals_missing(&race);
    for (int k = 0; k < RACERS; ++k) {
        struct racer *rc = &race.racers[k];

        tally->calls += rc->calls;
        tally->wrong += rc->wrong;
        tally->binds += rc->binds;
        tally->release_mismatch += fake_client_releases(&rc->client) != rc->binds;
        /* The racers that bind again reuse their client, so only the others can tell. */
        if (k == RACE_EC_CALLS || k == RACE_SHA_CALLS)
            tally->calls_after_release += fake_client_count(&rc->client, &rc->client.calls_after_release);
        if (k == RACE_INITIALIZE || k == RACE_REBIND)
            tally->binds_during += rc->binds - (k == RACE_REBIND);
    }
    for (int k = 0; k < RACERS; ++k)
        agent_binding_destroy(race.racers[k].binding);
    agent_destroy(race.core.agent);
    for (int k = 0; k < RACERS; ++k)
        fake_client_free(&race.racers[k].client);
    memory_store_free(&race.core.store);
    uv_mutex_destroy(&race.core.events.lock);
    uv_cond_destroy(&race.changed);
    uv_mutex_destroy(&race.lock);
    ++tally->races;
    return 1;
}

int main(void)
{
    const char *env = getenv("NAPAGENT_STOP_RACES");
    unsigned races = env ? (unsigned)strtoul(env, NULL, 10) : 2000;
    struct tally tally;

    memset(&tally, 0, sizeof(tally));
    for (unsigned n = 0; n < races; ++n)
        run_race(n, &tally);
    diag("%u races, %u calls, %u of them binds made while the stop could land", tally.races, tally.calls,
         tally.binds_during);
    ok(tally.races == races, "every one of %u stops returned within %llu s: %u did", races,
       STOP_DEADLINE_NS / 1000000000ull, tally.races);
    ok(tally.release_mismatch == 0, "every client bound was released exactly once: %u racers were not",
       tally.release_mismatch);
    ok(tally.calls_after_release == 0, "no client bound once was called after its release: %u calls",
       tally.calls_after_release);
    ok(tally.wrong == 0, "every call answered a documented result: %u did not", tally.wrong);
    ok(tally.not_refused == 0, "after each stop every entry point answers SERVICE_NOT_RUNNING: %u did not",
       tally.not_refused);
    ok(tally.binds_during > 0, "the racers did bind while the stop was coming (%u binds), so the race was run",
       tally.binds_during);
    return tap_done();
}
