/* CLSID_NapClientManagement: INapClientManagement and INapClientManagement2, the installers'
 * and administrators' view of the agent. A thin adapter: it checks the arguments, converts
 * between the COM structures and the core's (service/core/registration.h), and returns the
 * core's answers unchanged (they are HRESULTs by value; asserted below). Every [out] is
 * allocated with CoTaskMemAlloc, as the proxy/stub (and Qutil's Free* helpers) expect. */
#include "core/agent.h" /* first: libuv wants winsock2.h before windows.h */
#include "napagent.h"
#include "resource_usage.h"
#include "caller_access.h"
#include "isolation_info.h"
#include "counted_string.h"
#include <napmanagement.h>

/* The core's results are returned to clients as they are. */
_Static_assert(NAP_RESULT_OK == S_OK, "NAP_RESULT_OK");
_Static_assert(NAP_RESULT_CONFLICTING_ID == NAP_E_CONFLICTING_ID, "NAP_RESULT_CONFLICTING_ID");
_Static_assert(NAP_RESULT_STILL_BOUND == NAP_E_STILL_BOUND, "NAP_RESULT_STILL_BOUND");
_Static_assert(NAP_RESULT_ID_NOT_FOUND == NAP_E_ID_NOT_FOUND, "NAP_RESULT_ID_NOT_FOUND");
_Static_assert(NAP_RESULT_SERVICE_NOT_RUNNING == NAP_E_SERVICE_NOT_RUNNING, "NAP_RESULT_SERVICE_NOT_RUNNING");
_Static_assert(NAP_RESULT_INVALID_ARG == E_INVALIDARG, "NAP_RESULT_INVALID_ARG");
_Static_assert(NAP_RESULT_OUT_OF_MEMORY == E_OUTOFMEMORY, "NAP_RESULT_OUT_OF_MEMORY");
_Static_assert(NAP_RESULT_NULL_POINTER == E_POINTER, "NAP_RESULT_NULL_POINTER");
_Static_assert(NAP_RESULT_GENERIC_FAILURE == E_FAIL, "NAP_RESULT_GENERIC_FAILURE");
_Static_assert(NAP_MAX_STRING_LENGTH == maxStringLength, "maxStringLength");
_Static_assert(sizeof(WCHAR) == sizeof(uint16_t), "UTF-16 code units");
_Static_assert(sizeof(CLSID) == 16, "CLSID size");

#define CLIENT_NAME L"Network Access Protection Agent"
#define CLIENT_DESCRIPTION NAPAGENT_DESCRIPTION
#define PROTOCOL_VERSION L"1.0"

struct client_management
{
    INapClientManagement2 INapClientManagement2_iface;
    LONG ref;
};

static inline struct client_management *impl_from_INapClientManagement2(INapClientManagement2 *iface)
{
    return CONTAINING_RECORD(iface, struct client_management, INapClientManagement2_iface);
}

/* ---- Conversions ---- */

/* CountedString → nap_text, pointing into the caller's string (the core copies). A CountedString
 * is also an NDR [string]: what crosses the wire ends at its first NUL, and the stub guarantees
 * one within length + 1 units, so the text is taken up to length or that NUL, whichever comes
 * first (the rest of the stub's buffer is not data). */
static HRESULT text_from_counted(struct nap_text *to, const CountedString *from)
{
    uint16_t length = 0;

    if (from->length > maxStringLength || (from->length && !from->string))
        return E_INVALIDARG;
    while (length < from->length && from->string[length])
        ++length;
    to->length = length;
    to->chars = length ? (uint16_t *)from->string : NULL;
    return S_OK;
}

static HRESULT registration_from_info(struct nap_registration *to, enum nap_component_kind kind,
                                      const NapComponentRegistrationInfo *from)
{
    HRESULT hr;

    memset(to, 0, sizeof(*to));
    to->kind = kind;
    to->id = from->id;
    if (FAILED(hr = text_from_counted(&to->friendly_name, &from->friendlyName))
        || FAILED(hr = text_from_counted(&to->description, &from->description))
        || FAILED(hr = text_from_counted(&to->version, &from->version))
        || FAILED(hr = text_from_counted(&to->vendor_name, &from->vendorName)))
        return hr;
    memcpy(to->info_clsid, &from->infoClsid, sizeof(to->info_clsid));
    memcpy(to->config_clsid, &from->configClsid, sizeof(to->config_clsid));
    to->registration_date = (uint64_t)from->registrationDate.dwHighDateTime << 32
                            | from->registrationDate.dwLowDateTime;
    to->component_type = from->componentType;
    /* As on Windows, a newly registered EC is disabled until an administrator enables it
     * (napctl enforcement enable ID, like netsh nap client set enforcement). */
    to->enabled = kind == NAP_COMPONENT_SYSTEM_HEALTH_AGENT;
    return S_OK;
}

static void info_clear(NapComponentRegistrationInfo *info)
{
    counted_clear(&info->friendlyName);
    counted_clear(&info->description);
    counted_clear(&info->version);
    counted_clear(&info->vendorName);
}

