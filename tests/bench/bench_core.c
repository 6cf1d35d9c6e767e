/* Benchmarks of the agent core, each printed next to a baseline measured in the same run:
 *  (a) CPU per failure -> schedule -> fire -> notify round vs a bare libuv timer round;
 *  (b) memory per bound EC with a retry pending vs a bare uv_timer_t per EC;
 *  (c) CPU per notification round at 1, 20 and 10,000 ECs (it must not grow with the count);
 *  (d) loop wake-ups per second while idle with ECs bound and nothing pending vs a bare loop.
 * CPU is process time (all threads), so worker hand-offs are counted. Never fails on a timing. */
#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "agent.h"
#include "agent_internal.h"   /* sizeof(struct bound_client) for (b) */

/* The benchmark's clients call as an administrator: ownership is not what it measures. */
static const struct agent_caller fake_admin = {{{0}, 0}, 1};

static atomic_uint_fast64_t notifications;

static nap_result failing_ec(void *context, void *client)
{
    (void)context;
    (void)client;
    atomic_fetch_add(&notifications, 1);
    return NAP_RESULT_GENERIC_FAILURE;   /* every round fails: the agent retries forever */
}

static nap_result accepting_ec(void *context, void *client)
{
    (void)context;
    (void)client;
    atomic_fetch_add(&notifications, 1);
    return NAP_RESULT_OK;
}

static void release(void *context, void *client, int died)
{
    (void)context;
    (void)client;
    (void)died;
}

static double cpu_seconds(void)
{
    uv_rusage_t r;

    uv_getrusage(&r);
    return r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
}

struct bench_agent {
    uv_loop_t loop;
    struct agent *agent;
    struct agent_binding **bindings;
    uint32_t count;
    struct agent_client_calls calls;
};

static void bench_agent_init(struct bench_agent *b, uint32_t count, uint32_t delay_ms,
                             nap_result (*notify)(void *, void *))
{
    struct agent_config c;
    struct agent_dependencies deps = { NULL, NULL, &b->calls };
    static uint16_t name[] = { 'b' };

    memset(b, 0, sizeof(*b));
    b->calls.ec_notify_soh_change = notify;
    b->calls.client_release = release;
    agent_config_defaults(&c);
    c.max_enforcers = count;
    c.retry.first_delay_ms = c.retry.max_delay_ms = delay_ms;
    c.retry.jitter_permille = 0;
    c.jitter_seed = 1;
    uv_loop_init(&b->loop);
    if (agent_create(&c, &deps, &b->loop, &b->agent, NULL) != NAP_RESULT_OK)
        abort();
    b->count = count;
    b->bindings = calloc(count, sizeof(*b->bindings));
    for (uint32_t id = 0; id < count; ++id) {
        struct nap_registration r;
        memset(&r, 0, sizeof(r));
        r.kind = NAP_COMPONENT_ENFORCEMENT_CLIENT;
        r.id = id;
        r.enabled = 1;
        r.friendly_name.length = 1;
        r.friendly_name.chars = name;
        if (agent_register(b->agent, &r) != NAP_RESULT_OK
            || agent_binding_create(b->agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, &b->bindings[id])
            || agent_binding_initialize(b->bindings[id], id, b, &fake_admin, NULL) != NAP_RESULT_OK)
            abort();
    }
}

static void bench_agent_free(struct bench_agent *b)
{
    for (uint32_t i = 0; i < b->count; ++i)
        agent_binding_destroy(b->bindings[i]);
    agent_destroy(b->agent);
    uv_run(&b->loop, UV_RUN_DEFAULT);
    uv_loop_close(&b->loop);
    free(b->bindings);
}

