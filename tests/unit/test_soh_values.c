/* Typed SoH attribute values: every SoHAttributeType round-trips through its wire bytes (written
 * here by hand), sizes and ranges are enforced both ways, and the stand-in SoH is what the agent
 * must send for an SHA that cannot answer. */
#include <string.h>

#include "soh_values.h"
#include "tap.h"

static int same_bytes(const uint8_t *a, const uint8_t *b, size_t n)
{
    return n == 0 || memcmp(a, b, n) == 0;
}

/* Encodes v, compares with wire, decodes wire, hands the decoded value back. */
static int round_trip(const char *name, uint16_t type, const union soh_value *v, const uint8_t *wire,
                      uint16_t wire_size, union soh_value *back)
{
    uint8_t buf[SOH_MAX_ATTRIBUTE_SIZE];
    uint16_t size = 0;
    enum soh_error e = soh_value_encode(type, v, buf, sizeof(buf), &size);
    int good = ok(e == SOH_OK && size == wire_size && same_bytes(buf, wire, size),
                  "%s encodes to its %u wire bytes, got %s, %u bytes", name, wire_size,
                  soh_error_text(e), size);

    e = soh_value_decode(type, wire, wire_size, back);
    return ok(e == SOH_OK, "%s decodes, got %s", name, soh_error_text(e)) && good;
}

static void test_system_health_id(void)
{
    static const uint8_t wire[] = { 0x00, 0x01, 0x37, 0x80 };
    union soh_value v = { .id = 0x00013780u }, back;

    if (round_trip("SystemHealthId", SOH_ATTR_SYSTEM_HEALTH_ID, &v, wire, 4, &back))
        ok(back.id == 0x00013780u, "SystemHealthId 0x13780 back, got %#x", back.id);
}

static void test_result_codes_and_error_codes(void)
{
    static const uint32_t host[] = { 0x00000000u, 0xC0FF0002u, 0x80270007u };
    static const uint8_t wire[] = { 0, 0, 0, 0, 0xC0, 0xFF, 0x00, 0x02, 0x80, 0x27, 0x00, 0x07 };
    union soh_value v = { .codes = { 3, host, NULL } }, back;
    static const uint16_t types[] = { SOH_ATTR_COMPLIANCE_RESULT_CODES, SOH_ATTR_ERROR_CODES };

    for (int t = 0; t < 2; ++t)
        if (round_trip(t ? "ErrorCodes" : "ComplianceResultCodes", types[t], &v, wire, 12, &back))
            ok(back.codes.count == 3 && back.codes.host == NULL && back.codes.wire == wire
               && soh_dwords_at(&back.codes, 1) == 0xC0FF0002u && soh_dwords_at(&back.codes, 2) == 0x80270007u,
               "three codes back in host order, zero-copy, got %u", back.codes.count);
    v.codes.count = 0;
    ok(round_trip("an empty code list", SOH_ATTR_ERROR_CODES, &v, wire, 0, &back) && back.codes.count == 0,
       "zero codes back");
}

static void test_date_times(void)
{
    static const uint8_t wire[] = { 0x01, 0xD9, 0xA0, 0xB1, 0xC2, 0xD3, 0xE4, 0xF5 };
    union soh_value v = { .date_time = 0x01D9A0B1C2D3E4F5ull }, back;

    if (round_trip("TimeOfLastUpdate", SOH_ATTR_TIME_OF_LAST_UPDATE, &v, wire, 8, &back))
        ok(back.date_time == v.date_time, "FILETIME back, high DWORD first");
    if (round_trip("SoHGenerationTime", SOH_ATTR_SOH_GENERATION_TIME, &v, wire, 8, &back))
        ok(back.date_time == v.date_time, "FILETIME back");
}

static void test_vendor_specific(void)
{
    static const uint8_t data[] = { 0xDE, 0xAD, 0xBE };
    static const uint8_t wire[] = { 0x00, 0x00, 0x01, 0x37, 0xDE, 0xAD, 0xBE };
    union soh_value v = { .vendor_specific = { 311, 3, data } }, back;

    if (round_trip("VendorSpecific", SOH_ATTR_VENDOR_SPECIFIC, &v, wire, 7, &back))
        ok(back.vendor_specific.vendor_id == 311 && back.vendor_specific.size == 3
           && back.vendor_specific.data == wire + 4, "vendor 311 and 3 bytes back (a view), got %u",
           back.vendor_specific.size);
    v.vendor_specific.size = 0;
    ok(round_trip("VendorSpecific without data", SOH_ATTR_VENDOR_SPECIFIC, &v, wire, 4, &back)
       && back.vendor_specific.size == 0, "vendor id only");
}

