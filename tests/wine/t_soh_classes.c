/* qutil.dll as an SHA uses it: NapSoHConstructor and NapSoHProcessor created through COM (the
 * registration napagent.exe install wrote), an SoH with every attribute type built, validated,
 * read back attribute by attribute and compared, every method's refusals, and the NAP memory
 * utilities. A malloc spy counts CoTaskMem blocks, so "deep free" is checked, not assumed. */
#include <windows.h>
#include <stdio.h>
#include <napagentclasses.h>
#include <napprotocol.h>
#include <naputil.h>
#include "../tap.h"
#include "test_clients.h"

#define SHA_ID 0x000137F0u
#define NOT_FOUND HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)

/* ---- a malloc spy: CoTaskMem blocks outstanding ---- */

static LONG outstanding;

static HRESULT WINAPI spy_QueryInterface(IMallocSpy *iface, REFIID riid, void **out)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IMallocSpy))
    {
        *out = iface;
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG WINAPI spy_AddRef(IMallocSpy *iface) { (void)iface; return 2; }
static ULONG WINAPI spy_Release(IMallocSpy *iface) { (void)iface; return 1; }
static SIZE_T WINAPI spy_PreAlloc(IMallocSpy *iface, SIZE_T size) { (void)iface; return size; }
static void *WINAPI spy_PostAlloc(IMallocSpy *iface, void *p)
{
    (void)iface;
    if (p)
        InterlockedIncrement(&outstanding);
    return p;
}
static void *WINAPI spy_PreFree(IMallocSpy *iface, void *p, BOOL spyed)
{
    (void)iface;
    if (p && spyed)
        InterlockedDecrement(&outstanding);
    return p;
}
static void WINAPI spy_PostFree(IMallocSpy *iface, BOOL spyed) { (void)iface; (void)spyed; }
static SIZE_T WINAPI spy_PreRealloc(IMallocSpy *iface, void *p, SIZE_T size, void **out, BOOL spyed)
{
    (void)iface; (void)spyed;
    *out = p;
    return size;
}
static void *WINAPI spy_PostRealloc(IMallocSpy *iface, void *p, BOOL spyed) { (void)iface; (void)spyed; return p; }
static void *WINAPI spy_PreGetSize(IMallocSpy *iface, void *p, BOOL spyed) { (void)iface; (void)spyed; return p; }
static SIZE_T WINAPI spy_PostGetSize(IMallocSpy *iface, SIZE_T size, BOOL spyed)
{
    (void)iface; (void)spyed;
    return size;
}
static void *WINAPI spy_PreDidAlloc(IMallocSpy *iface, void *p, BOOL spyed) { (void)iface; (void)spyed; return p; }
static int WINAPI spy_PostDidAlloc(IMallocSpy *iface, void *p, BOOL spyed, int actual)
{
    (void)iface; (void)p; (void)spyed;
    return actual;
}
static void WINAPI spy_PreHeapMinimize(IMallocSpy *iface) { (void)iface; }
static void WINAPI spy_PostHeapMinimize(IMallocSpy *iface) { (void)iface; }

static const IMallocSpyVtbl spy_vtbl = {
    spy_QueryInterface, spy_AddRef, spy_Release, spy_PreAlloc, spy_PostAlloc, spy_PreFree, spy_PostFree,
    spy_PreRealloc, spy_PostRealloc, spy_PreGetSize, spy_PostGetSize, spy_PreDidAlloc, spy_PostDidAlloc,
    spy_PreHeapMinimize, spy_PostHeapMinimize,
};
static IMallocSpy spy = { &spy_vtbl };

/* ---- the utility exports, looked up by name as a client without qutil.lib would ---- */

static struct {
    __typeof__(&AllocFixupInfo) AllocFixupInfo;
    __typeof__(&AllocConnections) AllocConnections;
    __typeof__(&AllocCountedString) AllocCountedString;
    __typeof__(&FreeFixupInfo) FreeFixupInfo;
    __typeof__(&FreeConnections) FreeConnections;
    __typeof__(&FreeIsolationInfo) FreeIsolationInfo;
    __typeof__(&FreeIsolationInfoEx) FreeIsolationInfoEx;
    __typeof__(&FreeCountedString) FreeCountedString;
    __typeof__(&FreeSoH) FreeSoH;
    __typeof__(&FreeNetworkSoH) FreeNetworkSoH;
    __typeof__(&FreePrivateData) FreePrivateData;
    __typeof__(&FreeSoHAttributeValue) FreeSoHAttributeValue;
    __typeof__(&FreeNapComponentRegistrationInfoArray) FreeNapComponentRegistrationInfoArray;
    __typeof__(&FreeSystemHealthAgentState) FreeSystemHealthAgentState;
} util;

static BOOL load_utilities(HMODULE qutil)
{
    int found = 0;
#define LOOK_UP(name) found += !!(util.name = (__typeof__(util.name))(void *)GetProcAddress(qutil, #name))
    LOOK_UP(AllocFixupInfo);
    LOOK_UP(AllocConnections);
    LOOK_UP(AllocCountedString);
    LOOK_UP(FreeFixupInfo);
    LOOK_UP(FreeConnections);
    LOOK_UP(FreeIsolationInfo);
    LOOK_UP(FreeIsolationInfoEx);
    LOOK_UP(FreeCountedString);
    LOOK_UP(FreeSoH);
    LOOK_UP(FreeNetworkSoH);
    LOOK_UP(FreePrivateData);
    LOOK_UP(FreeSoHAttributeValue);
    LOOK_UP(FreeNapComponentRegistrationInfoArray);
    LOOK_UP(FreeSystemHealthAgentState);
#undef LOOK_UP
    return ok(found == 14, "qutil.dll exports the 14 NAP memory utilities, found %d", found);
}

/* ---- one SoH with every attribute type ---- */

static Ipv4Address v4[2] = { { { 10, 0, 0, 1 } }, { { 192, 168, 1, 1 } } };
static Ipv6Address v6[1] = { { { 0xFE, 0x80, [15] = 1 } } };
static HRESULT compliance[2] = { S_OK, (HRESULT)0xC0FF0002 };
static HRESULT errors[1] = { NAP_E_NOT_INITIALIZED };
static BYTE vendor_data[3] = { 0xDE, 0xAD, 0xBE };
static BYTE client_id[4] = { 'c', 'l', 'i', 'd' };
static BYTE version[5] = { '1', '.', '2', '.', '3' };
static BYTE product[8] = { 'n', 'a', 'p', 'a', 'g', 'e', 'n', 't' };
static BYTE status[4] = { 0x00, 0xFF, 0x00, 0x05 };
static BYTE future[2] = { 0xAB, 0xCD };

/* One attribute of each kind, in the order they are appended (locations 1..15). */
static const struct {
    SoHAttributeType type;
    SoHAttributeValue value;
} appended[15] = {
    { sohAttributeTypeIpv4FixupServers, { .v4AddressesVal = { 2, v4 } } },
    { sohAttributeTypeComplianceResultCodes, { .codesVal = { 2, compliance } } },
    { sohAttributeTypeTimeOfLastUpdate, { .dateTimeVal = { 0xC2D3E4F5, 0x01D9A0B1 } } },
    { sohAttributeTypeClientId, { .octetStringVal = { 4, client_id } } },
    { sohAttributeTypeVendorSpecific, { .vendorSpecificVal = { 311, 3, vendor_data } } },
    { sohAttributeTypeHealthClass, { .uint8Val = healthClassAntiVirus } },
    { sohAttributeTypeSoftwareVersion, { .octetStringVal = { 5, version } } },
    { sohAttributeTypeProductName, { .octetStringVal = { 8, product } } },
    { sohAttributeTypeHealthClassStatus, { .octetStringVal = { 4, status } } },
    { sohAttributeTypeSoHGenerationTime, { .dateTimeVal = { 7, 0x01D9A0B2 } } },
    { sohAttributeTypeErrorCodes, { .codesVal = { 1, errors } } },
    { sohAttributeTypeFailureCategory, { .uint8Val = failureCategoryOther } },
    { sohAttributeTypeIpv6FixupServers, { .v6AddressesVal = { 1, v6 } } },
    { sohAttributeTypeExtendedIsolationState, { .uint8Val = extendedIsolationStateInfected } },
    { (SoHAttributeType)200, { .octetStringVal = { 2, future } } },   /* a type NAP never defined */
};

static BOOL same_value(SoHAttributeType type, const SoHAttributeValue *a, const SoHAttributeValue *b)
{
    switch (type)
    {
    case sohAttributeTypeSystemHealthId:
        return a->idVal == b->idVal;
    case sohAttributeTypeIpv4FixupServers:
        return a->v4AddressesVal.count == b->v4AddressesVal.count
            && !memcmp(a->v4AddressesVal.addresses, b->v4AddressesVal.addresses, 4u * a->v4AddressesVal.count);
    case sohAttributeTypeIpv6FixupServers:
        return a->v6AddressesVal.count == b->v6AddressesVal.count
            && !memcmp(a->v6AddressesVal.addresses, b->v6AddressesVal.addresses, 16u * a->v6AddressesVal.count);
    case sohAttributeTypeComplianceResultCodes:
    case sohAttributeTypeErrorCodes:
        return a->codesVal.count == b->codesVal.count
            && !memcmp(a->codesVal.results, b->codesVal.results, sizeof(HRESULT) * a->codesVal.count);
    case sohAttributeTypeTimeOfLastUpdate:
    case sohAttributeTypeSoHGenerationTime:
        return a->dateTimeVal.dwLowDateTime == b->dateTimeVal.dwLowDateTime
            && a->dateTimeVal.dwHighDateTime == b->dateTimeVal.dwHighDateTime;
    case sohAttributeTypeVendorSpecific:
        return a->vendorSpecificVal.vendorId == b->vendorSpecificVal.vendorId
            && a->vendorSpecificVal.size == b->vendorSpecificVal.size
            && !memcmp(a->vendorSpecificVal.vendorSpecificData, b->vendorSpecificVal.vendorSpecificData,
                       a->vendorSpecificVal.size);
    case sohAttributeTypeHealthClass:
    case sohAttributeTypeFailureCategory:
    case sohAttributeTypeExtendedIsolationState:
        return a->uint8Val == b->uint8Val;
    default:
        return a->octetStringVal.size == b->octetStringVal.size
            && !memcmp(a->octetStringVal.data, b->octetStringVal.data, a->octetStringVal.size);
    }
}

static SoH *build_every_type(INapSoHConstructor *constructor)
{
    SoH *soh = NULL;
    HRESULT hr;
    int appended_ok = 0;

    hr = INapSoHConstructor_Initialize(constructor, SHA_ID, TRUE);
    ok(hr == S_OK, "Initialize(0x%x, request): S_OK, got %#lx", SHA_ID, hr);
    for (size_t i = 0; i < ARRAYSIZE(appended); i++)
    {
        hr = INapSoHConstructor_AppendAttribute(constructor, appended[i].type, &appended[i].value);
        if (!ok(hr == S_OK, "AppendAttribute(type %d): S_OK, got %#lx", appended[i].type, hr))
            continue;
        appended_ok++;
    }
    ok(appended_ok == 15, "all 15 attribute kinds appended, got %d", appended_ok);
    hr = INapSoHConstructor_GetSoH(constructor, &soh);
    ok(hr == S_OK && soh, "GetSoH: S_OK, got %#lx", hr);
    return soh;
}

static void test_constructor_builds_the_wire_values(INapSoHConstructor *constructor)
{
    static const BYTE want_id[4] = { 0x00, 0x01, 0x37, 0xF0 };
    static const BYTE want_codes[8] = { 0, 0, 0, 0, 0xC0, 0xFF, 0x00, 0x02 };
    static const BYTE want_time[8] = { 0x01, 0xD9, 0xA0, 0xB1, 0xC2, 0xD3, 0xE4, 0xF5 };
    static const BYTE want_vendor[7] = { 0, 0, 0x01, 0x37, 0xDE, 0xAD, 0xBE };
    LONG before = outstanding;
    SoH *soh = build_every_type(constructor);

    if (!soh)
        return;
    ok(soh->count == 16, "16 attributes: SystemHealthId and the 15 appended, got %u", soh->count);
    ok(soh->attributes[0].type == sohAttributeTypeSystemHealthId && soh->attributes[0].size == 4
       && !memcmp(soh->attributes[0].value, want_id, 4), "the first is SystemHealthId 0x000137F0 (big-endian)");
    ok(soh->attributes[2].size == 8 && !memcmp(soh->attributes[2].value, want_codes, 8),
       "ComplianceResultCodes travel big-endian: 00000000 C0FF0002");
    ok(soh->attributes[3].size == 8 && !memcmp(soh->attributes[3].value, want_time, 8),
       "a FILETIME travels high DWORD first");
    ok(soh->attributes[5].size == 7 && !memcmp(soh->attributes[5].value, want_vendor, 7),
       "VendorSpecific: vendor id 311 then the data");
    ok(outstanding - before == 2 + 16, "GetSoH handed out 18 CoTaskMem blocks (struct, array, 16 values), got %ld",
       outstanding - before);
    util.FreeSoH(soh);
    ok(outstanding == before, "FreeSoH frees all of them, %ld left", outstanding - before);
}

static void test_validate(INapSoHConstructor *constructor)
{
    static BYTE id[4] = { 0x00, 0x01, 0x37, 0xF0 };
    static BYTE category[1] = { 1 };
    static BYTE bad_time[7];
    SoHAttribute attributes[3] = { { sohAttributeTypeSystemHealthId, 4, id },
                                   { sohAttributeTypeFailureCategory, 1, category },
                                   { sohAttributeTypeTimeOfLastUpdate, 7, bad_time } };
    SoH soh = { 2, attributes };
    SoH *built = build_every_type(constructor);
    HRESULT hr;

    if (built)
    {
        hr = INapSoHConstructor_Validate(constructor, built, TRUE);
        ok(hr == S_OK, "Validate(the built SoH, request): S_OK, got %#lx", hr);
        hr = INapSoHConstructor_Validate(constructor, built, FALSE);
        ok(hr == S_OK, "Validate(the built SoH, response): S_OK (one IPv4 and one IPv6 list), got %#lx", hr);
        util.FreeSoH(built);
    }
    hr = INapSoHConstructor_Validate(constructor, &soh, TRUE);
    ok(hr == S_OK, "Validate(SystemHealthId + FailureCategory): S_OK, got %#lx", hr);
    soh.count = 1;
    hr = INapSoHConstructor_Validate(constructor, &soh, FALSE);
    ok(hr == NAP_E_INVALID_PACKET, "Validate(a response without a result): NAP_E_INVALID_PACKET, got %#lx", hr);
    hr = INapSoHConstructor_Validate(constructor, &soh, TRUE);
    ok(hr == S_OK, "Validate(a request without a result, as the SDK sample SHA sends): S_OK, got %#lx", hr);
    soh.count = 3;
    hr = INapSoHConstructor_Validate(constructor, &soh, TRUE);
    ok(hr == NAP_E_INVALID_PACKET, "Validate(a 7-byte FILETIME): NAP_E_INVALID_PACKET, got %#lx", hr);
    soh.attributes = attributes + 1;
    soh.count = 1;
    hr = INapSoHConstructor_Validate(constructor, &soh, TRUE);
    ok(hr == NAP_E_INVALID_PACKET, "Validate(SystemHealthId missing): NAP_E_INVALID_PACKET, got %#lx", hr);
    soh.attributes = NULL;
    hr = INapSoHConstructor_Validate(constructor, &soh, TRUE);
    ok(hr == NAP_E_INVALID_PACKET, "Validate(count 1, no array): NAP_E_INVALID_PACKET, got %#lx", hr);
    soh.count = 101;
    hr = INapSoHConstructor_Validate(constructor, &soh, TRUE);
    ok(hr == NAP_E_INVALID_PACKET, "Validate(101 attributes): NAP_E_INVALID_PACKET, got %#lx", hr);
    hr = INapSoHConstructor_Validate(constructor, NULL, TRUE);
    ok(hr == E_POINTER, "Validate(NULL): E_POINTER, got %#lx", hr);
}

static void test_constructor_refusals(INapSoHConstructor *fresh, INapSoHConstructor *constructor)
{
    SoHAttributeValue value = { 0 };
    SoH *soh = (SoH *)1;
    HRESULT hr;
    int appended_ok = 0;

    value.uint8Val = 1;
    hr = INapSoHConstructor_AppendAttribute(fresh, sohAttributeTypeFailureCategory, &value);
    ok(hr == NAP_E_NOT_INITIALIZED, "AppendAttribute before Initialize: NAP_E_NOT_INITIALIZED, got %#lx", hr);
    hr = INapSoHConstructor_GetSoH(fresh, &soh);
    ok(hr == NAP_E_NOT_INITIALIZED && !soh, "GetSoH before Initialize: NAP_E_NOT_INITIALIZED, NULL, got %#lx", hr);

    INapSoHConstructor_Initialize(constructor, SHA_ID, FALSE);
    hr = INapSoHConstructor_AppendAttribute(constructor, sohAttributeTypeFailureCategory, NULL);
    ok(hr == E_POINTER, "AppendAttribute(NULL value): E_POINTER, got %#lx", hr);
    value.idVal = 5;
    hr = INapSoHConstructor_AppendAttribute(constructor, sohAttributeTypeSystemHealthId, &value);
    ok(hr == E_INVALIDARG, "AppendAttribute(SystemHealthId): E_INVALIDARG, got %#lx", hr);
    value.uint8Val = 9;
    hr = INapSoHConstructor_AppendAttribute(constructor, sohAttributeTypeFailureCategory, &value);
    ok(hr == E_INVALIDARG, "AppendAttribute(FailureCategory 9): E_INVALIDARG, got %#lx", hr);
    value.uint8Val = 4;
    hr = INapSoHConstructor_AppendAttribute(constructor, sohAttributeTypeExtendedIsolationState, &value);
    ok(hr == E_INVALIDARG, "AppendAttribute(ExtendedIsolationState 4): E_INVALIDARG, got %#lx", hr);
    memset(&value, 0, sizeof(value));
    hr = INapSoHConstructor_AppendAttribute(constructor, (SoHAttributeType)0x4000, &value);
    ok(hr == E_INVALIDARG, "AppendAttribute(type 0x4000): E_INVALIDARG, got %#lx", hr);
    hr = INapSoHConstructor_AppendAttribute(constructor, sohAttributeTypeIpv4FixupServers, &value);
    ok(hr == E_INVALIDARG, "AppendAttribute(no IPv4 address): E_INVALIDARG, got %#lx", hr);
    value.codesVal.count = 1;
    hr = INapSoHConstructor_AppendAttribute(constructor, sohAttributeTypeComplianceResultCodes, &value);
    ok(hr == E_POINTER, "AppendAttribute(1 code, NULL array): E_POINTER, got %#lx", hr);
    value.codesVal.count = 1001;
    value.codesVal.results = compliance;
    hr = INapSoHConstructor_AppendAttribute(constructor, sohAttributeTypeComplianceResultCodes, &value);
    ok(hr == E_INVALIDARG, "AppendAttribute(1001 codes): E_INVALIDARG, got %#lx", hr);
    value.v4AddressesVal.count = 1;
    value.v4AddressesVal.addresses = v4;
    hr = INapSoHConstructor_AppendAttribute(constructor, sohAttributeTypeIpv4FixupServers, &value);
    ok(hr == S_OK, "a response's first IPv4 list: S_OK, got %#lx", hr);
    hr = INapSoHConstructor_AppendAttribute(constructor, sohAttributeTypeIpv4FixupServers, &value);
    ok(hr == E_INVALIDARG, "a response's second IPv4 list: E_INVALIDARG, got %#lx", hr);
    hr = INapSoHConstructor_GetSoH(constructor, NULL);
    ok(hr == E_POINTER, "GetSoH(NULL): E_POINTER, got %#lx", hr);

    memset(&value, 0, sizeof(value));
    for (int i = 0; i < 98; i++)
        appended_ok += INapSoHConstructor_AppendAttribute(constructor, sohAttributeTypeClientId, &value) == S_OK;
    ok(appended_ok == 98, "98 more attributes fit (100 in all), got %d", appended_ok);
    hr = INapSoHConstructor_AppendAttribute(constructor, sohAttributeTypeClientId, &value);
    ok(hr == E_OUTOFMEMORY, "the 101st attribute: E_OUTOFMEMORY (maxSoHAttributeCount), got %#lx", hr);
    hr = INapSoHConstructor_Initialize(constructor, SHA_ID, TRUE);
    ok(hr == S_OK, "Initialize again starts a new SoH: S_OK, got %#lx", hr);
    hr = INapSoHConstructor_GetSoH(constructor, &soh);
    ok(hr == S_OK && soh && soh->count == 1, "which holds only its SystemHealthId, got %u", soh ? soh->count : 0);
    util.FreeSoH(soh);
}

static void test_processor_reads_back_every_type(INapSoHConstructor *constructor, INapSoHProcessor *processor)
{
    SoH *soh = build_every_type(constructor);
    SystemHealthEntityId id = 0;
    UINT16 count = 0, location = 0;
    int equal = 0, found = 0;
    LONG before;
    HRESULT hr;

    if (!soh)
        return;
    hr = INapSoHProcessor_Initialize(processor, soh, TRUE, &id);
    ok(hr == S_OK && id == SHA_ID, "Initialize: S_OK and id 0x%x, got %#lx, 0x%x", SHA_ID, hr, id);
    util.FreeSoH(soh);   /* the processor keeps its own copy */
    hr = INapSoHProcessor_GetNumberOfAttributes(processor, &count);
    ok(hr == S_OK && count == 16, "GetNumberOfAttributes: 16, got %#lx, %u", hr, count);

    before = outstanding;
    for (UINT16 i = 0; i < ARRAYSIZE(appended); i++)
    {
        SoHAttributeType type = (SoHAttributeType)-1;
        SoHAttributeValue *value = NULL;

        hr = INapSoHProcessor_FindNextAttribute(processor, 0, appended[i].type, &location);
        found += hr == S_OK && location == i + 1;
        hr = INapSoHProcessor_GetAttribute(processor, (UINT16)(i + 1), &type, &value);
        if (hr == S_OK && type == appended[i].type && same_value(type, &appended[i].value, value))
            equal++;
        else
            diag("attribute %u: %#lx, type %d", i + 1, hr, type);
        util.FreeSoHAttributeValue(type, value);
    }
    ok(found == 15, "FindNextAttribute finds each type where it was appended, %d of 15", found);
    ok(equal == 15, "GetAttribute gives back each value as appended, %d of 15", equal);
    ok(outstanding == before, "FreeSoHAttributeValue freed every value and its arrays, %ld left", outstanding - before);

    {
        SoHAttributeType type;
        SoHAttributeValue *value = NULL;
        hr = INapSoHProcessor_GetAttribute(processor, 0, &type, &value);
        ok(hr == S_OK && type == sohAttributeTypeSystemHealthId && value && value->idVal == SHA_ID,
           "attribute 0 is SystemHealthId 0x%x, got %#lx", SHA_ID, hr);
        util.FreeSoHAttributeValue(type, value);
    }
}

static void test_processor_refusals(INapSoHProcessor *fresh, INapSoHProcessor *processor)
{
    static BYTE id_bytes[4] = { 0x00, 0x01, 0x37, 0xF0 };
    static BYTE category[1] = { 1 };
    SoHAttribute attributes[2] = { { sohAttributeTypeFailureCategory, 1, category },
                                   { sohAttributeTypeSystemHealthId, 4, id_bytes } };
    SoH bad = { 2, attributes };
    SoHAttributeValue *value = (SoHAttributeValue *)1;
    SoHAttributeType type;
    SystemHealthEntityId id;
    UINT16 count, location = 77;
    HRESULT hr;

    hr = INapSoHProcessor_GetNumberOfAttributes(fresh, &count);
    ok(hr == NAP_E_NOT_INITIALIZED, "GetNumberOfAttributes before Initialize: NAP_E_NOT_INITIALIZED, got %#lx", hr);
    hr = INapSoHProcessor_FindNextAttribute(fresh, 0, sohAttributeTypeFailureCategory, &location);
    ok(hr == NAP_E_NOT_INITIALIZED, "FindNextAttribute before Initialize: NAP_E_NOT_INITIALIZED, got %#lx", hr);
    hr = INapSoHProcessor_GetAttribute(fresh, 0, &type, &value);
    ok(hr == NAP_E_NOT_INITIALIZED && !value, "GetAttribute before Initialize: NAP_E_NOT_INITIALIZED, got %#lx", hr);

    hr = INapSoHProcessor_Initialize(processor, NULL, TRUE, &id);
    ok(hr == E_POINTER, "Initialize(NULL SoH): E_POINTER, got %#lx", hr);
    hr = INapSoHProcessor_Initialize(processor, &bad, TRUE, NULL);
    ok(hr == E_POINTER, "Initialize(NULL id): E_POINTER, got %#lx", hr);
    hr = INapSoHProcessor_Initialize(processor, &bad, TRUE, &id);
    ok(hr == NAP_E_INVALID_PACKET, "Initialize(SystemHealthId second): NAP_E_INVALID_PACKET, got %#lx", hr);
    hr = INapSoHProcessor_GetNumberOfAttributes(processor, &count);
    ok(hr == NAP_E_NOT_INITIALIZED, "after a refused Initialize: NAP_E_NOT_INITIALIZED, got %#lx", hr);

    attributes[0] = attributes[1];
    attributes[1].type = sohAttributeTypeFailureCategory;
    attributes[1].size = 1;
    attributes[1].value = category;
    hr = INapSoHProcessor_Initialize(processor, &bad, FALSE, &id);
    ok(hr == S_OK && id == SHA_ID, "Initialize(SystemHealthId, FailureCategory): S_OK, got %#lx", hr);
    hr = INapSoHProcessor_FindNextAttribute(processor, 1, sohAttributeTypeErrorCodes, &location);
    ok(hr == NOT_FOUND && location == 77, "FindNextAttribute without a match: ERROR_FILE_NOT_FOUND, got %#lx", hr);
    hr = INapSoHProcessor_FindNextAttribute(processor, 1, sohAttributeTypeSystemHealthId, &location);
    ok(hr == NOT_FOUND, "FindNextAttribute searches from fromLocation upward only, got %#lx", hr);
    hr = INapSoHProcessor_FindNextAttribute(processor, 2, sohAttributeTypeFailureCategory, &location);
    ok(hr == E_INVALIDARG, "FindNextAttribute(fromLocation = count): E_INVALIDARG, got %#lx", hr);
    hr = INapSoHProcessor_FindNextAttribute(processor, 0, sohAttributeTypeFailureCategory, NULL);
    ok(hr == E_POINTER, "FindNextAttribute(NULL location): E_POINTER, got %#lx", hr);
    hr = INapSoHProcessor_GetAttribute(processor, 2, &type, &value);
    ok(hr == E_INVALIDARG && !value, "GetAttribute(location = count): E_INVALIDARG, NULL, got %#lx", hr);
    hr = INapSoHProcessor_GetAttribute(processor, 0, NULL, &value);
    ok(hr == E_POINTER, "GetAttribute(NULL type): E_POINTER, got %#lx", hr);
    hr = INapSoHProcessor_GetAttribute(processor, 0, &type, NULL);
    ok(hr == E_POINTER, "GetAttribute(NULL value): E_POINTER, got %#lx", hr);
    hr = INapSoHProcessor_GetNumberOfAttributes(processor, NULL);
    ok(hr == E_POINTER, "GetNumberOfAttributes(NULL): E_POINTER, got %#lx", hr);
}

/* The SDK's sample SHA sends nothing but vendor data, and its sample SHV reads it this way. */
static void test_processor_reads_a_request_without_a_result(INapSoHProcessor *processor)
{
    static BYTE id_bytes[4] = { 0x00, 0x01, 0x37, 0xF0 };
    static BYTE vendor[6] = { 0x00, 0x01, 0x37, 0xF0, 0x01, 0x02 };
    SoHAttribute attributes[2] = { { sohAttributeTypeSystemHealthId, 4, id_bytes },
                                   { sohAttributeTypeVendorSpecific, 6, vendor } };
    SoH soh = { 2, attributes };
    SystemHealthEntityId id = 0;
    HRESULT hr;

    hr = INapSoHProcessor_Initialize(processor, &soh, TRUE, &id);
    ok(hr == S_OK && id == SHA_ID, "Initialize(a request with vendor data only): S_OK, got %#lx", hr);
    hr = INapSoHProcessor_Initialize(processor, &soh, FALSE, &id);
    ok(hr == NAP_E_INVALID_PACKET, "the same as a response (no verdict): NAP_E_INVALID_PACKET, got %#lx", hr);
}

static void test_allocation_utilities(void)
{
    static WCHAR long_string[1026];
    CountedString *s = NULL;
    FixupInfo *fixup = NULL;
    Connections *connections = NULL;
    LONG before = outstanding;
    HRESULT hr;
    BOOL zeroed = TRUE;

    hr = util.AllocCountedString(&s, L"napagent");
    ok(hr == S_OK && s && s->length == 8 && !wcscmp(s->string, L"napagent"),
       "AllocCountedString: length 8 and a NUL-terminated copy, got %#lx", hr);
    ok(outstanding - before == 2, "a counted string is 2 CoTaskMem blocks, got %ld", outstanding - before);
    util.FreeCountedString(s);
    ok(outstanding == before, "FreeCountedString frees both, %ld left", outstanding - before);
    hr = util.AllocCountedString(NULL, L"x");
    ok(hr == E_INVALIDARG, "AllocCountedString(NULL out): E_INVALIDARG, got %#lx", hr);
    hr = util.AllocCountedString(&s, NULL);
    ok(hr == E_INVALIDARG, "AllocCountedString(NULL string): E_INVALIDARG, got %#lx", hr);
    for (int i = 0; i < 1025; i++)
        long_string[i] = L'a';
    hr = util.AllocCountedString(&s, long_string);
    ok(hr == E_INVALIDARG, "AllocCountedString(1025 characters): E_INVALIDARG, got %#lx", hr);
    long_string[1024] = 0;
    hr = util.AllocCountedString(&s, long_string);
    ok(hr == S_OK && s->length == 1024, "AllocCountedString(1024 characters): S_OK, got %#lx", hr);
    util.FreeCountedString(s);

    hr = util.AllocFixupInfo(&fixup, 3);
    if (ok(hr == S_OK && fixup && fixup->resultCodes.count == 3 && fixup->resultCodes.results,
           "AllocFixupInfo(3): three result codes, got %#lx", hr))
        for (int i = 0; i < 3; i++)
            zeroed &= fixup->resultCodes.results[i] == 0;
    ok(zeroed, "and they start at 0");
    util.FreeFixupInfo(fixup);
    hr = util.AllocFixupInfo(&fixup, 1001);
    ok(hr == E_INVALIDARG, "AllocFixupInfo(1001): E_INVALIDARG, got %#lx", hr);
    hr = util.AllocFixupInfo(NULL, 1);
    ok(hr == E_INVALIDARG, "AllocFixupInfo(NULL): E_INVALIDARG, got %#lx", hr);

    hr = util.AllocConnections(&connections, 2);
    ok(hr == S_OK && connections && connections->count == 2 && connections->connections
       && !connections->connections[0] && !connections->connections[1],
       "AllocConnections(2): two empty slots, got %#lx", hr);
    util.FreeConnections(connections);
    hr = util.AllocConnections(&connections, 21);
    ok(hr == E_INVALIDARG, "AllocConnections(21): E_INVALIDARG, got %#lx", hr);
    ok(outstanding == before, "every Alloc* block is back after its Free*, %ld left", outstanding - before);
}

static WCHAR *cotask_string(const WCHAR *s)
{
    WCHAR *copy = CoTaskMemAlloc((wcslen(s) + 1) * sizeof(WCHAR));
    wcscpy(copy, s);
    return copy;
}

static void test_free_utilities_free_embedded_pointers(void)
{
    LONG before = outstanding;
    IsolationInfo *info = CoTaskMemAlloc(sizeof(*info));
    IsolationInfoEx *info_ex = CoTaskMemAlloc(sizeof(*info_ex));
    NetworkSoH *network = CoTaskMemAlloc(sizeof(*network));
    PrivateData *private_data = CoTaskMemAlloc(sizeof(*private_data));
    SystemHealthAgentState *state = CoTaskMemAlloc(sizeof(*state));
    NapComponentRegistrationInfo *registrations = CoTaskMemAlloc(2 * sizeof(*registrations));

    memset(info, 0, sizeof(*info));
    info->failureUrl.string = cotask_string(L"http://fix/");
    memset(info_ex, 0, sizeof(*info_ex));
    info_ex->failureUrl.string = cotask_string(L"http://fix/");
    network->size = 12;
    network->data = CoTaskMemAlloc(12);
    private_data->size = 4;
    private_data->data = CoTaskMemAlloc(4);
    memset(state, 0, sizeof(*state));
    state->shaResultCodes.count = 1;
    state->shaResultCodes.results = CoTaskMemAlloc(sizeof(HRESULT));
    state->fixupInfo.resultCodes.count = 2;
    state->fixupInfo.resultCodes.results = CoTaskMemAlloc(2 * sizeof(HRESULT));
    memset(registrations, 0, 2 * sizeof(*registrations));
    for (int i = 0; i < 2; i++)
    {
        registrations[i].friendlyName.string = cotask_string(L"name");
        registrations[i].description.string = cotask_string(L"description");
        registrations[i].version.string = cotask_string(L"1.0");
        registrations[i].vendorName.string = cotask_string(L"vendor");
    }
    ok(outstanding - before == 20, "20 blocks built, got %ld", outstanding - before);

    util.FreeIsolationInfo(info);
    util.FreeIsolationInfoEx(info_ex);
    util.FreeNetworkSoH(network);
    util.FreePrivateData(private_data);
    util.FreeSystemHealthAgentState(state);
    util.FreeNapComponentRegistrationInfoArray(2, &registrations);
    ok(outstanding == before, "the Free* functions freed them all, embedded pointers too, %ld left",
       outstanding - before);
    ok(registrations == NULL, "FreeNapComponentRegistrationInfoArray clears the caller's array pointer");

    util.FreeIsolationInfo(NULL);
    util.FreeIsolationInfoEx(NULL);
    util.FreeNetworkSoH(NULL);
    util.FreePrivateData(NULL);
    util.FreeSystemHealthAgentState(NULL);
    util.FreeCountedString(NULL);
    util.FreeFixupInfo(NULL);
    util.FreeConnections(NULL);
    util.FreeSoH(NULL);
    util.FreeSoHAttributeValue(sohAttributeTypeVendorSpecific, NULL);
    util.FreeNapComponentRegistrationInfoArray(3, NULL);
    ok(1, "every Free* takes NULL");
}

static void test_activation_and_interfaces(void)
{
    IUnknown *unknown = create_object(&CLSID_NapSoHConstructor, CLSCTX_INPROC_SERVER, &IID_IUnknown);
    INapSoHProcessor *wrong = NULL;
    HRESULT hr;

    ok(unknown != NULL, "CLSID_NapSoHConstructor activates in-process");
    if (unknown)
    {
        hr = IUnknown_QueryInterface(unknown, &IID_INapSoHProcessor, (void **)&wrong);
        ok(hr == E_NOINTERFACE && !wrong, "the constructor is no processor: E_NOINTERFACE, got %#lx", hr);
        IUnknown_Release(unknown);
    }
    hr = CoCreateInstance(&CLSID_NapSoHProcessor, (IUnknown *)1, CLSCTX_INPROC_SERVER, &IID_IUnknown,
                          (void **)&unknown);
    ok(hr == CLASS_E_NOAGGREGATION, "aggregation is refused: CLASS_E_NOAGGREGATION, got %#lx", hr);
}

/* COM asks DllCanUnloadNow before it frees the DLL: objects, class objects and locks hold it. */
static void test_dll_stays_while_in_use(HMODULE qutil)
{
    HRESULT (WINAPI *can_unload)(void) = (void *)GetProcAddress(qutil, "DllCanUnloadNow");
    IClassFactory *factory = NULL;
    INapSoHProcessor *processor;
    HRESULT hr;

    if (!ok(can_unload != NULL, "qutil.dll exports DllCanUnloadNow"))
        return;
    ok(can_unload() == S_OK, "nothing alive: DllCanUnloadNow S_OK");
    processor = create_object(&CLSID_NapSoHProcessor, CLSCTX_INPROC_SERVER, &IID_INapSoHProcessor);
    ok(processor && can_unload() == S_FALSE, "a processor alive: S_FALSE");
    if (processor)
        INapSoHProcessor_Release(processor);
    ok(can_unload() == S_OK, "released: S_OK again");
    hr = CoGetClassObject(&CLSID_NapSoHConstructor, CLSCTX_INPROC_SERVER, NULL, &IID_IClassFactory, (void **)&factory);
    if (!ok(hr == S_OK && factory, "the class object of the constructor, got %#lx", hr))
        return;
    ok(can_unload() == S_FALSE, "a class object alive: S_FALSE");
    IClassFactory_LockServer(factory, TRUE);
    IClassFactory_Release(factory);
    ok(can_unload() == S_FALSE, "a LockServer lock: S_FALSE");
    hr = CoGetClassObject(&CLSID_NapSoHConstructor, CLSCTX_INPROC_SERVER, NULL, &IID_IClassFactory, (void **)&factory);
    if (hr == S_OK)
    {
        IClassFactory_LockServer(factory, FALSE);
        IClassFactory_Release(factory);
    }
    ok(can_unload() == S_OK, "unlocked and released: S_OK");
}

int main(void)
{
    INapSoHConstructor *constructor, *fresh_constructor;
    INapSoHProcessor *processor, *fresh_processor;
    HMODULE qutil;
    HRESULT hr;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    constructor = create_object(&CLSID_NapSoHConstructor, CLSCTX_INPROC_SERVER, &IID_INapSoHConstructor);
    fresh_constructor = create_object(&CLSID_NapSoHConstructor, CLSCTX_INPROC_SERVER, &IID_INapSoHConstructor);
    processor = create_object(&CLSID_NapSoHProcessor, CLSCTX_INPROC_SERVER, &IID_INapSoHProcessor);
    fresh_processor = create_object(&CLSID_NapSoHProcessor, CLSCTX_INPROC_SERVER, &IID_INapSoHProcessor);
    if (!ok(constructor && fresh_constructor && processor && fresh_processor,
            "both classes are created through CoCreateInstance (CLSCTX_INPROC_SERVER)"))
        tap_bail("qutil.dll's classes are not registered");
    /* The DLL COM loaded for us: the exports are looked up in the very same module. */
    qutil = GetModuleHandleW(L"qutil.dll");
    if (!ok(qutil != NULL, "qutil.dll is loaded in the client process") || !load_utilities(qutil))
        tap_bail("qutil.dll's exports are missing");
    hr = CoRegisterMallocSpy(&spy);
    ok(hr == S_OK, "malloc spy registered, got %#lx", hr);

    test_activation_and_interfaces();
    test_constructor_builds_the_wire_values(constructor);
    test_validate(constructor);
    test_constructor_refusals(fresh_constructor, constructor);
    test_processor_reads_back_every_type(constructor, processor);
    test_processor_refusals(fresh_processor, processor);
    test_processor_reads_a_request_without_a_result(processor);
    test_allocation_utilities();
    test_free_utilities_free_embedded_pointers();

    INapSoHConstructor_Release(constructor);
    INapSoHConstructor_Release(fresh_constructor);
    INapSoHProcessor_Release(processor);
    INapSoHProcessor_Release(fresh_processor);
    test_dll_stays_while_in_use(qutil);
    CoRevokeMallocSpy();
    CoUninitialize();
    return tap_done();
}
