/* Names for the service's enumerations; the JSON schema in docs/operations.md lists them, so
 * they never change once released. */
#include "state_text.h"
#include <stdio.h>

const char *soh_state_name(NapAgentSoHState state)
{
    switch (state)
    {
    case napAgentSoHIdle: return "idle";
    case napAgentSoHNotifying: return "notifying";
    case napAgentSoHRetryScheduled: return "retry-scheduled";
    case napAgentSoHApplied: return "applied";
    default: return "unknown";
    }
}

const char *isolation_state_name(IsolationState state)
{
    switch (state)
    {
    case isolationStateNotRestricted: return "not-restricted";
    case isolationStateInProbation: return "in-probation";
    case isolationStateRestrictedAccess: return "restricted";
    default: return "unknown";
    }
}

const char *parameter_state_name(NapAgentParameterState state)
{
    switch (state)
    {
    case napAgentParameterAbsent: return "absent";
    case napAgentParameterConfigured: return "configured";
    default: return "invalid";
    }
}

const char *registry_type_name(UINT32 type)
{
    switch (type)
    {
    case REG_NONE: return NULL;
    case REG_SZ: return "REG_SZ";
    case REG_EXPAND_SZ: return "REG_EXPAND_SZ";
    case REG_BINARY: return "REG_BINARY";
    case REG_DWORD: return "REG_DWORD";
    case REG_MULTI_SZ: return "REG_MULTI_SZ";
    case REG_QWORD: return "REG_QWORD";
    default: return "other";
    }
}

void counted_text(const CountedString *from, WCHAR *to, size_t size)
{
    size_t n = 0;

    while (from->string && n < from->length && n + 1 < size && from->string[n])
    {
        to[n] = from->string[n];
        n++;
    }
    to[n] = 0;
}

void filetime_text(const FILETIME *time, WCHAR *to, size_t size)
{
    SYSTEMTIME st;

    to[0] = 0;
    if ((!time->dwLowDateTime && !time->dwHighDateTime) || !FileTimeToSystemTime(time, &st))
        return;
    _snwprintf(to, size, L"%04u-%02u-%02uT%02u:%02u:%02uZ", st.wYear, st.wMonth, st.wDay, st.wHour, st.wMinute,
               st.wSecond);
    to[size - 1] = 0;
}
