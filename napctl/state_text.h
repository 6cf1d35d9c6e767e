/* The service's values as napctl prints them (text and JSON share the names). */
#ifndef NAPCTL_STATE_TEXT_H
#define NAPCTL_STATE_TEXT_H

#include <windows.h>
#include <napagentdiag.h>

/* "idle", "notifying", "retry-scheduled", "applied". */
const char *soh_state_name(NapAgentSoHState state);
/* "not-restricted", "in-probation", "restricted", "unknown". */
const char *isolation_state_name(IsolationState state);
/* "absent", "configured", "invalid". */
const char *parameter_state_name(NapAgentParameterState state);
/* "REG_DWORD", ...; NULL for REG_NONE (absent). */
const char *registry_type_name(UINT32 type);
/* A CountedString as a NUL-terminated string, cut at its first NUL or at size - 1. */
void counted_text(const CountedString *from, WCHAR *to, size_t size);
/* ISO 8601 UTC ("2026-11-25T07:00:00Z"), or "" for a zero FILETIME (no probation). */
void filetime_text(const FILETIME *time, WCHAR *to, size_t size);

#endif
