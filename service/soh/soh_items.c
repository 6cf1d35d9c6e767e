#include "soh_items.h"

#include <string.h>

#define PACKET_INFO_REQUEST  0x10u
#define PACKET_INFO_VERSION  0x0Fu
#define QSTATE_MASK          0x0003u
#define EXTSTATE_SHIFT       3
#define EXTSTATE_MASK        0x0007u
#define MACHINE_INVENTORY_SIZE 18u
#define CORRELATION_ID_SIZE  24u

static int quarantine_state_valid(uint8_t isolation, uint8_t extended)
{
    return isolation >= 1 && isolation <= 3 && extended <= SOH_MAX_EXTENDED_STATE;
}

static void put_dwords(struct soh_writer *w, const struct soh_dwords *list)
{
    soh_put_u16(w, (uint16_t)(4u * list->count));
    for (size_t i = 0; i < list->count; ++i)
        soh_put_u32(w, soh_dwords_at(list, i));
}

static int dwords_encodable(const struct soh_dwords *list)
{
    return list->count <= 0xFFFFu / 4 && (!list->count || list->host || list->wire);
}

enum soh_error soh_items_encode(struct soh_writer *w, const struct soh_system_items *items)
{
    unsigned present = items->present;
    const struct soh_quarantine_state *q = &items->quarantine;

    if ((present & SOH_ITEM_BIT(SOH_ITEM_QUARANTINE_STATE))
        && (!quarantine_state_valid(q->isolation_state, q->extended_state)))
        return SOH_E_BAD_QUARANTINE_STATE;
    if (((present & SOH_ITEM_BIT(SOH_ITEM_QUARANTINE_STATE)) && q->url.size && !q->url.data)
        || ((present & SOH_ITEM_BIT(SOH_ITEM_MACHINE_NAME))
            && items->machine_name.size && !items->machine_name.data)
        || ((present & SOH_ITEM_BIT(SOH_ITEM_SYSTEM_GENERATED_IDS))
            && !dwords_encodable(&items->system_generated_ids))
        || ((present & SOH_ITEM_BIT(SOH_ITEM_INSTALLED_SHVS))
            && !dwords_encodable(&items->installed_shvs)))
        return SOH_E_INVALID_ARGUMENT;

    /* The order wpa_supplicant sends (and Windows XP SP3 did, by its captures): Packet-Info,
     * Machine-Inventory, MachineName, CorrelationId, Quarantine-State, Machine-Inventory-Ex;
     * then the id lists. Decoders take any order. */
    soh_put_u8(w, SOH_ITEM_PACKET_INFO);
    soh_put_u8(w, (uint8_t)((items->is_request ? PACKET_INFO_REQUEST : 0) | SOH_PACKET_VERSION));
    if (present & SOH_ITEM_BIT(SOH_ITEM_MACHINE_INVENTORY)) {
        soh_put_u8(w, SOH_ITEM_MACHINE_INVENTORY);
        soh_put_u32(w, items->inventory.os_major);
        soh_put_u32(w, items->inventory.os_minor);
        soh_put_u32(w, items->inventory.os_build);
        soh_put_u16(w, items->inventory.sp_major);
        soh_put_u16(w, items->inventory.sp_minor);
        soh_put_u16(w, items->inventory.processor_architecture);
    }
    if (present & SOH_ITEM_BIT(SOH_ITEM_MACHINE_NAME)) {
        soh_put_u8(w, SOH_ITEM_MACHINE_NAME);
        soh_put_u16(w, items->machine_name.size);
        soh_put_bytes(w, items->machine_name.data, items->machine_name.size);
    }
    if (present & SOH_ITEM_BIT(SOH_ITEM_CORRELATION_ID)) {
        soh_put_u8(w, SOH_ITEM_CORRELATION_ID);
        soh_put_bytes(w, items->correlation_id.conn_id, sizeof(items->correlation_id.conn_id));
        soh_put_u64(w, items->correlation_id.time_stamp);
    }
    if (present & SOH_ITEM_BIT(SOH_ITEM_QUARANTINE_STATE)) {
        soh_put_u8(w, SOH_ITEM_QUARANTINE_STATE);
        soh_put_u16(w, (uint16_t)(q->isolation_state | q->extended_state << EXTSTATE_SHIFT));
        soh_put_u64(w, q->probation_end);
        soh_put_u16(w, q->url.size);
        soh_put_bytes(w, q->url.data, q->url.size);
    }
    if (present & SOH_ITEM_BIT(SOH_ITEM_MACHINE_INVENTORY_EX)) {
        soh_put_u8(w, SOH_ITEM_MACHINE_INVENTORY_EX);
        soh_put_u32(w, items->inventory_ex_reserved);
        soh_put_u8(w, items->product_type);
    }
    if (present & SOH_ITEM_BIT(SOH_ITEM_SYSTEM_GENERATED_IDS)) {
        soh_put_u8(w, SOH_ITEM_SYSTEM_GENERATED_IDS);
        put_dwords(w, &items->system_generated_ids);
    }
    if (present & SOH_ITEM_BIT(SOH_ITEM_INSTALLED_SHVS)) {
        soh_put_u8(w, SOH_ITEM_INSTALLED_SHVS);
        put_dwords(w, &items->installed_shvs);
    }
    return SOH_OK;
}