static HRESULT info_from_registration(NapComponentRegistrationInfo *to, const struct nap_registration *from)
{
    HRESULT hr;

    memset(to, 0, sizeof(*to));
    to->id = from->id;
    if (FAILED(hr = counted_set(&to->friendlyName, (const WCHAR *)from->friendly_name.chars, from->friendly_name.length))
        || FAILED(hr = counted_set(&to->description, (const WCHAR *)from->description.chars, from->description.length))
        || FAILED(hr = counted_set(&to->version, (const WCHAR *)from->version.chars, from->version.length))
        || FAILED(hr = counted_set(&to->vendorName, (const WCHAR *)from->vendor_name.chars, from->vendor_name.length)))
    {
        info_clear(to);
        return hr;
    }
    memcpy(&to->infoClsid, from->info_clsid, sizeof(to->infoClsid));
    memcpy(&to->configClsid, from->config_clsid, sizeof(to->configClsid));
    to->registrationDate.dwLowDateTime = (DWORD)from->registration_date;
    to->registrationDate.dwHighDateTime = (DWORD)(from->registration_date >> 32);
    to->componentType = from->component_type;
    return S_OK;
}

/* ---- Registrations ---- */

/* Registering needs an administrator (or LocalSystem); the registering account is the owner
 * recorded with the registration, who may use the id besides the privileged ones. */
static HRESULT register_component(enum nap_component_kind kind, const NapComponentRegistrationInfo *info)
{
    struct nap_registration registration;
    struct agent_caller caller;
    HRESULT hr;

    if (FAILED(hr = caller_identify(&caller)) || !caller.privileged)
        return E_ACCESSDENIED;
    if (!info)
        return E_POINTER;
    if (FAILED(hr = registration_from_info(&registration, kind, info)))
        return hr;
    registration.owner = caller.identity;
    return agent_register(agent_host_core(), &registration);
}

/* The owner of the id, LocalSystem and administrators may unregister it (the core decides). */
static HRESULT unregister_component(enum nap_component_kind kind, UINT32 id)
{
    struct agent_caller caller;
    nap_result result;
    HRESULT hr;

    if (FAILED(hr = caller_identify(&caller)))
        return hr;
    result = agent_unregister(agent_host_core(), kind, id, &caller);
    if (result == NAP_RESULT_ACCESS_DENIED)
        caller_access_report_denied(&caller, L"Unregister", kind, id);
    return result;
}

/* The interface can carry at most 20 (the count's range); a core configured beyond NAP's limits
 * (or holding registrations loaded above a lowered limit) reports the first 20 by id. */
static HRESULT list_registered(enum nap_component_kind kind, UINT16 max, UINT16 *count,
                               NapComponentRegistrationInfo **out)
{
    struct nap_registration *registrations = NULL;
    NapComponentRegistrationInfo *infos;
    size_t listed = 0, n;
    nap_result result;
    HRESULT hr = S_OK;

    if (!count || !out)
        return E_POINTER;
    *count = 0;
    *out = NULL;
    result = agent_list_registrations(agent_host_core(), kind, &registrations, &listed);
    if (nap_failed(result))
        return result;
    n = listed;
    if (n > max)
    {
        service_log("client management: %lu registrations of kind %d, the interface carries %u",
                    (unsigned long)n, (int)kind, max);
        n = max;
    }
    if (!n)
    {
        nap_registrations_free(registrations, listed);
        return S_OK;
    }
    if (!(infos = CoTaskMemAlloc(n * sizeof(*infos))))
        hr = E_OUTOFMEMORY;
    else
    {
        memset(infos, 0, n * sizeof(*infos));
        for (size_t i = 0; i < n && SUCCEEDED(hr); i++)
            hr = info_from_registration(&infos[i], &registrations[i]);
        if (FAILED(hr))
        {
            for (size_t i = 0; i < n; i++)
                info_clear(&infos[i]);
            CoTaskMemFree(infos);
        }
        else
        {
            *out = infos;
            *count = (UINT16)n;
        }
    }
    nap_registrations_free(registrations, listed);
    return hr;
}

/* ---- IUnknown ---- */

