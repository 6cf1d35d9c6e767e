/* One SoH as an attribute list ([MS-SOH] TLVs, naptypes.h SoH/SoHAttribute without COM):
 * encoding a list as TLVs, zero-copy decoding of TLVs into views, and the Validate rules of
 * INapSoHConstructor::Validate. The typed values of single attributes are in soh_values.h. */
#ifndef NAPAGENT_SOH_ATTRIBUTES_H
#define NAPAGENT_SOH_ATTRIBUTES_H

#include <stddef.h>
#include <stdint.h>

#include "soh_error.h"
#include "soh_wire.h"

/* naptypes.h limits, by their SDK names' values. */
#define SOH_MAX_ATTRIBUTE_COUNT   100u   /* maxSoHAttributeCount */
#define SOH_MAX_ATTRIBUTE_SIZE    4000u  /* maxSoHAttributeSize */
#define SOH_MIN_NETWORK_SIZE      12u    /* minNetworkSoHSize */
#define SOH_MAX_NETWORK_SIZE      4000u  /* maxNetworkSoHSize */
#define SOH_MAX_SHA_COUNT         20u    /* maxSystemHealthEntityCount */
#define SOH_TLV_HEADER_SIZE       4u
/* The TLV type is 14 bits; the top two (M, R) are sent as 0 and ignored on receipt. */
#define SOH_TLV_TYPE_MASK         0x3FFFu

/* SoHAttributeType (napprotocol.h). */
enum soh_attribute_type {
    SOH_ATTR_SYSTEM_HEALTH_ID = 2,
    SOH_ATTR_IPV4_FIXUP_SERVERS = 3,
    SOH_ATTR_COMPLIANCE_RESULT_CODES = 4,
    SOH_ATTR_TIME_OF_LAST_UPDATE = 5,
    SOH_ATTR_CLIENT_ID = 6,
    SOH_ATTR_VENDOR_SPECIFIC = 7,
    SOH_ATTR_HEALTH_CLASS = 8,
    SOH_ATTR_SOFTWARE_VERSION = 9,
    SOH_ATTR_PRODUCT_NAME = 10,
    SOH_ATTR_HEALTH_CLASS_STATUS = 11,
    SOH_ATTR_SOH_GENERATION_TIME = 12,
    SOH_ATTR_ERROR_CODES = 13,
    SOH_ATTR_FAILURE_CATEGORY = 14,
    SOH_ATTR_IPV6_FIXUP_SERVERS = 15,
    SOH_ATTR_EXTENDED_ISOLATION_STATE = 16,
};

/* One attribute: SoHAttribute with a borrowed value. Decoded views point into the message. */
struct soh_attribute {
    uint16_t type;
    uint16_t size;
    const uint8_t *value;
};

/* The bytes the list takes as TLVs (4 + size each). */
size_t soh_attributes_wire_size(const struct soh_attribute *attributes, size_t count);

/* Appends the list as TLVs. INVALID_ARGUMENT for a NULL list with a count or a NULL value with a
 * size, BAD_ATTRIBUTE_TYPE above 14 bits, ATTRIBUTE_TOO_LARGE above 4000 bytes; overflow of the
 * writer is the caller's to look at (w->overflow). Nothing else is checked: see validate. */
enum soh_error soh_attributes_encode(struct soh_writer *w, const struct soh_attribute *attributes,
                                     size_t count);

/* Splits data[0..size) into TLV views, zero-copy (values point into data). Every byte must
 * belong to a TLV: TRUNCATED_TLV, LENGTH_PAST_END; more than capacity TLVs is
 * TOO_MANY_ATTRIBUTES. *count is the number of views written. No semantic checks. */
enum soh_error soh_attributes_decode(const uint8_t *data, size_t size, struct soh_attribute *out,
                                     size_t capacity, size_t *count);

/* The structure every SoH on the wire must have, one SHA's list:
 * 1..100 attributes (EMPTY_SOH, TOO_MANY_ATTRIBUTES), each at most 4000 bytes, the first a
 * 4-byte SystemHealthId and no other SystemHealthId, and in a response at most one
 * Ipv4FixupServers and at most one Ipv6FixupServers attribute. *sha_id gets the id (may be NULL). */
enum soh_error soh_attributes_check_structure(const struct soh_attribute *attributes, size_t count,
                                              int is_request, uint32_t *sha_id);

/* INapSoHConstructor::Validate: the structure above, plus every attribute of a known type decodes
 * as that type (BAD_ATTRIBUTE_SIZE / BAD_ATTRIBUTE_VALUE, see soh_value_decode), plus, in a
 * response, a ComplianceResultCodes, ErrorCodes or FailureCategory attribute (NO_RESULT). */
enum soh_error soh_attributes_validate(const struct soh_attribute *attributes, size_t count,
                                       int is_request);

#endif
