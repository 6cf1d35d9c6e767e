/* The service log's folder as napagent.exe install made it (the harness installs into a fresh
 * prefix, so install created it): not a reparse point, owned by Administrators (under Wine: by
 * the Unix user, see log_acl.h), SYSTEM and Administrators full control inherited by files,
 * Authenticated Users read at most, nobody else; and the log the service writes in it is
 * writable by nobody else either. tests/wine/log_file.t has the folders install and the service
 * must not trust, and the rotation. */
#include <windows.h>
#include <shlobj.h>
#include <stdio.h>
#include "../tap.h"
#include "wine_test.h"
#include "log_acl.h"

typedef HRESULT(WINAPI *folder_path_fn)(HWND, int, HANDLE, DWORD, WCHAR *);

/* %ProgramData%\napagent found as the service finds it (CSIDL_COMMON_APPDATA). */
static BOOL log_folder(WCHAR path[MAX_PATH])
{
    HMODULE shell32 = LoadLibraryW(L"shell32.dll");
    folder_path_fn folder_path = shell32 ? (folder_path_fn)(void *)GetProcAddress(shell32, "SHGetFolderPathW") : NULL;
    WCHAR dir[MAX_PATH];

    if (!folder_path || FAILED(folder_path(NULL, CSIDL_COMMON_APPDATA, NULL, SHGFP_TYPE_CURRENT, dir)))
        return FALSE;
    _snwprintf(path, MAX_PATH, L"%ls\\napagent", dir);
    path[MAX_PATH - 1] = 0;
    return TRUE;
}

int main(void)
{
    WCHAR folder[MAX_PATH], file[MAX_PATH];
    struct log_acl acl;
    DWORD attributes, initial_state = service_state();
    BOOL good;

    if (!ok(log_folder(folder), "the common application data folder is known"))
        return tap_done();
    attributes = GetFileAttributesW(folder);
    ok(attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY)
           && !(attributes & FILE_ATTRIBUTE_REPARSE_POINT),
       "install made %ls a plain folder: attributes %#lx", folder, attributes);

    good = log_acl_check(folder, TRUE, &acl);
    diag("folder: owner %s; %s", acl.owner, acl.aces);
    ok(good, "the folder's owner and DACL are what install sets: %s", good ? "yes" : acl.problems);
    if (acl.on_wine)
        diag("not checked under Wine: SE_DACL_PROTECTED (Wine 8 keeps none; log_acl.h)");

    /* The log the service writes there: its rights come from the folder. */
    ok(initial_state == SERVICE_RUNNING || service_start_and_wait(), "the service runs");
    _snwprintf(file, ARRAYSIZE(file), L"%ls\\napagent.log", folder);
    good = log_acl_check(file, FALSE, &acl);
    diag("napagent.log: owner %s; %s", acl.owner, acl.aces);
    ok(good, "napagent.log is writable by nobody but SYSTEM, Administrators and its owner: %s",
       good ? "yes" : acl.problems);
    if (initial_state != SERVICE_RUNNING)
        ok(service_stop_and_wait(), "the service is stopped again, as the test found it");
    return tap_done();
}
