/* Per-client serial queues on the pool: order kept per client, close drops what has not started
 * and runs the final job last, and a frozen client does not hold up another one. */
#include <string.h>
#include <uv.h>

#include "client_worker.h"
#include "tap.h"

struct recorder {
    uv_mutex_t lock;
    int order[64];
    int count;
    uv_sem_t done;     /* posted by every complete() */
};

struct step {
    struct worker_job job;
    struct recorder *rec;
    int value;
    uv_sem_t *gate;    /* if set: wait on it inside run (a frozen client) */
    uv_sem_t *started; /* if set: posted when run begins */
};

static void step_run(struct worker_job *job)
{
    struct step *s = (struct step *)job;

    if (s->started)
        uv_sem_post(s->started);
    if (s->gate)
        uv_sem_wait(s->gate);
    uv_mutex_lock(&s->rec->lock);
    s->rec->order[s->rec->count++] = s->value;
    uv_mutex_unlock(&s->rec->lock);
}

static void step_complete(struct worker_job *job)
{
    uv_sem_post(&((struct step *)job)->rec->done);
}

static void step_init(struct step *s, struct recorder *rec, int value, uv_sem_t *gate)
{
    memset(s, 0, sizeof(*s));
    s->job.run = step_run;
    s->job.complete = step_complete;
    s->rec = rec;
    s->value = value;
    s->gate = gate;
}

static void recorder_init(struct recorder *r)
{
    memset(r, 0, sizeof(*r));
    uv_mutex_init(&r->lock);
    uv_sem_init(&r->done, 0);
}

static void recorder_free(struct recorder *r)
{
    uv_sem_destroy(&r->done);
    uv_mutex_destroy(&r->lock);
}

static int dropped_count;

static void count_dropped(struct worker_job *job, void *context)
{
    (void)job;
    (void)context;
    ++dropped_count;
}

static void test_jobs_of_one_client_run_in_order(void)
{
    struct worker_pool pool;
    struct client_worker w;
    struct recorder rec;
    struct step steps[20], final;
    int in_order = 1;

    recorder_init(&rec);
    worker_pool_init(&pool, 4);
    client_worker_init(&w, &pool);
    for (int i = 0; i < 20; ++i) {
        step_init(&steps[i], &rec, i, NULL);
        client_worker_submit(&w, &steps[i].job);
    }
    for (int i = 0; i < 20; ++i)       /* close would drop what has not started */
        uv_sem_wait(&rec.done);
    step_init(&final, &rec, 99, NULL);
    client_worker_close(&w, &final.job, NULL, NULL);
    uv_sem_wait(&rec.done);
    for (int i = 0; i < 20; ++i)
        in_order &= rec.order[i] == i;
    ok(in_order && rec.order[20] == 99, "expected 0..19 then the final job, got final %d", rec.order[20]);
    worker_pool_shutdown(&pool);
    recorder_free(&rec);
}

static void test_close_drops_jobs_not_started(void)
{
    struct worker_pool pool;
    struct client_worker w;
    struct recorder rec;
    struct step first, queued[3], final;
    uv_sem_t gate, started;

    recorder_init(&rec);
    uv_sem_init(&gate, 0);
    uv_sem_init(&started, 0);
    worker_pool_init(&pool, 2);
    client_worker_init(&w, &pool);
    step_init(&first, &rec, 1, &gate);          /* holds the worker */
    first.started = &started;
    client_worker_submit(&w, &first.job);
    uv_sem_wait(&started);                      /* running, so close cannot drop it */
    for (int i = 0; i < 3; ++i) {
        step_init(&queued[i], &rec, 10 + i, NULL);
        client_worker_submit(&w, &queued[i].job);
    }
    step_init(&final, &rec, 99, NULL);
    dropped_count = 0;
    client_worker_close(&w, &final.job, count_dropped, NULL);
    ok(!client_worker_submit(&w, &queued[0].job), "expected a closed worker to refuse jobs, got %s",
       "accepted");
    uv_sem_post(&gate);
    uv_sem_wait(&rec.done);
    uv_sem_wait(&rec.done);
    ok(dropped_count == 3, "expected the 3 queued jobs dropped, got %d", dropped_count);
    ok(rec.count == 2 && rec.order[0] == 1 && rec.order[1] == 99,
       "expected the running job then the final one, got %d jobs", rec.count);
    worker_pool_shutdown(&pool);
    uv_sem_destroy(&gate);
    uv_sem_destroy(&started);
    recorder_free(&rec);
}

