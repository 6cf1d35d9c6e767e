/* Typed attribute values (SoHAttributeValue without COM) ⇄ their wire bytes, and the stand-in
 * SoH the agent sends for an SHA that cannot answer.
 *
 * Wire forms (all big-endian; [MS-SOH] TLV values, the SoHAttributeValue arms; docs/soh.md):
 *   SystemHealthId              4 bytes
 *   ComplianceResultCodes,
 *   ErrorCodes                  count × 4-byte HRESULT, count 0..1000 (maxDwordCountPerSoHAttribute)
 *   TimeOfLastUpdate,
 *   SoHGenerationTime           FILETIME, 8 bytes: high DWORD then low DWORD
 *   VendorSpecific              4-byte vendor id + 0..3996 bytes, sent as given
 *   HealthClass                 1 byte (any value: SHAs number their own classes)
 *   FailureCategory             1 byte, 0..5 (failureCategoryNone..ServerCommunication)
 *   ExtendedIsolationState      1 byte, 0..3 (extendedIsolationStateNoData..Unknown)
 *   Ipv4FixupServers            count × 4 bytes, count 1..1000
 *   Ipv6FixupServers            count × 16 bytes, count 1..250
 *   ClientId, SoftwareVersion,
 *   ProductName, HealthClassStatus
 *   and every unknown type      octet string, 0..4000 bytes, sent as given */
#ifndef NAPAGENT_SOH_VALUES_H
#define NAPAGENT_SOH_VALUES_H

#include <stddef.h>
#include <stdint.h>

#include "soh_attributes.h"
#include "soh_error.h"

#define SOH_NAP_SYSTEM_ID          0x00013700u  /* NapSystemId: the SSoH's SystemHealthId */
#define SOH_MAX_RESULT_CODES       1000u        /* maxDwordCountPerSoHAttribute */
#define SOH_MAX_IPV4_SERVERS       1000u        /* maxIpv4CountPerSoHAttribute */
#define SOH_MAX_IPV6_SERVERS       250u         /* maxIpv6CountPerSoHAttribute */
#define SOH_MAX_FAILURE_CATEGORY   5u           /* failureCategoryServerCommunication */
#define SOH_MAX_EXTENDED_STATE     3u           /* extendedIsolationStateUnknown */

/* Which arm of union soh_value a type uses (SoHAttributeValue's switch). */
enum soh_value_kind {
    SOH_VALUE_ID,               /* id */
    SOH_VALUE_CODES,            /* codes */
    SOH_VALUE_DATE_TIME,        /* date_time */
    SOH_VALUE_VENDOR_SPECIFIC,  /* vendor_specific */
    SOH_VALUE_UINT8,            /* uint8 */
    SOH_VALUE_OCTETS,           /* octets */
    SOH_VALUE_IPV4,             /* addresses, 4 bytes each */
    SOH_VALUE_IPV6,             /* addresses, 16 bytes each */
};

/* A list of 32-bit numbers (HRESULTs of ResultCodes, SHA ids of the SSoH's id lists): encoding
 * reads host (host byte order, as ResultCodes holds them); decoding sets wire (zero-copy,
 * big-endian) and host = NULL. soh_dwords_at reads either. */
struct soh_dwords {
    uint16_t count;
    const uint32_t *host;
    const uint8_t *wire;
};

struct soh_vendor_specific {
    uint32_t vendor_id;
    uint16_t size;
    const uint8_t *data;
};

struct soh_octets {
    uint16_t size;
    const uint8_t *data;
};

/* count addresses of 4 (IPv4) or 16 (IPv6) bytes each, back to back in network order. */
struct soh_addresses {
    uint16_t count;
    const uint8_t *data;
};

union soh_value {
    uint32_t id;
    struct soh_dwords codes;
    uint64_t date_time;          /* FILETIME as one 64-bit number */
    struct soh_vendor_specific vendor_specific;
    uint8_t uint8;
    struct soh_octets octets;
    struct soh_addresses addresses;
};

enum soh_value_kind soh_value_kind_of(uint16_t type);

/* The i-th number (i < count), whichever side of the list is set. */
uint32_t soh_dwords_at(const struct soh_dwords *codes, size_t i);

/* The wire size of a typed value, or 0 with *e set when the value is out of range
 * (counts, sizes, FailureCategory / ExtendedIsolationState values). */
size_t soh_value_wire_size(uint16_t type, const union soh_value *v, enum soh_error *e);

/* Writes the wire bytes of v into out[0..capacity), *size their count. INVALID_ARGUMENT for a
 * NULL pointer the value needs or capacity too small, the range errors of soh_value_wire_size. */
enum soh_error soh_value_encode(uint16_t type, const union soh_value *v, uint8_t *out,
                                size_t capacity, uint16_t *size);

/* Reads wire[0..size) as a value of the type, zero-copy for every byte string and list.
 * BAD_ATTRIBUTE_SIZE when the length does not suit the type, BAD_ATTRIBUTE_VALUE when the value
 * is out of its range, ATTRIBUTE_TOO_LARGE above 4000 bytes. */
enum soh_error soh_value_decode(uint16_t type, const uint8_t *wire, size_t size, union soh_value *v);

/* The SoH the agent sends on behalf of an SHA that is registered but not bound (failure category
 * ClientComponent, NAP_E_NOT_INITIALIZED) or whose GetSoHRequest failed: SystemHealthId = id,
 * FailureCategory = category, ErrorCodes = { error }. The attribute views point into the
 * struct itself, so it must not be copied while they are in use. */
struct soh_stand_in {
    struct soh_attribute attributes[3];
    uint8_t id[4];
    uint8_t category;
    uint8_t error[4];
};
#define SOH_STAND_IN_COUNT 3u

void soh_stand_in_build(struct soh_stand_in *s, uint32_t sha_id, uint8_t failure_category,
                        uint32_t error);

#endif
