/* Hand-off of requests from any thread to the loop thread: a locked FIFO plus one uv_async_t.
 * libuv merges several uv_async_send calls into one callback, so the callback drains the queue
 * completely. The async handle is only ever sent to under the queue lock, and closing it flips
 * `open` under the same lock first: no thread can send to a closing handle. */
#ifndef NAPAGENT_CORE_HANDOFF_QUEUE_H
#define NAPAGENT_CORE_HANDOFF_QUEUE_H

#include <uv.h>

#include "nap_result.h"

struct handoff_request {
    struct handoff_request *next;
    void (*handle)(struct handoff_request *request, void *context); /* on the loop thread */
};

struct handoff_queue {
    uv_mutex_t lock;
    uv_async_t async;
    struct handoff_request *head;
    struct handoff_request *tail;
    void *context;
    int accepting;  /* client (COM) calls are taken */
    int open;       /* internal posts (worker results) are taken; 0 once closing */
};

int handoff_queue_init(struct handoff_queue *q, uv_loop_t *loop, void *context);
/* From any thread. A client call (internal == 0) is refused with SERVICE_NOT_RUNNING once the
 * agent stops accepting; an internal post only once the queue is closed. */
nap_result handoff_queue_push(struct handoff_queue *q, struct handoff_request *request,
                              int internal);
/* Whether client calls are still taken; for calls that run inline on the loop thread. */
int handoff_queue_accepting(struct handoff_queue *q);
void handoff_queue_stop_accepting(struct handoff_queue *q);
/* Loop thread: refuses everything from now on, runs what is still queued, closes the handle. */
void handoff_queue_close(struct handoff_queue *q, uv_close_cb closed);
/* The mutex outlives the handle: destroy it after the close callback ran. */
void handoff_queue_destroy(struct handoff_queue *q);

#endif
