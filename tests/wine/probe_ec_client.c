/* A misbehaving enforcement client for t_client_faults: binds ID, then on its first
 * NotifySoHChange either reports a failure and lives on ("fail", to be killed with a retry
 * pending; "idle" when no change comes before it is killed), never returns ("freeze"), dies
 * inside the call ("die"), or stays in it until the named THAW_EVENT is set ("thaw"), then calls
 * the agent once more (NotifySoHChangeFailure) and exits with that call's HRESULT. Signals the
 * named events it is given. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <napagentclasses.h>
#include <napenforcementclient.h>

static INapEnforcementClientBinding *binding;
static BOOL freeze, die;
static HANDLE reacted, thaw;

static HRESULT WINAPI callback_QueryInterface(INapEnforcementClientCallback *iface, REFIID riid, void **out)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_INapEnforcementClientCallback))
    {
        *out = iface;
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG WINAPI callback_AddRef(INapEnforcementClientCallback *iface) { (void)iface; return 2; }
static ULONG WINAPI callback_Release(INapEnforcementClientCallback *iface) { (void)iface; return 1; }
static HRESULT WINAPI callback_NotifySoHChange(INapEnforcementClientCallback *iface)
{
    (void)iface;
    if (die)
    {
        SetEvent(reacted);
        ExitProcess(9);
    }
    if (freeze)
    {
        SetEvent(reacted);
        Sleep(INFINITE);
    }
    if (thaw)
    {
        SetEvent(reacted);
        WaitForSingleObject(thaw, INFINITE);
        ExitProcess((UINT)INapEnforcementClientBinding_NotifySoHChangeFailure(binding));
    }
    INapEnforcementClientBinding_NotifySoHChangeFailure(binding);
    SetEvent(reacted);
    return S_OK;
}
static HRESULT WINAPI callback_GetConnections(INapEnforcementClientCallback *iface, Connections **connections)
{
    (void)iface;
    *connections = NULL;
    return E_NOTIMPL;
}
static const INapEnforcementClientCallbackVtbl callback_vtbl = {
    callback_QueryInterface, callback_AddRef, callback_Release, callback_NotifySoHChange, callback_GetConnections,
};
static INapEnforcementClientCallback callback = {&callback_vtbl};

int main(int argc, char **argv)
{
    HANDLE ready;
    HRESULT hr;

    if (argc != 5 && !(argc == 6 && !strcmp(argv[2], "thaw")))
    {
        fprintf(stderr, "usage: probe_ec_client ID fail|idle|freeze|die|thaw READY_EVENT REACTED_EVENT [THAW_EVENT]\n");
        return 2;
    }
    freeze = !strcmp(argv[2], "freeze");
    die = !strcmp(argv[2], "die");
    if (argc == 6 && !(thaw = OpenEventA(SYNCHRONIZE, FALSE, argv[5])))
        return 2;
    ready = OpenEventA(EVENT_MODIFY_STATE, FALSE, argv[3]);
    reacted = OpenEventA(EVENT_MODIFY_STATE, FALSE, argv[4]);
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    hr = CoCreateInstance(&CLSID_NapEnforcementClientBinding, NULL, CLSCTX_INPROC_SERVER,
                          &IID_INapEnforcementClientBinding, (void **)&binding);
    if (SUCCEEDED(hr))
        hr = INapEnforcementClientBinding_Initialize(binding, strtoul(argv[1], NULL, 0), &callback);
    if (FAILED(hr))
    {
        fprintf(stderr, "probe_ec_client: cannot bind: %#lx\n", hr);
        return 1;
    }
    SetEvent(ready);
    /* Lives until the test kills it. */
    Sleep(INFINITE);
    return 0;
}
