#include "soh_values.h"

#include <string.h>

#include "soh_wire.h"

enum soh_value_kind soh_value_kind_of(uint16_t type)
{
    switch (type) {
    case SOH_ATTR_SYSTEM_HEALTH_ID:
        return SOH_VALUE_ID;
    case SOH_ATTR_COMPLIANCE_RESULT_CODES:
    case SOH_ATTR_ERROR_CODES:
        return SOH_VALUE_CODES;
    case SOH_ATTR_TIME_OF_LAST_UPDATE:
    case SOH_ATTR_SOH_GENERATION_TIME:
        return SOH_VALUE_DATE_TIME;
    case SOH_ATTR_VENDOR_SPECIFIC:
        return SOH_VALUE_VENDOR_SPECIFIC;
    case SOH_ATTR_HEALTH_CLASS:
    case SOH_ATTR_FAILURE_CATEGORY:
    case SOH_ATTR_EXTENDED_ISOLATION_STATE:
        return SOH_VALUE_UINT8;
    case SOH_ATTR_IPV4_FIXUP_SERVERS:
        return SOH_VALUE_IPV4;
    case SOH_ATTR_IPV6_FIXUP_SERVERS:
        return SOH_VALUE_IPV6;
    default:
        /* ClientId, SoftwareVersion, ProductName, HealthClassStatus and any type a later NAP
         * version defines: octet strings, as SoHAttributeValue's default arm says. */
        return SOH_VALUE_OCTETS;
    }
}

uint32_t soh_dwords_at(const struct soh_dwords *codes, size_t i)
{
    return codes->host ? codes->host[i] : soh_get_u32(codes->wire + 4 * i);
}

static enum soh_error check_uint8(uint16_t type, uint8_t value)
{
    if (type == SOH_ATTR_FAILURE_CATEGORY && value > SOH_MAX_FAILURE_CATEGORY)
        return SOH_E_BAD_ATTRIBUTE_VALUE;
    if (type == SOH_ATTR_EXTENDED_ISOLATION_STATE && value > SOH_MAX_EXTENDED_STATE)
        return SOH_E_BAD_ATTRIBUTE_VALUE;
    return SOH_OK;
}

size_t soh_value_wire_size(uint16_t type, const union soh_value *v, enum soh_error *e)
{
    size_t size = 0;

    *e = SOH_OK;
    switch (soh_value_kind_of(type)) {
    case SOH_VALUE_ID:
        return 4;
    case SOH_VALUE_CODES:
        if (v->codes.count > SOH_MAX_RESULT_CODES)
            *e = SOH_E_BAD_ATTRIBUTE_SIZE;
        size = 4u * v->codes.count;
        break;
    case SOH_VALUE_DATE_TIME:
        return 8;
    case SOH_VALUE_VENDOR_SPECIFIC:
        if (v->vendor_specific.size > SOH_MAX_ATTRIBUTE_SIZE - 4)
            *e = SOH_E_ATTRIBUTE_TOO_LARGE;
        size = 4u + v->vendor_specific.size;
        break;
    case SOH_VALUE_UINT8:
        *e = check_uint8(type, v->uint8);
        size = 1;
        break;
    case SOH_VALUE_OCTETS:
        if (v->octets.size > SOH_MAX_ATTRIBUTE_SIZE)
            *e = SOH_E_ATTRIBUTE_TOO_LARGE;
        size = v->octets.size;
        break;
    case SOH_VALUE_IPV4:
        if (v->addresses.count == 0 || v->addresses.count > SOH_MAX_IPV4_SERVERS)
            *e = SOH_E_BAD_ATTRIBUTE_SIZE;
        size = 4u * v->addresses.count;
        break;
    case SOH_VALUE_IPV6:
        if (v->addresses.count == 0 || v->addresses.count > SOH_MAX_IPV6_SERVERS)
            *e = SOH_E_BAD_ATTRIBUTE_SIZE;
        size = 16u * v->addresses.count;
        break;
    }
    return *e == SOH_OK ? size : 0;
}

