/* The libuv loop thread. It will own all agent core state; other threads reach it only through
 * uv_async_send. Stopping: one async wakes the loop, which closes its handles and returns. */
/* uv.h brings winsock2.h, which must come before windows.h. */
#include <uv.h>
#include "napagent.h"

static uv_loop_t loop;
static uv_async_t stop_async;
static uv_thread_t loop_thread;
static BOOL loop_running;

static void on_stop(uv_async_t *async)
{
    uv_close((uv_handle_t *)async, NULL);
}

static void run_loop(void *arg)
{
    (void)arg;
    uv_run(&loop, UV_RUN_DEFAULT);
}

int loop_thread_start(void)
{
    int err = uv_loop_init(&loop);

    if (err)
        return err;
    err = uv_async_init(&loop, &stop_async, on_stop);
    if (!err)
        err = uv_thread_create(&loop_thread, run_loop, NULL);
    if (err)
    {
        uv_close((uv_handle_t *)&stop_async, NULL);
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
        return err;
    }
    loop_running = TRUE;
    return 0;
}

void loop_thread_stop(void)
{
    if (!loop_running)
        return;
    uv_async_send(&stop_async);
    uv_thread_join(&loop_thread);
    uv_loop_close(&loop);
    loop_running = FALSE;
}
