/* The hand-off queue: merged uv_async_send wake-ups still deliver every request, in order; client
 * calls are refused once the agent stops accepting, internal posts only once it is closed. */
#include <uv.h>

#include "handoff_queue.h"
#include "tap.h"

#define THREADS 4
#define PER_THREAD 500

struct numbered {
    struct handoff_request link;
    int thread;
    int seq;
};

static int handled;
static int last_seq[THREADS];
static int out_of_order;

static void handle(struct handoff_request *r, void *context)
{
    struct numbered *n = (struct numbered *)r;

    (void)context;
    if (n->seq != last_seq[n->thread] + 1)
        ++out_of_order;
    last_seq[n->thread] = n->seq;
    ++handled;
}

struct producer {
    struct handoff_queue *q;
    int thread;
    struct numbered requests[PER_THREAD];
};

static void produce(void *arg)
{
    struct producer *p = arg;

    for (int i = 0; i < PER_THREAD; ++i) {
        p->requests[i].link.handle = handle;
        p->requests[i].thread = p->thread;
        p->requests[i].seq = i + 1;
        handoff_queue_push(p->q, &p->requests[i].link, 0);
    }
}

static int closed;

static void on_closed(uv_handle_t *h)
{
    (void)h;
    closed = 1;
}

static void test_every_request_arrives_in_order_despite_merged_wakeups(void)
{
    static struct producer producers[THREADS];
    struct handoff_queue q;
    uv_thread_t threads[THREADS];
    uv_loop_t loop;
    uint64_t deadline = uv_hrtime() + 5000000000ull;

    uv_loop_init(&loop);
    handoff_queue_init(&q, &loop, NULL);
    for (int i = 0; i < THREADS; ++i) {
        producers[i].q = &q;
        producers[i].thread = i;
        uv_thread_create(&threads[i], produce, &producers[i]);
    }
    while (handled < THREADS * PER_THREAD && uv_hrtime() < deadline)
        uv_run(&loop, UV_RUN_ONCE);
    for (int i = 0; i < THREADS; ++i)
        uv_thread_join(&threads[i]);
    ok(handled == THREADS * PER_THREAD, "expected %d requests handled, got %d", THREADS * PER_THREAD,
       handled);
    ok(out_of_order == 0, "expected each thread's requests in order, got %d out of order", out_of_order);
    handoff_queue_close(&q, on_closed);
    uv_run(&loop, UV_RUN_DEFAULT);
    handoff_queue_destroy(&q);
    ok(closed && uv_loop_close(&loop) == 0, "expected the handle closed and the loop empty, got %d", closed);
}

static void test_stop_accepting_refuses_client_calls_only(void)
{
    struct handoff_queue q;
    struct numbered a = { { NULL, handle }, 0, 0 }, b = a;
    uv_loop_t loop;
    nap_result r;

    uv_loop_init(&loop);
    handoff_queue_init(&q, &loop, NULL);
    handoff_queue_stop_accepting(&q);
    r = handoff_queue_push(&q, &a.link, 0);
    ok(r == NAP_RESULT_SERVICE_NOT_RUNNING, "expected a client call refused, got %#x", (unsigned)r);
    last_seq[0] = 0;
    b.seq = 1;
    r = handoff_queue_push(&q, &b.link, 1);
    ok(r == NAP_RESULT_OK, "expected an internal post accepted while stopping, got %#x", (unsigned)r);
    handled = 0;
    handoff_queue_close(&q, NULL);   /* runs what is still queued */
    ok(handled == 1, "expected the queued request run at close, got %d", handled);
    r = handoff_queue_push(&q, &b.link, 1);
    ok(r == NAP_RESULT_SERVICE_NOT_RUNNING, "expected everything refused once closed, got %#x", (unsigned)r);
    uv_run(&loop, UV_RUN_DEFAULT);
    handoff_queue_destroy(&q);
    uv_loop_close(&loop);
}

int main(void)
{
    test_every_request_arrives_in_order_despite_merged_wakeups();
    test_stop_accepting_refuses_client_calls_only();
    return tap_done();
}
