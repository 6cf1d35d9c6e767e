/* Randomized interleavings of bind, unbind, SoH change, failure, apply, time passing and client
 * death over many ECs, on a loop the test runs, with the invariants checked after every step:
 * - no change lost: an EC with a change it has not taken is notifying or has a retry scheduled;
 * - no notification after apply (without a new change) and none after unbind or release;
 * - at most one outstanding notification per EC;
 * - every failure is followed by exactly one retry (unless the change was taken meanwhile):
 *   notifications == changes + failures - cancelled retries - the retry still scheduled.
 * The sequence comes from a fixed seed, so a failure reproduces; NAPAGENT_SEED picks another. */
#include <stdio.h>

#include "harness.h"

#define EC_COUNT 12
#define STEPS 4000
#define MAX_GENERATIONS 1024

struct ec_model {
    struct agent_binding *binding;
    struct fake_client *fake;       /* the current bind generation's client, NULL if unbound */
    int pending;                    /* a change raised and not taken */
    unsigned cancelled;             /* retries cancelled by an apply, this generation */
    /* events of this generation, counted by the sink */
    unsigned sent, failed, raised, died;
};

static struct ec_model ecs[EC_COUNT];
static struct fake_client *generations[MAX_GENERATIONS];
static unsigned notifications_at_release[MAX_GENERATIONS];
static size_t generation_count;
static uint64_t rng_state;
static unsigned violations;

static uint32_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}

static void count_event(void *context, const struct agent_event *e)
{
    struct ec_model *m;

    (void)context;
    if (e->component_kind != NAP_COMPONENT_ENFORCEMENT_CLIENT || e->component_id >= EC_COUNT)
        return;
    m = &ecs[e->component_id];
    switch (e->kind) {
    case AGENT_EVENT_NOTIFICATION_SENT: ++m->sent; break;
    case AGENT_EVENT_NOTIFICATION_FAILED: ++m->failed; break;
    case AGENT_EVENT_SOH_CHANGE_RAISED: ++m->raised; break;
    case AGENT_EVENT_CLIENT_DIED: ++m->died; break;
    default: break;
    }
}

static int violated(int bad, const char *what, unsigned step, unsigned id, long got)
{
    if (bad && ++violations <= 10)
        diag("step %u, EC %u: %s (got %ld)", step, id, what, got);
    return bad;
}

static void forget_generation(struct ec_model *m)
{
    for (size_t g = 0; g < generation_count; ++g)
        if (generations[g] == m->fake)
            notifications_at_release[g] = fake_client_notifications(m->fake);
    m->fake = NULL;
    m->pending = 0;
}

static void check_invariants(struct harness *h, unsigned step)
{
    struct agent_snapshot s;

    agent_snapshot(h->agent, &s);
    for (unsigned id = 0; id < EC_COUNT; ++id) {
        struct ec_model *m = &ecs[id];
        struct agent_snapshot_binding *b = NULL;
        int retry_scheduled;

        for (size_t i = 0; i < s.binding_count; ++i)
            if (s.bindings[i].id == id)
                b = &s.bindings[i];
        if (m->fake && !b) {
            /* Only a dead client may vanish on its own. */
            violated(m->died != 1, "unbound without dying", step, id, m->died);
            forget_generation(m);
            continue;
        }
        if (!m->fake) {
            violated(b != NULL, "bound though the model unbound it", step, id, 1);
            continue;
        }
        retry_scheduled = b->soh_state == AGENT_SOH_RETRY_SCHEDULED;
        violated(m->pending && b->soh_state != AGENT_SOH_NOTIFYING && !retry_scheduled,
                 "change lost: pending in the model, not in the agent", step, id, b->soh_state);
        violated(!m->pending && (b->soh_state == AGENT_SOH_NOTIFYING || retry_scheduled),
                 "change pending that the EC took", step, id, b->soh_state);
        violated(retry_scheduled != (b->next_retry_ms >= 0), "retry state and timer disagree", step,
                 id, (long)b->next_retry_ms);
        violated(m->sent != m->raised + m->failed - m->cancelled - (unsigned)retry_scheduled,
                 "notifications != changes + failures - cancelled - scheduled", step, id,
                 (long)m->sent - (long)(m->raised + m->failed - m->cancelled - retry_scheduled));
        violated(fake_client_notifications(m->fake) != m->sent,
                 "calls made differ from notifications sent", step, id,
                 (long)fake_client_notifications(m->fake));
        violated(m->fake->max_concurrent > 1, "two notifications at once", step, id,
                 m->fake->max_concurrent);
        violated(b->notification_in_flight, "a call still in flight after settling", step, id, 1);
    }
    agent_snapshot_free(&s);
}

static enum agent_soh_state state_of(struct harness *h, unsigned id)
{
    return harness_binding_state(h, id).soh_state;
}

static void do_bind(unsigned id)
{
    struct ec_model *m = &ecs[id];
    struct fake_client *f;

    if (m->fake || generation_count == MAX_GENERATIONS)
        return;
    f = malloc(sizeof(*f));
    fake_client_init(f, next_random() % 4 ? FAKE_ANSWER_OK : FAKE_ANSWER_FAILURE);
    generations[generation_count++] = f;
    m->sent = m->failed = m->raised = m->died = m->cancelled = 0;
    m->pending = 0;
    if (agent_binding_initialize(m->binding, id, f, &fake_admin, NULL) == NAP_RESULT_OK)
        m->fake = f;
    else
        violated(1, "Initialize refused", 0, id, 0);
}

static void do_unbind(struct harness *h, unsigned id)
{
    struct ec_model *m = &ecs[id];

    if (!m->fake)
        return;
    agent_binding_uninitialize(m->binding);
    harness_settle(h);
    forget_generation(m);
}

