/* The pool behind the per-client serial queues. A thread is spawned only when a client becomes
 * ready and no thread is idle, so the thread count follows the number of clients busy at the same
 * time (bounded by max_threads), not the number bound. */
#include <stdlib.h>

#include "client_worker.h"

static _Thread_local const struct client_worker *running_worker;

const struct client_worker *client_worker_current(void)
{
    return running_worker;
}

static void ready_push(struct worker_pool *pool, struct client_worker *w)
{
    w->next_ready = NULL;
    if (pool->ready_tail)
        pool->ready_tail->next_ready = w;
    else
        pool->ready_head = w;
    pool->ready_tail = w;
    ++pool->ready_count;
}

static struct client_worker *ready_pop(struct worker_pool *pool)
{
    struct client_worker *w = pool->ready_head;

    pool->ready_head = w->next_ready;
    if (!pool->ready_head)
        pool->ready_tail = NULL;
    --pool->ready_count;
    return w;
}

static void pool_thread(void *arg)
{
    struct worker_pool *pool = arg;

    uv_mutex_lock(&pool->lock);
    for (;;) {
        struct client_worker *w;
        struct worker_job *job;
        int final_job, detached = 0;

        while (!pool->ready_head && !pool->stopping) {
            ++pool->idle_threads;
            uv_cond_wait(&pool->work, &pool->lock);
            --pool->idle_threads;
        }
        if (!pool->ready_head)
            break;
        w = ready_pop(pool);
        job = w->head;
        final_job = job->final;
        if (final_job && w->detached) {
            w->parked = 1;   /* the last detached job to return puts it back */
            continue;
        }
        w->head = job->next;
        if (!w->head)
            w->tail = NULL;
        w->running = job;
        w->running_detached = &detached;
        uv_mutex_unlock(&pool->lock);

        running_worker = w;
        job->run(job);
        running_worker = NULL;
        /* Post the result while w is still scheduled: the client's next job cannot start, so
         * whatever it posts reaches the loop after this. The final job's complete may free w,
         * which the pool no longer references (it is in no queue); any other job's complete may
         * free the job (hence the flag of our own, never job's). A detached job's complete cannot
         * free w: the final job waits for it. */
        job->complete(job);
        uv_mutex_lock(&pool->lock);
        if (final_job)
            continue;
        if (detached) {
            if (--w->detached == 0 && w->parked) {
                w->parked = 0;
                ready_push(pool, w);
            }
            continue;
        }
        w->running = NULL;
        w->running_detached = NULL;
        if (w->head)
            ready_push(pool, w);
        else
            w->scheduled = 0;
    }
    uv_mutex_unlock(&pool->lock);
}

int worker_pool_init(struct worker_pool *pool, size_t max_threads)
{
    int err;

    pool->ready_head = pool->ready_tail = NULL;
    pool->ready_count = pool->idle_threads = pool->thread_count = 0;
    pool->max_threads = max_threads ? max_threads : 1;
    pool->thread_capacity = 0;
    pool->threads = NULL;
    pool->stopping = 0;
    if ((err = uv_mutex_init(&pool->lock)))
        return err;
    if ((err = uv_cond_init(&pool->work))) {
        uv_mutex_destroy(&pool->lock);
        return err;
    }
    return 0;
}

/* Called with the lock held. Failing to spawn is not fatal while another thread exists: the job
 * waits its turn instead. */
static void wake_or_spawn(struct worker_pool *pool)
{
    if (pool->idle_threads >= pool->ready_count) {
        uv_cond_signal(&pool->work);
        return;
    }
    if (pool->thread_count >= pool->max_threads)
        return;
    if (pool->thread_count == pool->thread_capacity) {
        size_t capacity = pool->thread_capacity ? pool->thread_capacity * 2 : 8;
        uv_thread_t *threads = realloc(pool->threads, capacity * sizeof(*threads));
        if (!threads)
            return;
        pool->threads = threads;
        pool->thread_capacity = capacity;
    }
    if (uv_thread_create(&pool->threads[pool->thread_count], pool_thread, pool) == 0)
        ++pool->thread_count;
}

