/* The NAP memory utilities (naputil.h): allocations the SDK asks clients to make with them, and
 * deep frees of everything the NAP interfaces hand out. Every block is CoTaskMem, as the NAP
 * memory rules say of [out] parameters; every Free* takes NULL and frees embedded pointers.
 *
 * Choices where the documentation is silent (docs/soh.md, "qutil.dll"):
 * - Alloc* answer E_INVALIDARG (the documented error) for a NULL out pointer or string, a count
 *   above its NAP limit (1000 result codes, 20 connections) or a string above 1024 characters.
 * - FreeConnections releases every connection pointer it holds: the array is [out] with the
 *   caller's references in it.
 * - FreeNapComponentRegistrationInfoArray(count, info) takes the address of the array pointer
 *   the registration queries returned, frees the strings of count entries, the array, and sets
 *   *info to NULL. */
#define NAPAPI   /* we define them: no dllimport */
#include <naputil.h>

#include <stddef.h>

#include "qutil.h"

static void *alloc_zeroed(size_t size)
{
    void *p = CoTaskMemAlloc(size ? size : 1);

    if (p)
        memset(p, 0, size ? size : 1);
    return p;
}

/* A zeroed struct whose pointer member at array_offset gets a zeroed array of count elements
 * (none for 0): FixupInfo's result codes, Connections' slots. NULL when memory ran out. */
static void *alloc_with_array(size_t struct_size, size_t array_offset, UINT16 count, size_t element_size)
{
    BYTE *s = alloc_zeroed(struct_size);
    void *array;

    if (!s || !count)
        return s;
    if (!(array = alloc_zeroed(count * element_size)))
    {
        CoTaskMemFree(s);
        return NULL;
    }
    memcpy(s + array_offset, &array, sizeof(array));
    return s;
}

HRESULT WINAPI AllocFixupInfo(FixupInfo **fixupInfo, UINT16 countResultCodes)
{
    if (!fixupInfo || countResultCodes > SOH_MAX_RESULT_CODES)
        return E_INVALIDARG;
    *fixupInfo = alloc_with_array(sizeof(FixupInfo), offsetof(FixupInfo, resultCodes.results), countResultCodes,
                                  sizeof(HRESULT));
    if (!*fixupInfo)
        return E_OUTOFMEMORY;
    (*fixupInfo)->resultCodes.count = countResultCodes;
    return S_OK;
}

HRESULT WINAPI AllocConnections(Connections **connections, UINT16 connectionsCount)
{
    if (!connections || connectionsCount > maxConnectionCountPerEnforcer)
        return E_INVALIDARG;
    *connections = alloc_with_array(sizeof(Connections), offsetof(Connections, connections), connectionsCount,
                                    sizeof(INapEnforcementClientConnection *));
    if (!*connections)
        return E_OUTOFMEMORY;
    (*connections)->count = connectionsCount;
    return S_OK;
}

HRESULT WINAPI AllocCountedString(CountedString **countedString, const WCHAR *string)
{
    CountedString *s;
    size_t length;

    if (!countedString || !string || (length = wcslen(string)) > maxStringLength)
        return E_INVALIDARG;
    *countedString = NULL;
    if (!(s = alloc_zeroed(sizeof(*s))))
        return E_OUTOFMEMORY;
    if (!(s->string = CoTaskMemAlloc((length + 1) * sizeof(WCHAR))))
    {
        CoTaskMemFree(s);
        return E_OUTOFMEMORY;
    }
    memcpy(s->string, string, (length + 1) * sizeof(WCHAR));
    s->length = (UINT16)length;
    *countedString = s;
    return S_OK;
}

VOID WINAPI FreeFixupInfo(FixupInfo *fixupInfo)
{
    if (!fixupInfo)
        return;
    CoTaskMemFree(fixupInfo->resultCodes.results);
    CoTaskMemFree(fixupInfo);
}

VOID WINAPI FreeConnections(Connections *connections)
{
    if (!connections)
        return;
    for (UINT16 i = 0; connections->connections && i < connections->count; i++)
        if (connections->connections[i])
            INapEnforcementClientConnection_Release(connections->connections[i]);
    CoTaskMemFree(connections->connections);
    CoTaskMemFree(connections);
}

VOID WINAPI FreeIsolationInfo(IsolationInfo *isolationInfo)
{
    if (!isolationInfo)
        return;
    CoTaskMemFree(isolationInfo->failureUrl.string);
    CoTaskMemFree(isolationInfo);
}

VOID WINAPI FreeIsolationInfoEx(IsolationInfoEx *isolationInfo)
{
    if (!isolationInfo)
        return;
    CoTaskMemFree(isolationInfo->failureUrl.string);
    CoTaskMemFree(isolationInfo);
}

VOID WINAPI FreeCountedString(CountedString *countedString)
{
    if (!countedString)
        return;
    CoTaskMemFree(countedString->string);
    CoTaskMemFree(countedString);
}

VOID WINAPI FreeSoH(SoH *soh)
{
    soh_free_com(soh);
}

VOID WINAPI FreeNetworkSoH(NetworkSoH *networkSoh)
{
    if (!networkSoh)
        return;
    CoTaskMemFree(networkSoh->data);
    CoTaskMemFree(networkSoh);
}

VOID WINAPI FreePrivateData(PrivateData *privateData)
{
    if (!privateData)
        return;
    CoTaskMemFree(privateData->data);
    CoTaskMemFree(privateData);
}

VOID WINAPI FreeSoHAttributeValue(SoHAttributeType type, SoHAttributeValue *value)
{
    attribute_value_free(type, value);
}

static void free_registration_strings(NapComponentRegistrationInfo *info)
{
    CoTaskMemFree(info->friendlyName.string);
    CoTaskMemFree(info->description.string);
    CoTaskMemFree(info->version.string);
    CoTaskMemFree(info->vendorName.string);
}

VOID WINAPI FreeNapComponentRegistrationInfoArray(UINT16 count, NapComponentRegistrationInfo **info)
{
    if (!info || !*info)
        return;
    for (UINT16 i = 0; i < count; i++)
        free_registration_strings(&(*info)[i]);
    CoTaskMemFree(*info);
    *info = NULL;
}

VOID WINAPI FreeSystemHealthAgentState(SystemHealthAgentState *state)
{
    if (!state)
        return;
    CoTaskMemFree(state->shaResultCodes.results);
    CoTaskMemFree(state->fixupInfo.resultCodes.results);
    CoTaskMemFree(state);
}
