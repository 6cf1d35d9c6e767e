/* A misbehaving system health agent for t_client_faults: binds ID, reports a health change, and
 * when the agent calls its GetSoHRequest either dies inside the call ("die"), never returns
 * ("freeze"), or stays in it until the named THAW_EVENT is set ("thaw"), then calls the agent
 * once more (NotifySoHChange) and exits with that call's HRESULT; or binds and does nothing until
 * it is killed ("idle"). Signals the named events it is given: ready once bound, reacted inside
 * the call. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <napagentclasses.h>
#include <napsystemhealthagent.h>

static INapSystemHealthAgentBinding *binding;
static BOOL die, idle;
static HANDLE reacted, thaw;

static HRESULT WINAPI callback_QueryInterface(INapSystemHealthAgentCallback *iface, REFIID riid, void **out)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_INapSystemHealthAgentCallback))
    {
        *out = iface;
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG WINAPI callback_AddRef(INapSystemHealthAgentCallback *iface) { (void)iface; return 2; }
static ULONG WINAPI callback_Release(INapSystemHealthAgentCallback *iface) { (void)iface; return 1; }
static HRESULT WINAPI callback_GetSoHRequest(INapSystemHealthAgentCallback *iface, INapSystemHealthAgentRequest *request)
{
    (void)iface, (void)request;
    SetEvent(reacted);
    if (die)
        ExitProcess(9);
    if (thaw)
    {
        WaitForSingleObject(thaw, INFINITE);
        ExitProcess((UINT)INapSystemHealthAgentBinding_NotifySoHChange(binding));
    }
    Sleep(INFINITE);
    return S_OK;
}
static HRESULT WINAPI callback_other(INapSystemHealthAgentCallback *iface)
{
    (void)iface;
    return S_OK;
}
static const INapSystemHealthAgentCallbackVtbl callback_vtbl = {
    callback_QueryInterface, callback_AddRef, callback_Release, callback_GetSoHRequest, (void *)callback_other,
    callback_other, (void *)callback_other, (void *)callback_other, (void *)callback_other,
};
static INapSystemHealthAgentCallback callback = {&callback_vtbl};

int main(int argc, char **argv)
{
    HANDLE ready;
    HRESULT hr;

    if (argc != 5 && !(argc == 6 && !strcmp(argv[2], "thaw")))
    {
        fprintf(stderr, "usage: probe_sha_client ID die|freeze|idle|thaw READY_EVENT REACTED_EVENT [THAW_EVENT]\n");
        return 2;
    }
    if (argc == 6 && !(thaw = OpenEventA(SYNCHRONIZE, FALSE, argv[5])))
        return 2;
    die = !strcmp(argv[2], "die");
    idle = !strcmp(argv[2], "idle");
    ready = OpenEventA(EVENT_MODIFY_STATE, FALSE, argv[3]);
    reacted = OpenEventA(EVENT_MODIFY_STATE, FALSE, argv[4]);
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    hr = CoCreateInstance(&CLSID_NapSystemHealthAgentBinding, NULL, CLSCTX_INPROC_SERVER,
                          &IID_INapSystemHealthAgentBinding, (void **)&binding);
    if (SUCCEEDED(hr))
        hr = INapSystemHealthAgentBinding_Initialize(binding, strtoul(argv[1], NULL, 0), &callback);
    if (FAILED(hr))
    {
        fprintf(stderr, "probe_sha_client: cannot bind: %#lx\n", hr);
        return 1;
    }
    SetEvent(ready);
    if (!idle)
        INapSystemHealthAgentBinding_NotifySoHChange(binding);
    /* Lives until it dies in the callback or the test kills it. */
    Sleep(INFINITE);
    return 0;
}
