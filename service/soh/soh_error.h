/* Why an [MS-SOH] message or attribute list was refused. Every malformed case has its own code
 * (and text) so that a failed exchange can be diagnosed from the log; the COM side sees all of
 * them as NAP_E_INVALID_PACKET through soh_error_result(). */
#ifndef NAPAGENT_SOH_ERROR_H
#define NAPAGENT_SOH_ERROR_H

#include "nap_result.h"

enum soh_error {
    SOH_OK = 0,
    /* The SoH header (the first 12 bytes) */
    SOH_E_TRUNCATED_HEADER,        /* fewer than minNetworkSoHSize (12) bytes */
    SOH_E_TOO_LARGE,               /* more than maxNetworkSoHSize (4000) bytes */
    SOH_E_NOT_VENDOR_SPECIFIC,     /* outer type is not 7 (vendor-specific) */
    SOH_E_WRONG_VENDOR,            /* a vendor id that must be Microsoft's (311) is not */
    SOH_E_LENGTH_PAST_END,         /* a length field reaches past the end of what encloses it */
    SOH_E_TRAILING_BYTES,          /* bytes after the end the outer length announces */
    SOH_E_NESTED_LENGTH,           /* inner length disagrees with the outer length */
    SOH_E_BAD_INNER_TYPE,          /* inner type neither 1 (plain) nor 2 (mode sub-header) */
    /* The mode sub-header */
    SOH_E_TRUNCATED_MODE_HEADER,   /* inner type 2 but fewer than 34 bytes follow */
    SOH_E_BAD_MODE_HEADER,         /* its type is not 7 or its length not 30 */
    SOH_E_BAD_CONTENT_TYPE,        /* content type not 0 */
    /* TLVs and the per-SHA SoH reports */
    SOH_E_TRUNCATED_TLV,           /* fewer than 4 bytes left where a TLV header must be */
    SOH_E_MISSING_SYSTEM_HEALTH_ID,/* an SoH whose first attribute is not SystemHealthId */
    SOH_E_BAD_SYSTEM_HEALTH_ID,    /* a SystemHealthId attribute that is not 4 bytes */
    SOH_E_DUPLICATE_SYSTEM_HEALTH_ID, /* a second SystemHealthId inside one SHA's list */
    SOH_E_MISSING_SSOH,            /* the message does not start with the NAP system's SoH */
    SOH_E_TOO_MANY_ATTRIBUTES,     /* more than maxSoHAttributeCount (100) in one SoH */
    SOH_E_ATTRIBUTE_TOO_LARGE,     /* an attribute longer than maxSoHAttributeSize (4000) */
    SOH_E_BAD_ATTRIBUTE_TYPE,      /* a type that does not fit the 14 bits of the TLV */
    SOH_E_TOO_MANY_SHAS,           /* more than maxSystemHealthEntityCount (20) SHA reports */
    SOH_E_DUPLICATE_SHA,           /* two reports with the same SystemHealthId */
    SOH_E_DUPLICATE_FIXUP_SERVERS, /* a response SoH with two IPv4 (or two IPv6) server lists */
    SOH_E_EMPTY_SOH,               /* an SoH without a single attribute */
    SOH_E_NO_RESULT,               /* a response SoH without result codes or FailureCategory */
    SOH_E_BAD_ATTRIBUTE_SIZE,      /* a typed attribute whose length its type does not allow */
    SOH_E_BAD_ATTRIBUTE_VALUE,     /* a typed attribute whose value is out of its range */
    /* The MS type-value items of the SSoH / SSoHR */
    SOH_E_MISSING_SSOH_ITEMS,      /* the SSoH has no Microsoft vendor-specific TLV */
    SOH_E_DUPLICATE_SSOH_ITEMS,    /* the SSoH has two of them */
    SOH_E_UNKNOWN_ITEM,            /* an item type we do not know (items cannot be skipped) */
    SOH_E_TRUNCATED_ITEM,          /* an item reaches past the end of its TLV */
    SOH_E_DUPLICATE_ITEM,          /* the same item twice */
    SOH_E_BAD_ITEM_LENGTH,         /* an id list whose length is not a multiple of 4 */
    SOH_E_MISSING_PACKET_INFO,     /* no MS-Packet-Info item */
    SOH_E_WRONG_DIRECTION,         /* MS-Packet-Info says response where a request is decoded, or the reverse */
    SOH_E_BAD_PACKET_VERSION,      /* MS-Packet-Info version is not 1 */
    SOH_E_BAD_QUARANTINE_STATE,    /* MS-Quarantine-State isolation state not 1..3 */
    SOH_E_MISSING_CORRELATION_ID,  /* neither a mode sub-header nor an MS-CorrelationId item */
    SOH_E_CORRELATION_MISMATCH,    /* the mode sub-header and MS-CorrelationId disagree */
    /* Encoding */
    SOH_E_BUFFER_TOO_SMALL,        /* the header and the SSoH alone do not fit max_size */
    SOH_E_INVALID_ARGUMENT,        /* a NULL pointer or a count out of its documented range */
    SOH_ERROR_COUNT
};

/* A short English sentence for logs; never NULL (an unknown code has a text too). */
const char *soh_error_text(enum soh_error e);

/* The core's view: every malformed-input error is NAP_RESULT_INVALID_PACKET,
 * SOH_E_BUFFER_TOO_SMALL is NAP_RESULT_MAXSIZE_TOO_SMALL, SOH_E_INVALID_ARGUMENT is
 * NAP_RESULT_INVALID_ARG, SOH_OK is NAP_RESULT_OK. */
nap_result soh_error_result(enum soh_error e);

#endif
