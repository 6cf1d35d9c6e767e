/* Hosts the agent core in the service: the registry as its storage, the service log as its
 * diagnostics sink, and the outgoing COM calls it makes to clients. */
#include "registry_store.h"
#include "napagent.h"
#include "parameters.h"
#include "client_handle.h"
#include "event_log.h"
#include "sha_calls.h"
#include "nap_values.h"
#include "events.h"
#include <stdio.h>
#include <napenforcementclient.h>
#include <napsystemhealthagent.h>

_Static_assert(NAP_RESULT_NOT_INITIALIZED == NAP_E_NOT_INITIALIZED, "core results are HRESULTs");
_Static_assert(NAP_RESULT_NOT_REGISTERED == NAP_E_NOT_REGISTERED, "core results are HRESULTs");
_Static_assert(NAP_RESULT_NOT_PENDING == NAP_E_NOT_PENDING, "core results are HRESULTs");
_Static_assert(NAP_RESULT_ENTITY_DISABLED == NAP_E_ENTITY_DISABLED, "core results are HRESULTs");
_Static_assert(NAP_RESULT_SERVICE_NOT_RUNNING == NAP_E_SERVICE_NOT_RUNNING, "core results are HRESULTs");
_Static_assert(NAP_RESULT_ALREADY_INITIALIZED == HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED), "core results");
_Static_assert(NAP_RESULT_RPC_SERVER_UNAVAILABLE == HRESULT_FROM_WIN32(RPC_S_SERVER_UNAVAILABLE), "core results");
_Static_assert(NAP_RESULT_RPC_DISCONNECTED == RPC_E_DISCONNECTED, "core results are HRESULTs");
_Static_assert(NAP_RESULT_ACCESS_DENIED == E_ACCESSDENIED, "core results are HRESULTs");
_Static_assert(ISOLATION_NOT_RESTRICTED == isolationStateNotRestricted && ISOLATION_IN_PROBATION == isolationStateInProbation
                   && ISOLATION_RESTRICTED == isolationStateRestrictedAccess, "naptypes.h IsolationState");
_Static_assert(FAILURE_CATEGORY_CLIENT_COMPONENT == failureCategoryClientComponent
                   && FAILURE_CATEGORY_CLIENT_COMMUNICATION == failureCategoryClientCommunication,
               "naptypes.h FailureCategory");
_Static_assert(SHA_FIXUP == shaFixup, "naptypes.h SoHRequest flags");

static struct agent *core;

static const char *event_name(enum agent_event_kind kind)
{
    static const char *const names[] = {
        [AGENT_EVENT_REGISTERED] = "registered",
        [AGENT_EVENT_UNREGISTERED] = "unregistered",
        [AGENT_EVENT_ENABLED_CHANGED] = "enabled changed",
        [AGENT_EVENT_BOUND] = "bound",
        [AGENT_EVENT_UNBOUND] = "unbound",
        [AGENT_EVENT_INITIALIZE_REFUSED] = "initialize refused",
        [AGENT_EVENT_SOH_CHANGE_RAISED] = "SoH change raised",
        [AGENT_EVENT_SOH_CHANGE_MERGED] = "SoH change merged",
        [AGENT_EVENT_NOTIFICATION_SENT] = "NotifySoHChange sent",
        [AGENT_EVENT_NOTIFICATION_FAILED] = "notification failed",
        [AGENT_EVENT_RETRY_EXHAUSTED] = "retries past the warning threshold",
        [AGENT_EVENT_CLIENT_DIED] = "client died",
        [AGENT_EVENT_CHANGE_APPLIED] = "change applied",
        [AGENT_EVENT_LIMIT_REACHED] = "limit reached",
        [AGENT_EVENT_STORAGE_FAILED] = "storage failed",
        [AGENT_EVENT_SHA_SOH_CHANGED] = "SHA gave a new SoH",
        [AGENT_EVENT_SHA_SOH_UNCHANGED] = "SHA gave the same SoH",
        [AGENT_EVENT_SHA_SOH_FAILED] = "SHA GetSoHRequest failed",
        [AGENT_EVENT_SOH_REQUEST_TRIMMED] = "SHA left out of a request",
        [AGENT_EVENT_RESPONSE_REJECTED] = "SoH response rejected",
        [AGENT_EVENT_ISOLATION_CHANGED] = "isolation state changed",
        [AGENT_EVENT_SHA_CALL_FAILED] = "SHA call failed",
        [AGENT_EVENT_STOP_WAITING] = "stop still waiting for",
        [AGENT_EVENT_NOTIFICATION_RETURNED] = "NotifySoHChange returned",
        [AGENT_EVENT_NOTIFICATION_OVERDUE] = "NotifySoHChange overdue: no longer waited for",
        [AGENT_EVENT_SHA_BACKLOG_FULL] = "SHA does not keep up: the oldest waiting call dropped",
    };
    unsigned index = (unsigned)kind;

    return index < ARRAYSIZE(names) && names[index] ? names[index] : "event";
}

