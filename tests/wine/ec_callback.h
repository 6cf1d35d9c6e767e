/* A trivial in-process INapEnforcementClientCallback for test clients that only need to bind:
 * NotifySoHChange answers S_OK, GetConnections reports none. One static object (its reference
 * count is kept only to be honest about AddRef/Release). */
#ifndef NAPAGENT_WINE_EC_CALLBACK_H
#define NAPAGENT_WINE_EC_CALLBACK_H

#include <windows.h>
#include <napenforcementclient.h>

struct test_ec_callback
{
    INapEnforcementClientCallback INapEnforcementClientCallback_iface;
    LONG ref;
    LONG notifications;
};

static inline struct test_ec_callback *impl_from_INapEnforcementClientCallback(INapEnforcementClientCallback *iface)
{
    return CONTAINING_RECORD(iface, struct test_ec_callback, INapEnforcementClientCallback_iface);
}

static HRESULT WINAPI test_ec_callback_QueryInterface(INapEnforcementClientCallback *iface, REFIID riid, void **out)
{
    if (!out)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_INapEnforcementClientCallback))
    {
        *out = iface;
        INapEnforcementClientCallback_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI test_ec_callback_AddRef(INapEnforcementClientCallback *iface)
{
    return InterlockedIncrement(&impl_from_INapEnforcementClientCallback(iface)->ref);
}

static ULONG WINAPI test_ec_callback_Release(INapEnforcementClientCallback *iface)
{
    return InterlockedDecrement(&impl_from_INapEnforcementClientCallback(iface)->ref);
}

static HRESULT WINAPI test_ec_callback_NotifySoHChange(INapEnforcementClientCallback *iface)
{
    InterlockedIncrement(&impl_from_INapEnforcementClientCallback(iface)->notifications);
    return S_OK;
}

static HRESULT WINAPI test_ec_callback_GetConnections(INapEnforcementClientCallback *iface, Connections **connections)
{
    (void)iface;
    if (!connections)
        return E_POINTER;
    *connections = NULL;
    return S_OK;
}

static const INapEnforcementClientCallbackVtbl test_ec_callback_vtbl = {
    test_ec_callback_QueryInterface,
    test_ec_callback_AddRef,
    test_ec_callback_Release,
    test_ec_callback_NotifySoHChange,
    test_ec_callback_GetConnections,
};

static struct test_ec_callback test_ec_callback = {{&test_ec_callback_vtbl}, 1, 0};

#endif