static void test_one_byte_values(void)
{
    static const uint8_t wire_2[] = { 2 }, wire_128[] = { 128 }, wire_5[] = { 5 }, wire_3[] = { 3 };
    union soh_value v, back;

    v.uint8 = 128;
    if (round_trip("HealthClass", SOH_ATTR_HEALTH_CLASS, &v, wire_128, 1, &back))
        ok(back.uint8 == 128, "HealthClass 128 (reserved) back, got %u", back.uint8);
    v.uint8 = 5;
    if (round_trip("FailureCategory", SOH_ATTR_FAILURE_CATEGORY, &v, wire_5, 1, &back))
        ok(back.uint8 == 5, "FailureCategory 5 back, got %u", back.uint8);
    v.uint8 = 3;
    if (round_trip("ExtendedIsolationState", SOH_ATTR_EXTENDED_ISOLATION_STATE, &v, wire_3, 1, &back))
        ok(back.uint8 == 3, "ExtendedIsolationState 3 back, got %u", back.uint8);
    v.uint8 = 2;
    ok(round_trip("FailureCategory 2", SOH_ATTR_FAILURE_CATEGORY, &v, wire_2, 1, &back) && back.uint8 == 2,
       "FailureCategory 2 back");
}

static void test_octet_strings(void)
{
    static const uint8_t text[] = "napagent";
    static const uint16_t types[] = { SOH_ATTR_CLIENT_ID, SOH_ATTR_SOFTWARE_VERSION, SOH_ATTR_PRODUCT_NAME,
                                      SOH_ATTR_HEALTH_CLASS_STATUS, 17, 0x3FFF };
    union soh_value v = { .octets = { 8, text } }, back;

    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); ++i) {
        char name[32];
        snprintf(name, sizeof(name), "octet string type %u", types[i]);
        if (round_trip(name, types[i], &v, text, 8, &back))
            ok(back.octets.size == 8 && back.octets.data == text, "type %u: 8 bytes back as a view", types[i]);
    }
}

static void test_fixup_servers(void)
{
    static const uint8_t v4[] = { 10, 0, 0, 1, 192, 168, 1, 1 };
    static const uint8_t v6[32] = { 0xFE, 0x80, [15] = 1,                              /* fe80::1 */
                                    [16] = 0x20, [17] = 0x01, [18] = 0x0D, [19] = 0xB8, [31] = 2 };  /* 2001:db8::2 */
    union soh_value v = { .addresses = { 2, v4 } }, back;

    if (round_trip("Ipv4FixupServers", SOH_ATTR_IPV4_FIXUP_SERVERS, &v, v4, 8, &back))
        ok(back.addresses.count == 2 && back.addresses.data == v4, "two IPv4 servers back, got %u",
           back.addresses.count);
    v.addresses.data = v6;
    if (round_trip("Ipv6FixupServers", SOH_ATTR_IPV6_FIXUP_SERVERS, &v, v6, 32, &back))
        ok(back.addresses.count == 2 && back.addresses.data == v6, "two IPv6 servers back, got %u",
           back.addresses.count);
}

static void test_kinds_follow_the_union_arms(void)
{
    ok(soh_value_kind_of(SOH_ATTR_SYSTEM_HEALTH_ID) == SOH_VALUE_ID
       && soh_value_kind_of(SOH_ATTR_COMPLIANCE_RESULT_CODES) == SOH_VALUE_CODES
       && soh_value_kind_of(SOH_ATTR_ERROR_CODES) == SOH_VALUE_CODES
       && soh_value_kind_of(SOH_ATTR_TIME_OF_LAST_UPDATE) == SOH_VALUE_DATE_TIME
       && soh_value_kind_of(SOH_ATTR_SOH_GENERATION_TIME) == SOH_VALUE_DATE_TIME
       && soh_value_kind_of(SOH_ATTR_VENDOR_SPECIFIC) == SOH_VALUE_VENDOR_SPECIFIC
       && soh_value_kind_of(SOH_ATTR_HEALTH_CLASS) == SOH_VALUE_UINT8
       && soh_value_kind_of(SOH_ATTR_FAILURE_CATEGORY) == SOH_VALUE_UINT8
       && soh_value_kind_of(SOH_ATTR_EXTENDED_ISOLATION_STATE) == SOH_VALUE_UINT8
       && soh_value_kind_of(SOH_ATTR_IPV4_FIXUP_SERVERS) == SOH_VALUE_IPV4
       && soh_value_kind_of(SOH_ATTR_IPV6_FIXUP_SERVERS) == SOH_VALUE_IPV6
       && soh_value_kind_of(SOH_ATTR_CLIENT_ID) == SOH_VALUE_OCTETS
       && soh_value_kind_of(0) == SOH_VALUE_OCTETS && soh_value_kind_of(1) == SOH_VALUE_OCTETS,
       "each type uses the SoHAttributeValue arm napprotocol.h gives it");
}

