/* SoH attribute lists: TLV encoding and zero-copy decoding, and each rule of
 * INapSoHConstructor::Validate refusing with its own error. */
#include <string.h>

#include "soh_attributes.h"
#include "soh_values.h"
#include "tap.h"

static const uint8_t id_a[4] = { 0x00, 0x01, 0x37, 0x80 };
static const uint8_t ok_code[4] = { 0, 0, 0, 0 };
static const uint8_t category[1] = { 2 };

static void test_list_round_trips_through_tlvs(void)
{
    static const uint8_t want[] = { 0x00, 0x02, 0x00, 0x04, 0x00, 0x01, 0x37, 0x80,
                                    0x00, 0x04, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
                                    0x00, 0x06, 0x00, 0x00 };
    struct soh_attribute list[3] = { { SOH_ATTR_SYSTEM_HEALTH_ID, 4, id_a },
                                     { SOH_ATTR_COMPLIANCE_RESULT_CODES, 4, ok_code },
                                     { SOH_ATTR_CLIENT_ID, 0, NULL } };
    struct soh_attribute back[3];
    uint8_t buf[64];
    struct soh_writer w = soh_writer_make(buf, sizeof(buf));
    size_t count = 0;
    enum soh_error e = soh_attributes_encode(&w, list, 3);

    ok(e == SOH_OK && w.length == sizeof(want) && !memcmp(buf, want, sizeof(want)),
       "three attributes encode to 20 TLV bytes, got %s, %zu", soh_error_text(e), w.length);
    ok(soh_attributes_wire_size(list, 3) == 20, "wire size 20, got %zu", soh_attributes_wire_size(list, 3));
    e = soh_attributes_decode(want, sizeof(want), back, 3, &count);
    ok(e == SOH_OK && count == 3, "and decode to three views, got %s, %zu", soh_error_text(e), count);
    ok(back[0].type == 2 && back[0].value == want + 4 && back[1].type == 4 && back[1].value == want + 12
       && back[2].type == 6 && back[2].size == 0, "the views point into the input");
}

static void test_decoding_ignores_the_m_and_r_bits(void)
{
    static const uint8_t flagged[] = { 0xC0, 0x02, 0x00, 0x04, 0x00, 0x01, 0x37, 0x80 };
    struct soh_attribute back[1] = { { 0, 0, NULL } };
    size_t count;

    ok(soh_attributes_decode(flagged, sizeof(flagged), back, 1, &count) == SOH_OK && back[0].type == 2,
       "type 0xC002 reads as SystemHealthId (M and R are ignored on receipt), got %u", back[0].type);
}

static void test_decoding_refuses_broken_tlvs(void)
{
    static const uint8_t cut_header[] = { 0x00, 0x02, 0x00 };
    static const uint8_t cut_value[] = { 0x00, 0x02, 0x00, 0x04, 0x00, 0x01 };
    static const uint8_t two[] = { 0, 6, 0, 0, 0, 6, 0, 0 };
    struct soh_attribute back[1];
    size_t count;

    ok(soh_attributes_decode(cut_header, 3, back, 1, &count) == SOH_E_TRUNCATED_TLV, "3 bytes: TRUNCATED_TLV");
    ok(soh_attributes_decode(cut_value, 6, back, 1, &count) == SOH_E_LENGTH_PAST_END,
       "length 4 with 2 bytes left: LENGTH_PAST_END");
    ok(soh_attributes_decode(two, 8, back, 1, &count) == SOH_E_TOO_MANY_ATTRIBUTES && count == 1,
       "two TLVs into room for one: TOO_MANY_ATTRIBUTES after one, got %zu", count);
    ok(soh_attributes_decode(NULL, 0, back, 1, &count) == SOH_OK && count == 0, "no bytes: no attributes");
}

static void test_encoding_refuses_what_a_tlv_cannot_carry(void)
{
    static const uint8_t big[SOH_MAX_ATTRIBUTE_SIZE + 1] = { 0 };
    uint8_t buf[8];
    struct soh_writer w = soh_writer_make(buf, sizeof(buf));
    struct soh_attribute a = { 0x4000, 0, NULL };

    ok(soh_attributes_encode(&w, &a, 1) == SOH_E_BAD_ATTRIBUTE_TYPE, "type 0x4000: BAD_ATTRIBUTE_TYPE");
    a = (struct soh_attribute){ 6, SOH_MAX_ATTRIBUTE_SIZE + 1, big };
    ok(soh_attributes_encode(&w, &a, 1) == SOH_E_ATTRIBUTE_TOO_LARGE, "4001 bytes: ATTRIBUTE_TOO_LARGE");
    a = (struct soh_attribute){ 6, 2, NULL };
    ok(soh_attributes_encode(&w, &a, 1) == SOH_E_INVALID_ARGUMENT, "size without value: INVALID_ARGUMENT");
    ok(soh_attributes_encode(&w, NULL, 1) == SOH_E_INVALID_ARGUMENT, "NULL list: INVALID_ARGUMENT");
    a = (struct soh_attribute){ 6, 8, big };
    ok(soh_attributes_encode(&w, &a, 1) == SOH_OK && w.overflow, "12 bytes into 8: the writer overflows");
}

static void expect_validate(const char *what, const struct soh_attribute *list, size_t count, int is_request,
                            enum soh_error want)
{
    enum soh_error e = soh_attributes_validate(list, count, is_request);
    ok(e == want, "%s: expected %s, got %s", what, soh_error_text(want), soh_error_text(e));
}

