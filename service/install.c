/* napagent.exe install / uninstall: the service, the COM registration that lets activation
 * start it, qagent.dll (proxy/stubs and in-process classes), qutil.dll (the SoH helper classes)
 * and the event log source.
 * Both are idempotent: installing twice updates, uninstalling twice finds nothing to remove. */
#include "napagent.h"
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
    return EXIT_OK;
}