static enum soh_error read_sized(struct soh_reader *r, struct soh_octets *out)
{
    uint16_t length;

    if (!soh_read_u16(r, &length) || !soh_read_bytes(r, length, &out->data))
        return SOH_E_TRUNCATED_ITEM;
    out->size = length;
    return SOH_OK;
}

static enum soh_error read_id_list(struct soh_reader *r, struct soh_dwords *out)
{
    struct soh_octets bytes;
    enum soh_error e = read_sized(r, &bytes);

    if (e != SOH_OK)
        return e;
    if (bytes.size % 4)
        return SOH_E_BAD_ITEM_LENGTH;
    out->count = bytes.size / 4;
    out->host = NULL;
    out->wire = bytes.data;
    return SOH_OK;
}

static enum soh_error read_item(struct soh_reader *r, uint8_t type, struct soh_system_items *items)
{
    const uint8_t *p;
    uint8_t byte;
    uint16_t flags;

    switch (type) {
    case SOH_ITEM_MACHINE_INVENTORY:
        if (!soh_read_bytes(r, MACHINE_INVENTORY_SIZE, &p))
            return SOH_E_TRUNCATED_ITEM;
        items->inventory.os_major = soh_get_u32(p);
        items->inventory.os_minor = soh_get_u32(p + 4);
        items->inventory.os_build = soh_get_u32(p + 8);
        items->inventory.sp_major = soh_get_u16(p + 12);
        items->inventory.sp_minor = soh_get_u16(p + 14);
        items->inventory.processor_architecture = soh_get_u16(p + 16);
        return SOH_OK;
    case SOH_ITEM_QUARANTINE_STATE:
        if (!soh_read_u16(r, &flags) || !soh_read_u64(r, &items->quarantine.probation_end))
            return SOH_E_TRUNCATED_ITEM;
        items->quarantine.isolation_state = (uint8_t)(flags & QSTATE_MASK);
        items->quarantine.extended_state = (uint8_t)(flags >> EXTSTATE_SHIFT & EXTSTATE_MASK);
        if (!quarantine_state_valid(items->quarantine.isolation_state,
                                    items->quarantine.extended_state))
            return SOH_E_BAD_QUARANTINE_STATE;
        return read_sized(r, &items->quarantine.url);
    case SOH_ITEM_PACKET_INFO:
        if (!soh_read_u8(r, &byte))
            return SOH_E_TRUNCATED_ITEM;
        items->is_request = !!(byte & PACKET_INFO_REQUEST);
        items->version = byte & PACKET_INFO_VERSION;
        return items->version == SOH_PACKET_VERSION ? SOH_OK : SOH_E_BAD_PACKET_VERSION;
    case SOH_ITEM_SYSTEM_GENERATED_IDS:
        return read_id_list(r, &items->system_generated_ids);
    case SOH_ITEM_MACHINE_NAME:
        return read_sized(r, &items->machine_name);
    case SOH_ITEM_CORRELATION_ID:
        if (!soh_read_bytes(r, CORRELATION_ID_SIZE, &p))
            return SOH_E_TRUNCATED_ITEM;
        memcpy(items->correlation_id.conn_id, p, 16);
        items->correlation_id.time_stamp = soh_get_u64(p + 16);
        return SOH_OK;
    case SOH_ITEM_INSTALLED_SHVS:
        return read_id_list(r, &items->installed_shvs);
    case SOH_ITEM_MACHINE_INVENTORY_EX:
        if (!soh_read_u32(r, &items->inventory_ex_reserved) || !soh_read_u8(r, &items->product_type))
            return SOH_E_TRUNCATED_ITEM;
        return SOH_OK;
    default:
        return SOH_E_UNKNOWN_ITEM;
    }
}

enum soh_error soh_items_decode(const uint8_t *data, size_t size, struct soh_system_items *items)
{
    struct soh_reader r = soh_reader_make(data, size);

    memset(items, 0, sizeof(*items));
    while (r.left) {
        uint8_t type;
        enum soh_error e;

        soh_read_u8(&r, &type);
        if (type < SOH_ITEM_MACHINE_INVENTORY || type > SOH_ITEM_MACHINE_INVENTORY_EX)
            return SOH_E_UNKNOWN_ITEM;
        if (items->present & SOH_ITEM_BIT(type))
            return SOH_E_DUPLICATE_ITEM;
        e = read_item(&r, type, items);
        if (e != SOH_OK)
            return e;
        items->present |= SOH_ITEM_BIT(type);
    }
    return (items->present & SOH_ITEM_BIT(SOH_ITEM_PACKET_INFO)) ? SOH_OK : SOH_E_MISSING_PACKET_INFO;
}