static void do_raise(void)
{
    for (unsigned id = 0; id < EC_COUNT; ++id)
        if (ecs[id].fake)
            ecs[id].pending = 1;
}

static void do_failure(struct harness *h, unsigned id, unsigned step)
{
    struct ec_model *m = &ecs[id];
    enum agent_soh_state before;
    nap_result r;

    if (!m->fake)
        return;
    before = state_of(h, id);
    r = agent_ec_notify_soh_change_failure(m->binding);
    violated(r != (before == AGENT_SOH_NOTIFYING ? NAP_RESULT_OK : NAP_RESULT_NOT_PENDING),
             "wrong answer to NotifySoHChangeFailure", step, id, (long)r);
}

static void do_apply(struct harness *h, unsigned id)
{
    struct ec_model *m = &ecs[id];

    if (!m->fake)
        return;
    if (state_of(h, id) == AGENT_SOH_RETRY_SCHEDULED)
        ++m->cancelled;
    agent_ec_soh_request_taken(m->binding);
    m->pending = 0;
}

struct retries {
    struct harness *h;
    unsigned sent_before[EC_COUNT];
    int waiting[EC_COUNT];
};

static int scheduled_retries_fired(void *arg)
{
    struct retries *r = arg;

    for (unsigned id = 0; id < EC_COUNT; ++id)
        if (r->waiting[id] && ecs[id].fake && ecs[id].sent == r->sent_before[id])
            return 0;
    return 1;
}

/* Lets time pass until every retry scheduled now has fired. */
static void do_time_passes(struct harness *h)
{
    struct retries r = { h, { 0 }, { 0 } };

    for (unsigned id = 0; id < EC_COUNT; ++id) {
        r.sent_before[id] = ecs[id].sent;
        r.waiting[id] = ecs[id].fake && state_of(h, id) == AGENT_SOH_RETRY_SCHEDULED;
    }
    if (!harness_run_until(h, scheduled_retries_fired, &r))
        violated(1, "a scheduled retry never fired", 0, 0, 0);
}

static void do_kill(unsigned id)
{
    if (ecs[id].fake)
        fake_client_set(ecs[id].fake, FAKE_ANSWER_DEAD);
}

static void do_change_behaviour(unsigned id)
{
    if (ecs[id].fake)
        fake_client_set(ecs[id].fake, next_random() % 2 ? FAKE_ANSWER_OK : FAKE_ANSWER_FAILURE);
}

static void test_random_interleavings_keep_the_invariants(uint64_t seed)
{
    struct harness h;
    unsigned counts[9] = { 0 };

    harness_setup(&h);
    h.sink.emit = count_event;   /* agent_create copied the old sink: make a new agent */
    agent_destroy(h.agent);
    agent_create(&h.config, &h.deps, &h.loop, &h.agent, NULL);
    {
        struct retry_policy p = { 1, 2000, 4, 500, 3 };
        agent_set_retry_policy(h.agent, &p);
    }
    for (unsigned id = 0; id < EC_COUNT; ++id) {
        struct nap_registration r = harness_registration(NAP_COMPONENT_ENFORCEMENT_CLIENT, id, 1);
        agent_register(h.agent, &r);
        agent_binding_create(h.agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, &ecs[id].binding);
    }
    rng_state = seed;
    for (unsigned step = 1; step <= STEPS; ++step) {
        unsigned action = next_random() % 9, id = next_random() % EC_COUNT;

        ++counts[action];
        switch (action) {
        case 0: do_bind(id); break;
        case 1: if (next_random() % 3 == 0) do_unbind(&h, id); break;
        case 2: agent_raise_soh_change(h.agent); do_raise(); break;
        case 3: do_failure(&h, id, step); break;
        case 4: do_apply(&h, id); break;
        case 5: do_time_passes(&h); break;
        case 6: if (next_random() % 4 == 0) do_kill(id); break;
        case 7: do_change_behaviour(id); break;
        default: do_bind(id); break;
        }
        if (!harness_settle(&h))
            violated(1, "outgoing calls never settled", step, id, 0);
        check_invariants(&h, step);
    }
    diag("seed %llu: %u binds, %u unbinds, %u changes, %u failures, %u applies, %u time steps, "
         "%u kills", (unsigned long long)seed, counts[0] + counts[8], counts[1], counts[2],
         counts[3], counts[4], counts[5], counts[6]);
    ok(violations == 0, "expected no invariant violated over %u steps, got %u", STEPS, violations);

    for (unsigned id = 0; id < EC_COUNT; ++id) {
        if (ecs[id].fake)
            fake_client_set(ecs[id].fake, FAKE_ANSWER_OK);
        agent_binding_destroy(ecs[id].binding);
        if (ecs[id].fake)
            forget_generation(&ecs[id]);
    }
    harness_teardown(&h);
    {
        unsigned after_release = 0, late = 0, released_once = 1;
        for (size_t g = 0; g < generation_count; ++g) {
            after_release += generations[g]->calls_after_release;
            late += generations[g]->notifications != notifications_at_release[g];
            released_once &= generations[g]->releases == 1;
            fake_client_free(generations[g]);
            free(generations[g]);
        }
        ok(after_release == 0, "expected no call after any release, got %u", after_release);
        ok(late == 0, "expected no notification after unbind, got %u clients notified late", late);
        ok(released_once, "expected each of %zu clients released exactly once, got %d",
           generation_count, released_once);
    }
}

int main(void)
{
    const char *env = getenv("NAPAGENT_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 10) : 20240601ull;

    test_random_interleavings_keep_the_invariants(seed ? seed : 1);
    return tap_done();
}
