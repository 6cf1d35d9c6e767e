#include "soh_message.h"

#include <string.h>

#include "soh_wire.h"

#define VENDOR_SPECIFIC_TYPE 7u
#define MODE_HEADER_LENGTH   30u   /* the sub-header's TLV length: vendor, correlation id, 2 flags */

/* ---- encoding ---- */

static enum soh_error check_shas(const struct soh_outgoing *msg, int is_request)
{
    uint32_t ids[SOH_MAX_SHA_COUNT];

    if (msg->sha_count > SOH_MAX_SHA_COUNT)
        return SOH_E_TOO_MANY_SHAS;
    if (msg->sha_count && !msg->shas)
        return SOH_E_INVALID_ARGUMENT;
    for (size_t i = 0; i < msg->sha_count; ++i) {
        enum soh_error e = soh_attributes_check_structure(msg->shas[i].attributes,
                                                          msg->shas[i].count, is_request, &ids[i]);
        if (e != SOH_OK)
            return e;
        /* A report under the NAP system's own id would read as a second SSoH. */
        if (ids[i] == SOH_NAP_SYSTEM_ID)
            return SOH_E_DUPLICATE_SHA;
        for (size_t j = 0; j < i; ++j)
            if (ids[j] == ids[i])
                return SOH_E_DUPLICATE_SHA;
    }
    return SOH_OK;
}

/* Header, mode sub-header and SSoH; returns the offsets of the two length fields to patch. */
static enum soh_error put_head(struct soh_writer *w, const struct soh_outgoing *msg, int is_request,
                               size_t *outer_length, size_t *inner_length)
{
    struct soh_system_items items = msg->system;
    size_t ssoh_length;
    enum soh_error e;

    items.is_request = is_request;
    /* Servers that read only the SSoH (FreeRADIUS keeps MS-CorrelationId to echo it) find the
     * correlation id there too; wpa_supplicant sends it in both places as well. */
    if (is_request)
        items.present |= SOH_ITEM_BIT(SOH_ITEM_CORRELATION_ID);

    soh_put_u16(w, VENDOR_SPECIFIC_TYPE);
    *outer_length = soh_put_length_field(w);
    soh_put_u32(w, SOH_MICROSOFT_VENDOR_ID);
    soh_put_u16(w, SOH_INNER_TYPE_MODE);
    *inner_length = soh_put_length_field(w);

    soh_put_u16(w, VENDOR_SPECIFIC_TYPE);
    soh_put_u16(w, MODE_HEADER_LENGTH);
    soh_put_u32(w, SOH_MICROSOFT_VENDOR_ID);
    soh_put_bytes(w, items.correlation_id.conn_id, sizeof(items.correlation_id.conn_id));
    soh_put_u64(w, items.correlation_id.time_stamp);
    soh_put_u8(w, is_request ? SOH_INTENT_REQUEST : SOH_INTENT_RESPONSE);
    soh_put_u8(w, 0);

    soh_put_u16(w, SOH_ATTR_SYSTEM_HEALTH_ID);
    soh_put_u16(w, 4);
    soh_put_u32(w, SOH_NAP_SYSTEM_ID);
    soh_put_u16(w, SOH_ATTR_VENDOR_SPECIFIC);
    ssoh_length = soh_put_length_field(w);
    soh_put_u32(w, SOH_MICROSOFT_VENDOR_ID);
    e = soh_items_encode(w, &items);
    if (e != SOH_OK)
        return e;
    if (!w->overflow && w->length - ssoh_length - 2 > SOH_MAX_ATTRIBUTE_SIZE)
        return SOH_E_ATTRIBUTE_TOO_LARGE;
    soh_patch_length_field(w, ssoh_length);
    return w->overflow ? SOH_E_BUFFER_TOO_SMALL : SOH_OK;
}

