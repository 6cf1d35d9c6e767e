/* napagent under the SCM: status reporting with real checkpoints, and the two controls we
 * implement (STOP and SHUTDOWN). Every status change goes through report_status(). */
#include "napagent.h"
#include <stdio.h>

/* A start finishes in well under a second; the hint leaves room for a slow machine. A stop does
 * too, unless a client is frozen in a call: then it is bounded by the limits of its steps (the
 * clients, the bindings they held, COM's shutdown: napagent.h, server.c), and the hint covers
 * that whole bound, so STOPPED comes within the hint whatever the clients do. */
#define START_WAIT_HINT_MS 5000
#define STOP_WAIT_HINT_MS 10000
_Static_assert(AGENT_HOST_STOP_CLIENTS_LIMIT_MS + AGENT_HOST_STOP_BINDINGS_LIMIT_MS + COM_SHUTDOWN_LIMIT_MS + 1000
                   <= STOP_WAIT_HINT_MS,
               "the stop's bound, with a second to spare, fits in its wait hint");
/* While a stop waits, the checkpoint advances this often, so the SCM sees it is alive. */
#define STOP_HEARTBEAT_MS 500

static SERVICE_STATUS_HANDLE status_handle;
static SERVICE_STATUS status;
static SRWLOCK status_lock = SRWLOCK_INIT;   /* the stop's heartbeat reports from a pool thread */
static HANDLE stop_event;

static void report_status(DWORD state, DWORD exit_code, DWORD wait_hint)
{
    AcquireSRWLockExclusive(&status_lock);
    status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    status.dwCurrentState = state;
    status.dwWin32ExitCode = exit_code;
    status.dwServiceSpecificExitCode = 0;
    status.dwWaitHint = wait_hint;
    status.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
    if (state == SERVICE_RUNNING || state == SERVICE_STOPPED)
        status.dwCheckPoint = 0;
    else
        status.dwCheckPoint++;
    SetServiceStatus(status_handle, &status);
    ReleaseSRWLockExclusive(&status_lock);
}

static void start_progress(void)
{
    report_status(SERVICE_START_PENDING, NO_ERROR, START_WAIT_HINT_MS);
}

static void stop_progress(void)
{
    report_status(SERVICE_STOP_PENDING, NO_ERROR, STOP_WAIT_HINT_MS);
}

static void CALLBACK stop_heartbeat(void *context, BOOLEAN fired)
{
    (void)context;
    (void)fired;
    stop_progress();
}

/* The server's stop, with the checkpoint advancing all along (a step may wait for a client). */
static void stop_server(void)
{
    HANDLE heartbeat = NULL;

    if (!CreateTimerQueueTimer(&heartbeat, NULL, stop_heartbeat, NULL, STOP_HEARTBEAT_MS, STOP_HEARTBEAT_MS,
                               WT_EXECUTEDEFAULT))
        heartbeat = NULL;
    server_stop(stop_progress);
    /* Waits for a heartbeat that is running: none may report after STOPPED. */
    if (heartbeat)
        DeleteTimerQueueTimer(NULL, heartbeat, INVALID_HANDLE_VALUE);
}

static DWORD WINAPI control_handler(DWORD control, DWORD event_type, void *event_data, void *context)
{
    (void)event_type;
    (void)event_data;
    (void)context;
    switch (control)
    {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
        stop_progress();
        SetEvent(stop_event);
        return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
        return NO_ERROR;
    default:
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

static void WINAPI service_main(DWORD argc, WCHAR **argv)
{
    HRESULT hr;

    (void)argc;
    (void)argv;
    status_handle = RegisterServiceCtrlHandlerExW(NAPAGENT_SERVICE_NAME, control_handler, NULL);
    if (!status_handle)
        return;
    start_progress();
    stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    hr = stop_event ? server_start(start_progress) : HRESULT_FROM_WIN32(GetLastError());
    if (FAILED(hr))
    {
        stop_server();
        report_status(SERVICE_STOPPED, ERROR_SERVICE_SPECIFIC_ERROR, 0);
        return;
    }
    report_status(SERVICE_RUNNING, NO_ERROR, 0);
    WaitForSingleObject(stop_event, INFINITE);
    stop_server();
    CloseHandle(stop_event);
    report_status(SERVICE_STOPPED, NO_ERROR, 0);
}

int service_run_dispatcher(void)
{
    static WCHAR name[] = NAPAGENT_SERVICE_NAME;
    static const SERVICE_TABLE_ENTRYW table[] = {{name, service_main}, {NULL, NULL}};

    if (StartServiceCtrlDispatcherW(table))
        return EXIT_OK;
    if (GetLastError() == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT)
        fwprintf(stderr, L"napagent: not started by the service control manager.\n"
                         L"Start the service with 'net start napagent', or run 'napagent.exe --console'.\n");
    else
        fwprintf(stderr, L"napagent: StartServiceCtrlDispatcher failed: error %lu\n", GetLastError());
    return EXIT_STEP_FAILED;
}