/* Every diagnostic goes to the service log; those an administrator wants also to Event Viewer. */
static void log_event(void *context, const struct agent_event *event)
{
    (void)context;
    event_log_from_core(event);
    if (event->kind == AGENT_EVENT_NOTIFICATION_RETURNED)
    {
        service_log("%s: EC %#x, attempt %u, after %llu ms, result %#lx", event_name(event->kind),
                    event->component_id, event->attempt, (unsigned long long)event->next_delay_ms,
                    (unsigned long)event->result);
        return;
    }
    service_log("%s: %s %#x, attempt %u, next delay %llu ms, result %#lx", event_name(event->kind),
                event->component_kind == NAP_COMPONENT_ENFORCEMENT_CLIENT ? "EC" : "SHA", event->component_id,
                event->attempt, (unsigned long long)event->next_delay_ms, (unsigned long)event->result);
}

/* The core's workers are plain threads: join the MTA once per thread before calling a proxy. */
void agent_host_join_com(void)
{
    static __thread BOOL joined;

    if (!joined)
        joined = SUCCEEDED(CoInitializeEx(NULL, COINIT_MULTITHREADED));
}

static nap_result call_ec_notify_soh_change(void *context, void *client)
{
    struct client_handle *handle = client;

    (void)context;
    agent_host_join_com();
    return INapEnforcementClientCallback_NotifySoHChange((INapEnforcementClientCallback *)handle->callback);
}

static void call_client_release(void *context, void *client, int died)
{
    (void)context;
    agent_host_join_com();
    client_handle_release(client, died);
}

/* Whether the client's process still answers, by a call that changes nothing in the client: the
 * EC's GetConnections, the SHA's GetFixupInfo (both documented as calls the agent makes). A
 * QueryInterface would not do: Wine's proxy turns a failed IRemUnknown::RemQueryInterface into
 * E_NOINTERFACE, so a dead client would look alive. Any answer but a transport error is life. */
static nap_result call_client_alive(void *context, void *client)
{
    struct client_handle *handle = client;
    INapEnforcementClientCallback *ec = NULL;
    HRESULT hr;

    (void)context;
    agent_host_join_com();
    if (SUCCEEDED(IUnknown_QueryInterface(handle->callback, &IID_INapEnforcementClientCallback, (void **)&ec)))
    {
        Connections *connections = NULL;

        hr = INapEnforcementClientCallback_GetConnections(ec, &connections);
        INapEnforcementClientCallback_Release(ec);
        if (SUCCEEDED(hr) && connections)
        {
            for (UINT16 i = 0; i < connections->count && connections->connections; ++i)
                if (connections->connections[i])
                    INapEnforcementClientConnection_Release(connections->connections[i]);
            CoTaskMemFree(connections->connections);
            CoTaskMemFree(connections);
        }
    }
    else
    {
        FixupInfo *fixup = NULL;

        hr = INapSystemHealthAgentCallback_GetFixupInfo((INapSystemHealthAgentCallback *)handle->callback, &fixup);
        if (SUCCEEDED(hr) && fixup)
        {
            CoTaskMemFree(fixup->resultCodes.results);
            CoTaskMemFree(fixup);
        }
    }
    return hr;
}

static const struct agent_sink log_sink = {NULL, log_event};
static const struct agent_client_calls com_calls = {
    NULL,
    call_ec_notify_soh_change,
    call_client_release,
    sha_calls_get_soh_request,
    sha_calls_process_soh_response,
    sha_calls_notify_isolation_change,
    sha_calls_notify_orphaned_request,
    call_client_alive,
};

HRESULT agent_host_start(void)
{
    const struct agent_dependencies deps = {&registry_store, &log_sink, &com_calls};
    struct agent_config config;
    unsigned replaced = 0;
    nap_result result;

    agent_config_defaults(&config);
    parameters_load(&config);
    result = agent_create(&config, &deps, NULL, &core, &replaced);
    if (nap_failed(result))
    {
        service_log("agent core: create failed: %#lx", (unsigned long)result);
        return result;
    }
    result = agent_start(core);
    if (nap_failed(result))
    {
        service_log("agent core: start failed: %#lx", (unsigned long)result);
        agent_destroy(core);
        core = NULL;
    }
    return result;
}

BOOL agent_host_stop(void)
{
    WCHAR limit[16];
    const WCHAR *strings[1] = {limit};

    if (!core)
        return TRUE;
    if (agent_stop_within(core, AGENT_HOST_STOP_CLIENTS_LIMIT_MS))
    {
        /* The bindings' last references go on pool threads: let them finish, for a clean log. */
        client_handles_drain(AGENT_HOST_STOP_BINDINGS_LIMIT_MS);
        return TRUE;
    }
    /* A client frozen in a call must not hold the SCM past the stop's wait hint: the core
     * finishes on its own threads if the call returns, or the process exit ends it. */
    service_log("agent core: calls into clients still running after %u ms (named above): the stop goes on "
                "without them", AGENT_HOST_STOP_CLIENTS_LIMIT_MS);
    _snwprintf(limit, ARRAYSIZE(limit), L"%u", AGENT_HOST_STOP_CLIENTS_LIMIT_MS);
    event_log_report(EVENTLOG_WARNING_TYPE, NAPAGENT_EVENT_STOP_LEFT_CALLS, 1, strings);
    return FALSE;
}

struct agent *agent_host_core(void)
{
    return core;
}
