/* napagent.exe install / uninstall: the service, the COM registration that lets activation
 * start it, qagent.dll (proxy/stubs and in-process classes), qutil.dll (the SoH helper classes)
 * the event log source, and the folder of the service log with its access rights.
 * Both are idempotent: installing twice updates, uninstalling twice finds nothing to remove. */
#include "napagent.h"
#include <sddl.h>
#include <stdio.h>

#define EVENTLOG_KEY L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\" NAPAGENT_SERVICE_NAME

static WCHAR exe_path[MAX_PATH];
static WCHAR qagent_path[MAX_PATH];
static WCHAR qutil_path[MAX_PATH];

/* path = the file name beside napagent.exe. */
static BOOL beside_exe(WCHAR *path, const WCHAR *name)
{
    WCHAR *slash;

    wcscpy(path, exe_path);
    slash = wcsrchr(path, '\\');
    if (!slash || (size_t)(slash + 1 - path) + wcslen(name) >= MAX_PATH)
        return FALSE;
    wcscpy(slash + 1, name);
    return TRUE;
}

static BOOL find_paths(void)
{
    DWORD len = GetModuleFileNameW(NULL, exe_path, ARRAYSIZE(exe_path));

    if (!len || len == ARRAYSIZE(exe_path))
        return FALSE;
    return beside_exe(qagent_path, NAPAGENT_QAGENT_DLL) && beside_exe(qutil_path, L"qutil.dll");
}

static void print_error(const WCHAR *step, DWORD err)
{
    WCHAR text[512] = L"";

    FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, err, 0, text,
                   ARRAYSIZE(text), NULL);
    fwprintf(stderr, L"napagent: %ls failed: error %#lx %ls\n", step, err, text);
}

static LSTATUS set_string(HKEY key, const WCHAR *name, DWORD type, const WCHAR *value)
{
    return RegSetValueExW(key, name, 0, type, (const BYTE *)value, (DWORD)((wcslen(value) + 1) * sizeof(WCHAR)));
}

static LSTATUS write_key_values(HKEY root, const WCHAR *path, const WCHAR *deflt, const WCHAR *name,
                                const WCHAR *value)
{
    HKEY key;
    LSTATUS err = RegCreateKeyExW(root, path, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL);

    if (err)
        return err;
    if (deflt)
        err = set_string(key, NULL, REG_SZ, deflt);
    if (!err && name)
        err = set_string(key, name, REG_SZ, value);
    RegCloseKey(key);
    return err;
}

static DWORD create_service(void)
{
    WCHAR command[MAX_PATH + 2];
    SERVICE_DESCRIPTIONW description = {(WCHAR *)NAPAGENT_DESCRIPTION};
    SC_HANDLE scm, service;
    DWORD err = 0;

    _snwprintf(command, ARRAYSIZE(command), L"\"%ls\"", exe_path);
    command[ARRAYSIZE(command) - 1] = 0;
    scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS);
    if (!scm)
        return GetLastError();
    service = CreateServiceW(scm, NAPAGENT_SERVICE_NAME, NAPAGENT_DISPLAY_NAME, SERVICE_ALL_ACCESS,
                             SERVICE_WIN32_OWN_PROCESS, SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, command,
                             NULL, NULL, NULL, NULL, NULL);
    if (!service && GetLastError() == ERROR_SERVICE_EXISTS)
    {
        service = OpenServiceW(scm, NAPAGENT_SERVICE_NAME, SERVICE_ALL_ACCESS);
        if (service && !ChangeServiceConfigW(service, SERVICE_WIN32_OWN_PROCESS, SERVICE_DEMAND_START,
                                             SERVICE_ERROR_NORMAL, command, NULL, NULL, NULL, NULL, NULL,
                                             NAPAGENT_DISPLAY_NAME))
            err = GetLastError();
    }
    if (!service)
        err = GetLastError();
    else
    {
        if (!err && !ChangeServiceConfig2W(service, SERVICE_CONFIG_DESCRIPTION, &description))
            err = GetLastError();
        CloseServiceHandle(service);
    }
    CloseServiceHandle(scm);
    return err;
}

