/* napagent.exe --console: the same server in the foreground, stopped with Ctrl+C. */
#include "napagent.h"
#include <stdio.h>

static HANDLE console_stop;

static BOOL WINAPI on_console_ctrl(DWORD type)
{
    (void)type;
    SetEvent(console_stop);
    return TRUE;
}

static void no_progress(void)
{
}

int console_run(void)
{
    HRESULT hr;

    console_stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!console_stop)
        return EXIT_STEP_FAILED;
    SetConsoleCtrlHandler(on_console_ctrl, TRUE);
    hr = server_start(no_progress);
    if (FAILED(hr))
    {
        fwprintf(stderr, L"napagent: cannot start the server: %#lx\n", hr);
        server_stop(no_progress);
        return EXIT_STEP_FAILED;
    }
    wprintf(L"napagent running in the console; press Ctrl+C to stop.\n");
    fflush(stdout);
    WaitForSingleObject(console_stop, INFINITE);
    server_stop(no_progress);
    wprintf(L"napagent stopped.\n");
    return EXIT_OK;
}
