/* The retry timer of one bound EC. One uv_timer_t per EC rather than one timer over a heap of our
 * own: libuv already keeps its timers in a heap, so a second heap would only duplicate it, and
 * the benchmark shows the per-EC cost stays flat from 1 to 10,000 ECs (docs/performance.md). */
#include "agent_internal.h"

static void on_retry_due(uv_timer_t *timer)
{
    struct bound_client *bc = timer->data;

    soh_delivery_apply(bc, soh_change_retry_due(&bc->change), NAP_RESULT_OK);
}

static void on_closed(uv_handle_t *handle)
{
    agent_bound_client_put(handle->data);
}

/* uv_timer_init only links the handle into the loop: it cannot fail. */
void retry_schedule_init(struct bound_client *bc)
{
    uv_timer_init(bc->agent->loop, &bc->retry_timer);
    bc->retry_timer.data = bc;
}

void retry_schedule_start(struct bound_client *bc, uint64_t delay_ms)
{
    uv_timer_start(&bc->retry_timer, on_retry_due, delay_ms, 0);
}

void retry_schedule_cancel(struct bound_client *bc)
{
    uv_timer_stop(&bc->retry_timer);
}

void retry_schedule_close(struct bound_client *bc)
{
    uv_close((uv_handle_t *)&bc->retry_timer, on_closed);
}

int64_t retry_schedule_due_in(struct bound_client *bc)
{
    if (!uv_is_active((uv_handle_t *)&bc->retry_timer))
        return -1;
    return (int64_t)uv_timer_get_due_in(&bc->retry_timer);
}
