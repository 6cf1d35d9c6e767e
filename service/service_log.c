/* A plain diagnostic log file for whoever debugs the service: the SCM gives a service no console,
 * and Wine's event log stores nothing.
 *
 * The service runs as LocalSystem and the file is under %ProgramData%, where any user may create
 * a folder. So the file is written only where nobody but SYSTEM and administrators can have
 * redirected it (docs/operations.md, "The service log"). Before the file is opened, and again
 * before each rotation:
 *  - the folder must not be a reparse point (a junction or symbolic link), asked by path and
 *    again through a handle opened with FILE_FLAG_OPEN_REPARSE_POINT, and must be owned by
 *    SYSTEM, Administrators or the service's own account. That handle is kept while the file is
 *    written and does not share delete: the folder cannot be renamed or replaced meanwhile;
 *  - the file is opened with FILE_FLAG_OPEN_REPARSE_POINT (a link is opened as itself, never
 *    followed) and checked through that handle: no reparse point, no folder, one name (no hard
 *    link to a file elsewhere), a trusted owner.
 * When a check fails nothing more is written this run, the reason goes to Event Viewer (event
 * 126) and the service carries on. A missing folder is created with the folder's own DACL, as
 * napagent.exe install creates it (SERVICE_LOG_FOLDER_DACL), never with the inherited one.
 *
 * The file never grows past its cap (Parameters\LogMaxBytes, read at the agent's start): the
 * line that would take it past goes to a new file, after napagent.log.1 became napagent.log.2
 * and napagent.log became napagent.log.1. */
#include "napagent.h"
#include "event_log.h"
#include "events.h"
#include <aclapi.h>
#include <sddl.h>
#include <shlobj.h>
#include <stdarg.h>
#include <stdio.h>

/* How long a line may be; a longer one is cut and ends with "...". */
#define LINE_MAX_BYTES 4096
/* While napagent.log cannot be renamed (another program holds it open without delete sharing),
 * lines are dropped and the rename is tried again at most this often. */
#define ROTATION_RETRY_MS 1000

enum log_state
{
    LOG_CLOSED,  /* not opened, closed, or no %ProgramData% */
    LOG_OPEN,    /* lines are written */
    LOG_BLOCKED, /* the file is full and could not be rotated: lines are dropped, rotation retried */
    LOG_REFUSED, /* a check failed: nothing more is written this run */
};

static CRITICAL_SECTION log_lock;
static BOOL log_lock_ready;
/* Everything below is guarded by log_lock. */
static enum log_state log_state;
static HANDLE log_folder = INVALID_HANDLE_VALUE, log_file = INVALID_HANDLE_VALUE;
static WCHAR folder_path[MAX_PATH], file_path[MAX_PATH];
static ULONGLONG log_size;
static DWORD max_bytes = SERVICE_LOG_DEFAULT_MAX_BYTES;
static DWORD last_rotation_try, dropped_lines;
static char line[LINE_MAX_BYTES + 3];
/* Why the file stopped, for event 126; events_ready once the event log is open. */
static WCHAR stop_object[MAX_PATH], stop_reason[200];
static BOOL stop_unreported, events_ready;

BOOL service_log_folder(WCHAR path[MAX_PATH])
{
    WCHAR dir[MAX_PATH];

    /* Not %ProgramData%: a service's environment need not have it. */
    if (FAILED(SHGetFolderPathW(NULL, CSIDL_COMMON_APPDATA, NULL, SHGFP_TYPE_CURRENT, dir)))
        return FALSE;
    return _snwprintf(path, MAX_PATH, L"%ls\\napagent", dir) > 0 && path[MAX_PATH - 1] == 0;
}

static BOOL explain(WCHAR *why, size_t len, const WCHAR *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    _vsnwprintf(why, len, fmt, ap);
    va_end(ap);
    why[len - 1] = 0;
    return FALSE;
}

/* SYSTEM, Administrators, or the account this process runs as: LocalSystem for the service on
 * Windows; under Wine the Unix user, whom Wine 8 reports as the owner of every file of theirs.
 * The writer's own account gains nothing by redirecting the writer. */
