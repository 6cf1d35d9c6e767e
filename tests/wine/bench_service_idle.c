/* make bench: what a bound client costs the service, and what the service costs the machine
 * while nothing happens.
 * - Memory per client: the service's heap bytes in use and committed memory
 *   (INapAgentDiagnostics::GetResourceUsage) before and after CLIENTS enforcement clients of this
 *   process bound, each with its own binding and a connection.
 * - Idle CPU: with those clients bound, nothing pending, the service's thread count steady and
 *   the do-nothing service (bench_null_service.exe) running too, prints "idle window: start",
 *   waits WINDOW_MS and prints "idle window: end". tools/bench-com.sh reads both services' CPU time from the host at the two
 *   lines (Wine's GetProcessTimes answers 0 for another process). */
#include <windows.h>
#include <stdio.h>
#include <napagentclasses.h>
#include <napagentdiag.h>
#include <napenforcementclient.h>
#include <napmanagement.h>
#include <napsystemhealthagent.h>
#include "bench_services.h"
#include "test_clients.h"

#define CLIENTS 20
#define FIRST_ID 0x7A100001u
#define WINDOW_MS 10000

int main(void)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS), agent, null_service;
    INapEnforcementClientBinding *bindings[CLIENTS] = {0};
    INapEnforcementClientConnection *connections[CLIENTS] = {0};
    INapClientManagement *management;
    INapAgentDiagnostics *diagnostics;
    INapEnforcementClientBinding *unused_ec;
    INapSystemHealthAgentBinding *unused_sha;
    NapAgentResourceUsage before, after;
    WCHAR name[] = L"bench EC";
    SERVICE_STATUS status;
    int bound = 0;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    null_service = open_null_service(scm);
    agent = OpenServiceW(scm, L"napagent", SERVICE_ALL_ACCESS);
    if (!agent || !null_service || !create_client_objects(&management, &diagnostics, &unused_ec, &unused_sha))
    {
        printf("idle bench: cannot reach the services (%lu)\n", GetLastError());
        return 1;
    }
    StartServiceW(null_service, 0, NULL);
    wait_state(null_service, SERVICE_RUNNING, now_ms());

    INapAgentDiagnostics_GetResourceUsage(diagnostics, &before);
    for (int i = 0; i < CLIENTS; ++i)
    {
        bindings[i] = create_object(&CLSID_NapEnforcementClientBinding, CLSCTX_INPROC_SERVER,
                                    &IID_INapEnforcementClientBinding);
        HRESULT hr = bindings[i] ? register_enabled_ec(management, diagnostics, FIRST_ID + i, name) : E_FAIL;

        if (SUCCEEDED(hr))
            hr = INapEnforcementClientBinding_Initialize(bindings[i], FIRST_ID + i, &ec_callback);
        if (SUCCEEDED(hr))
            hr = INapEnforcementClientBinding_CreateConnection(bindings[i], &connections[i]);
        if (SUCCEEDED(hr))
            ++bound;
        else if (i == 0)
            printf("idle bench: binding EC %#x failed: %#lx\n", FIRST_ID + i, hr);
    }
    INapAgentDiagnostics_GetResourceUsage(diagnostics, &after);
    printf("Memory per bound enforcement client (registration, binding, callback proxy, one connection), %d "
           "clients:\n", bound);
    printf("  heap in use  %+.0f bytes per client   committed  %+.0f bytes per client\n",
           bound ? ((double)after.heapBytes - (double)before.heapBytes) / bound : 0.0,
           bound ? ((double)after.commitBytes - (double)before.commitBytes) / bound : 0.0);

    /* Idle means settled: pool threads left over from earlier work exit after a while, and
     * their exits cost CPU. The window starts once the thread count held for 3 s (at most 30 s). */
    for (int waited = 0, steady = 0, last = -1; waited < 30 && steady < 3; ++waited)
    {
        NapAgentResourceUsage now;

        Sleep(1000);
        INapAgentDiagnostics_GetResourceUsage(diagnostics, &now);
        steady = (int)now.threads == last ? steady + 1 : 0;
        last = (int)now.threads;
    }
    printf("idle window: start\n");
    fflush(stdout);
    Sleep(WINDOW_MS);
    printf("idle window: end %d ms, %d ECs bound\n", WINDOW_MS, bound);
    fflush(stdout);

    for (int i = 0; i < CLIENTS; ++i)
    {
        if (connections[i])
            INapEnforcementClientConnection_Release(connections[i]);
        if (bindings[i])
        {
            INapEnforcementClientBinding_Uninitialize(bindings[i]);
            INapEnforcementClientBinding_Release(bindings[i]);
        }
        INapClientManagement_UnregisterEnforcementClient(management, FIRST_ID + i);
    }
    release_client_objects(management, diagnostics, unused_ec, unused_sha);
    ControlService(null_service, SERVICE_CONTROL_STOP, &status);
    wait_state(null_service, SERVICE_STOPPED, now_ms());
    DeleteService(null_service);
    CloseServiceHandle(null_service);
    CloseServiceHandle(agent);
    CloseServiceHandle(scm);
    CoUninitialize();
    return 0;
}
