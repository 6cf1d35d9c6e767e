/* qutil.dll entry points: the two SoH helper classes, and regsvr32's InprocServer32 keys. */
#include "qutil.h"
#include "class_registration.h"

static HINSTANCE qutil_module;
static LONG live_objects;

static const struct {
    const CLSID *clsid;
    const WCHAR *name;
    inproc_create_fn create;
} classes[] = {
    { &CLSID_NapSoHConstructor, L"NAP SoH Constructor", soh_constructor_create },
    { &CLSID_NapSoHProcessor, L"NAP SoH Processor", soh_processor_create },
};

void qutil_object_created(void)
{
    InterlockedIncrement(&live_objects);
}

void qutil_object_destroyed(void)
{
    InterlockedDecrement(&live_objects);
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH)
    {
        qutil_module = instance;
        DisableThreadLibraryCalls(instance);
    }
    return TRUE;
}

HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID riid, void **out)
{
    if (!clsid || !riid || !out)
        return E_POINTER;
    *out = NULL;
    for (size_t i = 0; i < ARRAYSIZE(classes); i++)
        if (IsEqualCLSID(clsid, classes[i].clsid))
            return inproc_factory_create(classes[i].create, clsid, riid, out);
    return CLASS_E_CLASSNOTAVAILABLE;
}

HRESULT WINAPI DllCanUnloadNow(void)
{
    return live_objects > 0 || inproc_factories_in_use() ? S_FALSE : S_OK;
}

HRESULT WINAPI DllRegisterServer(void)
{
    WCHAR path[MAX_PATH];

    if (!class_registration_module_path(qutil_module, path))
        return E_FAIL;
    for (size_t i = 0; i < ARRAYSIZE(classes); i++)
    {
        HRESULT hr = class_registration_add(classes[i].clsid, classes[i].name, path);
        if (FAILED(hr))
            return hr;
    }
    return S_OK;
}

HRESULT WINAPI DllUnregisterServer(void)
{
    for (size_t i = 0; i < ARRAYSIZE(classes); i++)
        class_registration_remove(classes[i].clsid);
    return S_OK;
}
