/* Creation, the loop thread, and the ordered stop: refuse new calls, let every client go, wait
 * until every outgoing call has returned, then close the handles (the async last, so no worker
 * can post to a closing handle) and join the threads. */
#include <stdlib.h>
#include <string.h>

#include "agent_internal.h"

static void on_handoff_closed(uv_handle_t *handle)
{
    struct handoff_queue *q = handle->data;
    struct agent *a = q->context;

    a->stopped = 1;
}

/* A stop that waits names whom it waits for: a client whose call does not return (frozen, or
 * stuck in its transport) is otherwise invisible from outside. */
static void on_stop_watch(uv_timer_t *timer)
{
    struct agent *a = timer->data;
    uint64_t waited = uv_now(a->loop) - a->stop_began;

    for (struct bound_client *bc = a->leaving; bc; bc = bc->next)
        agent_emit(a, AGENT_EVENT_STOP_WAITING, bc->kind, bc->id, (uint32_t)a->outstanding_jobs, waited,
                   NAP_RESULT_OK);
}

void agent_begin_stop(struct agent *a)
{
    if (a->stopping)
        return;
    a->stopping = 1;
    a->stop_began = uv_now(a->loop);
    a->stop_watch.data = a;
    if (uv_timer_init(a->loop, &a->stop_watch) == 0) {
        a->stop_watch_open = 1;
        uv_timer_start(&a->stop_watch, on_stop_watch, a->config.stop_report_ms, a->config.stop_report_ms);
    }
    handoff_queue_stop_accepting(&a->handoff);
    agent_unbind_all(a);
    agent_check_stopped(a);
}

void agent_check_stopped(struct agent *a)
{
    if (!a->stopping || a->handles_closed || a->outstanding_jobs || a->live_clients)
        return;
    a->handles_closed = 1;
    if (a->stop_watch_open)
        uv_close((uv_handle_t *)&a->stop_watch, NULL);
    handoff_queue_close(&a->handoff, on_handoff_closed);
}

nap_result agent_create(const struct agent_config *config, const struct agent_dependencies *deps,
                        uv_loop_t *loop, struct agent **out, unsigned *replaced)
{
    struct agent *a;
    unsigned fixed;
    nap_result result = NAP_RESULT_OUT_OF_MEMORY;

    if (!out || !deps || !deps->calls || !deps->calls->ec_notify_soh_change
        || !deps->calls->client_release)
        return NAP_RESULT_NULL_POINTER;
    *out = NULL;
    if (!(a = calloc(1, sizeof(*a))))
        return NAP_RESULT_OUT_OF_MEMORY;
    if (config)
        a->config = *config;
    else
        agent_config_defaults(&a->config);
    fixed = agent_config_normalize(&a->config);
    if (replaced)
        *replaced = fixed;
    if (deps->storage)
        a->storage = *deps->storage;
    if (deps->sink)
        a->sink = *deps->sink;
    a->calls = *deps->calls;
    jitter_rng_seed(&a->rng, a->config.jitter_seed ? a->config.jitter_seed
                                                   : uv_hrtime() ^ (uint64_t)(uintptr_t)a);
    component_table_init(&a->ecs, a->config.max_enforcers);
    component_table_init(&a->shas, a->config.max_health_agents);

    if (loop) {
        a->loop = loop;
        a->loop_thread_id = uv_thread_self();
        a->loop_thread_known = 1;
    } else {
        if (uv_loop_init(&a->own_loop))
            goto fail_loop;
        a->loop = &a->own_loop;
        a->owns_loop = 1;
    }
    if (uv_sem_init(&a->loop_ready, 0))
        goto fail_sem;
    if (uv_mutex_init(&a->answer_lock))
        goto fail_answer_lock;
    if (uv_cond_init(&a->answer_cond))
        goto fail_answer_cond;
    if (worker_pool_init(&a->pool, a->config.max_worker_threads))
        goto fail_pool;
    if (handoff_queue_init(&a->handoff, a->loop, a))
        goto fail_handoff;
    if (nap_failed(result = component_admin_load(a)))
        goto fail_load;
    *out = a;
    return NAP_RESULT_OK;

fail_load:
    /* The async handle must be closed through the loop before its memory goes. */
    handoff_queue_close(&a->handoff, NULL);
    uv_run(a->loop, UV_RUN_NOWAIT);
    handoff_queue_destroy(&a->handoff);
fail_handoff:
    worker_pool_shutdown(&a->pool);
fail_pool:
    uv_cond_destroy(&a->answer_cond);
fail_answer_cond:
    uv_mutex_destroy(&a->answer_lock);
fail_answer_lock:
    uv_sem_destroy(&a->loop_ready);
fail_sem:
    if (a->owns_loop)
        uv_loop_close(&a->own_loop);
fail_loop:
    component_table_free(&a->ecs);
    component_table_free(&a->shas);
    free(a);
    return result;
}

