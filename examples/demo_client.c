/* A first enforcement-client-side program against napagent, as an SDK client would write it:
 * create the binding in each activation context and make a call across the process boundary.
 * make run uses it to show a newcomer each step and its result. */
#include <windows.h>
#include <stdio.h>
#include <napagentclasses.h>
#include <napenforcementclient.h>

static const char *describe(HRESULT hr)
{
    switch (hr)
    {
    case S_OK: return "S_OK";
    case NAP_E_NOT_INITIALIZED: return "NAP_E_NOT_INITIALIZED (the binding was never initialized)";
    case REGDB_E_CLASSNOTREG: return "REGDB_E_CLASSNOTREG: the class is not registered; run 'napagent.exe install' "
                                     "(or 'regsvr32 qagent.dll' for in-process activation)";
    case E_NOINTERFACE: return "E_NOINTERFACE: the NAP interfaces cannot cross processes because qagent.dll's "
                               "proxy/stubs are not registered; run 'regsvr32 qagent.dll'";
    case HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND): return "the napagent service is not installed; run 'napagent.exe install'";
    default: return "unexpected";
    }
}

static int try_context(DWORD context, const char *name, int step)
{
    INapEnforcementClientBinding *binding = NULL;
    HRESULT hr;
    DWORD start = GetTickCount();

    printf("step %d: CoCreateInstance(CLSID_NapEnforcementClientBinding, %s)\n", step, name);
    hr = CoCreateInstance(&CLSID_NapEnforcementClientBinding, NULL, context, &IID_INapEnforcementClientBinding,
                          (void **)&binding);
    printf("        -> %#lx %s (%lu ms)\n", hr, describe(hr), GetTickCount() - start);
    if (FAILED(hr))
        return 0;
    printf("        NotifySoHChangeFailure() on a binding that was never initialized\n");
    hr = INapEnforcementClientBinding_NotifySoHChangeFailure(binding);
    printf("        -> %#lx %s\n", hr, describe(hr));
    INapEnforcementClientBinding_Release(binding);
    return hr == NAP_E_NOT_INITIALIZED;
}

int main(void)
{
    int good = 1;

    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)))
        return 1;
    good &= try_context(CLSCTX_INPROC_SERVER, "CLSCTX_INPROC_SERVER, as the SDK samples do", 1);
    good &= try_context(CLSCTX_LOCAL_SERVER, "CLSCTX_LOCAL_SERVER", 2);
    good &= try_context(CLSCTX_ALL, "CLSCTX_ALL", 3);
    CoUninitialize();
    printf(good ? "every call answered as documented.\n" : "some steps failed: see the hints above.\n");
    return good ? 0 : 1;
}
