/* Client-side objects the Windows tests hand to napagent: an EC callback that counts and signals
 * its notifications and answers as the test says, an SHA callback the agent does not call yet,
 * an EC-owned connection that is only passed through, and registration helpers. Static objects:
 * their AddRef/Release keep no count because they never go away. */
#ifndef NAPAGENT_WINE_TEST_CLIENTS_H
#define NAPAGENT_WINE_TEST_CLIENTS_H

#include <windows.h>
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
static INapEnforcementClientCallback ec_callback = {&ec_callback_vtbl};

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

static const INapSystemHealthAgentCallbackVtbl sha_callback_vtbl = {
    sha_callback_QueryInterface, (void *)static_object_AddRef, (void *)static_object_Release,
    (void *)not_implemented, (void *)not_implemented, (void *)not_implemented,
    (void *)not_implemented, (void *)not_implemented, (void *)not_implemented,
};
static INapSystemHealthAgentCallback __attribute__((unused)) sha_callback = {&sha_callback_vtbl};

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
