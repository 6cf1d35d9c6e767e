/* The service as the SCM sees it: START_PENDING with checkpoints, RUNNING accepting exactly the
 * controls it implements, STOP_PENDING, STOPPED within the wait hint it announced. */
#include <windows.h>
#include "../tap.h"
#include "wine_test.h"

/* Polls until the state is reached or timeout_ms passes; returns the elapsed time. */
static DWORD wait_for_state(SC_HANDLE service, DWORD state, DWORD timeout_ms, SERVICE_STATUS_PROCESS *last,
                            DWORD *max_checkpoint)
{
    DWORD start = GetTickCount(), needed;

    for (;;)
    {
        if (!QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO, (BYTE *)last, sizeof(*last), &needed))
            break;
        if (max_checkpoint && last->dwCheckPoint > *max_checkpoint)
            *max_checkpoint = last->dwCheckPoint;
        if (last->dwCurrentState == state || GetTickCount() - start > timeout_ms)
            break;
        Sleep(5);
    }
    return GetTickCount() - start;
}

static void test_start(SC_HANDLE service)
{
    SERVICE_STATUS_PROCESS status;
    DWORD max_checkpoint = 0, elapsed;

    BOOL started = StartServiceW(service, 0, NULL);
    DWORD err = GetLastError();

    ok(started, "StartService: expected success, got error %lu", err);
    elapsed = wait_for_state(service, SERVICE_RUNNING, 15000, &status, &max_checkpoint);
    ok(status.dwCurrentState == SERVICE_RUNNING, "reached RUNNING, state %lu after %lu ms", status.dwCurrentState,
       elapsed);
    diag("start took %lu ms; highest checkpoint seen %lu", elapsed, max_checkpoint);
    ok(status.dwControlsAccepted == (SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN),
       "RUNNING accepts STOP and SHUTDOWN only, got %#lx", status.dwControlsAccepted);
    ok(status.dwServiceType == SERVICE_WIN32_OWN_PROCESS, "own-process service, got type %#lx",
       status.dwServiceType);
    ok(status.dwProcessId != 0, "a process id is reported, got %lu", status.dwProcessId);
    started = StartServiceW(service, 0, NULL);
    err = GetLastError();
    ok(!started && err == ERROR_SERVICE_ALREADY_RUNNING,
       "a second StartService: expected ERROR_SERVICE_ALREADY_RUNNING, got %s %lu", started ? "success" : "error", err);
}

static void test_interrogate(SC_HANDLE service)
{
    SERVICE_STATUS status = {0};
    BOOL answered = ControlService(service, SERVICE_CONTROL_INTERROGATE, &status);
    DWORD err = GetLastError();

    ok(answered && status.dwCurrentState == SERVICE_RUNNING, "INTERROGATE answers RUNNING, got %s %lu, state %lu",
       answered ? "success" : "error", err, status.dwCurrentState);
}

static void test_stop(SC_HANDLE service)
{
    SERVICE_STATUS status = {0};
    SERVICE_STATUS_PROCESS last;
    DWORD elapsed, hint;

    BOOL accepted = ControlService(service, SERVICE_CONTROL_STOP, &status);
    DWORD err = GetLastError();

    ok(accepted, "STOP accepted, got error %lu", err);
    hint = status.dwWaitHint;
    ok(status.dwCurrentState == SERVICE_STOP_PENDING || status.dwCurrentState == SERVICE_STOPPED,
       "STOP answers STOP_PENDING or STOPPED, got %lu", status.dwCurrentState);
    ok(status.dwCurrentState == SERVICE_STOPPED || hint > 0, "STOP_PENDING comes with a wait hint, got %lu ms",
       hint);
    elapsed = wait_for_state(service, SERVICE_STOPPED, 15000, &last, NULL);
    ok(last.dwCurrentState == SERVICE_STOPPED, "reached STOPPED, state %lu", last.dwCurrentState);
    ok(elapsed <= hint, "stopped within the wait hint: %lu ms <= %lu ms", elapsed, hint);
    ok(last.dwWin32ExitCode == NO_ERROR, "clean exit code, got %lu", last.dwWin32ExitCode);
}

int main(void)
{
    SC_HANDLE service;

    ok(service_stop_and_wait(), "service starts the test STOPPED, state %lu", service_state());
    service = open_napagent(SERVICE_START | SERVICE_STOP | SERVICE_QUERY_STATUS | SERVICE_INTERROGATE);
    if (!service)
        tap_bail("cannot open the napagent service: is it installed?");
    /* Twice: a stopped service must start again cleanly. */
    for (int round = 0; round < 2; round++)
    {
        test_start(service);
        test_interrogate(service);
        test_stop(service);
    }
    CloseServiceHandle(service);
    return tap_done();
}
