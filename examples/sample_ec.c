/* An enforcement client (EC) written against napagent exactly as against Windows' NAP agent:
 * "Contoso VPN" gates a (simulated) VPN connection. It registers itself, binds, creates its
 * connection, and on every NotifySoHChange runs an exchange with the policy server: takes the
 * agent's SoH request, gets the server's response (sample_policy_server.c), hands it back to the
 * agent and enforces the decision. To show the agent's retries it can pretend its network is down
 * for the first N notifications (NotifySoHChangeFailure). docs/developer-guide.md walks through it.
 *
 *   sample_ec.exe --register       register (disabled, as on Windows) and show what Initialize says
 *   sample_ec.exe [--fail N] [SECONDS]
 *                                  run until the VPN has full access, or SECONDS (60); exit 3 when
 *                                  the administrator has not enabled the EC */
#include <windows.h>
#include <stdio.h>
#include <napagentclasses.h>
#include <napenforcementclient.h>
#include <napmanagement.h>
#include "sample_ids.h"
#include "sample_policy_server.h"

static HANDLE notified;   /* auto-reset: the agent called NotifySoHChange */

static void say(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    printf("  [EC]  ");
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
    va_end(ap);
}

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

/* The exchange runs on our own thread: the callback only says "there is work". */
static HRESULT WINAPI callback_NotifySoHChange(INapEnforcementClientCallback *iface)
{
    (void)iface;
    SetEvent(notified);
    return S_OK;
}

/* Our live connections; the agent may ask (napagent does not need to). */
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

static HRESULT register_ec(void)
{
    WCHAR name[] = L"Contoso VPN EC", description[] = L"napagent sample: a VPN gatekeeper",
          version[] = L"1.0", vendor[] = L"Contoso (napagent sample)";
    NapComponentRegistrationInfo info;
    INapClientManagement *management = NULL;
    HRESULT hr;

    memset(&info, 0, sizeof(info));
    info.id = SAMPLE_EC_ID;
    info.friendlyName.length = (UINT16)wcslen(name), info.friendlyName.string = name;
    info.description.length = (UINT16)wcslen(description), info.description.string = description;
    info.version.length = (UINT16)wcslen(version), info.version.string = version;
    info.vendorName.length = (UINT16)wcslen(vendor), info.vendorName.string = vendor;
    info.componentType = ComponentTypeEnforcementClientSoH;
    GetSystemTimeAsFileTime(&info.registrationDate);
    hr = CoCreateInstance(&CLSID_NapClientManagement, NULL, CLSCTX_INPROC_SERVER, &IID_INapClientManagement,
                          (void **)&management);
    if (FAILED(hr))
        return hr;
    hr = INapClientManagement_RegisterEnforcementClient(management, &info);
    INapClientManagement_Release(management);
    return hr == NAP_E_CONFLICTING_ID ? S_OK : hr;
}

/* One exchange with the server; TRUE when the VPN got full access. */
static BOOL exchange(INapEnforcementClientBinding *binding, INapEnforcementClientConnection *connection)
{
    static const char *const states[] = {"?", "full access", "probation", "RESTRICTED"};
    BYTE answer[maxNetworkSoHSize];
    NetworkSoH *request = NULL, response = {0, answer};
    IsolationInfo *info = NULL;
    BOOL hint = FALSE, compliant = FALSE, full = FALSE;
    HRESULT hr;

    hr = INapEnforcementClientBinding_GetSoHRequest(binding, connection, &hint);
    if (SUCCEEDED(hr))
        hr = INapEnforcementClientConnection_GetSoHRequest(connection, &request);
    if (FAILED(hr) || !request)
    {
        say("GetSoHRequest failed: %#lx", hr);
        return FALSE;
    }
    say("GetSoHRequest: a %u-byte [MS-SOH] request (retriggerHint %s) -> sent to the policy server", request->size,
        hint ? "TRUE" : "FALSE");
    response.size = sample_policy_answer(request->data, request->size, answer, sizeof(answer), &compliant);
    CoTaskMemFree(request->data);
    CoTaskMemFree(request);
    say("the policy server answers: %s (%u bytes)", compliant ? "compliant" : "NOT compliant", response.size);
    hr = INapEnforcementClientConnection_SetSoHResponse(connection, &response);
    if (SUCCEEDED(hr))
        hr = INapEnforcementClientBinding_ProcessSoHResponse(binding, connection);
    if (SUCCEEDED(hr))
        hr = INapEnforcementClientConnection_GetIsolationInfo(connection, &info);
    if (FAILED(hr) || !info)
    {
        say("ProcessSoHResponse failed: %#lx (a real EC drops the exchange and waits for the next)", hr);
        return FALSE;
    }
    say("ProcessSoHResponse: the agent's decision for this connection: %s%s%ls",
        states[info->isolationState <= 3 ? info->isolationState : 0], info->failureUrl.length ? ", fix-up page " : "",
        info->failureUrl.length ? info->failureUrl.string : L"");
    full = info->isolationState == isolationStateNotRestricted;
    say(full ? "enforcing: VPN traffic flows" : "enforcing: only the remediation network is reachable");
    CoTaskMemFree(info->failureUrl.string);
    CoTaskMemFree(info);
    return full;
}

