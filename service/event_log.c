/* Event Viewer reporting: the core's diagnostics and the service's own milestones mapped to the
 * message table of service/events.mc (IDs documented in docs/events.md).
 * Wine's event log stores nothing, so an administrator (or a test) may also name a file in
 * HKLM\SYSTEM\CurrentControlSet\Services\napagent\Parameters, value EventRecordFile: every
 * reported event is then appended there as "ID TYPE insert|insert|...". */
#include "agent.h" /* first: libuv wants winsock2.h before windows.h */
#include "napagent.h"
#include "event_log.h"
#include "events.h"
#include "component_names.h"
#include "parameters.h"
#include "event_limit.h"
#include <stdio.h>

static HANDLE event_source;
static FILE *record_file;
static WCHAR record_path[MAX_PATH]; /* of record_file, for napctl show config */
static CRITICAL_SECTION record_lock;

void event_log_open(void)
{
    struct record_file_reading reading;

    static BOOL lock_ready;

    if (!lock_ready)
        InitializeCriticalSection(&record_lock);
    lock_ready = TRUE;
    event_source = RegisterEventSourceW(NULL, NAPAGENT_SERVICE_NAME);
    parameters_read_record_file(&reading);
    if (reading.state == PARAMETER_CONFIGURED)
    {
        record_file = _wfopen(reading.path, L"a");
        if (record_file)
            wcscpy(record_path, reading.path);
        else
            service_log("EventRecordFile: cannot open '%ls' for appending", reading.path);
    }
    else if (reading.state == PARAMETER_INVALID)
    {
        const WCHAR *strings[3] = {PARAMETER_EVENT_RECORD_FILE, reading.problem, L"no record file"};

        service_log("EventRecordFile: %ls; no record file", reading.problem);
        event_log_report(EVENTLOG_WARNING_TYPE, NAPAGENT_EVENT_BAD_CONFIGURATION_VALUE, 3, strings);
    }
}

const WCHAR *event_log_record_path(void)
{
    return record_path;
}

void event_log_close(void)
{
    if (event_source)
        DeregisterEventSource(event_source);
    event_source = NULL;
    EnterCriticalSection(&record_lock);
    if (record_file)
        fclose(record_file);
    record_file = NULL;
    record_path[0] = 0;
    LeaveCriticalSection(&record_lock);
    /* The lock stays: a thread the stop gave up on (a frozen client's) may still report an event
     * after this, and the process exits next anyway. */
    component_names_clear();
}

void event_log_report(WORD type, DWORD id, WORD count, const WCHAR **strings)
{
    if (event_source)
        ReportEventW(event_source, type, 0, id, NULL, count, 0, strings, NULL);
    EnterCriticalSection(&record_lock);
    if (record_file)
    {
        fwprintf(record_file, L"%lu %u ", id & 0xffff, type);
        for (WORD i = 0; i < count; i++)
            fwprintf(record_file, L"%ls%ls", i ? L"|" : L"", strings[i]);
        fputwc(L'\n', record_file);
        fflush(record_file);
    }
    LeaveCriticalSection(&record_lock);
}

void event_log_refusal(WORD type, DWORD id, enum nap_component_kind kind, UINT32 component, WORD count,
                       const WCHAR **strings)
{
    DWORD suppressed;
    WCHAR held[16], event[16], label[160];
    const WCHAR *inserts[3] = {held, event, label};

    if (!event_limit_allow(id, component, GetTickCount(), &suppressed))
        return;
    if (suppressed)
    {
        _snwprintf(held, ARRAYSIZE(held), L"%lu", suppressed);
        _snwprintf(event, ARRAYSIZE(event), L"%lu", id & 0xffff);
        component_names_label(kind, component, label, ARRAYSIZE(label));
        event_log_report(EVENTLOG_WARNING_TYPE, NAPAGENT_EVENT_EVENTS_SUPPRESSED, 3, inserts);
    }
    event_log_report(type, id, count, strings);
}

/* The core emits on its loop thread; reporting an event does not call back into the core.
 * A component is named by its id and friendly name, "79617 (Contoso VPN)". */
