/* SoHAttributeValue, the COM union, ⇄ the codec's typed value. The union's arm follows the type
 * exactly as napprotocol.h documents it; what a value may hold is the codec's to judge. */
#include "qutil.h"

HRESULT attribute_value_borrow(SoHAttributeType type, const SoHAttributeValue *in, union soh_value *out)
{
    if ((unsigned)type > SOH_TLV_TYPE_MASK)
        return E_INVALIDARG;
    switch (soh_value_kind_of((uint16_t)type))
    {
    case SOH_VALUE_ID:
        out->id = in->idVal;
        return S_OK;
    case SOH_VALUE_CODES:
        if (in->codesVal.count && !in->codesVal.results)
            return E_POINTER;
        out->codes.count = in->codesVal.count;
        /* ResultCodes hold HRESULTs in host order; the codec swaps them onto the wire. */
        out->codes.host = (const uint32_t *)in->codesVal.results;
        out->codes.wire = NULL;
        return S_OK;
    case SOH_VALUE_DATE_TIME:
        out->date_time = (uint64_t)in->dateTimeVal.dwHighDateTime << 32 | in->dateTimeVal.dwLowDateTime;
        return S_OK;
    case SOH_VALUE_VENDOR_SPECIFIC:
        if (in->vendorSpecificVal.size && !in->vendorSpecificVal.vendorSpecificData)
            return E_POINTER;
        out->vendor_specific.vendor_id = in->vendorSpecificVal.vendorId;
        out->vendor_specific.size = in->vendorSpecificVal.size;
        out->vendor_specific.data = in->vendorSpecificVal.vendorSpecificData;
        return S_OK;
    case SOH_VALUE_UINT8:
        out->uint8 = in->uint8Val;
        return S_OK;
    case SOH_VALUE_OCTETS:
        if (in->octetStringVal.size && !in->octetStringVal.data)
            return E_POINTER;
        out->octets.size = in->octetStringVal.size;
        out->octets.data = in->octetStringVal.data;
        return S_OK;
    case SOH_VALUE_IPV4:
        if (in->v4AddressesVal.count && !in->v4AddressesVal.addresses)
            return E_POINTER;
        out->addresses.count = in->v4AddressesVal.count;
        out->addresses.data = (const uint8_t *)in->v4AddressesVal.addresses;
        return S_OK;
    case SOH_VALUE_IPV6:
        if (in->v6AddressesVal.count && !in->v6AddressesVal.addresses)
            return E_POINTER;
        out->addresses.count = in->v6AddressesVal.count;
        out->addresses.data = (const uint8_t *)in->v6AddressesVal.addresses;
        return S_OK;
    }
    return E_INVALIDARG;
}

/* A CoTaskMem copy of n bytes (NULL for none); FALSE when memory ran out. */
static BOOL copy_out(void **to, const void *from, size_t n)
{
    *to = NULL;
    if (!n)
        return TRUE;
    if (!(*to = CoTaskMemAlloc(n)))
        return FALSE;
    memcpy(*to, from, n);
    return TRUE;
}

HRESULT attribute_value_from_wire(SoHAttributeType type, const BYTE *wire, UINT16 size, SoHAttributeValue **out)
{
    SoHAttributeValue *value;
    union soh_value v;
    BOOL copied = TRUE;

    *out = NULL;
    if ((unsigned)type > SOH_TLV_TYPE_MASK || soh_value_decode((uint16_t)type, wire, size, &v) != SOH_OK)
        return NAP_E_INVALID_PACKET;
    if (!(value = CoTaskMemAlloc(sizeof(*value))))
        return E_OUTOFMEMORY;
    memset(value, 0, sizeof(*value));
    switch (soh_value_kind_of((uint16_t)type))
    {
    case SOH_VALUE_ID:
        value->idVal = v.id;
        break;
    case SOH_VALUE_CODES:
        value->codesVal.count = v.codes.count;
        if (v.codes.count && (copied = !!(value->codesVal.results = CoTaskMemAlloc(4u * v.codes.count))))
            for (UINT16 i = 0; i < v.codes.count; i++)
                value->codesVal.results[i] = (HRESULT)soh_dwords_at(&v.codes, i);
        break;
    case SOH_VALUE_DATE_TIME:
        value->dateTimeVal.dwLowDateTime = (DWORD)v.date_time;
        value->dateTimeVal.dwHighDateTime = (DWORD)(v.date_time >> 32);
        break;
    case SOH_VALUE_VENDOR_SPECIFIC:
        value->vendorSpecificVal.vendorId = v.vendor_specific.vendor_id;
        value->vendorSpecificVal.size = v.vendor_specific.size;
        copied = copy_out((void **)&value->vendorSpecificVal.vendorSpecificData, v.vendor_specific.data,
                          v.vendor_specific.size);
        break;
    case SOH_VALUE_UINT8:
        value->uint8Val = v.uint8;
        break;
    case SOH_VALUE_OCTETS:
        value->octetStringVal.size = v.octets.size;
        copied = copy_out((void **)&value->octetStringVal.data, v.octets.data, v.octets.size);
        break;
    case SOH_VALUE_IPV4:
        value->v4AddressesVal.count = v.addresses.count;
        copied = copy_out((void **)&value->v4AddressesVal.addresses, v.addresses.data, 4u * v.addresses.count);
        break;
    case SOH_VALUE_IPV6:
        value->v6AddressesVal.count = v.addresses.count;
        copied = copy_out((void **)&value->v6AddressesVal.addresses, v.addresses.data, 16u * v.addresses.count);
        break;
    }
    if (!copied)
    {
        attribute_value_free(type, value);
        return E_OUTOFMEMORY;
    }
    *out = value;
    return S_OK;
}

void attribute_value_free(SoHAttributeType type, SoHAttributeValue *value)
{
    if (!value)
        return;
    switch ((unsigned)type > SOH_TLV_TYPE_MASK ? SOH_VALUE_OCTETS : soh_value_kind_of((uint16_t)type))
    {
    case SOH_VALUE_CODES:
        CoTaskMemFree(value->codesVal.results);
        break;
    case SOH_VALUE_VENDOR_SPECIFIC:
        CoTaskMemFree(value->vendorSpecificVal.vendorSpecificData);
        break;
    case SOH_VALUE_OCTETS:
        CoTaskMemFree(value->octetStringVal.data);
        break;
    case SOH_VALUE_IPV4:
        CoTaskMemFree(value->v4AddressesVal.addresses);
        break;
    case SOH_VALUE_IPV6:
        CoTaskMemFree(value->v6AddressesVal.addresses);
        break;
    default:
        break;
    }
    CoTaskMemFree(value);
}
