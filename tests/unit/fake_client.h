/* Fake EC/SHA callback objects for the core's tests: they implement agent_client_calls, record
 * every call thread-safely, and can answer OK, fail, be dead (0x800706BA), freeze on a semaphore,
 * or call back into the agent from inside NotifySoHChange like a real EC may. Header-only, like
 * tap.h: each test program is one translation unit plus the core. */
#ifndef NAPAGENT_TESTS_FAKE_CLIENT_H
#define NAPAGENT_TESTS_FAKE_CLIENT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "agent.h"

/* The identity the tests' clients call with: an administrator's, who may act for any component
 * (test_registrations.c tries the others). */
static const struct agent_caller fake_admin = {{{0}, 0}, 1};

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
    unsigned alive_probes;             /* client_alive: asked whether it is still there */
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
    /* As an SHA: */
    uint32_t sha_id;                   /* the SystemHealthId of the SoHs it gives */
    uint32_t soh_version;              /* goes into its SoH: a new one each GetSoHRequest ... */
    int same_soh;                      /* ... unless set */
    int cache_soh;                     /* cacheSohForLaterUse */
    uint16_t padding;                  /* bytes of vendor-specific data added to its SoH */
    size_t held_size;                  /* what the agent pre-loaded the last request with */
    unsigned soh_requests;
    unsigned responses;
    uint8_t last_response[4096];       /* the part of the last response it got */
    size_t last_response_size;
    uint8_t last_flags;
    struct agent_correlation_id last_correlation;
    unsigned isolation_notices;
    unsigned orphan_notices;
    struct agent_correlation_id last_orphan;
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

/* A counter of f, read under its lock. */
static inline unsigned fake_client_count(struct fake_client *f, const unsigned *counter)
{
    unsigned n;
    uv_mutex_lock(&f->lock);
    n = *counter;
    uv_mutex_unlock(&f->lock);
    return n;
}

static inline unsigned fake_client_notifications(struct fake_client *f)
{
    return fake_client_count(f, &f->notifications);
}

static inline unsigned fake_client_releases(struct fake_client *f)
{
    return fake_client_count(f, &f->releases);
}

static inline unsigned fake_client_frozen(struct fake_client *f)
{
    return fake_client_count(f, &f->frozen_now);
}

