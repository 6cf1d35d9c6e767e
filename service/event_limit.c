/* See event_limit.h. The keys a caller can make are unbounded (any id may be tried), so the
 * table is small and the least recently used key makes room; the overall limit still holds when
 * keys are cycled through faster than the table remembers them. Held-back events are counted per
 * key and reported with that key's next event: at most one "N more" event per reported one. */
#include "event_limit.h"

#define KEYS 32

struct key
{
    DWORD id;
    UINT32 component;
    DWORD window_start, last_used;
    DWORD reported;      /* in the current window */
    DWORD held_back;     /* since the last one reported */
    BOOL used;
};

static struct key keys[KEYS];
static DWORD overall_start, overall_reported;
static SRWLOCK lock = SRWLOCK_INIT;

static struct key *find(DWORD id, UINT32 component, DWORD now_ms)
{
    struct key *oldest = &keys[0];

    for (int i = 0; i < KEYS; i++)
    {
        if (keys[i].used && keys[i].id == id && keys[i].component == component)
            return &keys[i];
        if (!keys[i].used || (oldest->used && now_ms - keys[i].last_used > now_ms - oldest->last_used))
            oldest = &keys[i];
    }
    /* A key forgotten this way loses its held-back count: the overall limit bounds what that
     * costs, and the service log has every refusal. */
    oldest->used = TRUE;
    oldest->id = id;
    oldest->component = component;
    oldest->window_start = now_ms;
    oldest->reported = oldest->held_back = 0;
    return oldest;
}

BOOL event_limit_allow(DWORD id, UINT32 component, DWORD now_ms, DWORD *suppressed)
{
    struct key *k;
    BOOL allowed;

    AcquireSRWLockExclusive(&lock);
    k = find(id, component, now_ms);
    k->last_used = now_ms;
    if (now_ms - k->window_start >= EVENT_LIMIT_WINDOW_MS)
    {
        k->window_start = now_ms;
        k->reported = 0;
    }
    if (now_ms - overall_start >= EVENT_LIMIT_WINDOW_MS)
    {
        overall_start = now_ms;
        overall_reported = 0;
    }
    allowed = k->reported < EVENT_LIMIT_PER_KEY && overall_reported < EVENT_LIMIT_OVERALL;
    if (allowed)
    {
        ++k->reported;
        ++overall_reported;
        *suppressed = k->held_back;
        k->held_back = 0;
    }
    else
        ++k->held_back;
    ReleaseSRWLockExclusive(&lock);
    return allowed;
}
