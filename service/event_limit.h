/* Rate limits for the events a caller can cause at will: an Initialize refused, a response
 * rejected, a call refused for its account. Without them any local user could flood Event Viewer,
 * or roll the Application log over the events an administrator needs. */
#ifndef NAPAGENT_EVENT_LIMIT_H
#define NAPAGENT_EVENT_LIMIT_H

#include <windows.h>

/* At most EVENT_LIMIT_PER_KEY events of one ID about one component id, and EVENT_LIMIT_OVERALL of
 * all such events together, per EVENT_LIMIT_WINDOW_MS. */
#define EVENT_LIMIT_WINDOW_MS 60000u
#define EVENT_LIMIT_PER_KEY 3u
#define EVENT_LIMIT_OVERALL 30u

/* Whether event `id` about component `component` may be reported now. TRUE also gives, in
 * *suppressed, how many of that key were held back since the last one reported (to be said in
 * one event first); FALSE counts this one as held back. Thread-safe. */
BOOL event_limit_allow(DWORD id, UINT32 component, DWORD now_ms, DWORD *suppressed);

#endif