enum soh_error soh_value_encode(uint16_t type, const union soh_value *v, uint8_t *out,
                                size_t capacity, uint16_t *size)
{
    enum soh_error e;
    size_t need;

    if (!v || !size)
        return SOH_E_INVALID_ARGUMENT;
    need = soh_value_wire_size(type, v, &e);
    if (e != SOH_OK)
        return e;
    if (need > capacity || (need && !out))
        return SOH_E_INVALID_ARGUMENT;
    switch (soh_value_kind_of(type)) {
    case SOH_VALUE_ID:
        soh_set_u32(out, v->id);
        break;
    case SOH_VALUE_CODES:
        if (v->codes.count && !v->codes.host && !v->codes.wire)
            return SOH_E_INVALID_ARGUMENT;
        for (size_t i = 0; i < v->codes.count; ++i)
            soh_set_u32(out + 4 * i, soh_dwords_at(&v->codes, i));
        break;
    case SOH_VALUE_DATE_TIME:
        soh_set_u64(out, v->date_time);
        break;
    case SOH_VALUE_VENDOR_SPECIFIC:
        if (v->vendor_specific.size && !v->vendor_specific.data)
            return SOH_E_INVALID_ARGUMENT;
        soh_set_u32(out, v->vendor_specific.vendor_id);
        if (v->vendor_specific.size)
            memcpy(out + 4, v->vendor_specific.data, v->vendor_specific.size);
        break;
    case SOH_VALUE_UINT8:
        out[0] = v->uint8;
        break;
    case SOH_VALUE_OCTETS:
        if (v->octets.size && !v->octets.data)
            return SOH_E_INVALID_ARGUMENT;
        if (v->octets.size)
            memcpy(out, v->octets.data, v->octets.size);
        break;
    case SOH_VALUE_IPV4:
    case SOH_VALUE_IPV6:
        if (!v->addresses.data)
            return SOH_E_INVALID_ARGUMENT;
        memcpy(out, v->addresses.data, need);
        break;
    }
    *size = (uint16_t)need;
    return SOH_OK;
}

enum soh_error soh_value_decode(uint16_t type, const uint8_t *wire, size_t size, union soh_value *v)
{
    if (size > SOH_MAX_ATTRIBUTE_SIZE)
        return SOH_E_ATTRIBUTE_TOO_LARGE;
    if (size && !wire)
        return SOH_E_INVALID_ARGUMENT;
    memset(v, 0, sizeof(*v));
    switch (soh_value_kind_of(type)) {
    case SOH_VALUE_ID:
        if (size != 4)
            return SOH_E_BAD_ATTRIBUTE_SIZE;
        v->id = soh_get_u32(wire);
        return SOH_OK;
    case SOH_VALUE_CODES:
        if (size % 4)
            return SOH_E_BAD_ATTRIBUTE_SIZE;
        v->codes.count = (uint16_t)(size / 4);
        v->codes.wire = wire;
        return SOH_OK;
    case SOH_VALUE_DATE_TIME:
        if (size != 8)
            return SOH_E_BAD_ATTRIBUTE_SIZE;
        v->date_time = soh_get_u64(wire);
        return SOH_OK;
    case SOH_VALUE_VENDOR_SPECIFIC:
        if (size < 4)
            return SOH_E_BAD_ATTRIBUTE_SIZE;
        v->vendor_specific.vendor_id = soh_get_u32(wire);
        v->vendor_specific.size = (uint16_t)(size - 4);
        v->vendor_specific.data = wire + 4;
        return SOH_OK;
    case SOH_VALUE_UINT8:
        if (size != 1)
            return SOH_E_BAD_ATTRIBUTE_SIZE;
        v->uint8 = wire[0];
        return check_uint8(type, v->uint8);
    case SOH_VALUE_OCTETS:
        v->octets.size = (uint16_t)size;
        v->octets.data = wire;
        return SOH_OK;
    case SOH_VALUE_IPV4:
    case SOH_VALUE_IPV6: {
        size_t address_size = soh_value_kind_of(type) == SOH_VALUE_IPV4 ? 4 : 16;

        if (size == 0 || size % address_size)
            return SOH_E_BAD_ATTRIBUTE_SIZE;
        v->addresses.count = (uint16_t)(size / address_size);
        v->addresses.data = wire;
        return SOH_OK;
    }
    }
    return SOH_E_BAD_ATTRIBUTE_TYPE;
}

void soh_stand_in_build(struct soh_stand_in *s, uint32_t sha_id, uint8_t failure_category,
                        uint32_t error)
{
    soh_set_u32(s->id, sha_id);
    s->category = failure_category;
    soh_set_u32(s->error, error);
    s->attributes[0] = (struct soh_attribute){ SOH_ATTR_SYSTEM_HEALTH_ID, 4, s->id };
    s->attributes[1] = (struct soh_attribute){ SOH_ATTR_FAILURE_CATEGORY, 1, &s->category };
    s->attributes[2] = (struct soh_attribute){ SOH_ATTR_ERROR_CODES, 4, s->error };
}