/* Runs failing rounds until `rounds` notifications per EC; returns CPU seconds per notification. */
static double failure_rounds(uint32_t ecs, uint64_t rounds, double *wall_per_round)
{
    struct bench_agent b;
    uint64_t target, start_count;
    double cpu0, cpu;
    uint64_t t0;

    bench_agent_init(&b, ecs, 1, failing_ec);
    atomic_store(&notifications, 0);
    agent_raise_soh_change(b.agent);
    while (atomic_load(&notifications) < ecs)        /* warm-up: one round for everyone */
        uv_run(&b.loop, UV_RUN_ONCE);
    start_count = atomic_load(&notifications);
    target = start_count + (uint64_t)ecs * rounds;
    cpu0 = cpu_seconds();
    t0 = uv_hrtime();
    while (atomic_load(&notifications) < target)
        uv_run(&b.loop, UV_RUN_ONCE);
    cpu = cpu_seconds() - cpu0;
    *wall_per_round = (uv_hrtime() - t0) / 1e9 / (double)(atomic_load(&notifications) - start_count);
    cpu /= (double)(atomic_load(&notifications) - start_count);
    bench_agent_free(&b);
    return cpu;
}

static uint64_t bare_fired;

static void bare_timer_fired(uv_timer_t *t)
{
    if (++bare_fired < (uint64_t)(uintptr_t)t->data)
        uv_timer_start(t, bare_timer_fired, 1, 0);
}