/* The SHA callback method an AGENT_EVENT_SHA_*_FAILED event is about. */
static const WCHAR *sha_call_name(const struct agent_event *event)
{
    if (event->kind == AGENT_EVENT_SHA_SOH_FAILED)
        return L"GetSoHRequest";
    switch (event->attempt)
    {
    case AGENT_SHA_CALL_PROCESS_RESPONSE: return L"ProcessSoHResponse";
    case AGENT_SHA_CALL_ISOLATION_CHANGE: return L"NotifySystemIsolationStateChange";
    case AGENT_SHA_CALL_ORPHANED_REQUEST: return L"NotifyOrphanedSoHRequest";
    default: return L"(unknown)";
    }
}

void event_log_from_core(const struct agent_event *event)
{
    BOOL ec = event->component_kind == NAP_COMPONENT_ENFORCEMENT_CLIENT;
    WCHAR id[160], kind[32], a[40], b[24], c[80];
    const WCHAR *strings[4] = {id, a, b, c};
    const WCHAR *kind_strings[3] = {kind, id, a};

    if (event->kind == AGENT_EVENT_REGISTERED)
        component_names_registered();
    component_names_label(event->component_kind, event->component_id, id, ARRAYSIZE(id));
    if (event->kind == AGENT_EVENT_UNREGISTERED)
        component_names_unregistered(event->component_kind, event->component_id);
    wcscpy(kind, ec ? L"enforcement client" : L"system health agent");
    switch (event->kind)
    {
    case AGENT_EVENT_REGISTERED:
        event_log_report(EVENTLOG_INFORMATION_TYPE, NAPAGENT_EVENT_REGISTERED, 2, kind_strings);
        break;
    case AGENT_EVENT_UNREGISTERED:
        event_log_report(EVENTLOG_INFORMATION_TYPE, NAPAGENT_EVENT_UNREGISTERED, 2, kind_strings);
        break;
    case AGENT_EVENT_ENABLED_CHANGED:
        wcscpy(a, event->result ? L"enabled" : L"disabled");
        event_log_report(EVENTLOG_INFORMATION_TYPE, NAPAGENT_EVENT_EC_ENABLEMENT_CHANGED, 2, strings);
        break;
    case AGENT_EVENT_BOUND:
        event_log_report(EVENTLOG_INFORMATION_TYPE, ec ? NAPAGENT_EVENT_EC_INITIALIZED : NAPAGENT_EVENT_SHA_INITIALIZED,
                         1, strings);
        break;
    case AGENT_EVENT_UNBOUND:
        event_log_report(EVENTLOG_INFORMATION_TYPE,
                         ec ? NAPAGENT_EVENT_EC_UNINITIALIZED : NAPAGENT_EVENT_SHA_UNINITIALIZED, 1, strings);
        break;
    case AGENT_EVENT_INITIALIZE_REFUSED:
        /* Refusals any caller can cause: rate-limited. An ACCESS_DENIED one is the adapter's to
         * report, with the caller's account (event 124). */
        if (event->result == NAP_RESULT_NOT_REGISTERED)
            event_log_refusal(EVENTLOG_WARNING_TYPE, ec ? NAPAGENT_EVENT_EC_NOT_REGISTERED
                                                        : NAPAGENT_EVENT_SHA_NOT_REGISTERED,
                              event->component_kind, event->component_id, 1, strings);
        else if (event->result == NAP_RESULT_ALREADY_INITIALIZED)
            event_log_refusal(EVENTLOG_WARNING_TYPE, ec ? NAPAGENT_EVENT_EC_ALREADY_INITIALIZED
                                                        : NAPAGENT_EVENT_SHA_ALREADY_INITIALIZED,
                              event->component_kind, event->component_id, 1, strings);
        else if (event->result == NAP_RESULT_ENTITY_DISABLED)
            event_log_refusal(EVENTLOG_WARNING_TYPE, NAPAGENT_EVENT_EC_DISABLED_REFUSED, event->component_kind,
                              event->component_id, 1, strings);
        break;
    case AGENT_EVENT_SOH_CHANGE_RAISED:
        event_log_report(EVENTLOG_INFORMATION_TYPE, NAPAGENT_EVENT_SOH_CHANGE_RAISED, 1, strings);
        break;
    case AGENT_EVENT_NOTIFICATION_FAILED:
        _snwprintf(a, ARRAYSIZE(a), L"%u", event->attempt);
        _snwprintf(b, ARRAYSIZE(b), L"0x%08x", (unsigned)event->result);
        _snwprintf(c, ARRAYSIZE(c), L"%llu", (unsigned long long)event->next_delay_ms);
        event_log_report(EVENTLOG_WARNING_TYPE, NAPAGENT_EVENT_EC_REPORTED_FAILURE, 4, strings);
        break;
    case AGENT_EVENT_RETRY_EXHAUSTED:
        _snwprintf(a, ARRAYSIZE(a), L"%u", event->attempt);
        _snwprintf(b, ARRAYSIZE(b), L"%llu", (unsigned long long)event->next_delay_ms);
        event_log_report(EVENTLOG_WARNING_TYPE, NAPAGENT_EVENT_RETRIES_PAST_THRESHOLD, 3, strings);
        break;
    case AGENT_EVENT_CLIENT_DIED:
        _snwprintf(a, ARRAYSIZE(a), L"0x%08x", (unsigned)event->result);
        event_log_report(EVENTLOG_WARNING_TYPE, NAPAGENT_EVENT_CLIENT_DIED, 3, kind_strings);
        break;
    case AGENT_EVENT_NOTIFICATION_OVERDUE:
        _snwprintf(a, ARRAYSIZE(a), L"%llu", (unsigned long long)event->next_delay_ms);
        _snwprintf(b, ARRAYSIZE(b), L"%u", event->attempt);
        event_log_report(EVENTLOG_WARNING_TYPE, NAPAGENT_EVENT_NOTIFICATION_OVERDUE, 3, strings);
        break;
    case AGENT_EVENT_CHANGE_APPLIED:
        _snwprintf(a, ARRAYSIZE(a), L"%u", event->attempt);
        event_log_report(EVENTLOG_INFORMATION_TYPE, NAPAGENT_EVENT_CHANGE_APPLIED, 2, strings);
        break;
    case AGENT_EVENT_LIMIT_REACHED:
        event_log_report(EVENTLOG_WARNING_TYPE, NAPAGENT_EVENT_LIMIT_REACHED, 2, kind_strings);
        break;
    case AGENT_EVENT_STORAGE_FAILED:
        _snwprintf(a, ARRAYSIZE(a), L"0x%08x", (unsigned)event->result);
        event_log_report(EVENTLOG_ERROR_TYPE, NAPAGENT_EVENT_STORAGE_FAILED, 3, kind_strings);
        break;
    case AGENT_EVENT_SHA_SOH_CHANGED:
        event_log_report(EVENTLOG_INFORMATION_TYPE, NAPAGENT_EVENT_SHA_SOH_CHANGED, 1, strings);
        break;
    case AGENT_EVENT_SHA_SOH_FAILED:
    case AGENT_EVENT_SHA_CALL_FAILED:
        wcscpy(a, sha_call_name(event));
        _snwprintf(b, ARRAYSIZE(b), L"0x%08x", (unsigned)event->result);
        wcscpy(c, event->kind == AGENT_EVENT_SHA_SOH_FAILED
                      ? L" The NAP agent sends its stand-in statement of health for it." : L"");
        event_log_report(EVENTLOG_WARNING_TYPE, NAPAGENT_EVENT_SHA_CALL_FAILED, 4, strings);
        break;
    case AGENT_EVENT_SOH_REQUEST_TRIMMED:
        _snwprintf(a, ARRAYSIZE(a), L"%llu", (unsigned long long)event->next_delay_ms);
        event_log_report(EVENTLOG_WARNING_TYPE, NAPAGENT_EVENT_SOH_REQUEST_TRIMMED, 2, strings);
        break;
    case AGENT_EVENT_RESPONSE_REJECTED:
        event_log_refusal(EVENTLOG_WARNING_TYPE, event->result == NAP_RESULT_MISMATCHED_ID
                                                     ? NAPAGENT_EVENT_RESPONSE_MISMATCHED : NAPAGENT_EVENT_RESPONSE_INVALID,
                          event->component_kind, event->component_id, 1, strings);
        break;
    case AGENT_EVENT_ISOLATION_CHANGED:
    {
        static const WCHAR *const states[] = {L"unknown", L"not restricted", L"in probation", L"restricted access"};
        const WCHAR *state = states[(unsigned)event->result <= 3 ? (unsigned)event->result : 0];

        event_log_report(EVENTLOG_INFORMATION_TYPE, NAPAGENT_EVENT_ISOLATION_CHANGED, 1, &state);
        break;
    }
    default:
        /* Notification sent, change merged, SoH unchanged: routine, in the service log only. */
        break;
    }
}
