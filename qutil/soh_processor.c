/* NapSoHProcessor (INapSoHProcessor): an SHA or SHV reads an SoH attribute by attribute.
 *
 * Choices where the documentation is silent (docs/soh.md, "qutil.dll"):
 * - Initialize checks the SoH with the Validate rules (NAP_E_INVALID_PACKET) and keeps a copy, so
 *   the caller may free its SoH at once; it may be called again for another SoH (a failed
 *   Initialize leaves the object uninitialized).
 * - Any other method before a successful Initialize: NAP_E_NOT_INITIALIZED.
 * - A location at or past the count: E_INVALIDARG. FindNextAttribute without a match:
 *   HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND). NULL pointers: E_POINTER. */
#include "qutil.h"

struct soh_processor
{
    INapSoHProcessor INapSoHProcessor_iface;
    LONG ref;
    SRWLOCK lock;
    BOOL initialized;
    UINT16 count;
    struct soh_attribute attributes[SOH_MAX_ATTRIBUTE_COUNT];   /* values point into storage */
    BYTE *storage;
};

static inline struct soh_processor *impl_from_INapSoHProcessor(INapSoHProcessor *iface)
{
    return CONTAINING_RECORD(iface, struct soh_processor, INapSoHProcessor_iface);
}

static void forget(struct soh_processor *p)
{
    HeapFree(GetProcessHeap(), 0, p->storage);
    p->storage = NULL;
    p->count = 0;
    p->initialized = FALSE;
}

/* Copies every value into one block owned by the processor. */
static HRESULT keep_copy(struct soh_processor *p, const struct soh_attribute *views, UINT16 count)
{
    size_t total = soh_attributes_wire_size(views, count);
    BYTE *at;

    if (!(p->storage = HeapAlloc(GetProcessHeap(), 0, total ? total : 1)))
        return E_OUTOFMEMORY;
    at = p->storage;
    for (UINT16 i = 0; i < count; i++)
    {
        p->attributes[i] = views[i];
        p->attributes[i].value = at;
        memcpy(at, views[i].value, views[i].size);
        at += views[i].size;
    }
    p->count = count;
    return S_OK;
}

static HRESULT WINAPI soh_processor_QueryInterface(INapSoHProcessor *iface, REFIID riid, void **out)
{
    if (!out)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_INapSoHProcessor))
    {
        *out = iface;
        INapSoHProcessor_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI soh_processor_AddRef(INapSoHProcessor *iface)
{
    return InterlockedIncrement(&impl_from_INapSoHProcessor(iface)->ref);
}

static ULONG WINAPI soh_processor_Release(INapSoHProcessor *iface)
{
    struct soh_processor *p = impl_from_INapSoHProcessor(iface);
    ULONG ref = InterlockedDecrement(&p->ref);

    if (!ref)
    {
        forget(p);
        HeapFree(GetProcessHeap(), 0, p);
        qutil_object_destroyed();
    }
    return ref;
}

static HRESULT WINAPI soh_processor_Initialize(INapSoHProcessor *iface, const SoH *soh, BOOL isRequest,
                                               SystemHealthEntityId *id)
{
    struct soh_processor *p = impl_from_INapSoHProcessor(iface);
    struct soh_attribute views[SOH_MAX_ATTRIBUTE_COUNT];
    UINT16 count;
    HRESULT hr;

    if (!soh || !id)
        return E_POINTER;
    hr = soh_views_from_com(soh, views, &count);
    if (SUCCEEDED(hr) && soh_attributes_validate(views, count, isRequest) != SOH_OK)
        hr = NAP_E_INVALID_PACKET;
    AcquireSRWLockExclusive(&p->lock);
    forget(p);
    if (SUCCEEDED(hr))
        hr = keep_copy(p, views, count);
    if (SUCCEEDED(hr))
    {
        p->initialized = TRUE;
        *id = soh_get_u32(p->attributes[0].value);
    }
    ReleaseSRWLockExclusive(&p->lock);
    return hr;
}

static HRESULT WINAPI soh_processor_FindNextAttribute(INapSoHProcessor *iface, UINT16 fromLocation,
                                                      SoHAttributeType type, UINT16 *attributeLocation)
{
    struct soh_processor *p = impl_from_INapSoHProcessor(iface);
    HRESULT hr = HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND);

    if (!attributeLocation)
        return E_POINTER;
    AcquireSRWLockShared(&p->lock);
    if (!p->initialized)
        hr = NAP_E_NOT_INITIALIZED;
    else if (fromLocation >= p->count)
        hr = E_INVALIDARG;
    else
        for (UINT16 i = fromLocation; i < p->count; i++)
            if (p->attributes[i].type == (unsigned)type)
            {
                *attributeLocation = i;
                hr = S_OK;
                break;
            }
    ReleaseSRWLockShared(&p->lock);
    return hr;
}

static HRESULT WINAPI soh_processor_GetAttribute(INapSoHProcessor *iface, UINT16 attributeLocation,
                                                 SoHAttributeType *type, SoHAttributeValue **value)
{
    struct soh_processor *p = impl_from_INapSoHProcessor(iface);
    HRESULT hr;

    if (!type || !value)
        return E_POINTER;
    *value = NULL;
    AcquireSRWLockShared(&p->lock);
    if (!p->initialized)
        hr = NAP_E_NOT_INITIALIZED;
    else if (attributeLocation >= p->count)
        hr = E_INVALIDARG;
    else
    {
        const struct soh_attribute *a = &p->attributes[attributeLocation];

        *type = (SoHAttributeType)a->type;
        hr = attribute_value_from_wire(*type, a->value, a->size, value);
    }
    ReleaseSRWLockShared(&p->lock);
    return hr;
}

static HRESULT WINAPI soh_processor_GetNumberOfAttributes(INapSoHProcessor *iface, UINT16 *attributeCount)
{
    struct soh_processor *p = impl_from_INapSoHProcessor(iface);
    HRESULT hr = S_OK;

    if (!attributeCount)
        return E_POINTER;
    AcquireSRWLockShared(&p->lock);
    if (p->initialized)
        *attributeCount = p->count;
    else
        hr = NAP_E_NOT_INITIALIZED;
    ReleaseSRWLockShared(&p->lock);
    return hr;
}

static const INapSoHProcessorVtbl soh_processor_vtbl = {
    soh_processor_QueryInterface,
    soh_processor_AddRef,
    soh_processor_Release,
    soh_processor_Initialize,
    soh_processor_FindNextAttribute,
    soh_processor_GetAttribute,
    soh_processor_GetNumberOfAttributes,
};

HRESULT soh_processor_create(REFCLSID clsid, REFIID riid, void **out)
{
    struct soh_processor *p = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*p));
    HRESULT hr;

    (void)clsid;
    if (!p)
        return E_OUTOFMEMORY;
    p->INapSoHProcessor_iface.lpVtbl = &soh_processor_vtbl;
    p->ref = 1;
    InitializeSRWLock(&p->lock);
    qutil_object_created();
    hr = INapSoHProcessor_QueryInterface(&p->INapSoHProcessor_iface, riid, out);
    INapSoHProcessor_Release(&p->INapSoHProcessor_iface);
    return hr;
}