static void expect_decode(const char *what, uint16_t type, size_t size, enum soh_error want)
{
    static const uint8_t zeros[SOH_MAX_ATTRIBUTE_SIZE + 1] = { 0 };
    static const uint8_t big[1] = { 9 };
    union soh_value v;
    enum soh_error e = soh_value_decode(type, size == 1 && want == SOH_E_BAD_ATTRIBUTE_VALUE ? big : zeros,
                                        size, &v);

    ok(e == want, "%s: expected %s, got %s", what, soh_error_text(want), soh_error_text(e));
}

static void test_decoding_refuses_sizes_and_values_the_type_does_not_allow(void)
{
    expect_decode("SystemHealthId of 3 bytes", SOH_ATTR_SYSTEM_HEALTH_ID, 3, SOH_E_BAD_ATTRIBUTE_SIZE);
    expect_decode("SystemHealthId of 5 bytes", SOH_ATTR_SYSTEM_HEALTH_ID, 5, SOH_E_BAD_ATTRIBUTE_SIZE);
    expect_decode("result codes of 6 bytes", SOH_ATTR_COMPLIANCE_RESULT_CODES, 6, SOH_E_BAD_ATTRIBUTE_SIZE);
    expect_decode("FILETIME of 7 bytes", SOH_ATTR_TIME_OF_LAST_UPDATE, 7, SOH_E_BAD_ATTRIBUTE_SIZE);
    expect_decode("VendorSpecific of 3 bytes", SOH_ATTR_VENDOR_SPECIFIC, 3, SOH_E_BAD_ATTRIBUTE_SIZE);
    expect_decode("HealthClass of 2 bytes", SOH_ATTR_HEALTH_CLASS, 2, SOH_E_BAD_ATTRIBUTE_SIZE);
    expect_decode("FailureCategory of 0 bytes", SOH_ATTR_FAILURE_CATEGORY, 0, SOH_E_BAD_ATTRIBUTE_SIZE);
    expect_decode("FailureCategory 9", SOH_ATTR_FAILURE_CATEGORY, 1, SOH_E_BAD_ATTRIBUTE_VALUE);
    expect_decode("ExtendedIsolationState 9", SOH_ATTR_EXTENDED_ISOLATION_STATE, 1, SOH_E_BAD_ATTRIBUTE_VALUE);
    expect_decode("HealthClass 9 (any class is allowed)", SOH_ATTR_HEALTH_CLASS, 1, SOH_OK);
    expect_decode("no IPv4 server", SOH_ATTR_IPV4_FIXUP_SERVERS, 0, SOH_E_BAD_ATTRIBUTE_SIZE);
    expect_decode("IPv4 list of 6 bytes", SOH_ATTR_IPV4_FIXUP_SERVERS, 6, SOH_E_BAD_ATTRIBUTE_SIZE);
    expect_decode("no IPv6 server", SOH_ATTR_IPV6_FIXUP_SERVERS, 0, SOH_E_BAD_ATTRIBUTE_SIZE);
    expect_decode("IPv6 list of 20 bytes", SOH_ATTR_IPV6_FIXUP_SERVERS, 20, SOH_E_BAD_ATTRIBUTE_SIZE);
    expect_decode("octet string of 4001 bytes", SOH_ATTR_PRODUCT_NAME, 4001, SOH_E_ATTRIBUTE_TOO_LARGE);
    expect_decode("octet string of 4000 bytes", SOH_ATTR_PRODUCT_NAME, 4000, SOH_OK);
    expect_decode("1000 codes", SOH_ATTR_ERROR_CODES, 4000, SOH_OK);
    expect_decode("250 IPv6 servers", SOH_ATTR_IPV6_FIXUP_SERVERS, 4000, SOH_OK);
}

static void expect_encode(const char *what, uint16_t type, union soh_value v, enum soh_error want)
{
    static uint8_t buf[SOH_MAX_ATTRIBUTE_SIZE + 16];
    uint16_t size;
    enum soh_error e = soh_value_encode(type, &v, buf, sizeof(buf), &size);

    ok(e == want, "%s: expected %s, got %s", what, soh_error_text(want), soh_error_text(e));
}