static DWORD register_classes(void)
{
    WCHAR appid[40], path[64];
    LSTATUS err;

    StringFromGUID2(&napagent_appid, appid, ARRAYSIZE(appid));
    _snwprintf(path, ARRAYSIZE(path), L"AppID\\%ls", appid);
    /* LocalService makes COM start the service when a client activates one of its classes. */
    err = write_key_values(HKEY_CLASSES_ROOT, path, NAPAGENT_DISPLAY_NAME, L"LocalService", NAPAGENT_SERVICE_NAME);
    if (!err)
        err = write_key_values(HKEY_CLASSES_ROOT, L"AppID\\napagent.exe", NULL, L"AppID", appid);
    for (int i = 0; !err && served_classes[i].clsid; i++)
    {
        WCHAR clsid[40];

        StringFromGUID2(served_classes[i].clsid, clsid, ARRAYSIZE(clsid));
        _snwprintf(path, ARRAYSIZE(path), L"CLSID\\%ls", clsid);
        err = write_key_values(HKEY_CLASSES_ROOT, path, served_classes[i].name, L"AppID", appid);
    }
    return err;
}

static void unregister_classes(void)
{
    WCHAR appid[40], path[64];

    for (int i = 0; served_classes[i].clsid; i++)
    {
        WCHAR clsid[40];
        HKEY key;
        DWORD subkeys = 0;

        StringFromGUID2(served_classes[i].clsid, clsid, ARRAYSIZE(clsid));
        _snwprintf(path, ARRAYSIZE(path), L"CLSID\\%ls", clsid);
        if (RegOpenKeyExW(HKEY_CLASSES_ROOT, path, 0, KEY_ALL_ACCESS, &key))
            continue;
        RegDeleteValueW(key, L"AppID");
        RegQueryInfoKeyW(key, NULL, NULL, NULL, &subkeys, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
        RegCloseKey(key);
        /* An InprocServer32 subkey belongs to qagent.dll's registration: leave it to regsvr32 /u. */
        if (!subkeys)
            RegDeleteKeyW(HKEY_CLASSES_ROOT, path);
    }
    StringFromGUID2(&napagent_appid, appid, ARRAYSIZE(appid));
    _snwprintf(path, ARRAYSIZE(path), L"AppID\\%ls", appid);
    RegDeleteKeyW(HKEY_CLASSES_ROOT, path);
    RegDeleteKeyW(HKEY_CLASSES_ROOT, L"AppID\\napagent.exe");
}

/* Calls DllRegisterServer or DllUnregisterServer of a DLL, as regsvr32 would. */
static DWORD call_dll(const WCHAR *path, const char *entry)
{
    HMODULE module = LoadLibraryW(path);
    HRESULT (WINAPI *fn)(void);
    HRESULT hr;

    if (!module)
        return GetLastError();
    fn = (void *)GetProcAddress(module, entry);
    hr = fn ? fn() : HRESULT_FROM_WIN32(GetLastError());
    FreeLibrary(module);
    return FAILED(hr) ? (DWORD)hr : 0;
}

static DWORD register_event_source(void)
{
    HKEY key;
    DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
    LSTATUS err = RegCreateKeyExW(HKEY_LOCAL_MACHINE, EVENTLOG_KEY, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL);

    if (err)
        return err;
    err = set_string(key, L"EventMessageFile", REG_EXPAND_SZ, exe_path);
    if (!err)
        err = RegSetValueExW(key, L"TypesSupported", 0, REG_DWORD, (const BYTE *)&types, sizeof(types));
    RegCloseKey(key);
    return err;
}

/* The service log's folder, %ProgramData%\napagent (service_log.c). Anyone may create a folder
 * in %ProgramData%, so one found there is not trusted: a reparse point (a junction or symbolic
 * link) is refused; a folder is taken over: owner Administrators, the protected DACL of
 * SERVICE_LOG_FOLDER_DACL, set on that very folder through a handle opened with
 * FILE_FLAG_OPEN_REPARSE_POINT, never through a path that could be swapped meanwhile, and not
 * carried down to what is in it (that walk would follow links planted there). Of what is in it,
 * only the names the service writes or renames onto matter (napagent.log, .1, .2): one that the
 * service would not write (a link, a file with several names or another owner) is deleted, the
 * link itself, never what it points to; a folder there makes install fail. Anything else is left
 * as it is. */
static const WCHAR reparse_advice[] = L"napagent: %ls is a junction or symbolic link (a reparse point), not a folder: "
                                      L"install will not let the service write through it. Remove it (rmdir removes "
                                      L"the link, not what it points to) and run install again.\n";

static void enable_privilege(const WCHAR *name)
{
    TOKEN_PRIVILEGES privileges = {1, {{{0, 0}, SE_PRIVILEGE_ENABLED}}};
    HANDLE token;

    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES, &token))
        return;
    if (LookupPrivilegeValueW(NULL, name, &privileges.Privileges[0].Luid))
        AdjustTokenPrivileges(token, FALSE, &privileges, 0, NULL, NULL);
    CloseHandle(token);
}

