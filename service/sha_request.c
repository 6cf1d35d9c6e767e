/* INapSystemHealthAgentRequest (see sha_request.h). Rules where the documentation is silent
 * (choices, docs/architecture.md):
 * - SetSoHRequest checks the SoH like INapSoHConstructor::Validate checks structure (1..100
 *   attributes, each at most 4000 bytes, SystemHealthId first and only once, at most 4000 bytes
 *   in all: more could never go out in a network SoH) and that its
 *   SystemHealthId is the calling SHA's own: E_INVALIDARG otherwise, since an SoH under another
 *   SHA's id would speak for that SHA. A second SetSoHRequest replaces the first.
 * - GetSoHRequest: what the SHA set in this call, else the SoH the agent held for it, else
 *   NAP_E_NO_CACHED_SOH (documented).
 * - GetSoHResponse outside ProcessSoHResponse (no response in this request): NAP_E_MISSING_SOH. */
#include "sha_request.h" /* first: libuv wants winsock2.h before windows.h */
#include "napagent.h"
#include "resource_usage.h"
#include "soh_marshal.h"
#include "correlation_id.h"
#include <stdlib.h>

struct sha_request
{
    INapSystemHealthAgentRequest INapSystemHealthAgentRequest_iface;
    LONG ref;
    SystemHealthEntityId sha_id;
    CorrelationId correlation;
    SoH *held;
    SoH *response;
    UINT8 flags;
    SRWLOCK lock;
    /* Guarded by lock: what the SHA set. */
    uint8_t *set_wire;
    size_t set_size;
    SoH *set_soh;
    BOOL set_cache;
};

static const INapSystemHealthAgentRequestVtbl sha_request_vtbl;

static inline struct sha_request *impl_from_INapSystemHealthAgentRequest(INapSystemHealthAgentRequest *iface)
{
    return CONTAINING_RECORD(iface, struct sha_request, INapSystemHealthAgentRequest_iface);
}

