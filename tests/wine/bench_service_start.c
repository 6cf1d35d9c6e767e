/* make bench: start-to-RUNNING and stop-to-STOPPED of napagent against a do-nothing service
 * (bench_null_service.exe) measured in the same run, best of ROUNDS interleaved rounds. */
#include <windows.h>
#include <stdio.h>
#include "bench_services.h"

#define ROUNDS 5

static void measure(SC_HANDLE service, double *best_start, double *best_stop)
{
    SERVICE_STATUS status;
    double start, took;

    start = now_ms();
    if (!StartServiceW(service, 0, NULL))
        return;
    took = wait_state(service, SERVICE_RUNNING, start);
    if (took >= 0 && took < *best_start)
        *best_start = took;
    start = now_ms();
    ControlService(service, SERVICE_CONTROL_STOP, &status);
    took = wait_state(service, SERVICE_STOPPED, start);
    if (took >= 0 && took < *best_stop)
        *best_stop = took;
}

int main(void)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS), agent, null_service;
    double agent_start = 1e9, agent_stop = 1e9, null_start = 1e9, null_stop = 1e9;
    SERVICE_STATUS status;

    null_service = open_null_service(scm);
    agent = OpenServiceW(scm, L"napagent", SERVICE_ALL_ACCESS);
    if (!agent || !null_service)
    {
        printf("service start bench: cannot open the services (%lu)\n", GetLastError());
        return 1;
    }
    ControlService(agent, SERVICE_CONTROL_STOP, &status);
    wait_state(agent, SERVICE_STOPPED, now_ms());
    for (int round = 0; round < ROUNDS; ++round)
    {
        measure(null_service, &null_start, &null_stop);
        measure(agent, &agent_start, &agent_stop);
    }
    printf("Service start and stop, best of %d interleaved rounds, same run (SCM under Wine):\n", ROUNDS);
    printf("  baseline do-nothing service   start->RUNNING %7.1f ms   stop->STOPPED %7.1f ms\n", null_start, null_stop);
    printf("  napagent (no client bound)    start->RUNNING %7.1f ms   stop->STOPPED %7.1f ms   ratios %.2fx / %.2fx\n",
           agent_start, agent_stop, agent_start / null_start, agent_stop / null_stop);
    DeleteService(null_service);
    CloseServiceHandle(null_service);
    CloseServiceHandle(agent);
    CloseServiceHandle(scm);
    return 0;
}
