/* See handoff_queue.h. Requests are intrusive (embedded in the caller's stack frame or in the
 * object they concern), so a push never allocates and cannot fail for lack of memory. */
#include "handoff_queue.h"

static void drain(struct handoff_queue *q)
{
    for (;;) {
        struct handoff_request *batch;

        uv_mutex_lock(&q->lock);
        batch = q->head;
        q->head = q->tail = NULL;
        uv_mutex_unlock(&q->lock);
        if (!batch)
            return;
        while (batch) {
            struct handoff_request *r = batch;
            batch = r->next;
            r->handle(r, q->context);
        }
    }
}

static void on_async(uv_async_t *async)
{
    drain(async->data);
}

int handoff_queue_init(struct handoff_queue *q, uv_loop_t *loop, void *context)
{
    int err;

    q->head = q->tail = NULL;
    q->context = context;
    q->accepting = 1;
    q->open = 1;
    if ((err = uv_mutex_init(&q->lock)))
        return err;
    if ((err = uv_async_init(loop, &q->async, on_async))) {
        uv_mutex_destroy(&q->lock);
        return err;
    }
    q->async.data = q;
    return 0;
}

nap_result handoff_queue_push(struct handoff_queue *q, struct handoff_request *request,
                              int internal)
{
    nap_result result = NAP_RESULT_OK;

    request->next = NULL;
    uv_mutex_lock(&q->lock);
    if (!q->open || (!internal && !q->accepting)) {
        result = NAP_RESULT_SERVICE_NOT_RUNNING;
    } else {
        if (q->tail)
            q->tail->next = request;
        else
            q->head = request;
        q->tail = request;
        uv_async_send(&q->async);
    }
    uv_mutex_unlock(&q->lock);
    return result;
}

int handoff_queue_accepting(struct handoff_queue *q)
{
    int accepting;

    uv_mutex_lock(&q->lock);
    accepting = q->open && q->accepting;
    uv_mutex_unlock(&q->lock);
    return accepting;
}

void handoff_queue_stop_accepting(struct handoff_queue *q)
{
    uv_mutex_lock(&q->lock);
    q->accepting = 0;
    uv_mutex_unlock(&q->lock);
}

void handoff_queue_close(struct handoff_queue *q, uv_close_cb closed)
{
    uv_mutex_lock(&q->lock);
    q->accepting = 0;
    q->open = 0;
    uv_mutex_unlock(&q->lock);
    drain(q);
    uv_close((uv_handle_t *)&q->async, closed);
}

void handoff_queue_destroy(struct handoff_queue *q)
{
    uv_mutex_destroy(&q->lock);
}
