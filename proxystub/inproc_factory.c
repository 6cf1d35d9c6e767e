/* The class factory of napagent's servers (qagent.dll, qutil.dll, the service): which object it
 * makes is the create function's business, the factory only counts itself and its locks. */
#include "inproc_factory.h"

struct inproc_factory
{
    IClassFactory IClassFactory_iface;
    LONG ref;
    CLSID clsid;
    inproc_create_fn create;
};

static LONG live_factories;
static LONG server_locks;

static inline struct inproc_factory *impl_from_IClassFactory(IClassFactory *iface)
{
    return CONTAINING_RECORD(iface, struct inproc_factory, IClassFactory_iface);
}

static HRESULT WINAPI inproc_factory_QueryInterface(IClassFactory *iface, REFIID riid, void **out)
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

static ULONG WINAPI inproc_factory_AddRef(IClassFactory *iface)
{
    return InterlockedIncrement(&impl_from_IClassFactory(iface)->ref);
}

static ULONG WINAPI inproc_factory_Release(IClassFactory *iface)
{
    struct inproc_factory *factory = impl_from_IClassFactory(iface);
    ULONG ref = InterlockedDecrement(&factory->ref);

    if (!ref)
    {
        HeapFree(GetProcessHeap(), 0, factory);
        InterlockedDecrement(&live_factories);
    }
    return ref;
}

static HRESULT WINAPI inproc_factory_CreateInstance(IClassFactory *iface, IUnknown *outer,
                                                        REFIID riid, void **out)
{
    struct inproc_factory *factory = impl_from_IClassFactory(iface);

    if (!out)
        return E_POINTER;
    *out = NULL;
    /* No NAP class supports aggregation (and a forwarded object lives in another process). */
    if (outer)
        return CLASS_E_NOAGGREGATION;
    return factory->create(&factory->clsid, riid, out);
}

static HRESULT WINAPI inproc_factory_LockServer(IClassFactory *iface, BOOL lock)
{
    (void)iface;
    if (lock)
        InterlockedIncrement(&server_locks);
    else
        InterlockedDecrement(&server_locks);
    return S_OK;
}

static const IClassFactoryVtbl inproc_factory_vtbl = {
    inproc_factory_QueryInterface,
    inproc_factory_AddRef,
    inproc_factory_Release,
    inproc_factory_CreateInstance,
    inproc_factory_LockServer,
};

HRESULT inproc_factory_create(inproc_create_fn create, REFCLSID clsid, REFIID riid, void **out)
{
    struct inproc_factory *factory;
    HRESULT hr;

    factory = HeapAlloc(GetProcessHeap(), 0, sizeof(*factory));
    if (!factory)
        return E_OUTOFMEMORY;
    factory->IClassFactory_iface.lpVtbl = &inproc_factory_vtbl;
    factory->ref = 1;
    factory->clsid = *clsid;
    factory->create = create;
    InterlockedIncrement(&live_factories);
    hr = IClassFactory_QueryInterface(&factory->IClassFactory_iface, riid, out);
    IClassFactory_Release(&factory->IClassFactory_iface);
    return hr;
}

BOOL inproc_factories_in_use(void)
{
    return live_factories > 0 || server_locks > 0;
}
