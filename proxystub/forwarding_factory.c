/* In-process class factory for a documented NAP class. SDK clients ask for CLSCTX_INPROC_SERVER;
 * the state lives in the napagent service, so the object handed out is the service's own,
 * reached through the proxy/stubs of this same DLL. Activating it also starts the service. */
#include "qagent.h"

struct forwarding_factory
{
    IClassFactory IClassFactory_iface;
    LONG ref;
    CLSID clsid;
};

static LONG live_factories;
static LONG server_locks;

static inline struct forwarding_factory *impl_from_IClassFactory(IClassFactory *iface)
{
    return CONTAINING_RECORD(iface, struct forwarding_factory, IClassFactory_iface);
}

static HRESULT WINAPI forwarding_factory_QueryInterface(IClassFactory *iface, REFIID riid, void **out)
{
    if (!out)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IClassFactory))
    {
        *out = iface;
        IClassFactory_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI forwarding_factory_AddRef(IClassFactory *iface)
{
    return InterlockedIncrement(&impl_from_IClassFactory(iface)->ref);
}

static ULONG WINAPI forwarding_factory_Release(IClassFactory *iface)
{
    struct forwarding_factory *factory = impl_from_IClassFactory(iface);
    ULONG ref = InterlockedDecrement(&factory->ref);

    if (!ref)
    {
        HeapFree(GetProcessHeap(), 0, factory);
        InterlockedDecrement(&live_factories);
    }
    return ref;
}

static HRESULT WINAPI forwarding_factory_CreateInstance(IClassFactory *iface, IUnknown *outer,
                                                        REFIID riid, void **out)
{
    struct forwarding_factory *factory = impl_from_IClassFactory(iface);

    if (!out)
        return E_POINTER;
    *out = NULL;
    /* The object lives in another process: it cannot be aggregated. */
    if (outer)
        return CLASS_E_NOAGGREGATION;
    return CoCreateInstance(&factory->clsid, NULL, CLSCTX_LOCAL_SERVER, riid, out);
}

static HRESULT WINAPI forwarding_factory_LockServer(IClassFactory *iface, BOOL lock)
{
    (void)iface;
    if (lock)
        InterlockedIncrement(&server_locks);
    else
        InterlockedDecrement(&server_locks);
    return S_OK;
}

static const IClassFactoryVtbl forwarding_factory_vtbl = {
    forwarding_factory_QueryInterface,
    forwarding_factory_AddRef,
    forwarding_factory_Release,
    forwarding_factory_CreateInstance,
    forwarding_factory_LockServer,
};

HRESULT forwarding_factory_create(REFCLSID clsid, REFIID riid, void **out)
{
    struct forwarding_factory *factory;
    HRESULT hr;

    factory = HeapAlloc(GetProcessHeap(), 0, sizeof(*factory));
    if (!factory)
        return E_OUTOFMEMORY;
    factory->IClassFactory_iface.lpVtbl = &forwarding_factory_vtbl;
    factory->ref = 1;
    factory->clsid = *clsid;
    InterlockedIncrement(&live_factories);
    hr = IClassFactory_QueryInterface(&factory->IClassFactory_iface, riid, out);
    IClassFactory_Release(&factory->IClassFactory_iface);
    return hr;
}

BOOL forwarding_factories_in_use(void)
{
    return live_factories > 0 || server_locks > 0;
}
