/* Activation of the documented EC binding class in every context an SDK client uses, and the
 * first NAP behaviour across the process boundary: NotifySoHChangeFailure before Initialize.
 * The service is installed and stopped when this starts; the first activation must start it. */
#include <windows.h>
#include <napagentclasses.h>
#include <napagentdiag.h>
#include <napenforcementclient.h>
#include "../tap.h"
#include "wine_test.h"

static void test_activation_starts_service(void)
{
    INapEnforcementClientBinding *binding = NULL;
    DWORD start;
    HRESULT hr;

    ok(service_stop_and_wait(), "service stopped before activation, got state %lu", service_state());
    start = GetTickCount();
    hr = CoCreateInstance(&CLSID_NapEnforcementClientBinding, NULL, CLSCTX_INPROC_SERVER,
                          &IID_INapEnforcementClientBinding, (void **)&binding);
    ok(hr == S_OK, "CLSCTX_INPROC_SERVER activation: expected S_OK, got %#lx", hr);
    diag("activation of a stopped service took %lu ms", GetTickCount() - start);
    ok(service_state() == SERVICE_RUNNING, "activation started the service, state %lu", service_state());
    if (binding)
    {
        hr = INapEnforcementClientBinding_NotifySoHChangeFailure(binding);
        ok(hr == NAP_E_NOT_INITIALIZED, "INPROC: NotifySoHChangeFailure before Initialize: expected %#lx, got %#lx",
           NAP_E_NOT_INITIALIZED, hr);
        INapEnforcementClientBinding_Release(binding);
    }
}

static void test_context(DWORD context, const char *name)
{
    INapEnforcementClientBinding *binding = NULL;
    HRESULT hr = CoCreateInstance(&CLSID_NapEnforcementClientBinding, NULL, context,
                                  &IID_INapEnforcementClientBinding, (void **)&binding);

    ok(hr == S_OK && binding, "%s activation: expected S_OK, got %#lx", name, hr);
    if (!binding)
        return;
    hr = INapEnforcementClientBinding_NotifySoHChangeFailure(binding);
    ok(hr == NAP_E_NOT_INITIALIZED, "%s: NotifySoHChangeFailure before Initialize: expected %#lx, got %#lx",
       name, NAP_E_NOT_INITIALIZED, hr);
    INapEnforcementClientBinding_Release(binding);
}

static void test_diagnostics_ping(void)
{
    INapAgentDiagnostics *diagnostics = NULL;
    HRESULT hr = CoCreateInstance(&CLSID_NapAgentDiagnostics, NULL, CLSCTX_LOCAL_SERVER,
                                  &IID_INapAgentDiagnostics, (void **)&diagnostics);

    ok(hr == S_OK, "diagnostics activation: expected S_OK, got %#lx", hr);
    if (!diagnostics)
        return;
    hr = INapAgentDiagnostics_Ping(diagnostics);
    ok(hr == S_OK, "Ping: expected S_OK, got %#lx", hr);
    INapAgentDiagnostics_Release(diagnostics);
}

int main(void)
{
    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)))
        tap_bail("CoInitializeEx failed");
    test_activation_starts_service();
    test_context(CLSCTX_LOCAL_SERVER, "CLSCTX_LOCAL_SERVER");
    test_context(CLSCTX_ALL, "CLSCTX_ALL");
    test_context(CLSCTX_INPROC_SERVER, "CLSCTX_INPROC_SERVER (running service)");
    test_diagnostics_ping();
    CoUninitialize();
    return tap_done();
}
