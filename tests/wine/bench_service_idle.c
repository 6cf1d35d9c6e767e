/* make bench: what a bound client costs the service, and what the service costs the machine
 * while nothing happens.
 * - Memory per client: the service's heap bytes in use and committed memory
 *   (INapAgentDiagnostics::GetResourceUsage) before and after CLIENTS enforcement clients of this
 *   process bound, each with its own binding and a connection.
 * - Idle CPU: the service's CPU time (GetProcessTimes) over WINDOW_MS with those clients bound
 *   and nothing pending, against the do-nothing service (bench_null_service.exe) idle over the
 *   same window of the same run. */
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

/* The service's process, opened through its SCM status; NULL if it is not running. */
static HANDLE service_process(SC_HANDLE service)
{
    SERVICE_STATUS_PROCESS status;
    DWORD needed;

    if (!QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO, (BYTE *)&status, sizeof(status), &needed)
        || status.dwCurrentState != SERVICE_RUNNING)
        return NULL;
    return OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, status.dwProcessId);
}

/* User and kernel time of a process, ms. */
static double cpu_ms(HANDLE process)
{
    FILETIME created, exited, kernel, user;

    if (!GetProcessTimes(process, &created, &exited, &kernel, &user))
        return -1;
    return (((ULONGLONG)kernel.dwHighDateTime << 32 | kernel.dwLowDateTime)
            + ((ULONGLONG)user.dwHighDateTime << 32 | user.dwLowDateTime)) / 10000.0;
}

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
    HANDLE agent_process, null_process;
    double agent_cpu, null_cpu;
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
        if (bindings[i] && SUCCEEDED(register_enabled_ec(management, diagnostics, FIRST_ID + i, name))
            && SUCCEEDED(INapEnforcementClientBinding_Initialize(bindings[i], FIRST_ID + i, &ec_callback))
            && SUCCEEDED(INapEnforcementClientBinding_CreateConnection(bindings[i], &connections[i])))
            ++bound;
    }
    INapAgentDiagnostics_GetResourceUsage(diagnostics, &after);
    printf("Memory per bound enforcement client (registration, binding, callback proxy, one connection), %d "
           "clients:\n", bound);
    printf("  heap in use  %+.0f bytes per client   committed  %+.0f bytes per client\n",
           bound ? ((double)after.heapBytes - (double)before.heapBytes) / bound : 0.0,
           bound ? ((double)after.commitBytes - (double)before.commitBytes) / bound : 0.0);

    agent_process = service_process(agent);
    null_process = service_process(null_service);
    Sleep(1000);   /* whatever the binding set off settles */
    agent_cpu = cpu_ms(agent_process);
    null_cpu = cpu_ms(null_process);
    Sleep(WINDOW_MS);
    agent_cpu = cpu_ms(agent_process) - agent_cpu;
    null_cpu = cpu_ms(null_process) - null_cpu;
    printf("Idle CPU over %d s, same window (nothing pending):\n", WINDOW_MS / 1000);
    printf("  baseline do-nothing service            %6.2f ms CPU per second\n", null_cpu * 1000 / WINDOW_MS);
    printf("  napagent, %2d ECs bound                 %6.2f ms CPU per second   ratio %.2fx\n", bound,
           agent_cpu * 1000 / WINDOW_MS, null_cpu > 0 ? agent_cpu / null_cpu : 0.0);

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
