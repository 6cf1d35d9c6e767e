/* The baseline of bench_service_start: a Windows service that does nothing but report RUNNING
 * and stop when told. Its start-to-RUNNING time is what the SCM and Wine cost by themselves. */
#include <windows.h>

static SERVICE_STATUS_HANDLE handle;
static SERVICE_STATUS status = {SERVICE_WIN32_OWN_PROCESS, SERVICE_START_PENDING, 0, NO_ERROR, 0, 0, 0};
static HANDLE stop;

static DWORD WINAPI control(DWORD code, DWORD type, void *data, void *context)
{
    (void)type, (void)data, (void)context;
    if (code == SERVICE_CONTROL_STOP)
        SetEvent(stop);
    return NO_ERROR;
}

static void WINAPI service_main(DWORD argc, WCHAR **argv)
{
    (void)argc, (void)argv;
    stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    handle = RegisterServiceCtrlHandlerExW(L"napbench-null", control, NULL);
    status.dwCurrentState = SERVICE_RUNNING;
    status.dwControlsAccepted = SERVICE_ACCEPT_STOP;
    SetServiceStatus(handle, &status);
    WaitForSingleObject(stop, INFINITE);
    status.dwCurrentState = SERVICE_STOPPED;
    SetServiceStatus(handle, &status);
}

int main(void)
{
    SERVICE_TABLE_ENTRYW table[] = {{(WCHAR *)L"napbench-null", service_main}, {NULL, NULL}};

    return StartServiceCtrlDispatcherW(table) ? 0 : 1;
}
