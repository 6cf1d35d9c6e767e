/* Serial queues of outgoing calls, one per bound client, run by a pool of threads that grows when
 * every thread is busy. A client's calls never overlap and keep their order; a slow or frozen
 * client holds one thread and nobody else waits, as long as fewer clients are stuck than the
 * pool's thread limit. Jobs run with no lock held, so a client may call the agent from inside. */
#ifndef NAPAGENT_CORE_CLIENT_WORKER_H
#define NAPAGENT_CORE_CLIENT_WORKER_H

#include <stddef.h>
#include <uv.h>

struct worker_job;

/* run: the outgoing call (worker thread, no lock). complete: posts the result to the loop; it runs
 * after run and before the client's next job can start, so whatever it posts reaches the loop
 * ahead of anything a later job posts. */
struct worker_job {
    struct worker_job *next;
    void (*run)(struct worker_job *job);
    void (*complete)(struct worker_job *job);
    /* Optional: the job was dropped by client_worker_close before it ran (frees what it owns). */
    void (*discard)(struct worker_job *job);
    int final;   /* set by client_worker_close: the last job of its worker */
};

struct worker_pool;

struct client_worker {
    struct worker_pool *pool;
    struct worker_job *head;
    struct worker_job *tail;
    struct client_worker *next_ready;
    int scheduled;   /* in the ready queue or running: no other thread may take it */
    int closed;      /* the final job was submitted: nothing more is accepted */
};

struct worker_pool {
    uv_mutex_t lock;
    uv_cond_t work;
    struct client_worker *ready_head;
    struct client_worker *ready_tail;
    size_t ready_count;
    size_t idle_threads;
    size_t thread_count;
    size_t max_threads;
    size_t thread_capacity;
    uv_thread_t *threads;
    int stopping;
};

int worker_pool_init(struct worker_pool *pool, size_t max_threads);
/* Lets the threads finish what is queued, then joins them. */
void worker_pool_shutdown(struct worker_pool *pool);
size_t worker_pool_thread_count(struct worker_pool *pool);

void client_worker_init(struct client_worker *worker, struct worker_pool *pool);
/* Queues a job; 0 when the worker is closed (the job will not run). */
int client_worker_submit(struct client_worker *worker, struct worker_job *job);
/* Drops every job that has not started yet, calling dropped() for each (under the pool lock:
 * dropped must only do bookkeeping), then queues final as the last job the client will ever run.
 * final->complete runs after the pool has let go of the worker, so it may free it. */
void client_worker_close(struct client_worker *worker, struct worker_job *final,
                         void (*dropped)(struct worker_job *job, void *context), void *context);
/* The worker whose job the calling thread is running, or NULL: lets the core see that a client
 * calls it from inside one of its own callbacks, where waiting for that client would deadlock. */
const struct client_worker *client_worker_current(void);

#endif