static HRESULT WINAPI client_management_QueryInterface(INapClientManagement2 *iface, REFIID riid, void **out)
{
    if (!out)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_INapClientManagement)
        || IsEqualIID(riid, &IID_INapClientManagement2))
    {
        *out = iface;
        INapClientManagement2_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI client_management_AddRef(INapClientManagement2 *iface)
{
    return InterlockedIncrement(&impl_from_INapClientManagement2(iface)->ref);
}

static ULONG WINAPI client_management_Release(INapClientManagement2 *iface)
{
    struct client_management *management = impl_from_INapClientManagement2(iface);
    ULONG ref = InterlockedDecrement(&management->ref);

    if (!ref)
    {
        resource_usage_object_destroyed(SERVED_OTHER);
        HeapFree(GetProcessHeap(), 0, management);
    }
    return ref;
}

/* ---- INapClientManagement ---- */

static HRESULT WINAPI client_management_GetNapClientInfo(INapClientManagement2 *iface, BOOL *is_nap_enabled,
                                                         CountedString **client_name,
                                                         CountedString **client_description,
                                                         CountedString **protocol_version)
{
    struct nap_registration *ecs = NULL;
    size_t count = 0;
    nap_result result;
    HRESULT hr;
    BOOL enabled = FALSE;

    (void)iface;
    if (!is_nap_enabled || !client_name || !client_description || !protocol_version)
        return E_POINTER;
    *is_nap_enabled = FALSE;
    *client_name = *client_description = *protocol_version = NULL;

    /* NAP is enabled on this machine when an administrator enabled at least one registered EC. */
    result = agent_list_registrations(agent_host_core(), NAP_COMPONENT_ENFORCEMENT_CLIENT, &ecs, &count);
    if (nap_failed(result))
        return result;
    for (size_t i = 0; i < count; i++)
        if (ecs[i].enabled)
            enabled = TRUE;
    nap_registrations_free(ecs, count);

    if (FAILED(hr = counted_string_new(CLIENT_NAME, client_name))
        || FAILED(hr = counted_string_new(CLIENT_DESCRIPTION, client_description))
        || FAILED(hr = counted_string_new(PROTOCOL_VERSION, protocol_version)))
    {
        counted_string_free(client_name);
        counted_string_free(client_description);
        counted_string_free(protocol_version);
        return hr;
    }
    *is_nap_enabled = enabled;
    return S_OK;
}

static HRESULT WINAPI client_management_GetSystemIsolationInfo(INapClientManagement2 *iface,
                                                               IsolationInfo **isolation_info,
                                                               BOOL *unknown_connections)
{
    (void)iface;
    return isolation_info_get(isolation_info, unknown_connections);
}

static HRESULT WINAPI client_management_RegisterSystemHealthAgent(INapClientManagement2 *iface,
                                                                  const NapComponentRegistrationInfo *agent)
{
    (void)iface;
    return register_component(NAP_COMPONENT_SYSTEM_HEALTH_AGENT, agent);
}

static HRESULT WINAPI client_management_UnregisterSystemHealthAgent(INapClientManagement2 *iface,
                                                                    SystemHealthEntityId id)
{
    (void)iface;
    return unregister_component(NAP_COMPONENT_SYSTEM_HEALTH_AGENT, id);
}

static HRESULT WINAPI client_management_RegisterEnforcementClient(INapClientManagement2 *iface,
                                                                  const NapComponentRegistrationInfo *enforcer)
{
    (void)iface;
    return register_component(NAP_COMPONENT_ENFORCEMENT_CLIENT, enforcer);
}

static HRESULT WINAPI client_management_UnregisterEnforcementClient(INapClientManagement2 *iface,
                                                                    EnforcementEntityId id)
{
    (void)iface;
    return unregister_component(NAP_COMPONENT_ENFORCEMENT_CLIENT, id);
}

static HRESULT WINAPI client_management_GetRegisteredSystemHealthAgents(INapClientManagement2 *iface,
                                                                        SystemHealthEntityCount *count,
                                                                        NapComponentRegistrationInfo **agents)
{
    (void)iface;
    return list_registered(NAP_COMPONENT_SYSTEM_HEALTH_AGENT, maxSystemHealthEntityCount, count, agents);
}

static HRESULT WINAPI client_management_GetRegisteredEnforcementClients(INapClientManagement2 *iface,
                                                                        EnforcementEntityCount *count,
                                                                        NapComponentRegistrationInfo **enforcers)
{
    (void)iface;
    return list_registered(NAP_COMPONENT_ENFORCEMENT_CLIENT, maxEnforcerCount, count, enforcers);
}

/* ---- INapClientManagement2 ---- */

static HRESULT WINAPI client_management_GetSystemIsolationInfoEx(INapClientManagement2 *iface,
                                                                 IsolationInfoEx **isolation_info,
                                                                 BOOL *unknown_connections)
{
    (void)iface;
    return isolation_info_ex_get(isolation_info, unknown_connections);
}

static const INapClientManagement2Vtbl client_management_vtbl = {
    client_management_QueryInterface,
    client_management_AddRef,
    client_management_Release,
    client_management_GetNapClientInfo,
    client_management_GetSystemIsolationInfo,
    client_management_RegisterSystemHealthAgent,
    client_management_UnregisterSystemHealthAgent,
    client_management_RegisterEnforcementClient,
    client_management_UnregisterEnforcementClient,
    client_management_GetRegisteredSystemHealthAgents,
    client_management_GetRegisteredEnforcementClients,
    client_management_GetSystemIsolationInfoEx,
};

HRESULT client_management_create(REFIID riid, void **out)
{
    struct client_management *management = HeapAlloc(GetProcessHeap(), 0, sizeof(*management));
    HRESULT hr;

    if (!management)
        return E_OUTOFMEMORY;
    management->INapClientManagement2_iface.lpVtbl = &client_management_vtbl;
    management->ref = 1;
    resource_usage_object_created(SERVED_OTHER);
    hr = INapClientManagement2_QueryInterface(&management->INapClientManagement2_iface, riid, out);
    INapClientManagement2_Release(&management->INapClientManagement2_iface);
    return hr;
}