static inline unsigned fake_client_inside_done(struct fake_client *f)
{
    return fake_client_count(f, &f->inside_done);
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

/* Every fake call starts here: counts it in *counter, checks the rules every call must keep (not
 * after release, one at a time, never on the loop thread) and returns the behaviour to play. */
static inline enum fake_behaviour fake_call_begin(struct fake_client *f, unsigned *counter)
{
    enum fake_behaviour behaviour;
    uv_thread_t self = uv_thread_self();

    uv_mutex_lock(&f->lock);
    ++*counter;
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
    return behaviour;
}

/* Plays the behaviours every call has; FREEZE blocks until fake_client_unfreeze. */
static inline nap_result fake_call_answer(struct fake_client *f, enum fake_behaviour behaviour)
{
    switch (behaviour) {
    case FAKE_ANSWER_FAILURE:
        return NAP_RESULT_GENERIC_FAILURE;
    case FAKE_ANSWER_DEAD:
        return NAP_RESULT_RPC_SERVER_UNAVAILABLE;
    case FAKE_FREEZE:
        uv_sem_wait(&f->thaw);
        return NAP_RESULT_OK;
    default:
        return NAP_RESULT_OK;
    }
}

static inline void fake_call_end(struct fake_client *f, enum fake_behaviour behaviour)
{
    uv_mutex_lock(&f->lock);
    if (behaviour >= FAKE_TAKE_INSIDE)
        ++f->inside_done;
    --f->concurrent;
    if (behaviour == FAKE_FREEZE)
        --f->frozen_now;
    uv_cond_broadcast(&f->changed);
    uv_mutex_unlock(&f->lock);
}

static inline nap_result fake_ec_notify_soh_change(void *context, void *client)
{
    struct fake_client *f = client;
    enum fake_behaviour behaviour = fake_call_begin(f, &f->notifications);
    nap_result answer = fake_call_answer(f, behaviour);

    (void)context;
    switch (behaviour) {
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
    fake_call_end(f, behaviour);
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

/* The SoH a fake SHA gives: SystemHealthId, then a vendor-specific attribute (vendor 311) holding
 * soh_version, so each version is a different SoH on the wire. */
#define FAKE_SOH_SIZE 20u

static inline void fake_sha_soh(uint32_t sha_id, uint32_t version, uint8_t out[FAKE_SOH_SIZE])
{
    const uint8_t bytes[FAKE_SOH_SIZE] = {
        0x00, 0x02, 0x00, 0x04, (uint8_t)(sha_id >> 24), (uint8_t)(sha_id >> 16),
        (uint8_t)(sha_id >> 8), (uint8_t)sha_id,
        0x00, 0x07, 0x00, 0x08, 0x00, 0x00, 0x01, 0x37, (uint8_t)(version >> 24),
        (uint8_t)(version >> 16), (uint8_t)(version >> 8), (uint8_t)version,
    };
    memcpy(out, bytes, FAKE_SOH_SIZE);
}

/* An SHA call with nothing to do inside: counted, answered as the behaviour says. */
static inline nap_result fake_sha_call(struct fake_client *f, unsigned *counter)
{
    enum fake_behaviour behaviour = fake_call_begin(f, counter);
    nap_result answer = fake_call_answer(f, behaviour);

    fake_call_end(f, behaviour);
    return answer;
}

static inline nap_result fake_sha_get_soh_request(void *context, void *client,
                                                  const struct agent_correlation_id *id,
                                                  const uint8_t *held, size_t held_size,
                                                  struct agent_sha_answer *answer)
{
    struct fake_client *f = client;
    nap_result result;

    (void)context, (void)id, (void)held;
    uv_mutex_lock(&f->lock);
    f->held_size = held_size;
    uv_mutex_unlock(&f->lock);
    if (nap_failed(result = fake_sha_call(f, &f->soh_requests)))
        return result;
    /* A padded SoH: the vendor-specific attribute grows by `padding` bytes of zeros. */
    if (!(answer->soh = calloc(1, FAKE_SOH_SIZE + f->padding)))
        return NAP_RESULT_OUT_OF_MEMORY;
    uv_mutex_lock(&f->lock);
    if (!f->same_soh)
        ++f->soh_version;
    fake_sha_soh(f->sha_id, f->soh_version, answer->soh);
    answer->soh[10] = (uint8_t)((8 + f->padding) >> 8);
    answer->soh[11] = (uint8_t)(8 + f->padding);
    answer->size = FAKE_SOH_SIZE + f->padding;
    answer->cache = f->cache_soh;
    uv_mutex_unlock(&f->lock);
    answer->changed = !held_size || held_size != answer->size
                      || memcmp(held, answer->soh, answer->size) != 0;
    return NAP_RESULT_OK;
}

static inline nap_result fake_sha_process_soh_response(void *context, void *client,
                                                       const struct agent_correlation_id *id,
                                                       const uint8_t *soh, size_t size,
                                                       uint8_t flags)
{
    struct fake_client *f = client;

    (void)context;
    uv_mutex_lock(&f->lock);
    f->last_response_size = size < sizeof(f->last_response) ? size : sizeof(f->last_response);
    memcpy(f->last_response, soh, f->last_response_size);
    f->last_flags = flags;
    f->last_correlation = *id;
    uv_mutex_unlock(&f->lock);
    return fake_sha_call(f, &f->responses);
}

static inline nap_result fake_sha_notify_isolation_change(void *context, void *client)
{
    struct fake_client *f = client;

    (void)context;
    return fake_sha_call(f, &f->isolation_notices);
}

static inline nap_result fake_sha_notify_orphaned_request(void *context, void *client,
                                                          const struct agent_correlation_id *id)
{
    struct fake_client *f = client;

    (void)context;
    uv_mutex_lock(&f->lock);
    f->last_orphan = *id;
    uv_mutex_unlock(&f->lock);
    return fake_sha_call(f, &f->orphan_notices);
}

/* Answers as its behaviour says: DEAD is a dead process, FREEZE a hung one. */
static inline nap_result fake_client_alive(void *context, void *client)
{
    struct fake_client *f = client;
    enum fake_behaviour behaviour = fake_call_begin(f, &f->alive_probes);
    nap_result answer = fake_call_answer(f, behaviour);

    (void)context;
    fake_call_end(f, behaviour);
    return answer;
}

static const struct agent_client_calls fake_client_calls = {
    NULL, fake_ec_notify_soh_change, fake_client_release, fake_sha_get_soh_request,
    fake_sha_process_soh_response, fake_sha_notify_isolation_change,
    fake_sha_notify_orphaned_request, fake_client_alive,
};

#endif
