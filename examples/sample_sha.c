/* A system health agent (SHA) written against napagent exactly as against Windows' NAP agent:
 * "Contoso Firewall" reports whether the firewall is on. It registers itself, binds, tells the
 * agent its health changed, gives its SoH when the agent asks, reads the server's verdict and
 * fixes itself when told to (shaFixup), then reports the fixed health. make run shows it working
 * with sample_ec.exe; docs/developer-guide.md walks through it.
 *
 *   sample_sha.exe [SECONDS]   runs until the machine has full access again, or SECONDS (60) */
#include <windows.h>
#include <stdio.h>
#include <napagentclasses.h>
#include <napmanagement.h>
#include <napprotocol.h>
#include <napsystemhealthagent.h>
#include "sample_ids.h"

static volatile LONG firewall_on;   /* the "health" this SHA watches: off at first */
static HANDLE fixed;                /* set when the fix-up is done: report the new health */
static HANDLE done;                 /* set when the machine has full access with the fix */
static INapSystemHealthAgentBinding *binding;

static void say(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    printf("  [SHA] ");
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
    va_end(ap);
}

static void put_u32(BYTE *p, UINT32 v)
{
    p[0] = (BYTE)(v >> 24), p[1] = (BYTE)(v >> 16), p[2] = (BYTE)(v >> 8), p[3] = (BYTE)v;
}

static UINT32 get_u32(const BYTE *p)
{
    return (UINT32)p[0] << 24 | (UINT32)p[1] << 16 | (UINT32)p[2] << 8 | p[3];
}

/* The callback object: static, so AddRef/Release keep no count. */
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

/* The agent asks for our SoH: SystemHealthId (first, always), our compliance code, our product
 * name. Quick and non-blocking, as the documentation asks: the health was checked beforehand. */
static HRESULT WINAPI callback_GetSoHRequest(INapSystemHealthAgentCallback *iface, INapSystemHealthAgentRequest *request)
{
    static const char product[] = "Contoso Firewall 2.1";
    BYTE id[4], code[4];
    SoHAttribute attributes[3] = {
        {sohAttributeTypeSystemHealthId, sizeof(id), id},
        {sohAttributeTypeComplianceResultCodes, sizeof(code), code},
        {sohAttributeTypeProductName, sizeof(product) - 1, (BYTE *)product},
    };
    SoH soh = {ARRAYSIZE(attributes), attributes};
    BOOL on = firewall_on != 0;
    HRESULT hr;

    (void)iface;
    put_u32(id, SAMPLE_SHA_ID);
    put_u32(code, on ? SAMPLE_FIREWALL_ON : SAMPLE_FIREWALL_OFF);
    hr = INapSystemHealthAgentRequest_SetSoHRequest(request, &soh, TRUE);
    say("the agent asks for our SoH: \"firewall %s\" (compliance code %#x) -> SetSoHRequest %#lx", on ? "on" : "off",
        get_u32(code), hr);
    return S_OK;
}

/* The server's verdict for us. Remediation runs on our own thread, never inside the call. */
static HRESULT WINAPI callback_ProcessSoHResponse(INapSystemHealthAgentCallback *iface,
                                                  INapSystemHealthAgentRequest *request)
{
    SoHResponse *response = NULL;
    UINT8 flags = 0;
    UINT32 verdict = 0;
    HRESULT hr;

    (void)iface;
    hr = INapSystemHealthAgentRequest_GetSoHResponse(request, &response, &flags);
    if (FAILED(hr) || !response)
        return NAP_E_INVALID_PACKET;
    for (UINT16 i = 0; i < response->count; ++i)
    {
        if (response->attributes[i].type == sohAttributeTypeComplianceResultCodes && response->attributes[i].size >= 4)
            verdict = get_u32(response->attributes[i].value);
        CoTaskMemFree(response->attributes[i].value);
    }
    CoTaskMemFree(response->attributes);
    CoTaskMemFree(response);
    say("the server's verdict for us: %s%s", verdict == SAMPLE_FIREWALL_ON ? "compliant" : "NOT compliant",
        verdict != SAMPLE_FIREWALL_ON && (flags & shaFixup) ? "; we may fix it (shaFixup): turning the firewall on" : "");
    if (verdict != SAMPLE_FIREWALL_ON && (flags & shaFixup) && !firewall_on)
    {
        InterlockedExchange(&firewall_on, 1);
        SetEvent(fixed);
    }
    return S_OK;
}

static HRESULT WINAPI callback_NotifySystemIsolationStateChange(INapSystemHealthAgentCallback *iface)
{
    IsolationInfo *info = NULL;
    BOOL unknown = FALSE;
    static const char *const states[] = {"?", "full access (not restricted)", "in probation", "RESTRICTED"};

    (void)iface;
    if (SUCCEEDED(INapSystemHealthAgentBinding_GetSystemIsolationInfo(binding, &info, &unknown)) && info)
    {
        say("the machine's isolation state changed: %s%s%ls", states[info->isolationState <= 3 ? info->isolationState : 0],
            info->failureUrl.length ? ", fix-up page " : "", info->failureUrl.length ? info->failureUrl.string : L"");
        if (info->isolationState == isolationStateNotRestricted && firewall_on)
            SetEvent(done);
        CoTaskMemFree(info->failureUrl.string);
        CoTaskMemFree(info);
    }
    return S_OK;
}

