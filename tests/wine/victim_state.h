/* Where a probe_victim process is, in memory shared with t_random_kills: read once the victim is
 * dead, it tells where the kill landed. Counters of threads in a place, not flags, because the
 * agent's callback and the victim's own calls run on different threads. */
#ifndef NAPAGENT_WINE_VICTIM_STATE_H
#define NAPAGENT_WINE_VICTIM_STATE_H

#include <windows.h>

struct victim_state
{
    LONG in_callback;     /* threads inside a callback from the agent */
    LONG in_call;         /* threads inside a call to the agent (Initialize included) */
    LONG retry_pending;   /* EC: it reported a failure and has not applied the change since */
    LONG callbacks;       /* callbacks it completed */
    LONG calls;           /* steps of its own it completed */
    LONG bind_attempts;   /* Initialize calls until it bound */
    LONG bind_ms;         /* how long binding took */
};

#endif