int main(int argc, char **argv)
{
    INapEnforcementClientBinding *binding = NULL;
    INapEnforcementClientConnection *connection = NULL;
    BOOL only_register = argc > 1 && !strcmp(argv[1], "--register");
    int fail = 0, arg = 1, result = 1;
    DWORD seconds = 60;
    ConnectionId id;
    HRESULT hr;

    if (argc > 2 && !strcmp(argv[1], "--fail"))
        fail = atoi(argv[2]), arg = 3;
    if (!only_register && argc > arg)
        seconds = (DWORD)strtoul(argv[arg], NULL, 10);
    notified = CreateEventW(NULL, FALSE, FALSE, NULL);
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (FAILED(hr = register_ec()))
    {
        say("RegisterEnforcementClient failed: %#lx", hr);
        goto out;
    }
    if (FAILED(hr = CoCreateInstance(&CLSID_NapEnforcementClientBinding, NULL, CLSCTX_INPROC_SERVER,
                                     &IID_INapEnforcementClientBinding, (void **)&binding)))
    {
        say("cannot create the EC binding: %#lx", hr);
        goto out;
    }
    hr = INapEnforcementClientBinding_Initialize(binding, SAMPLE_EC_ID, &callback);
    if (hr == NAP_E_ENTITY_DISABLED)
    {
        say("registered as EC %u (%#x); Initialize says NAP_E_ENTITY_DISABLED: an administrator must enable it "
            "first: napctl enforcement enable %u", SAMPLE_EC_ID, SAMPLE_EC_ID, SAMPLE_EC_ID);
        result = only_register ? 0 : 3;
        goto out;
    }
    if (FAILED(hr))
    {
        say("Initialize failed: %#lx", hr);
        goto out;
    }
    if (only_register)
    {
        say("registered and already enabled");
        INapEnforcementClientBinding_Uninitialize(binding);
        result = 0;
        goto out;
    }
    hr = INapEnforcementClientBinding_CreateConnection(binding, &connection);
    if (FAILED(hr))
    {
        say("CreateConnection failed: %#lx", hr);
        goto unbind;
    }
    CoCreateGuid(&id);
    INapEnforcementClientConnection_SetConnectionId(connection, &id);
    say("bound as EC %u; VPN connection created, waiting for the agent", SAMPLE_EC_ID);
    for (;;)
    {
        if (WaitForSingleObject(notified, seconds * 1000) != WAIT_OBJECT_0)
        {
            say("gave up after %lu s without full access", seconds);
            break;
        }
        if (fail > 0)
        {
            --fail;
            hr = INapEnforcementClientBinding_NotifySoHChangeFailure(binding);
            say("NotifySoHChange, but our network is down: NotifySoHChangeFailure -> %#lx (the agent will retry)", hr);
            continue;
        }
        say("NotifySoHChange: starting an exchange");
        if (exchange(binding, connection))
        {
            result = 0;
            break;
        }
    }
    INapEnforcementClientBinding_NotifyConnectionStateDown(binding, connection);
    INapEnforcementClientConnection_Release(connection);
unbind:
    INapEnforcementClientBinding_Uninitialize(binding);
    say("connection down, Uninitialize: done");
out:
    if (binding)
        INapEnforcementClientBinding_Release(binding);
    CoUninitialize();
    return result;
}