static void test_validate_rules(void)
{
    static const uint8_t short_id[3] = { 0 };
    static const uint8_t v4[4] = { 10, 0, 0, 1 };
    static const uint8_t v6[16] = { 0xFE, 0x80 };
    static const uint8_t bad_time[7] = { 0 };
    static const uint8_t category_9[1] = { 9 };
    static const uint8_t big[SOH_MAX_ATTRIBUTE_SIZE + 1] = { 0 };
    struct soh_attribute list[SOH_MAX_ATTRIBUTE_COUNT + 1];
    const struct soh_attribute head = { SOH_ATTR_SYSTEM_HEALTH_ID, 4, id_a };
    const struct soh_attribute result = { SOH_ATTR_COMPLIANCE_RESULT_CODES, 4, ok_code };

    list[0] = head;
    list[1] = result;
    expect_validate("SystemHealthId + ComplianceResultCodes", list, 2, 1, SOH_OK);
    list[1] = (struct soh_attribute){ SOH_ATTR_FAILURE_CATEGORY, 1, category };
    expect_validate("SystemHealthId + FailureCategory", list, 2, 0, SOH_OK);
    expect_validate("no attribute", list, 0, 1, SOH_E_EMPTY_SOH);
    expect_validate("a response with SystemHealthId only", list, 1, 0, SOH_E_NO_RESULT);
    expect_validate("a request with SystemHealthId only", list, 1, 1, SOH_OK);
    list[1] = (struct soh_attribute){ SOH_ATTR_ERROR_CODES, 4, ok_code };
    expect_validate("a response with ErrorCodes as its result", list, 2, 0, SOH_OK);
    list[1] = (struct soh_attribute){ SOH_ATTR_VENDOR_SPECIFIC, 4, ok_code };
    expect_validate("a request with vendor data only (the SDK sample SHA's)", list, 2, 1, SOH_OK);
    expect_validate("a response with vendor data only", list, 2, 0, SOH_E_NO_RESULT);

    list[0] = result;
    list[1] = head;
    expect_validate("SystemHealthId second", list, 2, 1, SOH_E_MISSING_SYSTEM_HEALTH_ID);
    list[0] = (struct soh_attribute){ SOH_ATTR_SYSTEM_HEALTH_ID, 3, short_id };
    list[1] = result;
    expect_validate("SystemHealthId of 3 bytes", list, 2, 1, SOH_E_BAD_SYSTEM_HEALTH_ID);

    list[0] = head;
    list[1] = result;
    list[2] = head;
    expect_validate("a second SystemHealthId", list, 3, 1, SOH_E_DUPLICATE_SYSTEM_HEALTH_ID);

    for (size_t i = 2; i <= SOH_MAX_ATTRIBUTE_COUNT; ++i)
        list[i] = (struct soh_attribute){ SOH_ATTR_CLIENT_ID, 0, NULL };
    expect_validate("100 attributes", list, SOH_MAX_ATTRIBUTE_COUNT, 1, SOH_OK);
    expect_validate("101 attributes", list, SOH_MAX_ATTRIBUTE_COUNT + 1, 1, SOH_E_TOO_MANY_ATTRIBUTES);

    list[2] = (struct soh_attribute){ SOH_ATTR_CLIENT_ID, SOH_MAX_ATTRIBUTE_SIZE + 1, big };
    expect_validate("an attribute of 4001 bytes", list, 3, 1, SOH_E_ATTRIBUTE_TOO_LARGE);
    list[2] = (struct soh_attribute){ 0x4000, 0, NULL };
    expect_validate("type 0x4000", list, 3, 1, SOH_E_BAD_ATTRIBUTE_TYPE);
    list[2] = (struct soh_attribute){ SOH_ATTR_TIME_OF_LAST_UPDATE, 7, bad_time };
    expect_validate("a FILETIME of 7 bytes", list, 3, 1, SOH_E_BAD_ATTRIBUTE_SIZE);
    list[2] = (struct soh_attribute){ SOH_ATTR_FAILURE_CATEGORY, 1, category_9 };
    expect_validate("FailureCategory 9", list, 3, 1, SOH_E_BAD_ATTRIBUTE_VALUE);

    list[2] = (struct soh_attribute){ SOH_ATTR_IPV4_FIXUP_SERVERS, 4, v4 };
    list[3] = list[2];
    expect_validate("two IPv4 server lists in a response", list, 4, 0, SOH_E_DUPLICATE_FIXUP_SERVERS);
    expect_validate("two IPv4 server lists in a request", list, 4, 1, SOH_OK);
    list[3] = (struct soh_attribute){ SOH_ATTR_IPV6_FIXUP_SERVERS, 16, v6 };
    expect_validate("one IPv4 and one IPv6 list in a response", list, 4, 0, SOH_OK);
    list[4] = list[3];
    expect_validate("two IPv6 server lists in a response", list, 5, 0, SOH_E_DUPLICATE_FIXUP_SERVERS);
    expect_validate("NULL list with a count", NULL, 2, 1, SOH_E_INVALID_ARGUMENT);
}

static void test_check_structure_reports_the_sha_id(void)
{
    struct soh_attribute list[1] = { { SOH_ATTR_SYSTEM_HEALTH_ID, 4, id_a } };
    uint32_t id = 0;

    ok(soh_attributes_check_structure(list, 1, 1, &id) == SOH_OK && id == 0x00013780u,
       "structure of a lone SystemHealthId is fine and names 0x13780, got %#x", id);
}

int main(void)
{
    test_list_round_trips_through_tlvs();
    test_decoding_ignores_the_m_and_r_bits();
    test_decoding_refuses_broken_tlvs();
    test_encoding_refuses_what_a_tlv_cannot_carry();
    test_validate_rules();
    test_check_structure_reports_the_sha_id();
    return tap_done();
}