/* Our remediation's progress, asked for while the agent processes a response. */
static HRESULT WINAPI callback_GetFixupInfo(INapSystemHealthAgentCallback *iface, FixupInfo **info)
{
    FixupInfo *fixup = CoTaskMemAlloc(sizeof(*fixup));

    (void)iface;
    *info = NULL;
    if (!fixup)
        return E_OUTOFMEMORY;
    memset(fixup, 0, sizeof(*fixup));
    fixup->state = firewall_on ? fixupStateSuccess : fixupStateInProgress;
    fixup->percentage = firewall_on ? 100 : 0;
    *info = fixup;
    return S_OK;
}

/* Our SoH carries nothing that changes without a change of health: compare bytes (E_NOTIMPL). */
static HRESULT WINAPI callback_CompareSoHRequests(INapSystemHealthAgentCallback *iface, const SoHRequest *lhs,
                                                  const SoHRequest *rhs, BOOL *equal)
{
    (void)iface, (void)lhs, (void)rhs, (void)equal;
    return E_NOTIMPL;
}

static HRESULT WINAPI callback_NotifyOrphanedSoHRequest(INapSystemHealthAgentCallback *iface, const CorrelationId *id)
{
    (void)iface, (void)id;
    say("a request of ours was never answered (orphaned); nothing to do, the next one follows");
    return S_OK;
}

static const INapSystemHealthAgentCallbackVtbl callback_vtbl = {
    callback_QueryInterface, callback_AddRef, callback_Release, callback_GetSoHRequest, callback_ProcessSoHResponse,
    callback_NotifySystemIsolationStateChange, callback_GetFixupInfo, callback_CompareSoHRequests,
    callback_NotifyOrphanedSoHRequest,
};
static INapSystemHealthAgentCallback callback = {&callback_vtbl};

/* Installers register once; a second run finds the registration there (NAP_E_CONFLICTING_ID). */
static HRESULT register_sha(void)
{
    WCHAR name[] = L"Contoso Firewall SHA", description[] = L"napagent sample: is the firewall on?",
          version[] = L"2.1", vendor[] = L"Contoso (napagent sample)";
    NapComponentRegistrationInfo info;
    INapClientManagement *management = NULL;
    HRESULT hr;

    memset(&info, 0, sizeof(info));
    info.id = SAMPLE_SHA_ID;
    info.friendlyName.length = (UINT16)wcslen(name), info.friendlyName.string = name;
    info.description.length = (UINT16)wcslen(description), info.description.string = description;
    info.version.length = (UINT16)wcslen(version), info.version.string = version;
    info.vendorName.length = (UINT16)wcslen(vendor), info.vendorName.string = vendor;
    GetSystemTimeAsFileTime(&info.registrationDate);
    hr = CoCreateInstance(&CLSID_NapClientManagement, NULL, CLSCTX_INPROC_SERVER, &IID_INapClientManagement,
                          (void **)&management);
    if (FAILED(hr))
        return hr;
    hr = INapClientManagement_RegisterSystemHealthAgent(management, &info);
    INapClientManagement_Release(management);
    return hr == NAP_E_CONFLICTING_ID ? S_OK : hr;
}

int main(int argc, char **argv)
{
    DWORD seconds = argc > 1 ? (DWORD)strtoul(argv[1], NULL, 10) : 60;
    HANDLE waits[2];
    HRESULT hr;
    int result = 1;

    fixed = CreateEventW(NULL, FALSE, FALSE, NULL);
    done = CreateEventW(NULL, TRUE, FALSE, NULL);
    waits[0] = done, waits[1] = fixed;
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (FAILED(hr = register_sha()))
        say("RegisterSystemHealthAgent failed: %#lx", hr);
    else if (FAILED(hr = CoCreateInstance(&CLSID_NapSystemHealthAgentBinding, NULL, CLSCTX_INPROC_SERVER,
                                          &IID_INapSystemHealthAgentBinding, (void **)&binding)))
        say("cannot create the SHA binding: %#lx", hr);
    else if (FAILED(hr = INapSystemHealthAgentBinding_Initialize(binding, SAMPLE_SHA_ID, &callback)))
        say("Initialize failed: %#lx", hr);
    else
    {
        say("bound as SHA %#x; health check: the firewall is OFF -> NotifySoHChange", SAMPLE_SHA_ID);
        INapSystemHealthAgentBinding_NotifySoHChange(binding);
        for (;;)
        {
            DWORD which = WaitForMultipleObjects(2, waits, FALSE, seconds * 1000);

            if (which == WAIT_OBJECT_0 + 1)
            {
                say("fix-up done: the firewall is ON -> NotifySoHChange");
                INapSystemHealthAgentBinding_NotifySoHChange(binding);
                continue;
            }
            result = which == WAIT_OBJECT_0 ? 0 : 1;
            if (result)
                say("gave up after %lu s without full access", seconds);
            break;
        }
        INapSystemHealthAgentBinding_Uninitialize(binding);
        say("Uninitialize: done");
    }
    if (binding)
        INapSystemHealthAgentBinding_Release(binding);
    CoUninitialize();
    return result;
}
