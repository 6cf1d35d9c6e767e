#include "soh_error.h"

static const char *const texts[SOH_ERROR_COUNT] = {
    [SOH_OK] = "no error",
    [SOH_E_TRUNCATED_HEADER] = "shorter than the 12-byte SoH header",
    [SOH_E_TOO_LARGE] = "longer than maxNetworkSoHSize (4000 bytes)",
    [SOH_E_NOT_VENDOR_SPECIFIC] = "the SoH header's type is not 7 (vendor-specific)",
    [SOH_E_WRONG_VENDOR] = "a vendor id is not Microsoft's (311)",
    [SOH_E_LENGTH_PAST_END] = "a length field reaches past the end of the data",
    [SOH_E_TRAILING_BYTES] = "bytes follow the end announced by the SoH header",
    [SOH_E_NESTED_LENGTH] = "the inner length disagrees with the outer length",
    [SOH_E_BAD_INNER_TYPE] = "the inner type is neither 1 nor 2",
    [SOH_E_TRUNCATED_MODE_HEADER] = "the mode sub-header is cut short",
    [SOH_E_BAD_MODE_HEADER] = "the mode sub-header's type is not 7 or its length not 30",
    [SOH_E_BAD_CONTENT_TYPE] = "the mode sub-header's content type is not 0",
    [SOH_E_TRUNCATED_TLV] = "a TLV header is cut short",
    [SOH_E_MISSING_SYSTEM_HEALTH_ID] = "an SoH does not start with SystemHealthId",
    [SOH_E_BAD_SYSTEM_HEALTH_ID] = "a SystemHealthId attribute is not 4 bytes long",
    [SOH_E_DUPLICATE_SYSTEM_HEALTH_ID] = "a second SystemHealthId inside one SoH",
    [SOH_E_MISSING_SSOH] = "the message does not start with the NAP system's SoH (0x00013700)",
    [SOH_E_TOO_MANY_ATTRIBUTES] = "more than maxSoHAttributeCount (100) attributes in one SoH",
    [SOH_E_ATTRIBUTE_TOO_LARGE] = "an attribute is longer than maxSoHAttributeSize (4000 bytes)",
    [SOH_E_BAD_ATTRIBUTE_TYPE] = "an attribute type does not fit in 14 bits",
    [SOH_E_TOO_MANY_SHAS] = "more than maxSystemHealthEntityCount (20) SHA reports",
    [SOH_E_DUPLICATE_SHA] = "two SoH reports carry the same SystemHealthId",
    [SOH_E_DUPLICATE_FIXUP_SERVERS] = "a response SoH carries two IPv4 or two IPv6 fixup server lists",
    [SOH_E_EMPTY_SOH] = "an SoH without attributes",
    [SOH_E_NO_RESULT] = "a response SoH with neither result codes nor FailureCategory",
    [SOH_E_BAD_ATTRIBUTE_SIZE] = "an attribute's length does not suit its type",
    [SOH_E_BAD_ATTRIBUTE_VALUE] = "an attribute's value is out of its range",
    [SOH_E_MISSING_SSOH_ITEMS] = "the SSoH has no Microsoft vendor-specific attribute",
    [SOH_E_DUPLICATE_SSOH_ITEMS] = "the SSoH has two Microsoft vendor-specific attributes",
    [SOH_E_UNKNOWN_ITEM] = "an unknown MS type-value item in the SSoH",
    [SOH_E_TRUNCATED_ITEM] = "an MS type-value item is cut short",
    [SOH_E_DUPLICATE_ITEM] = "an MS type-value item appears twice",
    [SOH_E_BAD_ITEM_LENGTH] = "an id list's length is not a multiple of 4",
    [SOH_E_MISSING_PACKET_INFO] = "the SSoH has no MS-Packet-Info item",
    [SOH_E_WRONG_DIRECTION] = "MS-Packet-Info names the other direction (request/response)",
    [SOH_E_BAD_PACKET_VERSION] = "MS-Packet-Info names a version other than 1",
    [SOH_E_BAD_QUARANTINE_STATE] = "MS-Quarantine-State's isolation state is not 1..3",
    [SOH_E_MISSING_CORRELATION_ID] = "no correlation id (no mode sub-header, no MS-CorrelationId)",
    [SOH_E_CORRELATION_MISMATCH] = "the mode sub-header and MS-CorrelationId disagree",
    [SOH_E_BUFFER_TOO_SMALL] = "the SoH header and the SSoH alone exceed the maximum size",
    [SOH_E_INVALID_ARGUMENT] = "an argument is NULL or out of its range",
};

const char *soh_error_text(enum soh_error e)
{
    if ((unsigned)e >= SOH_ERROR_COUNT || !texts[e])
        return "unknown SoH error";
    return texts[e];
}

nap_result soh_error_result(enum soh_error e)
{
    switch (e) {
    case SOH_OK:
        return NAP_RESULT_OK;
    case SOH_E_BUFFER_TOO_SMALL:
        return NAP_RESULT_MAXSIZE_TOO_SMALL;
    case SOH_E_INVALID_ARGUMENT:
        return NAP_RESULT_INVALID_ARG;
    default:
        return NAP_RESULT_INVALID_PACKET;
    }
}
