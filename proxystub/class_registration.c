/* InprocServer32 keys of one class. napagent.exe install writes the same CLSID keys' AppID value
 * for the classes it serves; each side removes only what it wrote, and the CLSID key goes with
 * whichever side leaves it empty. */
#include "class_registration.h"
#include <stdio.h>

static void clsid_key_path(REFCLSID clsid, WCHAR *path, size_t len)
{
    WCHAR text[40];

    StringFromGUID2(clsid, text, ARRAYSIZE(text));
    _snwprintf(path, len, L"CLSID\\%ls", text);
    path[len - 1] = 0;
}

static HRESULT set_string(HKEY key, const WCHAR *name, const WCHAR *value)
{
    LSTATUS err = RegSetValueExW(key, name, 0, REG_SZ, (const BYTE *)value,
                                 (DWORD)((wcslen(value) + 1) * sizeof(WCHAR)));
    return HRESULT_FROM_WIN32(err);
}

HRESULT class_registration_add(REFCLSID clsid, const WCHAR *name, const WCHAR *dll_path)
{
    WCHAR path[64];
    HKEY class_key, server_key;
    HRESULT hr;
    LSTATUS err;

    clsid_key_path(clsid, path, ARRAYSIZE(path));
    err = RegCreateKeyExW(HKEY_CLASSES_ROOT, path, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &class_key, NULL);
    if (err)
        return HRESULT_FROM_WIN32(err);
    hr = set_string(class_key, NULL, name);
    if (SUCCEEDED(hr))
    {
        err = RegCreateKeyExW(class_key, L"InprocServer32", 0, NULL, 0, KEY_ALL_ACCESS, NULL,
                              &server_key, NULL);
        hr = HRESULT_FROM_WIN32(err);
        if (!err)
        {
            hr = set_string(server_key, NULL, dll_path);
            /* SDK clients are both STA and MTA; our objects are free-threaded or proxies. */
            if (SUCCEEDED(hr))
                hr = set_string(server_key, L"ThreadingModel", L"Both");
            RegCloseKey(server_key);
        }
    }
    RegCloseKey(class_key);
    return hr;
}

void class_registration_remove(REFCLSID clsid)
{
    WCHAR path[64];
    HKEY class_key;
    DWORD subkeys = 0, values = 0;

    clsid_key_path(clsid, path, ARRAYSIZE(path));
    if (RegOpenKeyExW(HKEY_CLASSES_ROOT, path, 0, KEY_ALL_ACCESS, &class_key))
        return;
    RegDeleteKeyW(class_key, L"InprocServer32");
    RegQueryInfoKeyW(class_key, NULL, NULL, NULL, &subkeys, NULL, NULL, &values, NULL, NULL,
                     NULL, NULL);
    RegCloseKey(class_key);
    /* Only the default value (the name) left: nobody else uses the key. */
    if (!subkeys && values <= 1)
        RegDeleteKeyW(HKEY_CLASSES_ROOT, path);
}

BOOL class_registration_module_path(HINSTANCE module, WCHAR path[MAX_PATH])
{
    DWORD len = GetModuleFileNameW(module, path, MAX_PATH);

    return len && len < MAX_PATH;
}