static BOOL trusted_owner(PSID owner)
{
    union
    {
        TOKEN_USER user;
        BYTE bytes[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
    } self;
    HANDLE token;
    DWORD size;
    BOOL own = FALSE;

    if (IsWellKnownSid(owner, WinLocalSystemSid) || IsWellKnownSid(owner, WinBuiltinAdministratorsSid))
        return TRUE;
    if (OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
    {
        own = GetTokenInformation(token, TokenUser, &self, sizeof(self), &size) && EqualSid(owner, self.user.User.Sid);
        CloseHandle(token);
    }
    return own;
}

BOOL service_log_check_handle(HANDLE handle, BOOL folder, WCHAR *why, size_t why_len)
{
    BY_HANDLE_FILE_INFORMATION info;
    PSECURITY_DESCRIPTOR sd = NULL;
    PSID owner = NULL;
    WCHAR *text = NULL;
    DWORD err;
    BOOL trusted;

    if (!GetFileInformationByHandle(handle, &info))
        return explain(why, why_len, L"its attributes cannot be read (error %lu)", GetLastError());
    if (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
        return explain(why, why_len, L"it is a junction or symbolic link (a reparse point)");
    if (!(info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) == !!folder)
        return explain(why, why_len, folder ? L"it is not a folder" : L"it is a folder");
    if (!folder && info.nNumberOfLinks != 1)
        return explain(why, why_len, L"it has %lu names (hard links): writing it would change a file elsewhere",
                       info.nNumberOfLinks);
    err = GetSecurityInfo(handle, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION, &owner, NULL, NULL, NULL, &sd);
    if (err)
        return explain(why, why_len, L"its owner cannot be read (error %lu)", err);
    trusted = owner && trusted_owner(owner);
    if (!trusted)
    {
        if (owner)
            ConvertSidToStringSidW(owner, &text);
        explain(why, why_len, L"its owner is %ls, not SYSTEM or Administrators", text ? text : L"unknown");
        LocalFree(text);
    }
    LocalFree(sd);
    return trusted;
}

static void close_handles(void)
{
    if (log_file != INVALID_HANDLE_VALUE)
        CloseHandle(log_file);
    if (log_folder != INVALID_HANDLE_VALUE)
        CloseHandle(log_folder);
    log_file = log_folder = INVALID_HANDLE_VALUE;
}

/* The file stops (for good when `state` is LOG_REFUSED); the reason is reported once (event
 * 126) outside the lock, by report_stop. */
static BOOL stop(enum log_state state, const WCHAR *object, const WCHAR *fmt, ...)
{
    va_list ap;

    close_handles();
    log_state = state;
    wcsncpy(stop_object, object, ARRAYSIZE(stop_object) - 1);
    va_start(ap, fmt);
    _vsnwprintf(stop_reason, ARRAYSIZE(stop_reason), fmt, ap);
    va_end(ap);
    stop_reason[ARRAYSIZE(stop_reason) - 1] = 0;
    stop_unreported = TRUE;
    return FALSE;
}

/* Called without the lock: reports a stop recorded since the last call, once the event log is
 * open (service_log_configure). */
static void report_stop(void)
{
    WCHAR object[MAX_PATH], reason[ARRAYSIZE(stop_reason)];
    const WCHAR *strings[2] = {object, reason};
    BOOL due;

    EnterCriticalSection(&log_lock);
    due = stop_unreported && events_ready;
    if (due)
    {
        wcscpy(object, stop_object);
        wcscpy(reason, stop_reason);
        stop_unreported = FALSE;
    }
    LeaveCriticalSection(&log_lock);
    if (due)
        event_log_report(EVENTLOG_WARNING_TYPE, NAPAGENT_EVENT_LOG_NOT_WRITTEN, 2, strings);
}

/* Opens (creating it if missing) and checks the folder: log_folder, or LOG_REFUSED. */
static BOOL open_folder(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof(sa), NULL, FALSE};
    WCHAR why[160];
    DWORD attributes = GetFileAttributesW(folder_path);

    if (attributes == INVALID_FILE_ATTRIBUTES
        && ConvertStringSecurityDescriptorToSecurityDescriptorW(SERVICE_LOG_FOLDER_DACL, SDDL_REVISION_1,
                                                                &sa.lpSecurityDescriptor, NULL))
    {
        CreateDirectoryW(folder_path, &sa);
        LocalFree(sa.lpSecurityDescriptor);
        attributes = GetFileAttributesW(folder_path);
    }
    if (attributes == INVALID_FILE_ATTRIBUTES)
        return stop(LOG_REFUSED, folder_path, L"it cannot be created (error %lu)", GetLastError());
    if (attributes & FILE_ATTRIBUTE_REPARSE_POINT)
        return stop(LOG_REFUSED, folder_path, L"it is a junction or symbolic link (a reparse point)");
    /* FILE_LIST_DIRECTORY is a data access: without it the missing delete sharing would not count. */
    log_folder = CreateFileW(folder_path, FILE_LIST_DIRECTORY | READ_CONTROL | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
                             FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                             FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (log_folder == INVALID_HANDLE_VALUE)
        return stop(LOG_REFUSED, folder_path, L"it cannot be opened (error %lu)", GetLastError());
    if (!service_log_check_handle(log_folder, TRUE, why, ARRAYSIZE(why)))
        return stop(LOG_REFUSED, folder_path, L"%ls", why);
    return TRUE;
}

/* Opens and checks napagent.log in the open folder: LOG_OPEN, or LOG_REFUSED. */
static BOOL open_file(void)
{
    WCHAR why[160];
    LARGE_INTEGER size;

    /* FILE_APPEND_DATA without FILE_WRITE_DATA: every write goes to the end. */
    log_file = CreateFileW(file_path, FILE_APPEND_DATA | FILE_READ_ATTRIBUTES | READ_CONTROL | SYNCHRONIZE,
                           FILE_SHARE_READ, NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT,
                           NULL);
    if (log_file == INVALID_HANDLE_VALUE)
        return stop(LOG_REFUSED, file_path, L"it cannot be opened (error %lu)", GetLastError());
    if (!service_log_check_handle(log_file, FALSE, why, ARRAYSIZE(why)))
        return stop(LOG_REFUSED, file_path, L"%ls", why);
    log_size = GetFileSizeEx(log_file, &size) ? (ULONGLONG)size.QuadPart : 0;
    log_state = LOG_OPEN;
    return TRUE;
}

static void write_bytes(const char *bytes, size_t len)
{
    DWORD written = 0;

    if (WriteFile(log_file, bytes, (DWORD)len, &written, NULL))
        log_size += written;
}

/* napagent.log.N (0: napagent.log itself). */
static void generation_path(WCHAR path[MAX_PATH], int generation)
{
    if (generation)
        _snwprintf(path, MAX_PATH, L"%ls.%d", file_path, generation);
    else
        _snwprintf(path, MAX_PATH, L"%ls", file_path);
    path[MAX_PATH - 1] = 0;
}

/* Renames the open `file` to `to`, replacing a file of that name. */
static BOOL rename_open_file(HANDLE file, const WCHAR *to)
{
    union
    {
        FILE_RENAME_INFO info;
        BYTE bytes[sizeof(FILE_RENAME_INFO) + MAX_PATH * sizeof(WCHAR)];
    } rename;
    size_t len = wcslen(to);

    memset(&rename, 0, sizeof(rename));
    rename.info.ReplaceIfExists = TRUE;
    rename.info.FileNameLength = (DWORD)(len * sizeof(WCHAR));
    memcpy(rename.info.FileName, to, (len + 1) * sizeof(WCHAR));
    return SetFileInformationByHandle(file, FileRenameInfo, &rename, sizeof(rename));
}

/* The file is full: the same checks as at the start, then napagent.log.1 becomes .2 (an older .2
 * is replaced), napagent.log becomes .1 and a new napagent.log is opened. napagent.log is opened
 * for delete first: if another program keeps it open without delete sharing, that fails and
 * nothing is renamed; the lines are dropped and this is tried again ROTATION_RETRY_MS later. */
static void rotate(void)
{
    WCHAR from[MAX_PATH], to[MAX_PATH];
    HANDLE full;
    DWORD err = 0;

    if (log_state == LOG_BLOCKED && GetTickCount() - last_rotation_try < ROTATION_RETRY_MS)
        return;
    last_rotation_try = GetTickCount();
    close_handles();
    if (!open_folder())
        return;
    full = CreateFileW(file_path, DELETE | SYNCHRONIZE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                       OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (full == INVALID_HANDLE_VALUE && (err = GetLastError()) == ERROR_FILE_NOT_FOUND)
        err = 0;
    if (full != INVALID_HANDLE_VALUE)
    {
        for (int generation = SERVICE_LOG_GENERATIONS; generation > 1; generation--)
        {
            generation_path(from, generation - 1);
            generation_path(to, generation);
            MoveFileExW(from, to, MOVEFILE_REPLACE_EXISTING); /* none yet on the first rotations */
        }
        generation_path(to, 1);
        if (!rename_open_file(full, to))
            err = GetLastError();
        CloseHandle(full);
    }
    if (err)
    {
        generation_path(to, 1);
        if (log_state != LOG_BLOCKED)
            stop(LOG_BLOCKED, file_path, L"it is full and cannot be renamed to %ls (error %lu): lines are dropped "
                 L"until it can, tried again every %u ms", to, err, ROTATION_RETRY_MS);
        close_handles();
        return;
    }
    if (open_file() && dropped_lines)
    {
        char note[120];
        int len = snprintf(note, sizeof(note), "[service log] %lu lines were dropped: the full log could not be "
                           "renamed\r\n", dropped_lines);

        write_bytes(note, (size_t)len);
        dropped_lines = 0;
    }
}

void service_log_open(void)
{
    if (!log_lock_ready)
    {
        InitializeCriticalSection(&log_lock);
        log_lock_ready = TRUE;
    }
    EnterCriticalSection(&log_lock);
    if (log_state == LOG_CLOSED && service_log_folder(folder_path))
    {
        _snwprintf(file_path, ARRAYSIZE(file_path), L"%ls\\" SERVICE_LOG_FILE_NAME, folder_path);
        file_path[ARRAYSIZE(file_path) - 1] = 0;
        if (open_folder())
            open_file();
    }
    LeaveCriticalSection(&log_lock);
}

void service_log_configure(DWORD cap)
{
    if (!log_lock_ready)
        return;
    EnterCriticalSection(&log_lock);
    max_bytes = cap;
    events_ready = TRUE;
    LeaveCriticalSection(&log_lock);
    report_stop();
}

void service_log(const char *fmt, ...)
{
    SYSTEMTIME now;
    va_list ap;
    int head, body;
    size_t len;
    BOOL report;

    if (!log_lock_ready)
        return;
    EnterCriticalSection(&log_lock);
    if (log_state == LOG_OPEN || log_state == LOG_BLOCKED)
    {
        GetLocalTime(&now);
        head = snprintf(line, LINE_MAX_BYTES, "%04u-%02u-%02u %02u:%02u:%02u.%03u [%lu] ", now.wYear, now.wMonth,
                        now.wDay, now.wHour, now.wMinute, now.wSecond, now.wMilliseconds, GetCurrentThreadId());
        va_start(ap, fmt);
        body = vsnprintf(line + head, LINE_MAX_BYTES - head, fmt, ap);
        va_end(ap);
        if (body < 0)
            body = 0;
        len = (size_t)head + (size_t)body;
        if (len >= LINE_MAX_BYTES)
        {
            len = LINE_MAX_BYTES - 1;
            memcpy(line + len - 3, "...", 3);
        }
        memcpy(line + len, "\r\n", 2);
        len += 2;
        if (log_size + len > max_bytes)
            rotate();
        if (log_state == LOG_OPEN)
            write_bytes(line, len);
        else if (log_state == LOG_BLOCKED)
            dropped_lines++;
    }
    report = stop_unreported && events_ready;
    LeaveCriticalSection(&log_lock);
    if (report)
        report_stop();
}

void service_log_close(void)
{
    if (!log_lock_ready)
        return;
    EnterCriticalSection(&log_lock);
    close_handles();
    log_state = LOG_CLOSED;
    events_ready = FALSE;
    LeaveCriticalSection(&log_lock);
}
