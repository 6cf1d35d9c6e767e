#include "soh_attributes.h"

#include "soh_values.h"

size_t soh_attributes_wire_size(const struct soh_attribute *attributes, size_t count)
{
    size_t total = 0;

    for (size_t i = 0; i < count; ++i)
        total += SOH_TLV_HEADER_SIZE + attributes[i].size;
    return total;
}

enum soh_error soh_attributes_encode(struct soh_writer *w, const struct soh_attribute *attributes,
                                     size_t count)
{
    if (count && !attributes)
        return SOH_E_INVALID_ARGUMENT;
    for (size_t i = 0; i < count; ++i) {
        const struct soh_attribute *a = &attributes[i];

        if (a->size && !a->value)
            return SOH_E_INVALID_ARGUMENT;
        if (a->type > SOH_TLV_TYPE_MASK)
            return SOH_E_BAD_ATTRIBUTE_TYPE;
        if (a->size > SOH_MAX_ATTRIBUTE_SIZE)
            return SOH_E_ATTRIBUTE_TOO_LARGE;
        soh_put_u16(w, a->type);
        soh_put_u16(w, a->size);
        soh_put_bytes(w, a->value, a->size);
    }
    return SOH_OK;
}

enum soh_error soh_attributes_decode(const uint8_t *data, size_t size, struct soh_attribute *out,
                                     size_t capacity, size_t *count)
{
    struct soh_reader r = soh_reader_make(data, size);
    size_t n = 0;

    *count = 0;
    while (r.left) {
        uint16_t type, length;
        const uint8_t *value;

        if (!soh_read_u16(&r, &type) || !soh_read_u16(&r, &length))
            return SOH_E_TRUNCATED_TLV;
        if (!soh_read_bytes(&r, length, &value))
            return SOH_E_LENGTH_PAST_END;
        if (n == capacity)
            return SOH_E_TOO_MANY_ATTRIBUTES;
        out[n].type = type & SOH_TLV_TYPE_MASK;
        out[n].size = length;
        out[n].value = value;
        *count = ++n;
    }
    return SOH_OK;
}

enum soh_error soh_attributes_check_structure(const struct soh_attribute *attributes, size_t count,
                                              int is_request, uint32_t *sha_id)
{
    int ipv4_lists = 0, ipv6_lists = 0;

    if (count == 0)
        return SOH_E_EMPTY_SOH;
    if (!attributes)
        return SOH_E_INVALID_ARGUMENT;
    if (count > SOH_MAX_ATTRIBUTE_COUNT)
        return SOH_E_TOO_MANY_ATTRIBUTES;
    if (attributes[0].type != SOH_ATTR_SYSTEM_HEALTH_ID)
        return SOH_E_MISSING_SYSTEM_HEALTH_ID;
    if (attributes[0].size != 4 || !attributes[0].value)
        return SOH_E_BAD_SYSTEM_HEALTH_ID;
    for (size_t i = 0; i < count; ++i) {
        const struct soh_attribute *a = &attributes[i];

        if (a->type > SOH_TLV_TYPE_MASK)
            return SOH_E_BAD_ATTRIBUTE_TYPE;
        if (a->size > SOH_MAX_ATTRIBUTE_SIZE)
            return SOH_E_ATTRIBUTE_TOO_LARGE;
        if (a->size && !a->value)
            return SOH_E_INVALID_ARGUMENT;
        /* On the wire a SystemHealthId starts the next SHA's report: a second one would
         * silently split this SoH in two. */
        if (i > 0 && a->type == SOH_ATTR_SYSTEM_HEALTH_ID)
            return SOH_E_DUPLICATE_SYSTEM_HEALTH_ID;
        ipv4_lists += a->type == SOH_ATTR_IPV4_FIXUP_SERVERS;
        ipv6_lists += a->type == SOH_ATTR_IPV6_FIXUP_SERVERS;
    }
    if (!is_request && (ipv4_lists > 1 || ipv6_lists > 1))
        return SOH_E_DUPLICATE_FIXUP_SERVERS;
    if (sha_id)
        *sha_id = soh_get_u32(attributes[0].value);
    return SOH_OK;
}

enum soh_error soh_attributes_validate(const struct soh_attribute *attributes, size_t count,
                                       int is_request)
{
    enum soh_error e = soh_attributes_check_structure(attributes, count, is_request, NULL);
    int has_result = 0;

    if (e != SOH_OK)
        return e;
    for (size_t i = 0; i < count; ++i) {
        union soh_value v;

        e = soh_value_decode(attributes[i].type, attributes[i].value, attributes[i].size, &v);
        if (e != SOH_OK)
            return e;
        has_result |= attributes[i].type == SOH_ATTR_COMPLIANCE_RESULT_CODES
                   || attributes[i].type == SOH_ATTR_ERROR_CODES
                   || attributes[i].type == SOH_ATTR_FAILURE_CATEGORY;
    }
    /* A verdict is what a response is for. Requests need none: the SDK's sample SHA sends only
     * its vendor-specific data, and the sample SHV reads it with INapSoHProcessor. */
    return has_result || is_request ? SOH_OK : SOH_E_NO_RESULT;
}