static void test_encoding_refuses_values_out_of_range(void)
{
    static const uint8_t data[SOH_MAX_ATTRIBUTE_SIZE + 16] = { 0 };
    static const uint32_t codes[1001] = { 0 };
    uint8_t small[3];
    uint16_t size;
    union soh_value id = { .id = 1 };

    expect_encode("1001 result codes", SOH_ATTR_ERROR_CODES, (union soh_value){ .codes = { 1001, codes, NULL } },
                  SOH_E_BAD_ATTRIBUTE_SIZE);
    expect_encode("1000 result codes", SOH_ATTR_ERROR_CODES, (union soh_value){ .codes = { 1000, codes, NULL } },
                  SOH_OK);
    expect_encode("codes without an array", SOH_ATTR_ERROR_CODES, (union soh_value){ .codes = { 1, NULL, NULL } },
                  SOH_E_INVALID_ARGUMENT);
    expect_encode("FailureCategory 6", SOH_ATTR_FAILURE_CATEGORY, (union soh_value){ .uint8 = 6 },
                  SOH_E_BAD_ATTRIBUTE_VALUE);
    expect_encode("ExtendedIsolationState 4", SOH_ATTR_EXTENDED_ISOLATION_STATE, (union soh_value){ .uint8 = 4 },
                  SOH_E_BAD_ATTRIBUTE_VALUE);
    expect_encode("no IPv4 server", SOH_ATTR_IPV4_FIXUP_SERVERS, (union soh_value){ .addresses = { 0, data } },
                  SOH_E_BAD_ATTRIBUTE_SIZE);
    expect_encode("1001 IPv4 servers", SOH_ATTR_IPV4_FIXUP_SERVERS,
                  (union soh_value){ .addresses = { 1001, data } }, SOH_E_BAD_ATTRIBUTE_SIZE);
    expect_encode("251 IPv6 servers", SOH_ATTR_IPV6_FIXUP_SERVERS,
                  (union soh_value){ .addresses = { 251, data } }, SOH_E_BAD_ATTRIBUTE_SIZE);
    expect_encode("250 IPv6 servers", SOH_ATTR_IPV6_FIXUP_SERVERS,
                  (union soh_value){ .addresses = { 250, data } }, SOH_OK);
    expect_encode("IPv4 servers without data", SOH_ATTR_IPV4_FIXUP_SERVERS,
                  (union soh_value){ .addresses = { 1, NULL } }, SOH_E_INVALID_ARGUMENT);
    expect_encode("vendor data of 3997 bytes", SOH_ATTR_VENDOR_SPECIFIC,
                  (union soh_value){ .vendor_specific = { 311, 3997, data } }, SOH_E_ATTRIBUTE_TOO_LARGE);
    expect_encode("vendor data of 3996 bytes", SOH_ATTR_VENDOR_SPECIFIC,
                  (union soh_value){ .vendor_specific = { 311, 3996, data } }, SOH_OK);
    expect_encode("octet string of 4001 bytes", SOH_ATTR_CLIENT_ID, (union soh_value){ .octets = { 4001, data } },
                  SOH_E_ATTRIBUTE_TOO_LARGE);
    expect_encode("octets without data", SOH_ATTR_CLIENT_ID, (union soh_value){ .octets = { 2, NULL } },
                  SOH_E_INVALID_ARGUMENT);
    ok(soh_value_encode(SOH_ATTR_SYSTEM_HEALTH_ID, &id, small, sizeof(small), &size) == SOH_E_INVALID_ARGUMENT,
       "a 3-byte buffer for a 4-byte id: INVALID_ARGUMENT");
    ok(soh_value_encode(SOH_ATTR_SYSTEM_HEALTH_ID, NULL, small, sizeof(small), &size) == SOH_E_INVALID_ARGUMENT,
       "a NULL value: INVALID_ARGUMENT");
}

static void test_stand_in_soh_names_the_sha_its_category_and_its_error(void)
{
    static const uint8_t want_id[] = { 0x00, 0x01, 0x37, 0xF0 };
    static const uint8_t want_error[] = { 0x80, 0x27, 0x00, 0x07 };
    struct soh_stand_in s;

    soh_stand_in_build(&s, 0x000137F0u, 2, 0x80270007u);
    ok(s.attributes[0].type == SOH_ATTR_SYSTEM_HEALTH_ID && s.attributes[0].size == 4
       && !memcmp(s.attributes[0].value, want_id, 4), "first SystemHealthId 0x000137F0");
    ok(s.attributes[1].type == SOH_ATTR_FAILURE_CATEGORY && s.attributes[1].size == 1
       && s.attributes[1].value[0] == 2, "then FailureCategory 2 (ClientComponent)");
    ok(s.attributes[2].type == SOH_ATTR_ERROR_CODES && s.attributes[2].size == 4
       && !memcmp(s.attributes[2].value, want_error, 4), "then ErrorCodes { NAP_E_NOT_INITIALIZED }");
    ok(soh_attributes_validate(s.attributes, SOH_STAND_IN_COUNT, 1) == SOH_OK, "and it validates as a request");
}

int main(void)
{
    test_system_health_id();
    test_result_codes_and_error_codes();
    test_date_times();
    test_vendor_specific();
    test_one_byte_values();
    test_octet_strings();
    test_fixup_servers();
    test_kinds_follow_the_union_arms();
    test_decoding_refuses_sizes_and_values_the_type_does_not_allow();
    test_encoding_refuses_values_out_of_range();
    test_stand_in_soh_names_the_sha_its_category_and_its_error();
    return tap_done();
}
