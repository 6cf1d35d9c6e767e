/* A plain diagnostic log file for whoever debugs the service: the SCM gives a service no console,
 * and Wine's event log stores nothing. */
#include "napagent.h"
#include <shlobj.h>
#include <stdarg.h>
#include <stdio.h>

static FILE *log_file;
static CRITICAL_SECTION log_lock;
static BOOL log_lock_ready;

void service_log_open(void)
{
    WCHAR dir[MAX_PATH], path[MAX_PATH];
    /* Not %ProgramData%: a service's environment need not have it. */
    BOOL have_dir = SUCCEEDED(SHGetFolderPathW(NULL, CSIDL_COMMON_APPDATA, NULL, SHGFP_TYPE_CURRENT, dir));

    if (!log_lock_ready)
    {
        InitializeCriticalSection(&log_lock);
        log_lock_ready = TRUE;
    }
    if (log_file || !have_dir)
        return;
    _snwprintf(path, ARRAYSIZE(path), L"%ls\\napagent", dir);
    path[ARRAYSIZE(path) - 1] = 0;
    CreateDirectoryW(path, NULL);
    wcsncat(path, L"\\napagent.log", ARRAYSIZE(path) - wcslen(path) - 1);
    log_file = _wfopen(path, L"a");
}

void service_log(const char *fmt, ...)
{
    SYSTEMTIME now;
    va_list ap;

    if (!log_lock_ready)
        return;
    EnterCriticalSection(&log_lock);
    if (log_file)
    {
        GetLocalTime(&now);
        fprintf(log_file, "%04u-%02u-%02u %02u:%02u:%02u.%03u [%lu] ", now.wYear, now.wMonth, now.wDay,
                now.wHour, now.wMinute, now.wSecond, now.wMilliseconds, GetCurrentThreadId());
        va_start(ap, fmt);
        vfprintf(log_file, fmt, ap);
        va_end(ap);
        fputc('\n', log_file);
        fflush(log_file);
    }
    LeaveCriticalSection(&log_lock);
}

void service_log_close(void)
{
    if (!log_lock_ready)
        return;
    EnterCriticalSection(&log_lock);
    if (log_file)
        fclose(log_file);
    log_file = NULL;
    LeaveCriticalSection(&log_lock);
}
