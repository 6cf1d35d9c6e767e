/* Client-side objects the Windows tests hand to napagent: an EC callback that counts and signals
 * its notifications and answers as the test says, an SHA callback that gives an SoH and records
 * what the agent sends it,
 * an EC-owned connection that is only passed through, and registration helpers. Static objects:
 * their AddRef/Release keep no count because they never go away. */
#ifndef NAPAGENT_WINE_TEST_CLIENTS_H
#define NAPAGENT_WINE_TEST_CLIENTS_H

#include <windows.h>
#include <napagentclasses.h>
#include <napenforcementclient.h>
#include <napmanagement.h>
#include <napsystemhealthagent.h>
#include <napagentdiag.h>

static LONG ec_notifications;
static HANDLE ec_notified;              /* manual-reset; the test creates and resets it */
static HRESULT ec_notify_answer = S_OK;

static ULONG WINAPI static_object_AddRef(void *iface) { (void)iface; return 2; }
static ULONG WINAPI static_object_Release(void *iface) { (void)iface; return 1; }
static HRESULT WINAPI not_implemented(void) { return E_NOTIMPL; }

static HRESULT WINAPI ec_callback_QueryInterface(INapEnforcementClientCallback *iface, REFIID riid, void **out)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_INapEnforcementClientCallback))
    {
        *out = iface;
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static HRESULT WINAPI ec_callback_NotifySoHChange(INapEnforcementClientCallback *iface)
{
    /* Read before signalling: once signalled, the test may already set the next answer. */
    HRESULT answer = ec_notify_answer;

    (void)iface;
    InterlockedIncrement(&ec_notifications);
    if (ec_notified)
        SetEvent(ec_notified);
    return answer;
}

static const INapEnforcementClientCallbackVtbl ec_callback_vtbl = {
    ec_callback_QueryInterface, (void *)static_object_AddRef, (void *)static_object_Release,
    ec_callback_NotifySoHChange, (void *)not_implemented,
};
static INapEnforcementClientCallback __attribute__((unused)) ec_callback = {&ec_callback_vtbl};

/* The test SHA: its GetSoHRequest sets an SoH of its own (SystemHealthId sha_callback_id, then a
 * vendor-specific attribute holding a version that grows with every call unless sha_same_soh),
 * so every NotifySoHChange is a real change; it records what the agent hands it. */
static UINT32 sha_callback_id;           /* the id the test binds it with */
static BOOL sha_same_soh;
static BOOL sha_cache_soh;
static LONG sha_soh_requests, sha_responses, sha_isolation_notices, sha_orphan_notices;
static HANDLE sha_event;                 /* auto-reset: set by every call the agent makes */
static UINT8 sha_last_flags;
static UINT16 sha_last_response_count;   /* attributes in the last SoH response */
static BYTE sha_last_response_first[4];  /* the value of its first attribute (SystemHealthId) */
static HRESULT sha_get_soh_answer = S_OK;
/* CompareSoHRequests: E_NOTIMPL (compare bytes) unless a test sets S_OK and the equality to say. */
static HRESULT sha_compare_answer = E_NOTIMPL;
static BOOL sha_compare_equal;
static LONG sha_compares;
/* Called inside GetSoHRequest before the SHA sets its SoH, if set: tests of the request object. */
static void (*sha_inside_get_soh)(INapSystemHealthAgentRequest *request);
/* If set, makes the SoH the SHA gives (instead of its own id + version); the SHA frees it with
 * sha_free_soh once set. */
static SoH *(*sha_make_soh)(void);
/* The last SoH response the SHA got, kept whole (attribute values up to 64 bytes). */
static SoHAttribute sha_last_response[16];
static BYTE sha_last_response_values[16][64];

static HRESULT WINAPI sha_callback_QueryInterface(INapSystemHealthAgentCallback *iface, REFIID riid, void **out)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_INapSystemHealthAgentCallback))
    {
        *out = iface;
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static void sha_called(LONG *counter)
{
    InterlockedIncrement(counter);
    if (sha_event)
        SetEvent(sha_event);
}

/* FreeSoH's job, for the tests that do not load qutil.dll: every value, the array, the SoH. */
static void sha_free_soh(SoH *soh)
{
    for (UINT16 i = 0; soh && i < soh->count; ++i)
        CoTaskMemFree(soh->attributes[i].value);
    if (soh)
        CoTaskMemFree(soh->attributes);
    CoTaskMemFree(soh);
}

static HRESULT WINAPI sha_callback_GetSoHRequest(INapSystemHealthAgentCallback *iface,
                                                 INapSystemHealthAgentRequest *request)
{
    static LONG version;
    BYTE id[4], vendor[8];
    SoHAttribute attributes[2] = {{2, 4, id}, {7, 8, vendor}};
    SoH soh = {2, attributes};
    HRESULT answer = sha_get_soh_answer;
    LONG now = sha_same_soh ? version : InterlockedIncrement(&version);

    (void)iface;
    for (int i = 0; i < 4; ++i)
    {
        id[i] = (BYTE)(sha_callback_id >> (24 - 8 * i));
        vendor[i] = (BYTE)(311u >> (24 - 8 * i));
        vendor[4 + i] = (BYTE)((ULONG)now >> (24 - 8 * i));
    }
    if (sha_inside_get_soh)
        sha_inside_get_soh(request);
    if (SUCCEEDED(answer) && sha_make_soh)
    {
        SoH *made = sha_make_soh();

        if (made)
            INapSystemHealthAgentRequest_SetSoHRequest(request, made, sha_cache_soh);
        sha_free_soh(made);
    }
    else if (SUCCEEDED(answer))
        INapSystemHealthAgentRequest_SetSoHRequest(request, &soh, sha_cache_soh);
    sha_called(&sha_soh_requests);
    return answer;
}

static HRESULT WINAPI sha_callback_ProcessSoHResponse(INapSystemHealthAgentCallback *iface,
                                                      INapSystemHealthAgentRequest *request)
{
    SoHResponse *response = NULL;
    UINT8 flags = 0;

    (void)iface;
    if (SUCCEEDED(INapSystemHealthAgentRequest_GetSoHResponse(request, &response, &flags)) && response)
    {
        sha_last_flags = flags;
        sha_last_response_count = response->count;
        if (response->count && response->attributes[0].size == 4)
            memcpy(sha_last_response_first, response->attributes[0].value, 4);
        for (UINT16 i = 0; i < response->count && i < ARRAYSIZE(sha_last_response); ++i)
        {
            sha_last_response[i] = response->attributes[i];
            sha_last_response[i].value = sha_last_response_values[i];
            memcpy(sha_last_response_values[i], response->attributes[i].value,
                   min(response->attributes[i].size, sizeof(sha_last_response_values[i])));
        }
        sha_free_soh(response);
    }
    sha_called(&sha_responses);
    return S_OK;
}

static HRESULT WINAPI sha_callback_NotifySystemIsolationStateChange(INapSystemHealthAgentCallback *iface)
{
    (void)iface;
    sha_called(&sha_isolation_notices);
    return S_OK;
}

static HRESULT WINAPI sha_callback_CompareSoHRequests(INapSystemHealthAgentCallback *iface, const SoHRequest *lhs,
                                                      const SoHRequest *rhs, BOOL *equal)
{
    (void)iface, (void)lhs, (void)rhs;
    if (SUCCEEDED(sha_compare_answer))
        *equal = sha_compare_equal;
    sha_called(&sha_compares);
    return sha_compare_answer;
}

static HRESULT WINAPI sha_callback_NotifyOrphanedSoHRequest(INapSystemHealthAgentCallback *iface,
                                                            const CorrelationId *id)
{
    (void)iface, (void)id;
    sha_called(&sha_orphan_notices);
    return S_OK;
}

static const INapSystemHealthAgentCallbackVtbl sha_callback_vtbl = {
    sha_callback_QueryInterface, (void *)static_object_AddRef, (void *)static_object_Release,
    sha_callback_GetSoHRequest, sha_callback_ProcessSoHResponse, sha_callback_NotifySystemIsolationStateChange,
    (void *)not_implemented, sha_callback_CompareSoHRequests, sha_callback_NotifyOrphanedSoHRequest,
};
static INapSystemHealthAgentCallback __attribute__((unused)) sha_callback = {&sha_callback_vtbl};

/* Waits until *counter reaches want (sha_event wakes it); FALSE after timeout_ms. */
static inline BOOL wait_sha_count(const LONG *counter, LONG want, DWORD timeout_ms)
{
    DWORD start = GetTickCount();

    while (*counter < want)
    {
        if (GetTickCount() - start > timeout_ms)
            return FALSE;
        WaitForSingleObject(sha_event, 50);
    }
    return TRUE;
}

static HRESULT WINAPI own_connection_QueryInterface(INapEnforcementClientConnection *iface, REFIID riid, void **out)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_INapEnforcementClientConnection))
    {
        *out = iface;
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

#define NI (void *)not_implemented
static const INapEnforcementClientConnectionVtbl own_connection_vtbl = {
    own_connection_QueryInterface, (void *)static_object_AddRef, (void *)static_object_Release,
    NI, NI, NI, NI, NI, NI, NI, NI, NI, NI, NI, NI, NI, NI, NI, NI, NI, NI, NI, NI,
};
#undef NI
static INapEnforcementClientConnection __attribute__((unused)) own_connection = {&own_connection_vtbl};

/* An object of a napagent class, or NULL; for set-up whose failure the test checks as a whole. */
static inline void *create_object(REFCLSID clsid, DWORD context, REFIID iid)
{
    void *object = NULL;

    CoCreateInstance(clsid, NULL, context, iid, &object);
    return object;
}

/* A registration with every string set, as real clients fill it. */
/* The objects most tests start from, created as an SDK client creates them (management and the
 * bindings in-process through qagent.dll, diagnostics from the service); FALSE if any is missing. */
static inline BOOL create_client_objects(INapClientManagement **management, INapAgentDiagnostics **diagnostics,
                                         INapEnforcementClientBinding **ec, INapSystemHealthAgentBinding **sha)
{
    *management = create_object(&CLSID_NapClientManagement, CLSCTX_INPROC_SERVER, &IID_INapClientManagement);
    *diagnostics = create_object(&CLSID_NapAgentDiagnostics, CLSCTX_LOCAL_SERVER, &IID_INapAgentDiagnostics);
    *ec = create_object(&CLSID_NapEnforcementClientBinding, CLSCTX_INPROC_SERVER, &IID_INapEnforcementClientBinding);
    *sha = create_object(&CLSID_NapSystemHealthAgentBinding, CLSCTX_INPROC_SERVER, &IID_INapSystemHealthAgentBinding);
    return *management && *diagnostics && *ec && *sha;
}

static inline void release_client_objects(INapClientManagement *management, INapAgentDiagnostics *diagnostics,
                                          INapEnforcementClientBinding *ec, INapSystemHealthAgentBinding *sha)
{
    /* Any of them may be missing: create_client_objects fails when one cannot be made. */
    if (ec)
        INapEnforcementClientBinding_Release(ec);
    if (sha)
        INapSystemHealthAgentBinding_Release(sha);
    if (diagnostics)
        INapAgentDiagnostics_Release(diagnostics);
    if (management)
        INapClientManagement_Release(management);
}

static inline void fill_registration(NapComponentRegistrationInfo *info, UINT32 id, WCHAR *name, UINT32 type)
{
    static WCHAR empty[] = L"";

    memset(info, 0, sizeof(*info));
    info->id = id;
    info->friendlyName.length = (UINT16)wcslen(name);
    info->friendlyName.string = name;
    info->description.string = empty;
    info->version.string = empty;
    info->vendorName.string = empty;
    info->componentType = type;
}

/* Registers an EC and enables it as an administrator would; the first failure is returned. */
static inline HRESULT register_enabled_ec(INapClientManagement *management, INapAgentDiagnostics *diagnostics,
                                          UINT32 id, WCHAR *name)
{
    NapComponentRegistrationInfo info;
    HRESULT hr;

    fill_registration(&info, id, name, ComponentTypeEnforcementClientSoH);
    hr = INapClientManagement_RegisterEnforcementClient(management, &info);
    if (SUCCEEDED(hr))
        hr = INapAgentDiagnostics_SetEnforcementClientEnabled(diagnostics, id, TRUE);
    return hr;
}

/* One Initialize of an EC's (ec) or SHA's id on a fresh binding with the test's callback,
 * uninitialized again on success; *took: how long the Initialize took, ms. */
static inline HRESULT initialize_once(BOOL ec, UINT32 id, DWORD *took)
{
    INapEnforcementClientBinding *ec_binding = NULL;
    INapSystemHealthAgentBinding *sha_binding = NULL;
    DWORD start;
    HRESULT hr;

    if (ec)
        ec_binding = create_object(&CLSID_NapEnforcementClientBinding, CLSCTX_INPROC_SERVER,
                                   &IID_INapEnforcementClientBinding);
    else
        sha_binding = create_object(&CLSID_NapSystemHealthAgentBinding, CLSCTX_INPROC_SERVER,
                                    &IID_INapSystemHealthAgentBinding);
    if (!ec_binding && !sha_binding)
        return E_FAIL;
    start = GetTickCount();
    hr = ec ? INapEnforcementClientBinding_Initialize(ec_binding, id, &ec_callback)
            : INapSystemHealthAgentBinding_Initialize(sha_binding, id, &sha_callback);
    *took = GetTickCount() - start;
    if (ec_binding)
    {
        if (hr == S_OK)
            INapEnforcementClientBinding_Uninitialize(ec_binding);
        INapEnforcementClientBinding_Release(ec_binding);
    }
    if (sha_binding)
    {
        if (hr == S_OK)
            INapSystemHealthAgentBinding_Uninitialize(sha_binding);
        INapSystemHealthAgentBinding_Release(sha_binding);
    }
    return hr;
}

/* Puts the retry policy back to the defaults, live, and removes the values SetRetryPolicy wrote
 * under Parameters, so that the next test starts from a clean configuration. */
static inline HRESULT reset_retry_policy(INapAgentDiagnostics *diagnostics)
{
    static const WCHAR *const names[] = {L"RetryInitialDelayMs", L"RetryBackoffFactorPermille", L"RetryMaxDelayMs",
                                         L"RetryJitterPermille", L"RetryWarningAttempts"};
    NapAgentRetryPolicy defaults = {2000, 2000, 120000, 200, 10};
    HRESULT hr = INapAgentDiagnostics_SetRetryPolicy(diagnostics, napAgentRetryAll, &defaults);
    HKEY key;

    if (!RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SYSTEM\\CurrentControlSet\\Services\\napagent\\Parameters", 0,
                       KEY_SET_VALUE, &key))
    {
        for (size_t i = 0; i < ARRAYSIZE(names); ++i)
            RegDeleteValueW(key, names[i]);
        RegCloseKey(key);
    }
    return hr;
}

/* Waits for the next EC notification; returns its delay in ms, or -1 if none came in time. */
static inline long wait_ec_notification(DWORD timeout_ms)
{
    DWORD start = GetTickCount();

    if (WaitForSingleObject(ec_notified, timeout_ms) != WAIT_OBJECT_0)
        return -1;
    ResetEvent(ec_notified);
    return (long)(GetTickCount() - start);
}

#endif