static void test_frozen_client_does_not_hold_up_another(void)
{
    struct worker_pool pool;
    struct client_worker frozen, other;
    struct recorder rec_frozen, rec_other;
    struct step stuck, free_step;
    uv_sem_t gate;

    recorder_init(&rec_frozen);
    recorder_init(&rec_other);
    uv_sem_init(&gate, 0);
    worker_pool_init(&pool, 4);
    client_worker_init(&frozen, &pool);
    client_worker_init(&other, &pool);
    step_init(&stuck, &rec_frozen, 1, &gate);
    step_init(&free_step, &rec_other, 2, NULL);
    client_worker_submit(&frozen, &stuck.job);
    client_worker_submit(&other, &free_step.job);
    uv_sem_wait(&rec_other.done);   /* would hang if the other client waited for the frozen one */
    ok(rec_other.count == 1 && rec_frozen.count == 0,
       "expected the other client served while one is frozen, got %d/%d", rec_other.count,
       rec_frozen.count);
    ok(worker_pool_thread_count(&pool) == 2, "expected a second thread spawned, got %zu",
       worker_pool_thread_count(&pool));
    uv_sem_post(&gate);
    uv_sem_wait(&rec_frozen.done);
    worker_pool_shutdown(&pool);
    uv_sem_destroy(&gate);
    recorder_free(&rec_frozen);
    recorder_free(&rec_other);
}

/* A job given up on keeps its thread while the client's next jobs run on another; the final job
 * still waits for it. A job stuck ahead of the one given up on is the one detached. */
static void test_detached_job_lets_the_client_go_on(void)
{
    struct worker_pool pool;
    struct client_worker w;
    struct recorder rec;
    struct step stuck, probe, next, final;
    uv_sem_t gate, probe_gate, started;
    int what;

    recorder_init(&rec);
    uv_sem_init(&gate, 0);
    uv_sem_init(&probe_gate, 0);
    uv_sem_init(&started, 0);
    worker_pool_init(&pool, 4);
    client_worker_init(&w, &pool);
    step_init(&stuck, &rec, 1, &gate);
    stuck.started = &started;
    step_init(&next, &rec, 2, NULL);
    client_worker_submit(&w, &stuck.job);
    uv_sem_wait(&started);
    client_worker_submit(&w, &next.job);
    ok(client_worker_detach(&w, &next.job) == CLIENT_WORKER_AHEAD_DETACHED,
       "the job stuck ahead of a queued one is given up on for it");
    uv_sem_wait(&rec.done);
    ok(rec.count == 1 && rec.order[0] == 2, "the queued job ran while the one ahead is stuck: %d jobs, first %d",
       rec.count, rec.order[0]);

    step_init(&probe, &rec, 3, &probe_gate);
    probe.started = &started;
    client_worker_submit(&w, &probe.job);
    uv_sem_wait(&started);
    ok(client_worker_detach(&w, &probe.job) == CLIENT_WORKER_DETACHED, "a running job is given up on");
    ok(client_worker_detach(&w, &probe.job) == CLIENT_WORKER_NOTHING_DETACHED,
       "and only once: it no longer holds the worker");
    step_init(&final, &rec, 99, NULL);
    client_worker_close(&w, &final.job, NULL, NULL);
    uv_sleep(50);
    ok(rec.count == 1, "the final job waits for the detached jobs: %d ran", rec.count);
    uv_sem_post(&probe_gate);
    uv_sem_wait(&rec.done);
    uv_sleep(50);
    ok(rec.count == 2, "still waiting for the first detached job: %d ran", rec.count);
    uv_sem_post(&gate);
    uv_sem_wait(&rec.done);
    uv_sem_wait(&rec.done);
    what = rec.count == 4 ? rec.order[3] : -1;
    ok(what == 99, "the final job ran last, once both detached jobs returned: last %d", what);
    worker_pool_shutdown(&pool);
    uv_sem_destroy(&gate);
    uv_sem_destroy(&probe_gate);
    uv_sem_destroy(&started);
    recorder_free(&rec);
}

int main(void)
{
    test_jobs_of_one_client_run_in_order();
    test_close_drops_jobs_not_started();
    test_frozen_client_does_not_hold_up_another();
    test_detached_job_lets_the_client_go_on();
    return tap_done();
}