static HRESULT WINAPI sha_request_QueryInterface(INapSystemHealthAgentRequest *iface, REFIID riid, void **out)
{
    if (!out)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_INapSystemHealthAgentRequest))
    {
        *out = iface;
        INapSystemHealthAgentRequest_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI sha_request_AddRef(INapSystemHealthAgentRequest *iface)
{
    return InterlockedIncrement(&impl_from_INapSystemHealthAgentRequest(iface)->ref);
}

static ULONG WINAPI sha_request_Release(INapSystemHealthAgentRequest *iface)
{
    struct sha_request *request = impl_from_INapSystemHealthAgentRequest(iface);
    ULONG ref = InterlockedDecrement(&request->ref);

    if (!ref)
    {
        soh_marshal_free(request->held);
        soh_marshal_free(request->response);
        soh_marshal_free(request->set_soh);
        free(request->set_wire);
        resource_usage_object_destroyed(SERVED_SHA_REQUEST);
        HeapFree(GetProcessHeap(), 0, request);
    }
    return ref;
}

static HRESULT WINAPI sha_request_GetCorrelationId(INapSystemHealthAgentRequest *iface, CorrelationId *id)
{
    if (!id)
        return E_POINTER;
    *id = impl_from_INapSystemHealthAgentRequest(iface)->correlation;
    return S_OK;
}

static HRESULT WINAPI sha_request_GetStringCorrelationId(INapSystemHealthAgentRequest *iface,
                                                         StringCorrelationId **id)
{
    if (!id)
        return E_POINTER;
    *id = NULL;
    return correlation_id_string(&impl_from_INapSystemHealthAgentRequest(iface)->correlation, id);
}

static HRESULT WINAPI sha_request_SetSoHRequest(INapSystemHealthAgentRequest *iface, const SoHRequest *soh,
                                                BOOL cache)
{
    struct sha_request *request = impl_from_INapSystemHealthAgentRequest(iface);
    uint8_t *wire;
    SoH *copy;
    size_t size;
    HRESULT hr;

    if (!soh)
        return E_POINTER;
    if (FAILED(hr = soh_marshal_pack(soh, TRUE, request->sha_id, &wire, &size)))
        return hr;
    /* The agent keeps its own copy: the caller's SoH is only valid during this call. */
    if (FAILED(hr = soh_marshal_unpack(wire, size, &copy)))
    {
        free(wire);
        return hr;
    }
    AcquireSRWLockExclusive(&request->lock);
    free(request->set_wire);
    soh_marshal_free(request->set_soh);
    request->set_wire = wire;
    request->set_size = size;
    request->set_soh = copy;
    request->set_cache = cache != FALSE;
    ReleaseSRWLockExclusive(&request->lock);
    return S_OK;
}

static HRESULT WINAPI sha_request_GetSoHRequest(INapSystemHealthAgentRequest *iface, SoHRequest **soh)
{
    struct sha_request *request = impl_from_INapSystemHealthAgentRequest(iface);
    HRESULT hr;

    if (!soh)
        return E_POINTER;
    *soh = NULL;
    AcquireSRWLockShared(&request->lock);
    if (request->set_soh)
        hr = soh_marshal_copy(request->set_soh, soh);
    else if (request->held)
        hr = soh_marshal_copy(request->held, soh);
    else
        hr = NAP_E_NO_CACHED_SOH;
    ReleaseSRWLockShared(&request->lock);
    return hr;
}

static HRESULT WINAPI sha_request_GetSoHResponse(INapSystemHealthAgentRequest *iface, SoHResponse **soh,
                                                 UINT8 *flags)
{
    struct sha_request *request = impl_from_INapSystemHealthAgentRequest(iface);

    if (!soh || !flags)
        return E_POINTER;
    *soh = NULL;
    *flags = 0;
    if (!request->response)
        return NAP_E_MISSING_SOH;
    *flags = request->flags;
    return soh_marshal_copy(request->response, soh);
}

static HRESULT WINAPI sha_request_GetCacheSoHFlag(INapSystemHealthAgentRequest *iface, BOOL *cache)
{
    struct sha_request *request = impl_from_INapSystemHealthAgentRequest(iface);

    if (!cache)
        return E_POINTER;
    AcquireSRWLockShared(&request->lock);
    *cache = request->set_cache;
    ReleaseSRWLockShared(&request->lock);
    return S_OK;
}

static const INapSystemHealthAgentRequestVtbl sha_request_vtbl = {
    sha_request_QueryInterface,
    sha_request_AddRef,
    sha_request_Release,
    sha_request_GetCorrelationId,
    sha_request_GetStringCorrelationId,
    sha_request_SetSoHRequest,
    sha_request_GetSoHRequest,
    sha_request_GetSoHResponse,
    sha_request_GetCacheSoHFlag,
};

HRESULT sha_request_create(const struct sha_request_init *init, INapSystemHealthAgentRequest **out)
{
    struct sha_request *request;
    HRESULT hr = S_OK;

    *out = NULL;
    if (!(request = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*request))))
        return E_OUTOFMEMORY;
    request->INapSystemHealthAgentRequest_iface.lpVtbl = &sha_request_vtbl;
    request->ref = 1;
    resource_usage_object_created(SERVED_SHA_REQUEST);
    request->sha_id = init->sha_id;
    request->flags = init->flags;
    InitializeSRWLock(&request->lock);
    correlation_id_from_core(init->correlation, &request->correlation);
    if (init->held_size)
        hr = soh_marshal_unpack(init->held, init->held_size, &request->held);
    if (SUCCEEDED(hr) && init->response_size)
        hr = soh_marshal_unpack(init->response, init->response_size, &request->response);
    if (FAILED(hr))
    {
        sha_request_Release(&request->INapSystemHealthAgentRequest_iface);
        return hr;
    }
    *out = &request->INapSystemHealthAgentRequest_iface;
    return S_OK;
}

void sha_request_take_answer(INapSystemHealthAgentRequest *iface, uint8_t **wire, size_t *size, SoH **soh,
                             BOOL *cache)
{
    struct sha_request *request = impl_from_INapSystemHealthAgentRequest(iface);

    AcquireSRWLockExclusive(&request->lock);
    *wire = request->set_wire;
    *size = request->set_size;
    *soh = request->set_soh;
    *cache = request->set_cache;
    request->set_wire = NULL;
    request->set_size = 0;
    request->set_soh = NULL;
    ReleaseSRWLockExclusive(&request->lock);
}

const SoH *sha_request_held(INapSystemHealthAgentRequest *iface)
{
    return impl_from_INapSystemHealthAgentRequest(iface)->held;
}

void sha_request_retire(INapSystemHealthAgentRequest *iface)
{
    CoDisconnectObject((IUnknown *)iface, 0);
    INapSystemHealthAgentRequest_Release(iface);
}
