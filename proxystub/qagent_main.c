/* qagent.dll entry points: dispatch between the forwarded NAP classes and widl's proxy/stub
 * factory (whose entry points dlldata.c defines with the Prx prefix). */
#include "qagent.h"

BOOL WINAPI PrxDllMain(HINSTANCE instance, DWORD reason, LPVOID reserved);
HRESULT WINAPI PrxDllGetClassObject(REFCLSID clsid, REFIID riid, void **out);
HRESULT WINAPI PrxDllCanUnloadNow(void);
HRESULT WINAPI PrxDllRegisterServer(void);
HRESULT WINAPI PrxDllUnregisterServer(void);

static HINSTANCE qagent_module;

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    if (reason == DLL_PROCESS_ATTACH)
        qagent_module = instance;
    /* The proxy code needs its module handle to register itself. */
    return PrxDllMain(instance, reason, reserved);
}

HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID riid, void **out)
{
    if (!clsid || !riid || !out)
        return E_POINTER;
    if (is_forwarded_class(clsid))
        return inproc_factory_create(forward_to_service, clsid, riid, out);
    return PrxDllGetClassObject(clsid, riid, out);
}

HRESULT WINAPI DllCanUnloadNow(void)
{
    if (inproc_factories_in_use())
        return S_FALSE;
    return PrxDllCanUnloadNow();
}

HRESULT WINAPI DllRegisterServer(void)
{
    HRESULT hr = PrxDllRegisterServer();

    if (SUCCEEDED(hr))
        hr = inproc_register(qagent_module);
    return hr;
}

HRESULT WINAPI DllUnregisterServer(void)
{
    inproc_unregister();
    return PrxDllUnregisterServer();
}
