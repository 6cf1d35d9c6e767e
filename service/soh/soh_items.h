/* The NAP system's own SoH (SSoH, in requests) and SoH response (SSoHR): Microsoft's
 * type-value items inside the SSoH's vendor-specific attribute (vendor 311; table in docs/soh.md).
 * They are not TLVs: a 1-byte type, then a fixed-size value or a 2-byte length and the bytes.
 * Since an unknown type's size cannot be known, an unknown item ends the decoding (UNKNOWN_ITEM).
 *
 *   1 MS-Machine-Inventory     u32 OS major, u32 minor, u32 build, u16 SP major, u16 SP minor,
 *                              u16 processor architecture                         (18 bytes)
 *   2 MS-Quarantine-State      u16 flags, u64 probation end (FILETIME), u16 URL length, URL
 *   3 MS-Packet-Info           u8: 0x10 = request (clear = response), low nibble = version 1
 *   4 MS-SystemGenerated-Ids   u16 byte length, 4-byte SHA ids
 *   5 MS-MachineName           u16 byte length, name bytes
 *   6 MS-CorrelationId         16-byte connection GUID, u64 FILETIME                (24 bytes)
 *   7 MS-Installed-Shvs        u16 byte length, 4-byte SHV ids
 *   8 MS-Machine-Inventory-Ex  u32 reserved, u8 product type (1 client, 2 DC, 3 server)
 *
 * MS-Quarantine-State flags (our reading, see docs/soh.md): bits 0-1 isolation state (1..3),
 * bits 3-5 extended isolation state (0..3), every other bit sent as 0 and ignored. */
#ifndef NAPAGENT_SOH_ITEMS_H
#define NAPAGENT_SOH_ITEMS_H

#include <stdint.h>

#include "soh_error.h"
#include "soh_values.h"
#include "soh_wire.h"

#define SOH_MICROSOFT_VENDOR_ID 311u
#define SOH_PACKET_VERSION      1u

enum soh_item_type {
    SOH_ITEM_MACHINE_INVENTORY = 1,
    SOH_ITEM_QUARANTINE_STATE = 2,
    SOH_ITEM_PACKET_INFO = 3,
    SOH_ITEM_SYSTEM_GENERATED_IDS = 4,
    SOH_ITEM_MACHINE_NAME = 5,
    SOH_ITEM_CORRELATION_ID = 6,
    SOH_ITEM_INSTALLED_SHVS = 7,
    SOH_ITEM_MACHINE_INVENTORY_EX = 8,
};
#define SOH_ITEM_BIT(type) (1u << (type))

/* CorrelationId: the GUID's 16 bytes travel as the caller holds them (the agent passes the
 * in-memory GUID, so SHAs get back exactly the bytes of their CorrelationId), the FILETIME as
 * one big-endian 64-bit number. */
struct soh_correlation_id {
    uint8_t conn_id[16];
    uint64_t time_stamp;
};

struct soh_machine_inventory {
    uint32_t os_major;
    uint32_t os_minor;
    uint32_t os_build;
    uint16_t sp_major;
    uint16_t sp_minor;
    uint16_t processor_architecture;
};

struct soh_quarantine_state {
    uint8_t isolation_state;     /* IsolationState, 1..3 */
    uint8_t extended_state;      /* ExtendedIsolationState, 0..3 */
    uint64_t probation_end;      /* FILETIME */
    struct soh_octets url;       /* as sent; clients commonly count a terminating NUL */
};

/* Every item of an SSoH or SSoHR. present says which were there (decoding) or are to be
 * written (encoding), one SOH_ITEM_BIT each. */
struct soh_system_items {
    unsigned present;
    int is_request;              /* MS-Packet-Info */
    uint8_t version;             /* MS-Packet-Info, decoding only (encoding writes 1) */
    struct soh_machine_inventory inventory;
    struct soh_quarantine_state quarantine;
    struct soh_dwords system_generated_ids;
    struct soh_octets machine_name;
    struct soh_correlation_id correlation_id;
    struct soh_dwords installed_shvs;
    uint32_t inventory_ex_reserved;
    uint8_t product_type;
};

/* Writes the present items, MS-Packet-Info first (it is always written). INVALID_ARGUMENT for a
 * NULL list with a count, a list or name over 65535 bytes; BAD_QUARANTINE_STATE for an isolation
 * state outside 1..3 or an extended state above 3. */
enum soh_error soh_items_encode(struct soh_writer *w, const struct soh_system_items *items);

/* Reads data[0..size) (after the vendor id) into *items, zero-copy. UNKNOWN_ITEM,
 * TRUNCATED_ITEM, DUPLICATE_ITEM, BAD_ITEM_LENGTH, BAD_PACKET_VERSION, BAD_QUARANTINE_STATE,
 * MISSING_PACKET_INFO. Direction is the caller's to check. */
enum soh_error soh_items_decode(const uint8_t *data, size_t size, struct soh_system_items *items);

#endif
