/* CorrelationId (naptypes.h) for the adapters: new ids, their printable form, and the core's
 * platform-neutral copy. */
#ifndef NAPAGENT_CORRELATION_ID_H
#define NAPAGENT_CORRELATION_ID_H

#include "agent.h" /* first: libuv wants winsock2.h before windows.h */
#include <windows.h>
#include <naptypes.h>

/* A new id: a fresh GUID and the current time. */
HRESULT correlation_id_new(CorrelationId *id);
/* StringCorrelationId's format (a choice; the documentation names none):
 * "{GUID} - YYYY/MM/DD HH:MM:SS.mmm" in UTC, or 16 hex digits for a time FileTimeToSystemTime
 * refuses. CoTaskMemAlloc'd; *out NULL on failure. */
HRESULT correlation_id_string(const CorrelationId *id, StringCorrelationId **out);
void correlation_id_to_core(const CorrelationId *id, struct agent_correlation_id *out);
void correlation_id_from_core(const struct agent_correlation_id *id, CorrelationId *out);

#endif