void worker_pool_shutdown(struct worker_pool *pool)
{
    uv_mutex_lock(&pool->lock);
    pool->stopping = 1;
    uv_cond_broadcast(&pool->work);
    uv_mutex_unlock(&pool->lock);
    for (size_t i = 0; i < pool->thread_count; ++i)
        uv_thread_join(&pool->threads[i]);
    free(pool->threads);
    pool->threads = NULL;
    pool->thread_count = pool->thread_capacity = 0;
    uv_cond_destroy(&pool->work);
    uv_mutex_destroy(&pool->lock);
}

size_t worker_pool_thread_count(struct worker_pool *pool)
{
    size_t n;

    uv_mutex_lock(&pool->lock);
    n = pool->thread_count;
    uv_mutex_unlock(&pool->lock);
    return n;
}

void client_worker_init(struct client_worker *worker, struct worker_pool *pool)
{
    worker->pool = pool;
    worker->head = worker->tail = NULL;
    worker->next_ready = NULL;
    worker->running = NULL;
    worker->running_detached = NULL;
    worker->detached = 0;
    worker->scheduled = 0;
    worker->parked = 0;
    worker->closed = 0;
}

static void append(struct client_worker *w, struct worker_job *job)
{
    job->next = NULL;
    if (w->tail)
        w->tail->next = job;
    else
        w->head = job;
    w->tail = job;
    if (!w->scheduled) {
        w->scheduled = 1;
        ready_push(w->pool, w);
        wake_or_spawn(w->pool);
    }
}

int client_worker_submit(struct client_worker *worker, struct worker_job *job)
{
    struct worker_pool *pool = worker->pool;
    int accepted;

    uv_mutex_lock(&pool->lock);
    accepted = !worker->closed;
    if (accepted) {
        job->final = 0;
        append(worker, job);
    }
    uv_mutex_unlock(&pool->lock);
    return accepted;
}

void client_worker_close(struct client_worker *worker, struct worker_job *final,
                         void (*dropped)(struct worker_job *job, void *context), void *context)
{
    struct worker_pool *pool = worker->pool;

    uv_mutex_lock(&pool->lock);
    while (worker->head) {
        struct worker_job *job = worker->head;
        worker->head = job->next;
        if (dropped)
            dropped(job, context);
    }
    worker->tail = NULL;
    worker->closed = 1;
    final->final = 1;
    append(worker, final);
    uv_mutex_unlock(&pool->lock);
}

static int queued(const struct client_worker *w, const struct worker_job *job)
{
    for (const struct worker_job *j = w->head; j; j = j->next)
        if (j == job)
            return 1;
    return 0;
}

enum client_worker_detached client_worker_detach(struct client_worker *worker, struct worker_job *job)
{
    struct worker_pool *pool = worker->pool;
    struct worker_job *running;
    enum client_worker_detached what = CLIENT_WORKER_NOTHING_DETACHED;

    uv_mutex_lock(&pool->lock);
    running = worker->running;
    /* Only compared, never read: between its complete() and the pool's next look, the running
     * job may already be freed by the loop. The final job is never running when this is called
     * (the client was let go first), and could not be detached anyway (parked jobs wait for it). */
    if (running && (running == job || queued(worker, job))) {
        what = running == job ? CLIENT_WORKER_DETACHED : CLIENT_WORKER_AHEAD_DETACHED;
        *worker->running_detached = 1;
        ++worker->detached;
        worker->running = NULL;
        worker->running_detached = NULL;
        /* The worker is free again: its queued jobs go to another thread. */
        if (worker->head) {
            ready_push(pool, worker);
            wake_or_spawn(pool);
        } else {
            worker->scheduled = 0;
        }
    }
    uv_mutex_unlock(&pool->lock);
    return what;
}