static enum soh_error encode(const struct soh_outgoing *msg, int is_request, uint8_t *buf,
                             size_t max_size, size_t *size, uint16_t *shas_included)
{
    struct soh_writer w;
    size_t outer_length, inner_length;
    uint16_t included = 0;
    enum soh_error e;

    if (!msg || !buf || !size)
        return SOH_E_INVALID_ARGUMENT;
    e = check_shas(msg, is_request);
    if (e != SOH_OK)
        return e;
    w = soh_writer_make(buf, max_size < SOH_MAX_NETWORK_SIZE ? max_size : SOH_MAX_NETWORK_SIZE);
    e = put_head(&w, msg, is_request, &outer_length, &inner_length);
    if (e != SOH_OK)
        return e;
    for (; included < msg->sha_count; ++included) {
        size_t before = w.length;

        e = soh_attributes_encode(&w, msg->shas[included].attributes, msg->shas[included].count);
        if (e != SOH_OK)
            return e;
        if (w.overflow) {
            if (!is_request)
                return SOH_E_BUFFER_TOO_SMALL;
            soh_writer_rewind(&w, before);
            break;
        }
    }
    soh_patch_length_field(&w, outer_length);
    soh_patch_length_field(&w, inner_length);
    *size = w.length;
    if (shas_included)
        *shas_included = included;
    return SOH_OK;
}

enum soh_error soh_request_encode(const struct soh_outgoing *msg, uint8_t *buf, size_t max_size,
                                  size_t *size, uint16_t *shas_included)
{
    return encode(msg, 1, buf, max_size, size, shas_included);
}

enum soh_error soh_response_encode(const struct soh_outgoing *msg, uint8_t *buf, size_t max_size,
                                   size_t *size)
{
    return encode(msg, 0, buf, max_size, size, NULL);
}

/* ---- decoding ---- */

/* The 12-byte SoH header and, for inner type 2, the mode sub-header. On success *body is the
 * TLV area. */
static enum soh_error read_head(const uint8_t *data, size_t size, struct soh_message *out,
                                struct soh_reader *body)
{
    struct soh_reader r = soh_reader_make(data, size);
    uint16_t type, outer_length, inner_type, inner_length;
    uint32_t vendor;
    const uint8_t *mode;

    if (size < SOH_HEADER_SIZE)
        return SOH_E_TRUNCATED_HEADER;
    if (size > SOH_MAX_NETWORK_SIZE)
        return SOH_E_TOO_LARGE;
    soh_read_u16(&r, &type);
    soh_read_u16(&r, &outer_length);
    soh_read_u32(&r, &vendor);
    soh_read_u16(&r, &inner_type);
    soh_read_u16(&r, &inner_length);
    if (type != VENDOR_SPECIFIC_TYPE)
        return SOH_E_NOT_VENDOR_SPECIFIC;
    if (vendor != SOH_MICROSOFT_VENDOR_ID)
        return SOH_E_WRONG_VENDOR;
    if ((size_t)outer_length + 4 > size)
        return SOH_E_LENGTH_PAST_END;
    if ((size_t)outer_length + 4 < size)
        return SOH_E_TRAILING_BYTES;
    if ((size_t)inner_length + 8 != outer_length)
        return SOH_E_NESTED_LENGTH;
    if (inner_type != SOH_INNER_TYPE_PLAIN && inner_type != SOH_INNER_TYPE_MODE)
        return SOH_E_BAD_INNER_TYPE;

    out->inner_type = inner_type;
    out->has_mode_header = inner_type == SOH_INNER_TYPE_MODE;
    out->intent = 0;
    if (out->has_mode_header) {
        if (!soh_read_bytes(&r, SOH_MODE_HEADER_SIZE, &mode))
            return SOH_E_TRUNCATED_MODE_HEADER;
        if (soh_get_u16(mode) != VENDOR_SPECIFIC_TYPE || soh_get_u16(mode + 2) != MODE_HEADER_LENGTH)
            return SOH_E_BAD_MODE_HEADER;
        if (soh_get_u32(mode + 4) != SOH_MICROSOFT_VENDOR_ID)
            return SOH_E_WRONG_VENDOR;
        if (mode[33] != 0)
            return SOH_E_BAD_CONTENT_TYPE;
        memcpy(out->system.correlation_id.conn_id, mode + 8, 16);
        out->system.correlation_id.time_stamp = soh_get_u64(mode + 24);
        out->intent = mode[32];
    }
    *body = r;
    return SOH_OK;
}