static void loop_main(void *arg)
{
    struct agent *a = arg;

    a->loop_thread_id = uv_thread_self();
    a->loop_thread_known = 1;
    uv_sem_post(&a->loop_ready);
    uv_run(a->loop, UV_RUN_DEFAULT);
    uv_mutex_lock(&a->answer_lock);
    a->loop_finished = 1;
    uv_cond_broadcast(&a->answer_cond);
    uv_mutex_unlock(&a->answer_lock);
}

/* Whether the loop thread left its loop within limit_ms (0: waits as long as it takes). */
static int loop_finished_within(struct agent *a, uint32_t limit_ms)
{
    uint64_t deadline = uv_hrtime() + (uint64_t)limit_ms * 1000000u, now;
    int finished;

    uv_mutex_lock(&a->answer_lock);
    while (!a->loop_finished) {
        if (!limit_ms) {
            uv_cond_wait(&a->answer_cond, &a->answer_lock);
            continue;
        }
        if ((now = uv_hrtime()) >= deadline)
            break;
        uv_cond_timedwait(&a->answer_cond, &a->answer_lock, deadline - now);
    }
    finished = a->loop_finished;
    uv_mutex_unlock(&a->answer_lock);
    return finished;
}

nap_result agent_start(struct agent *agent)
{
    if (!agent)
        return NAP_RESULT_NULL_POINTER;
    if (!agent->owns_loop || agent->started || agent->stopping)
        return NAP_RESULT_INVALID_ARG;
    if (uv_thread_create(&agent->loop_thread, loop_main, agent))
        return NAP_RESULT_OUT_OF_MEMORY;
    /* Calls made after this returns know which thread is the loop's. */
    uv_sem_wait(&agent->loop_ready);
    agent->started = 1;
    return NAP_RESULT_OK;
}

int agent_stop_within(struct agent *agent, uint32_t limit_ms)
{
    if (!agent || agent->stop_finished)
        return 1;
    if (agent->started) {
        if (!agent->stop_requested) {
            agent_request_stop(agent);
            agent->stop_requested = 1;
        }
        /* Given up on: the loop and the pool go on until the last call returns. */
        if (!loop_finished_within(agent, limit_ms))
            return 0;
        uv_thread_join(&agent->loop_thread);
        agent->started = 0;
    } else {
        /* Our loop was never started, or the caller runs it on this thread. */
        if (!agent->loop_thread_known) {
            agent->loop_thread_id = uv_thread_self();
            agent->loop_thread_known = 1;
        }
        agent_begin_stop(agent);
        while (!agent->stopped)
            uv_run(agent->loop, UV_RUN_ONCE);
    }
    worker_pool_shutdown(&agent->pool);
    agent->stop_finished = 1;
    return 1;
}

void agent_stop(struct agent *agent)
{
    agent_stop_within(agent, 0);
}

void agent_destroy(struct agent *agent)
{
    if (!agent)
        return;
    agent_stop(agent);
    handoff_queue_destroy(&agent->handoff);
    uv_cond_destroy(&agent->answer_cond);
    uv_mutex_destroy(&agent->answer_lock);
    uv_sem_destroy(&agent->loop_ready);
    if (agent->owns_loop)
        uv_loop_close(&agent->own_loop);
    component_table_free(&agent->ecs);
    component_table_free(&agent->shas);
    free(agent);
}
