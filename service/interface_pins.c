/* Keeps the RPC registration of every interface the service serves for the whole life of the
 * server, under Wine only.
 *
 * Wine 8's COM registers one RPC server interface per IID while stubs of that IID exist, and
 * when the last stub of an IID goes away it unregisters it with RpcServerUnregisterIf(...,
 * WaitForCallsToComplete = TRUE) while holding the lock every marshaling of a new object takes
 * (combase's csRegIf). A 10-minute soak deadlocked there: an EC's IRemUnknown::RemRelease of the
 * last INapEnforcementClientBinding stub waited for calls on that interface to complete, no such
 * call was running, and every activation after it (marshaling a class factory) waited for the
 * lock; the SHA releasing its request object waited for that RemRelease, and so the whole agent
 * stood still (docs/performance.md has the backtraces' summary).
 *
 * One table-strong marshaled stub per IID, made before any client can call, keeps each
 * registration's count above zero, so no IID is ever unregistered while the service runs. The
 * stubs belong to a static object nobody can reach: the marshaled data never leaves this
 * process. They are never released; the process ends with them. Windows has no such problem and
 * does not get the pins. */
#include "napagent.h"
#include "interface_pins.h"
#include <napagentdiag.h>
#include <napenforcementclient.h>
#include <napmanagement.h>
#include <napsystemhealthagent.h>
#include <servprov.h>

static const IID *const pinned_iids[] = {
    &IID_INapEnforcementClientBinding,
    &IID_INapEnforcementClientConnection,
    &IID_INapEnforcementClientConnection2,
    &IID_INapSystemHealthAgentBinding,
    &IID_INapSystemHealthAgentBinding2,
    &IID_INapSystemHealthAgentRequest,
    &IID_INapClientManagement,
    &IID_INapClientManagement2,
    &IID_INapAgentDiagnostics,
    &IID_IClassFactory,
    &IID_IServiceProvider,
};

/* Answers every pinned IID with itself: its stubs are only ever created, never called. */
static HRESULT WINAPI pin_QueryInterface(IUnknown *iface, REFIID riid, void **out)
{
    BOOL known = IsEqualIID(riid, &IID_IUnknown);

    for (size_t i = 0; !known && i < ARRAYSIZE(pinned_iids); ++i)
        known = IsEqualIID(riid, pinned_iids[i]);
    *out = known ? iface : NULL;
    return known ? S_OK : E_NOINTERFACE;
}

static ULONG WINAPI pin_AddRef(IUnknown *iface)
{
    (void)iface;
    return 2;
}

static ULONG WINAPI pin_Release(IUnknown *iface)
{
    (void)iface;
    return 1;
}

static const IUnknownVtbl pin_vtbl = {pin_QueryInterface, pin_AddRef, pin_Release};
static IUnknown pin = {(IUnknownVtbl *)&pin_vtbl};

static BOOL running_on_wine(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");

    return ntdll && GetProcAddress(ntdll, "wine_get_version");
}

void interface_pins_make(void)
{
    unsigned made = 0;

    if (!running_on_wine())
        return;
    for (size_t i = 0; i < ARRAYSIZE(pinned_iids); ++i)
    {
        IStream *stream = NULL;
        HRESULT hr = CreateStreamOnHGlobal(NULL, TRUE, &stream);

        if (SUCCEEDED(hr))
            hr = CoMarshalInterface(stream, pinned_iids[i], &pin, MSHCTX_LOCAL, NULL, MSHLFLAGS_TABLESTRONG);
        /* The stream holds the only copy of the reference: leaking it keeps the stub forever. */
        if (FAILED(hr))
        {
            service_log("interface pin %u failed: %#lx", (unsigned)i, (unsigned long)hr);
            if (stream)
                IStream_Release(stream);
        }
        else
            ++made;
    }
    service_log("Wine: %u of %u served interfaces pinned", made, (unsigned)ARRAYSIZE(pinned_iids));
}