/* Deletes napagent.log, .1 or .2 when the service would not write it. A folder (or a junction or
 * link to one) is left to the administrator: Wine 8's RemoveDirectoryW on a link to an empty
 * folder removes that folder, not the link. */
static BOOL clean_log_file(const WCHAR *path)
{
    DWORD attributes = GetFileAttributesW(path);
    WCHAR why[160] = L"it is a symbolic link";
    BOOL keep = FALSE;
    HANDLE file;

    if (attributes == INVALID_FILE_ATTRIBUTES)
        return TRUE;
    if (attributes & FILE_ATTRIBUTE_DIRECTORY)
    {
        fwprintf(stderr, L"napagent: %ls is a folder, or a junction or symbolic link to one, where the service "
                 L"keeps a log file: remove it (rmdir removes a link, not what it points to) and run install "
                 L"again\n", path);
        return FALSE;
    }
    if (!(attributes & FILE_ATTRIBUTE_REPARSE_POINT))
    {
        file = CreateFileW(path, READ_CONTROL | FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT, NULL);
        if (file == INVALID_HANDLE_VALUE)
            _snwprintf(why, ARRAYSIZE(why), L"it cannot be opened (error %lu)", GetLastError());
        else
        {
            keep = service_log_check_handle(file, FALSE, why, ARRAYSIZE(why));
            CloseHandle(file);
        }
    }
    if (keep)
        return TRUE;
    /* Of a link, DeleteFileW removes the link itself. */
    if (!DeleteFileW(path))
    {
        fwprintf(stderr, L"napagent: %ls cannot be used as the service log (%ls) and cannot be removed (error %lu): "
                 L"remove it and run install again\n", path, why, GetLastError());
        return FALSE;
    }
    wprintf(L"removed %ls: %ls\n", path, why);
    return TRUE;
}

