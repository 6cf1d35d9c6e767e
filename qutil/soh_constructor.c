/* NapSoHConstructor (INapSoHConstructor): an SHA or SHV builds one SoH attribute by attribute.
 *
 * Choices where the documentation is silent (docs/soh.md, "qutil.dll"):
 * - Initialize may be called again: it starts a new SoH ("once per packet").
 * - AppendAttribute before Initialize, and GetSoH before it, answer NAP_E_NOT_INITIALIZED.
 * - AppendAttribute refuses SystemHealthId (Initialize writes it), a type above 14 bits, a value
 *   out of its range, and a second IPv4 or IPv6 fixup server list in a response, with
 *   E_INVALIDARG: each would make GetSoH return an SoH that Validate refuses. The 101st attribute
 *   is E_OUTOFMEMORY, the documented "system resource limit".
 * - NULL pointers are E_POINTER; Validate answers S_OK or NAP_E_INVALID_PACKET. */
#include "qutil.h"

struct soh_constructor
{
    INapSoHConstructor INapSoHConstructor_iface;
    LONG ref;
    SRWLOCK lock;
    BOOL initialized;
    BOOL is_request;
    UINT16 count;
    struct soh_attribute attributes[SOH_MAX_ATTRIBUTE_COUNT];   /* values owned, HeapAlloc'd */
};

static inline struct soh_constructor *impl_from_INapSoHConstructor(INapSoHConstructor *iface)
{
    return CONTAINING_RECORD(iface, struct soh_constructor, INapSoHConstructor_iface);
}

static void clear_attributes(struct soh_constructor *c)
{
    for (UINT16 i = 0; i < c->count; i++)
        HeapFree(GetProcessHeap(), 0, (void *)c->attributes[i].value);
    c->count = 0;
}

/* Encodes v into a new value buffer and appends it. */
static HRESULT append(struct soh_constructor *c, UINT16 type, const union soh_value *v)
{
    enum soh_error e;
    size_t size = soh_value_wire_size(type, v, &e);
    uint16_t written;
    BYTE *value;

    if (e != SOH_OK)
        return E_INVALIDARG;
    if (c->count == SOH_MAX_ATTRIBUTE_COUNT)
        return E_OUTOFMEMORY;
    if (!(value = HeapAlloc(GetProcessHeap(), 0, size ? size : 1)))
        return E_OUTOFMEMORY;
    if (soh_value_encode(type, v, value, size, &written) != SOH_OK)
    {
        HeapFree(GetProcessHeap(), 0, value);
        return E_INVALIDARG;
    }
    c->attributes[c->count].type = type;
    c->attributes[c->count].size = written;
    c->attributes[c->count].value = value;
    c->count++;
    return S_OK;
}

static BOOL has_type(const struct soh_constructor *c, UINT16 type)
{
    for (UINT16 i = 0; i < c->count; i++)
        if (c->attributes[i].type == type)
            return TRUE;
    return FALSE;
}

static HRESULT WINAPI soh_constructor_QueryInterface(INapSoHConstructor *iface, REFIID riid, void **out)
{
    if (!out)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_INapSoHConstructor))
    {
        *out = iface;
        INapSoHConstructor_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI soh_constructor_AddRef(INapSoHConstructor *iface)
{
    return InterlockedIncrement(&impl_from_INapSoHConstructor(iface)->ref);
}

static ULONG WINAPI soh_constructor_Release(INapSoHConstructor *iface)
{
    struct soh_constructor *c = impl_from_INapSoHConstructor(iface);
    ULONG ref = InterlockedDecrement(&c->ref);

    if (!ref)
    {
        clear_attributes(c);
        HeapFree(GetProcessHeap(), 0, c);
        qutil_object_destroyed();
    }
    return ref;
}

static HRESULT WINAPI soh_constructor_Initialize(INapSoHConstructor *iface, SystemHealthEntityId id, BOOL isRequest)
{
    struct soh_constructor *c = impl_from_INapSoHConstructor(iface);
    union soh_value v = { .id = id };
    HRESULT hr;

    AcquireSRWLockExclusive(&c->lock);
    clear_attributes(c);
    c->is_request = isRequest;
    hr = append(c, SOH_ATTR_SYSTEM_HEALTH_ID, &v);
    c->initialized = SUCCEEDED(hr);
    ReleaseSRWLockExclusive(&c->lock);
    return hr;
}

static HRESULT WINAPI soh_constructor_AppendAttribute(INapSoHConstructor *iface, SoHAttributeType type,
                                                      const SoHAttributeValue *value)
{
    struct soh_constructor *c = impl_from_INapSoHConstructor(iface);
    union soh_value v;
    HRESULT hr;

    if (!value)
        return E_POINTER;
    if (type == sohAttributeTypeSystemHealthId)
        return E_INVALIDARG;
    hr = attribute_value_borrow(type, value, &v);
    if (FAILED(hr))
        return hr;
    AcquireSRWLockExclusive(&c->lock);
    if (!c->initialized)
        hr = NAP_E_NOT_INITIALIZED;
    else if (!c->is_request && (type == sohAttributeTypeIpv4FixupServers || type == sohAttributeTypeIpv6FixupServers)
             && has_type(c, (UINT16)type))
        hr = E_INVALIDARG;
    else
        hr = append(c, (UINT16)type, &v);
    ReleaseSRWLockExclusive(&c->lock);
    return hr;
}

static HRESULT WINAPI soh_constructor_GetSoH(INapSoHConstructor *iface, SoH **soh)
{
    struct soh_constructor *c = impl_from_INapSoHConstructor(iface);
    HRESULT hr;

    if (!soh)
        return E_POINTER;
    *soh = NULL;
    AcquireSRWLockShared(&c->lock);
    hr = c->initialized ? soh_to_com(c->attributes, c->count, soh) : NAP_E_NOT_INITIALIZED;
    ReleaseSRWLockShared(&c->lock);
    return hr;
}

static HRESULT WINAPI soh_constructor_Validate(INapSoHConstructor *iface, const SoH *soh, BOOL isRequest)
{
    struct soh_attribute views[SOH_MAX_ATTRIBUTE_COUNT];
    UINT16 count;
    HRESULT hr;

    (void)iface;
    if (!soh)
        return E_POINTER;
    hr = soh_views_from_com(soh, views, &count);
    if (FAILED(hr))
        return hr;
    return soh_attributes_validate(views, count, isRequest) == SOH_OK ? S_OK : NAP_E_INVALID_PACKET;
}

static const INapSoHConstructorVtbl soh_constructor_vtbl = {
    soh_constructor_QueryInterface,
    soh_constructor_AddRef,
    soh_constructor_Release,
    soh_constructor_Initialize,
    soh_constructor_AppendAttribute,
    soh_constructor_GetSoH,
    soh_constructor_Validate,
};

HRESULT soh_constructor_create(REFCLSID clsid, REFIID riid, void **out)
{
    struct soh_constructor *c = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*c));
    HRESULT hr;

    (void)clsid;
    if (!c)
        return E_OUTOFMEMORY;
    c->INapSoHConstructor_iface.lpVtbl = &soh_constructor_vtbl;
    c->ref = 1;
    InitializeSRWLock(&c->lock);
    qutil_object_created();
    hr = INapSoHConstructor_QueryInterface(&c->INapSoHConstructor_iface, riid, out);
    INapSoHConstructor_Release(&c->INapSoHConstructor_iface);
    return hr;
}
