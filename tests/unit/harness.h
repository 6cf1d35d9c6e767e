/* Test harness for the core: an agent on a loop the test runs itself (so time only moves when the
 * test runs the loop), backed by memory_store and a sink that records every event. Header-only. */
#ifndef NAPAGENT_TESTS_HARNESS_H
#define NAPAGENT_TESTS_HARNESS_H

#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "agent.h"
#include "fake_client.h"
#include "memory_store.h"
#include "tap.h"

#define HARNESS_MAX_EVENTS 4096

struct recorded_events {
    uv_mutex_t lock;
    struct agent_event events[HARNESS_MAX_EVENTS];
    size_t count;
};

static inline void record_event(void *context, const struct agent_event *e)
{
    struct recorded_events *r = context;

    uv_mutex_lock(&r->lock);
    if (r->count < HARNESS_MAX_EVENTS)
        r->events[r->count++] = *e;
    uv_mutex_unlock(&r->lock);
}

/* How many events of a kind for an id (id 0: any id). */
static inline unsigned events_of(struct recorded_events *r, enum agent_event_kind kind, uint32_t id)
{
    unsigned n = 0;

    uv_mutex_lock(&r->lock);
    for (size_t i = 0; i < r->count; ++i)
        n += r->events[i].kind == kind && (!id || r->events[i].component_id == id);
    uv_mutex_unlock(&r->lock);
    return n;
}

/* The last event of a kind for an id, or a zeroed one. */
static inline struct agent_event last_event(struct recorded_events *r, enum agent_event_kind kind,
                                            uint32_t id)
{
    struct agent_event found;

    memset(&found, 0, sizeof(found));
    uv_mutex_lock(&r->lock);
    for (size_t i = 0; i < r->count; ++i)
        if (r->events[i].kind == kind && (!id || r->events[i].component_id == id))
            found = r->events[i];
    uv_mutex_unlock(&r->lock);
    return found;
}

struct harness {
    uv_loop_t loop;
    uv_timer_t tick;          /* bounds each uv_run so a deadline can be checked */
    struct memory_store store;
    struct recorded_events events;
    struct agent_sink sink;
    struct agent_dependencies deps;
    struct agent_config config;
    struct agent *agent;
};

static inline void harness_tick(uv_timer_t *t)
{
    (void)t;
}

/* Short delays: the tests wait for events, never for time, so these only keep the run fast. */
static inline void harness_config(struct agent_config *c)
{
    agent_config_defaults(c);
    c->retry.first_delay_ms = 1;
    c->retry.factor_permille = 2000;
    c->retry.max_delay_ms = 8;
    c->retry.jitter_permille = 250;
    c->retry.exhausted_after = 5;
    c->jitter_seed = 42;
    c->stop_report_ms = 20;
}

static inline void harness_setup_with(struct harness *h, const struct agent_config *config)
{
    nap_result r;

    memset(h, 0, sizeof(*h));
    if (uv_loop_init(&h->loop) || memory_store_init(&h->store) || uv_mutex_init(&h->events.lock))
        tap_bail("harness: cannot initialise loop, store or lock");
    uv_timer_init(&h->loop, &h->tick);
    uv_timer_start(&h->tick, harness_tick, 20, 20);
    h->sink.context = &h->events;
    h->sink.emit = record_event;
    h->deps.storage = &h->store.storage;
    h->deps.sink = &h->sink;
    h->deps.calls = &fake_client_calls;
    h->config = *config;
    if ((r = agent_create(&h->config, &h->deps, &h->loop, &h->agent, NULL)) != NAP_RESULT_OK)
        tap_bail("harness: agent_create failed");
}

static inline void harness_setup(struct harness *h)
{
    struct agent_config c;

    harness_config(&c);
    harness_setup_with(h, &c);
}

static inline void harness_teardown(struct harness *h)
{
    agent_destroy(h->agent);
    h->agent = NULL;
    uv_close((uv_handle_t *)&h->tick, NULL);
    uv_run(&h->loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&h->loop))
        tap_bail("harness: a handle outlived the agent");
    memory_store_free(&h->store);
    uv_mutex_destroy(&h->events.lock);
}

