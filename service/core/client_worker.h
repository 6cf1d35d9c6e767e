/* Serial queues of outgoing calls, one per bound client, run by a pool of threads that grows when
 * every thread is busy. A client's calls never overlap and keep their order, except after the
 * owner gave up on a call (client_worker_detach_running): that one finishes on its own thread
 * while the client's next jobs go on. A slow or frozen client holds one thread (two once a call
 * was given up on) and nobody else waits, as long as fewer clients are stuck than the pool's
 * thread limit. Jobs run with no lock held, so a client may call the agent from inside. */
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
    struct worker_job *running;  /* the job a thread runs for this worker now, if any */
    int *running_detached;       /* that thread's own flag: set when the job is given up on */
    unsigned detached;           /* jobs given up on that have not returned yet */
    int scheduled;   /* in the ready queue or running: no other thread may take it */
    int parked;      /* its final job waits for the detached jobs (taken off the ready queue) */
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
/* Gives up waiting for job. If the worker runs it now, its thread keeps it until the call
 * returns, then runs its complete() (which must tell a late result from a current one) without
 * touching the worker again, and the worker's next jobs start at once on other threads
 * (CLIENT_WORKER_DETACHED). If job still waits behind a running job, that one is given up on the
 * same way, so that job can start (CLIENT_WORKER_AHEAD_DETACHED). Not after client_worker_close:
 * the final job runs last, after every detached job has returned. */
enum client_worker_detached {
    CLIENT_WORKER_NOTHING_DETACHED,   /* job is not the worker's, or nothing runs ahead of it */
    CLIENT_WORKER_DETACHED,
    CLIENT_WORKER_AHEAD_DETACHED,
};
enum client_worker_detached client_worker_detach(struct client_worker *worker, struct worker_job *job);
/* The worker whose job the calling thread is running, or NULL: lets the core see that a client
 * calls it from inside one of its own callbacks, where waiting for that client would deadlock. */
const struct client_worker *client_worker_current(void);

#endif