/* Splits the TLV views into reports at each SystemHealthId and checks each one. */
static enum soh_error group_reports(const uint8_t *body, size_t body_size, size_t count,
                                    int is_request, struct soh_message *out)
{
    size_t start = 0;
    const uint8_t *end = body + body_size;

    if (count == 0)
        return SOH_E_MISSING_SSOH;
    if (out->attributes[0].type != SOH_ATTR_SYSTEM_HEALTH_ID)
        return SOH_E_MISSING_SYSTEM_HEALTH_ID;
    out->report_count = 0;
    while (start < count) {
        size_t next = start + 1;
        struct soh_report report;
        enum soh_error e;

        while (next < count && out->attributes[next].type != SOH_ATTR_SYSTEM_HEALTH_ID)
            ++next;
        report.attributes = &out->attributes[start];
        report.count = (uint16_t)(next - start);
        report.bytes = out->attributes[start].value - SOH_TLV_HEADER_SIZE;
        report.size = (uint16_t)((next < count ? out->attributes[next].value - SOH_TLV_HEADER_SIZE
                                               : end) - report.bytes);
        e = soh_attributes_check_structure(report.attributes, report.count, is_request,
                                           &report.sha_id);
        if (e != SOH_OK)
            return e;
        if (start == 0) {
            if (report.sha_id != SOH_NAP_SYSTEM_ID)
                return SOH_E_MISSING_SSOH;
            out->ssoh = report;
        } else {
            if (report.sha_id == SOH_NAP_SYSTEM_ID)
                return SOH_E_DUPLICATE_SHA;
            for (size_t i = 0; i < out->report_count; ++i)
                if (out->reports[i].sha_id == report.sha_id)
                    return SOH_E_DUPLICATE_SHA;
            if (out->report_count == SOH_MAX_SHA_COUNT)
                return SOH_E_TOO_MANY_SHAS;
            out->reports[out->report_count++] = report;
        }
        start = next;
    }
    return SOH_OK;
}

/* The SSoH's Microsoft vendor-specific attribute, exactly one. */
static enum soh_error find_items(const struct soh_report *ssoh, const struct soh_attribute **items)
{
    int other_vendor = 0;

    *items = NULL;
    for (size_t i = 1; i < ssoh->count; ++i) {
        const struct soh_attribute *a = &ssoh->attributes[i];

        if (a->type != SOH_ATTR_VENDOR_SPECIFIC)
            continue;
        if (a->size < 4)
            return SOH_E_BAD_ATTRIBUTE_SIZE;
        if (soh_get_u32(a->value) != SOH_MICROSOFT_VENDOR_ID) {
            other_vendor = 1;
            continue;
        }
        if (*items)
            return SOH_E_DUPLICATE_SSOH_ITEMS;
        *items = a;
    }
    if (!*items)
        return other_vendor ? SOH_E_WRONG_VENDOR : SOH_E_MISSING_SSOH_ITEMS;
    return SOH_OK;
}

static enum soh_error decode(const uint8_t *data, size_t size, int is_request, struct soh_message *out)
{
    struct soh_reader body;
    struct soh_correlation_id from_header;
    const struct soh_attribute *items;
    size_t count;
    enum soh_error e;

    if (!out || (size && !data))
        return SOH_E_INVALID_ARGUMENT;
    memset(&out->system, 0, sizeof(out->system));
    e = read_head(data, size, out, &body);
    if (e != SOH_OK)
        return e;
    from_header = out->system.correlation_id;
    e = soh_attributes_decode(body.p, body.left, out->attributes, SOH_MAX_MESSAGE_ATTRIBUTES, &count);
    if (e != SOH_OK)
        return e;
    e = group_reports(body.p, body.left, count, is_request, out);
    if (e != SOH_OK)
        return e;
    e = find_items(&out->ssoh, &items);
    if (e != SOH_OK)
        return e;
    e = soh_items_decode(items->value + 4, items->size - 4u, &out->system);
    if (e != SOH_OK)
        return e;
    if (out->system.is_request != is_request)
        return SOH_E_WRONG_DIRECTION;
    if (out->system.present & SOH_ITEM_BIT(SOH_ITEM_CORRELATION_ID)) {
        if (out->has_mode_header
            && (memcmp(from_header.conn_id, out->system.correlation_id.conn_id, 16)
                || from_header.time_stamp != out->system.correlation_id.time_stamp))
            return SOH_E_CORRELATION_MISMATCH;
    } else if (out->has_mode_header) {
        out->system.correlation_id = from_header;
    } else {
        return SOH_E_MISSING_CORRELATION_ID;
    }
    return SOH_OK;
}

enum soh_error soh_request_decode(const uint8_t *data, size_t size, struct soh_message *out)
{
    return decode(data, size, 1, out);
}

enum soh_error soh_response_decode(const uint8_t *data, size_t size, struct soh_message *out)
{
    return decode(data, size, 0, out);
}