static BOOL secure_log_folder(void)
{
    WCHAR folder[MAX_PATH], path[MAX_PATH], why[160];
    SECURITY_ATTRIBUTES sa = {sizeof(sa), NULL, FALSE};
    HANDLE owner_handle = INVALID_HANDLE_VALUE, dacl_handle = INVALID_HANDLE_VALUE;
    BY_HANDLE_FILE_INFORMATION info;
    BOOL created = FALSE, done = FALSE;
    DWORD attributes;

    if (!service_log_folder(folder))
    {
        fwprintf(stderr, L"napagent: cannot find the common application data folder (%%ProgramData%%)\n");
        return FALSE;
    }
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(L"O:BA" SERVICE_LOG_FOLDER_DACL, SDDL_REVISION_1,
                                                              &sa.lpSecurityDescriptor, NULL))
    {
        print_error(L"building the service log folder's security descriptor", GetLastError());
        return FALSE;
    }
    attributes = GetFileAttributesW(folder);
    if (attributes == INVALID_FILE_ATTRIBUTES)
    {
        created = CreateDirectoryW(folder, &sa);
        if (!created && GetLastError() != ERROR_ALREADY_EXISTS)
        {
            print_error(L"creating the service log folder", GetLastError());
            goto out;
        }
        attributes = GetFileAttributesW(folder);
    }
    if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_REPARSE_POINT))
    {
        fwprintf(stderr, reparse_advice, folder);
        goto out;
    }
    if (attributes != INVALID_FILE_ATTRIBUTES && !(attributes & FILE_ATTRIBUTE_DIRECTORY))
    {
        fwprintf(stderr, L"napagent: %ls is a file, not a folder: remove it and run install again\n", folder);
        goto out;
    }
    /* Ownership first (an administrator may take it whatever the DACL says), then, as the owner,
     * the DACL: through the same open folder, so nothing can be swapped in between. The restore
     * privilege lets the second open (backup semantics) have WRITE_DAC even if the folder's DACL
     * limits what its owner may do (an OWNER RIGHTS entry). */
    enable_privilege(SE_TAKE_OWNERSHIP_NAME);
    enable_privilege(SE_RESTORE_NAME);
    owner_handle = CreateFileW(folder, WRITE_OWNER | FILE_READ_ATTRIBUTES | SYNCHRONIZE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                               NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (owner_handle == INVALID_HANDLE_VALUE)
    {
        print_error(L"opening the service log folder", GetLastError());
        goto out;
    }
    /* The folder as opened, not as the path said a moment ago: nothing is changed on a link. */
    if (!GetFileInformationByHandle(owner_handle, &info) || (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
        || !(info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
    {
        fwprintf(stderr, reparse_advice, folder);
        goto out;
    }
    if (!SetKernelObjectSecurity(owner_handle, OWNER_SECURITY_INFORMATION, sa.lpSecurityDescriptor))
    {
        print_error(L"making Administrators the owner of the service log folder", GetLastError());
        goto out;
    }
    dacl_handle = ReOpenFile(owner_handle, READ_CONTROL | WRITE_DAC | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
                             FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT);
    if (dacl_handle == INVALID_HANDLE_VALUE)
    {
        print_error(L"opening the service log folder as its owner", GetLastError());
        goto out;
    }
    if (!SetKernelObjectSecurity(dacl_handle, DACL_SECURITY_INFORMATION, sa.lpSecurityDescriptor))
    {
        print_error(L"setting the service log folder's access rights", GetLastError());
        goto out;
    }
    /* What the service will check, asked the way the service asks. */
    if (!service_log_check_handle(dacl_handle, TRUE, why, ARRAYSIZE(why)))
    {
        if (wcsstr(why, L"reparse point"))
            fwprintf(stderr, reparse_advice, folder);
        else
            fwprintf(stderr, L"napagent: %ls cannot hold the service log: %ls\n", folder, why);
        goto out;
    }
    done = TRUE;
    for (int generation = 0; done && generation <= SERVICE_LOG_GENERATIONS; generation++)
    {
        if (generation)
            _snwprintf(path, ARRAYSIZE(path), L"%ls\\" SERVICE_LOG_FILE_NAME L".%d", folder, generation);
        else
            _snwprintf(path, ARRAYSIZE(path), L"%ls\\" SERVICE_LOG_FILE_NAME, folder);
        path[ARRAYSIZE(path) - 1] = 0;
        done = clean_log_file(path);
    }
    if (done)
        wprintf(L"%ls the service log folder %ls (SYSTEM and Administrators: full control; "
                L"Authenticated Users: read)\n", created ? L"created" : L"secured", folder);
out:
    if (dacl_handle != INVALID_HANDLE_VALUE)
        CloseHandle(dacl_handle);
    if (owner_handle != INVALID_HANDLE_VALUE)
        CloseHandle(owner_handle);
    LocalFree(sa.lpSecurityDescriptor);
    return done;
}

/* Stops the service if it runs (waiting up to its stop hint) and deletes it. */
static DWORD delete_service(BOOL *was_installed)
{
    SC_HANDLE scm, service;
    SERVICE_STATUS status;
    DWORD err = 0;

    *was_installed = FALSE;
    scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS);
    if (!scm)
        return GetLastError();
    service = OpenServiceW(scm, NAPAGENT_SERVICE_NAME, SERVICE_ALL_ACCESS);
    if (!service)
    {
        err = GetLastError();
        CloseServiceHandle(scm);
        return err == ERROR_SERVICE_DOES_NOT_EXIST ? 0 : err;
    }
    *was_installed = TRUE;
    if (ControlService(service, SERVICE_CONTROL_STOP, &status))
    {
        for (int waited = 0; waited < 10000 && status.dwCurrentState != SERVICE_STOPPED; waited += 100)
        {
            Sleep(100);
            if (!QueryServiceStatus(service, &status))
                break;
        }
    }
    if (!DeleteService(service) && GetLastError() != ERROR_SERVICE_MARKED_FOR_DELETE)
        err = GetLastError();
    CloseServiceHandle(service);
    CloseServiceHandle(scm);
    return err;
}

int install_service(void)
{
    DWORD err;

    if (!find_paths())
    {
        fwprintf(stderr, L"napagent: cannot determine the path of napagent.exe\n");
        return EXIT_STEP_FAILED;
    }
    if (GetFileAttributesW(qagent_path) == INVALID_FILE_ATTRIBUTES)
    {
        fwprintf(stderr, L"napagent: %ls is missing: install needs qagent.dll beside napagent.exe\n", qagent_path);
        return EXIT_STEP_FAILED;
    }
    if (GetFileAttributesW(qutil_path) == INVALID_FILE_ATTRIBUTES)
    {
        fwprintf(stderr, L"napagent: %ls is missing: install needs qutil.dll beside napagent.exe\n", qutil_path);
        return EXIT_STEP_FAILED;
    }
    /* First: an install that refuses the log folder has changed nothing else. */
    if (!secure_log_folder())
        return EXIT_STEP_FAILED;
    if ((err = create_service()))
    {
        print_error(L"creating the napagent service", err);
        return EXIT_STEP_FAILED;
    }
    wprintf(L"installed service 'napagent' (%ls)\n", exe_path);
    if ((err = register_classes()))
    {
        print_error(L"registering the COM classes", err);
        return EXIT_STEP_FAILED;
    }
    wprintf(L"registered the COM classes (activation starts the service)\n");
    if ((err = call_dll(qagent_path, "DllRegisterServer")))
    {
        print_error(L"registering qagent.dll", err);
        return EXIT_STEP_FAILED;
    }
    wprintf(L"registered %ls (proxy/stubs and in-process classes)\n", qagent_path);
    if ((err = call_dll(qutil_path, "DllRegisterServer")))
    {
        print_error(L"registering qutil.dll", err);
        return EXIT_STEP_FAILED;
    }
    wprintf(L"registered %ls (SoH constructor and processor)\n", qutil_path);
    if ((err = register_event_source()))
    {
        print_error(L"registering the event log source", err);
        return EXIT_STEP_FAILED;
    }
    wprintf(L"registered event log source 'napagent'\n");
    return EXIT_OK;
}

int uninstall_service(void)
{
    WCHAR log_folder[MAX_PATH];
    BOOL was_installed;
    DWORD err;

    if (!find_paths())
    {
        fwprintf(stderr, L"napagent: cannot determine the path of napagent.exe\n");
        return EXIT_STEP_FAILED;
    }
    if ((err = delete_service(&was_installed)))
    {
        print_error(L"deleting the napagent service", err);
        return EXIT_STEP_FAILED;
    }
    wprintf(was_installed ? L"removed service 'napagent'\n" : L"service 'napagent' was not installed\n");
    /* qagent.dll may already be gone; its keys are removed below only through it. */
    if (GetFileAttributesW(qagent_path) != INVALID_FILE_ATTRIBUTES && (err = call_dll(qagent_path, "DllUnregisterServer")))
        print_error(L"unregistering qagent.dll", err);
    else
        wprintf(L"unregistered %ls\n", qagent_path);
    if (GetFileAttributesW(qutil_path) != INVALID_FILE_ATTRIBUTES && (err = call_dll(qutil_path, "DllUnregisterServer")))
        print_error(L"unregistering qutil.dll", err);
    else
        wprintf(L"unregistered %ls\n", qutil_path);
    unregister_classes();
    wprintf(L"removed the COM class registration\n");
    RegDeleteKeyW(HKEY_LOCAL_MACHINE, EVENTLOG_KEY);
    wprintf(L"removed event log source 'napagent'\n");
    /* The log is what an administrator reads after a failure, uninstall included; a later
     * install secures the folder again. */
    if (service_log_folder(log_folder))
        wprintf(L"kept the service log folder %ls (delete it if its logs are no longer wanted)\n", log_folder);
    return EXIT_OK;
}
