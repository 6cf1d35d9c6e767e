/* Fake EC/SHA callback objects for the core's tests: they implement agent_client_calls, record
 * every call thread-safely, and can answer OK, fail, be dead (0x800706BA), freeze on a semaphore,
 * or call back into the agent from inside NotifySoHChange like a real EC may. Header-only, like
 * tap.h: each test program is one translation unit plus the core. */
#ifndef NAPAGENT_TESTS_FAKE_CLIENT_H
#define NAPAGENT_TESTS_FAKE_CLIENT_H

#include <stdint.h>
#include <string.h>
#include <uv.h>

#include "agent.h"

enum fake_behaviour {
    FAKE_ANSWER_OK,
    FAKE_ANSWER_FAILURE,        /* a non-transport failure: the agent must retry */
    FAKE_ANSWER_DEAD,           /* RPC_S_SERVER_UNAVAILABLE */
    FAKE_FREEZE,                /* blocks until fake_client_unfreeze, then OK */
    FAKE_TAKE_INSIDE,           /* calls GetSoHRequest (soh_request_taken) from inside */
    FAKE_REPORT_FAILURE_INSIDE, /* calls NotifySoHChangeFailure from inside, then returns OK */
    FAKE_UNINITIALIZE_INSIDE,   /* calls Uninitialize from inside */
};

struct fake_client {
    uv_mutex_t lock;
    uv_cond_t changed;
    uv_sem_t thaw;
    enum fake_behaviour behaviour;
    struct agent_binding *binding;     /* for the calls made from inside */
    unsigned notifications;
    unsigned releases;
    int released_died;
    unsigned calls_after_release;      /* must stay 0 */
    unsigned concurrent;               /* calls running right now */
    unsigned max_concurrent;           /* must stay <= 1: calls are serialised per client */
    unsigned frozen_now;
    nap_result inside_result;          /* what the call from inside answered */
    unsigned inside_done;              /* calls from inside that have returned */
    int called_on_loop_thread;         /* must stay 0 */
    uv_thread_t loop_thread;
    int loop_thread_known;
};

static inline void fake_client_init(struct fake_client *f, enum fake_behaviour behaviour)
{
    memset(f, 0, sizeof(*f));
    uv_mutex_init(&f->lock);
    uv_cond_init(&f->changed);
    uv_sem_init(&f->thaw, 0);
    f->behaviour = behaviour;
}

static inline void fake_client_free(struct fake_client *f)
{
    uv_sem_destroy(&f->thaw);
    uv_cond_destroy(&f->changed);
    uv_mutex_destroy(&f->lock);
}

static inline void fake_client_set(struct fake_client *f, enum fake_behaviour behaviour)
{
    uv_mutex_lock(&f->lock);
    f->behaviour = behaviour;
    uv_mutex_unlock(&f->lock);
}

static inline void fake_client_unfreeze(struct fake_client *f)
{
    uv_sem_post(&f->thaw);
}

static inline unsigned fake_client_notifications(struct fake_client *f)
{
    unsigned n;
    uv_mutex_lock(&f->lock);
    n = f->notifications;
    uv_mutex_unlock(&f->lock);
    return n;
}

static inline unsigned fake_client_releases(struct fake_client *f)
{
    unsigned n;
    uv_mutex_lock(&f->lock);
    n = f->releases;
    uv_mutex_unlock(&f->lock);
    return n;
}

static inline unsigned fake_client_frozen(struct fake_client *f)
{
    unsigned n;
    uv_mutex_lock(&f->lock);
    n = f->frozen_now;
    uv_mutex_unlock(&f->lock);
    return n;
}

static inline unsigned fake_client_inside_done(struct fake_client *f)
{
    unsigned n;
    uv_mutex_lock(&f->lock);
    n = f->inside_done;
    uv_mutex_unlock(&f->lock);
    return n;
}

/* Waits (another thread runs the loop) until field() >= want, or 5 s: the deadline only turns a
 * hang into a failure, success never depends on it. */
static inline int fake_client_wait(struct fake_client *f, unsigned (*field)(struct fake_client *),
                                   unsigned want)
{
    uint64_t deadline = uv_hrtime() + 5000000000ull;
    int reached;

    for (;;) {
        if ((reached = field(f) >= want) || uv_hrtime() > deadline)
            break;
        uv_mutex_lock(&f->lock);
        uv_cond_timedwait(&f->changed, &f->lock, 10000000ull);
        uv_mutex_unlock(&f->lock);
    }
    return reached;
}

static inline nap_result fake_ec_notify_soh_change(void *context, void *client)
{
    struct fake_client *f = client;
    enum fake_behaviour behaviour;
    nap_result answer = NAP_RESULT_OK;
    uv_thread_t self = uv_thread_self();

    (void)context;
    uv_mutex_lock(&f->lock);
    ++f->notifications;
    if (f->releases)
        ++f->calls_after_release;
    if (++f->concurrent > f->max_concurrent)
        f->max_concurrent = f->concurrent;
    if (f->loop_thread_known && uv_thread_equal(&self, &f->loop_thread))
        f->called_on_loop_thread = 1;
    behaviour = f->behaviour;
    if (behaviour == FAKE_FREEZE)
        ++f->frozen_now;
    uv_cond_broadcast(&f->changed);
    uv_mutex_unlock(&f->lock);

    switch (behaviour) {
    case FAKE_ANSWER_FAILURE:
        answer = NAP_RESULT_GENERIC_FAILURE;
        break;
    case FAKE_ANSWER_DEAD:
        answer = NAP_RESULT_RPC_SERVER_UNAVAILABLE;
        break;
    case FAKE_FREEZE:
        uv_sem_wait(&f->thaw);
        break;
    case FAKE_TAKE_INSIDE:
        f->inside_result = agent_ec_soh_request_taken(f->binding);
        break;
    case FAKE_REPORT_FAILURE_INSIDE:
        f->inside_result = agent_ec_notify_soh_change_failure(f->binding);
        break;
    case FAKE_UNINITIALIZE_INSIDE:
        f->inside_result = agent_binding_uninitialize(f->binding);
        break;
    default:
        break;
    }

    uv_mutex_lock(&f->lock);
    if (behaviour >= FAKE_TAKE_INSIDE)
        ++f->inside_done;
    --f->concurrent;
    if (behaviour == FAKE_FREEZE)
        --f->frozen_now;
    uv_cond_broadcast(&f->changed);
    uv_mutex_unlock(&f->lock);
    return answer;
}

static inline void fake_client_release(void *context, void *client, int died)
{
    struct fake_client *f = client;

    (void)context;
    uv_mutex_lock(&f->lock);
    ++f->releases;
    f->released_died = died;
    if (f->concurrent)
        ++f->calls_after_release;   /* released while a call still ran */
    uv_cond_broadcast(&f->changed);
    uv_mutex_unlock(&f->lock);
}

static const struct agent_client_calls fake_client_calls = {
    NULL, fake_ec_notify_soh_change, fake_client_release,
};

#endif