/* Runs the loop until cond(arg) holds; 0 after 5 s (a hang turned into a failure). */
static inline int harness_run_until(struct harness *h, int (*cond)(void *), void *arg)
{
    uint64_t deadline = uv_hrtime() + 5000000000ull;

    while (!cond(arg)) {
        if (uv_hrtime() > deadline)
            return 0;
        uv_run(&h->loop, UV_RUN_ONCE);
    }
    return 1;
}

/* Until no outgoing call is queued or running and none of their results waits for the loop. */
static inline int harness_settled(void *arg)
{
    struct harness *h = arg;
    struct agent_snapshot s;
    int settled;

    if (agent_snapshot(h->agent, &s) != NAP_RESULT_OK)
        return 0;
    settled = s.outgoing_calls_outstanding == 0;
    agent_snapshot_free(&s);
    return settled;
}

static inline int harness_settle(struct harness *h)
{
    return harness_run_until(h, harness_settled, h);
}

/* A registration with short ASCII strings. */
static inline struct nap_registration harness_registration(enum nap_component_kind kind, uint32_t id,
                                                           int enabled)
{
    static uint16_t name[] = { 'f', 'a', 'k', 'e' };
    struct nap_registration r;

    memset(&r, 0, sizeof(r));
    r.kind = kind;
    r.id = id;
    r.friendly_name.length = 4;
    r.friendly_name.chars = name;
    r.registration_date = 0x01d0000000000000ull;
    r.component_type = 1;
    r.enabled = enabled;
    r.info_clsid[0] = 0xAB;
    return r;
}

/* Registers (enabled) and binds an EC to a fake client; returns the binding. */
static inline struct agent_binding *harness_bind_ec(struct harness *h, uint32_t id,
                                                    struct fake_client *f)
{
    struct nap_registration r = harness_registration(NAP_COMPONENT_ENFORCEMENT_CLIENT, id, 1);
    struct agent_binding *b = NULL;

    if (agent_register(h->agent, &r) != NAP_RESULT_OK
        || agent_binding_create(h->agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, &b) != NAP_RESULT_OK
        || agent_binding_initialize(b, id, f, &fake_admin, NULL) != NAP_RESULT_OK)
        tap_bail("harness: cannot bind an EC");
    f->binding = b;
    f->loop_thread = uv_thread_self();
    f->loop_thread_known = 1;
    return b;
}

/* Registers and binds an SHA to a fake client, which gives SoHs with that id; returns the binding. */
static inline struct agent_binding *harness_bind_sha(struct harness *h, uint32_t id, struct fake_client *f)
{
    struct nap_registration r = harness_registration(NAP_COMPONENT_SYSTEM_HEALTH_AGENT, id, 1);
    struct agent_binding *b = NULL;

    f->sha_id = id;
    if (agent_register(h->agent, &r) != NAP_RESULT_OK
        || agent_binding_create(h->agent, NAP_COMPONENT_SYSTEM_HEALTH_AGENT, &b) != NAP_RESULT_OK
        || agent_binding_initialize(b, id, f, &fake_admin, NULL) != NAP_RESULT_OK)
        tap_bail("harness: cannot bind an SHA");
    f->binding = b;
    f->loop_thread = uv_thread_self();
    f->loop_thread_known = 1;
    return b;
}

/* The snapshot entry of a bound id, copied out; kind 0 if not bound. */
static inline struct agent_snapshot_binding harness_binding_state(struct harness *h, uint32_t id)
{
    struct agent_snapshot s;
    struct agent_snapshot_binding found;

    memset(&found, 0, sizeof(found));
    if (agent_snapshot(h->agent, &s) == NAP_RESULT_OK) {
        for (size_t i = 0; i < s.binding_count; ++i)
            if (s.bindings[i].id == id)
                found = s.bindings[i];
        agent_snapshot_free(&s);
    }
    return found;
}

#endif