/* The baseline of (a): the same 1 ms timer round with nothing else on the loop. */
static double bare_timer_rounds(uint64_t rounds)
{
    uv_loop_t loop;
    uv_timer_t t;
    double cpu0, cpu;

    uv_loop_init(&loop);
    uv_timer_init(&loop, &t);
    t.data = (void *)(uintptr_t)rounds;
    bare_fired = 0;
    cpu0 = cpu_seconds();
    uv_timer_start(&t, bare_timer_fired, 1, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    cpu = (cpu_seconds() - cpu0) / (double)rounds;
    uv_close((uv_handle_t *)&t, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    return cpu;
}

static void bench_round_cost(void)
{
    double wall, agent = failure_rounds(1, 1000, &wall), bare = bare_timer_rounds(1000);

    printf("(a) failure->schedule->fire->notify round, 1 EC, 1 ms delay\n");
    printf("    agent round      %8.2f us CPU   (wall %.2f ms per round)\n", agent * 1e6, wall * 1e3);
    printf("    bare uv timer    %8.2f us CPU\n", bare * 1e6);
    printf("    ratio            %8.1fx\n\n", agent / bare);
}

/* Heap bytes in use (glibc): unlike RSS it does not depend on what earlier benchmarks freed. */
static size_t heap_in_use(void)
{
    return mallinfo2().uordblks;
}

static void noop_timer(uv_timer_t *t)
{
    (void)t;
}

static void bench_memory(void)
{
    const uint32_t n = 10000;
    struct bench_agent b;
    size_t before, after_bind, after_pending, bare_before, bare_after;
    uv_loop_t loop;
    uv_timer_t *timers;
    size_t threads;

    before = heap_in_use();
    bench_agent_init(&b, n, 600000, accepting_ec);
    after_bind = heap_in_use();
    atomic_store(&notifications, 0);
    agent_raise_soh_change(b.agent);
    while (atomic_load(&notifications) < n)
        uv_run(&b.loop, UV_RUN_ONCE);
    while (b.agent->outstanding_jobs)
        uv_run(&b.loop, UV_RUN_ONCE);
    for (uint32_t i = 0; i < n; ++i)
        agent_ec_notify_soh_change_failure(b.bindings[i]);   /* every EC: retry in 10 min */
    after_pending = heap_in_use();
    threads = worker_pool_thread_count(&b.agent->pool);
    {
        struct agent_snapshot s;
        uint32_t scheduled = 0;
        agent_snapshot(b.agent, &s);
        for (size_t i = 0; i < s.binding_count; ++i)
            scheduled += s.bindings[i].soh_state == AGENT_SOH_RETRY_SCHEDULED;
        agent_snapshot_free(&s);
        printf("(b) memory per bound EC with a retry pending (%u ECs, %u retries scheduled)\n", n,
               scheduled);
    }
    bench_agent_free(&b);

    uv_loop_init(&loop);
    bare_before = heap_in_use();
    timers = calloc(n, sizeof(*timers));
    for (uint32_t i = 0; i < n; ++i) {
        uv_timer_init(&loop, &timers[i]);
        uv_timer_start(&timers[i], noop_timer, 600000, 0);
    }
    bare_after = heap_in_use();
    for (uint32_t i = 0; i < n; ++i)
        uv_close((uv_handle_t *)&timers[i], NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    free(timers);

    printf("    agent            %8.0f heap bytes per EC (registration + binding + retry), "
           "sizeof(struct bound_client) %zu\n",
           (double)(after_pending - before) / n, sizeof(struct bound_client));
    printf("      of which bind  %8.0f bytes, retry pending %.0f bytes\n",
           (double)(after_bind - before) / n, (double)(after_pending - after_bind) / n);
    printf("    bare uv_timer_t  %8.0f heap bytes per timer, sizeof(uv_timer_t) %zu\n",
           (double)(bare_after - bare_before) / n, sizeof(uv_timer_t));
    printf("    worker threads   %8zu for %u ECs (shared pool, not per EC)\n\n", threads, n);
}

static void bench_scaling(void)
{
    static const uint32_t counts[] = { 1, 20, 10000 };
    static const uint64_t rounds[] = { 1000, 200, 3 };
    double base = 0;

    printf("(c) CPU per notification round (fail -> retry timer -> NotifySoHChange), limits raised\n");
    for (int i = 0; i < 3; ++i) {
        double wall, cpu = failure_rounds(counts[i], rounds[i], &wall);
        if (i == 0)
            base = cpu;
        printf("    %5u ECs        %8.2f us CPU per round   %.2fx the 1-EC cost\n", counts[i],
               cpu * 1e6, cpu / base);
    }
    printf("\n");
}

static unsigned long iterations;

static void count_iteration(uv_prepare_t *p)
{
    (void)p;
    ++iterations;
}

struct waker {
    struct agent *agent;
    uv_async_t *async;
};

static void wake_after_a_second(void *arg)
{
    struct waker *w = arg;
    struct agent_snapshot s;

    uv_sleep(1000);
    if (w->agent) {
        agent_snapshot(w->agent, &s);  /* one hand-off: the only wake-up we cause */
        agent_snapshot_free(&s);
    } else {
        uv_async_send(w->async);
    }
}

static void async_noop(uv_async_t *a)
{
    (void)a;
}

/* Iterations of a loop during one idle second, ended by exactly one wake-up from another thread. */
static unsigned long idle_iterations(uv_loop_t *loop, struct agent *agent, uv_async_t *async,
                                     double *cpu)
{
    uv_prepare_t prepare;
    uv_thread_t thread;
    struct waker w = { agent, async };
    double cpu0;

    uv_prepare_init(loop, &prepare);
    uv_prepare_start(&prepare, count_iteration);
    uv_run(loop, UV_RUN_NOWAIT);          /* anything already due */
    iterations = 0;
    cpu0 = cpu_seconds();
    uv_thread_create(&thread, wake_after_a_second, &w);
    uv_run(loop, UV_RUN_ONCE);            /* blocks until something wakes the loop */
    uv_thread_join(&thread);
    *cpu = cpu_seconds() - cpu0;
    uv_close((uv_handle_t *)&prepare, NULL);
    uv_run(loop, UV_RUN_NOWAIT);
    return iterations - 1;                 /* the waker's own */
}

static void bench_idle(void)
{
    struct bench_agent b;
    uv_loop_t loop;
    uv_async_t async;
    double cpu_agent, cpu_bare;
    unsigned long agent_wakeups, bare_wakeups;

    bench_agent_init(&b, 20, 1, accepting_ec);
    agent_wakeups = idle_iterations(&b.loop, b.agent, NULL, &cpu_agent);
    bench_agent_free(&b);

    uv_loop_init(&loop);
    uv_async_init(&loop, &async, async_noop);
    bare_wakeups = idle_iterations(&loop, NULL, &async, &cpu_bare);
    uv_close((uv_handle_t *)&async, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);

    printf("(d) loop wake-ups while idle (20 ECs bound, nothing pending), over 1 s\n");
    printf("    agent            %8lu wake-ups/s   %.3f ms CPU\n", agent_wakeups, cpu_agent * 1e3);
    printf("    bare loop+async  %8lu wake-ups/s   %.3f ms CPU\n\n", bare_wakeups, cpu_bare * 1e3);
}

int main(void)
{
    printf("napagent core benchmarks (libuv %s)\n\n", uv_version_string());
    bench_round_cost();
    bench_memory();
    bench_scaling();
    bench_idle();
    return 0;
}
