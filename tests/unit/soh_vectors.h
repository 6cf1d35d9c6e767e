/* Hand-derived [MS-SOH] test vectors shared by the SoH unit tests and the fuzz seed corpus.
 * Each byte is written down from the field tables (docs/soh.md, "Wire layout"),
 * not produced by our encoder: the tests compare the encoder's output with these bytes. The
 * inputs that encode to them are built by vector_request_input / vector_response_input. */
#ifndef NAPAGENT_TESTS_SOH_VECTORS_H
#define NAPAGENT_TESTS_SOH_VECTORS_H

#include <stdint.h>
#include <string.h>

#include "soh_message.h"

/* Correlation id used by both vectors: GUID bytes 00 11 .. FF, FILETIME 0x01D9A0B1C2D3E4F5. */
#define VECTOR_CONN_ID 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, \
                       0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF
#define VECTOR_TIME_STAMP 0x01D9A0B1C2D3E4F5ull
#define VECTOR_SHA_A 0x00013780u   /* a WSHA-like SHA that answered */
#define VECTOR_SHA_B 0x000137F0u   /* the SDK sample SHA's id, here stood in for by the agent */

/* A request with the SSoH and two SHAs (190 bytes). */
static const uint8_t vector_request[] = {
    /* SoH header: type 7, length 186 (= 8 + inner length), vendor 311,
     * inner type 2 (mode sub-header follows), inner length 178 (34 + 144) */
    0x00, 0x07, 0x00, 0xBA, 0x00, 0x00, 0x01, 0x37, 0x00, 0x02, 0x00, 0xB2,
    /* mode sub-header: type 7, length 30, vendor 311, correlation id (GUID, FILETIME hi, lo),
     * intent 1 (request), content type 0 */
    0x00, 0x07, 0x00, 0x1E, 0x00, 0x00, 0x01, 0x37,
    VECTOR_CONN_ID,
    0x01, 0xD9, 0xA0, 0xB1, 0xC2, 0xD3, 0xE4, 0xF5,
    0x01, 0x00,
    /* SSoH, 95 bytes: SystemHealthId TLV (type 2, length 4, NapSystemId 0x00013700) */
    0x00, 0x02, 0x00, 0x04, 0x00, 0x01, 0x37, 0x00,
    /* vendor-specific TLV (type 7, length 83 = vendor 4 + items 79), vendor 311 */
    0x00, 0x07, 0x00, 0x53, 0x00, 0x00, 0x01, 0x37,
    /* item 3 MS-Packet-Info: 0x11 = request bit 0x10 | version 1 */
    0x03, 0x11,
    /* item 1 MS-Machine-Inventory: OS 6.1.7601 (0x1DB1), SP 1.0, processor architecture 9 */
    0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x1D, 0xB1,
    0x00, 0x01, 0x00, 0x00, 0x00, 0x09,
    /* item 5 MS-MachineName: length 4, "PC1" and its NUL */
    0x05, 0x00, 0x04, 0x50, 0x43, 0x31, 0x00,
    /* item 6 MS-CorrelationId: the same 24 bytes as the mode sub-header */
    0x06, VECTOR_CONN_ID, 0x01, 0xD9, 0xA0, 0xB1, 0xC2, 0xD3, 0xE4, 0xF5,
    /* item 2 MS-Quarantine-State: flags 0x0001 (isolation state 1, extended 0), probation end 0,
     * URL length 0 */
    0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    /* item 8 MS-Machine-Inventory-Ex: reserved 0, product type 1 (client) */
    0x08, 0x00, 0x00, 0x00, 0x00, 0x01,
    /* item 4 MS-SystemGenerated-Ids: length 4, SHA B (the agent wrote its SoH) */
    0x04, 0x00, 0x04, 0x00, 0x01, 0x37, 0xF0,
    /* SHA A, 28 bytes: SystemHealthId 0x00013780; ComplianceResultCodes { S_OK };
     * SoHGenerationTime (type 12) 0x01D9A0B100000000 */
    0x00, 0x02, 0x00, 0x04, 0x00, 0x01, 0x37, 0x80,
    0x00, 0x04, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x0C, 0x00, 0x08, 0x01, 0xD9, 0xA0, 0xB1, 0x00, 0x00, 0x00, 0x00,
    /* SHA B, 21 bytes, the stand-in: SystemHealthId 0x000137F0; FailureCategory (type 14)
     * 2 = ClientComponent; ErrorCodes (type 13) { NAP_E_NOT_INITIALIZED 0x80270007 } */
    0x00, 0x02, 0x00, 0x04, 0x00, 0x01, 0x37, 0xF0,
    0x00, 0x0E, 0x00, 0x01, 0x02,
    0x00, 0x0D, 0x00, 0x04, 0x80, 0x27, 0x00, 0x07,
};

/* A response with the SSoHR and a part for each SHA (154 bytes). */
static const uint8_t vector_response[] = {
    /* SoH header: type 7, length 150, vendor 311, inner type 2, inner length 142 (34 + 108) */
    0x00, 0x07, 0x00, 0x96, 0x00, 0x00, 0x01, 0x37, 0x00, 0x02, 0x00, 0x8E,
    /* mode sub-header: type 7, length 30, vendor 311, correlation id, intent 2 (response),
     * content type 0 */
    0x00, 0x07, 0x00, 0x1E, 0x00, 0x00, 0x01, 0x37,
    VECTOR_CONN_ID,
    0x01, 0xD9, 0xA0, 0xB1, 0xC2, 0xD3, 0xE4, 0xF5,
    0x02, 0x00,
    /* SSoHR, 51 bytes: SystemHealthId 0x00013700; vendor-specific TLV (length 39), vendor 311 */
    0x00, 0x02, 0x00, 0x04, 0x00, 0x01, 0x37, 0x00,
    0x00, 0x07, 0x00, 0x27, 0x00, 0x00, 0x01, 0x37,
    /* item 3 MS-Packet-Info: 0x01 = response, version 1 */
    0x03, 0x01,
    /* item 2 MS-Quarantine-State: flags 0x000B = isolation state 3 (restricted) | extended
     * state 1 (transition) << 3; probation end 0x01D9A0B200000000; URL length 9 "http://r/" */
    0x02, 0x00, 0x0B, 0x01, 0xD9, 0xA0, 0xB2, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x09, 0x68, 0x74, 0x74, 0x70, 0x3A, 0x2F, 0x2F, 0x72, 0x2F,
    /* item 7 MS-Installed-Shvs: length 8, SHV ids 0x00013780, 0x000137F0 */
    0x07, 0x00, 0x08, 0x00, 0x01, 0x37, 0x80, 0x00, 0x01, 0x37, 0xF0,
    /* SHA A's part, 24 bytes: SystemHealthId; ComplianceResultCodes { 0xC0FF0002 };
     * Ipv4FixupServers (type 3) { 10.0.0.1 } */
    0x00, 0x02, 0x00, 0x04, 0x00, 0x01, 0x37, 0x80,
    0x00, 0x04, 0x00, 0x04, 0xC0, 0xFF, 0x00, 0x02,
    0x00, 0x03, 0x00, 0x04, 0x0A, 0x00, 0x00, 0x01,
    /* SHA B's part, 33 bytes: SystemHealthId; FailureCategory 0 (none);
     * Ipv6FixupServers (type 15) { fe80::1 } */
    0x00, 0x02, 0x00, 0x04, 0x00, 0x01, 0x37, 0xF0,
    0x00, 0x0E, 0x00, 0x01, 0x00,
    0x00, 0x0F, 0x00, 0x10, 0xFE, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
};

/* Storage for the inputs: attribute values live here, the attribute lists point into it. */
struct vector_input {
    struct soh_outgoing msg;
    struct soh_sha_soh shas[2];
    struct soh_attribute sha_a[3];
    struct soh_stand_in stand_in;
    struct soh_attribute sha_b[3];
    uint32_t generated_ids[1];
    uint32_t installed_shvs[2];
};

static inline void vector_correlation_id(struct soh_correlation_id *c)
{
    static const uint8_t conn[16] = { VECTOR_CONN_ID };
    memcpy(c->conn_id, conn, 16);
    c->time_stamp = VECTOR_TIME_STAMP;
}

static inline void vector_request_input(struct vector_input *in)
{
    static const uint8_t id_a[4] = { 0x00, 0x01, 0x37, 0x80 };
    static const uint8_t ok_code[4] = { 0 };
    static const uint8_t generated[8] = { 0x01, 0xD9, 0xA0, 0xB1, 0, 0, 0, 0 };
    struct soh_system_items *s = &in->msg.system;

    memset(in, 0, sizeof(*in));
    vector_correlation_id(&s->correlation_id);
    s->present = SOH_ITEM_BIT(SOH_ITEM_MACHINE_INVENTORY) | SOH_ITEM_BIT(SOH_ITEM_MACHINE_NAME)
               | SOH_ITEM_BIT(SOH_ITEM_QUARANTINE_STATE) | SOH_ITEM_BIT(SOH_ITEM_MACHINE_INVENTORY_EX)
               | SOH_ITEM_BIT(SOH_ITEM_SYSTEM_GENERATED_IDS);
    s->inventory = (struct soh_machine_inventory){ 6, 1, 7601, 1, 0, 9 };
    s->machine_name.data = (const uint8_t *)"PC1";
    s->machine_name.size = 4;
    s->quarantine.isolation_state = 1;
    s->product_type = 1;
    in->generated_ids[0] = VECTOR_SHA_B;
    s->system_generated_ids.count = 1;
    s->system_generated_ids.host = in->generated_ids;

    in->sha_a[0] = (struct soh_attribute){ SOH_ATTR_SYSTEM_HEALTH_ID, 4, id_a };
    in->sha_a[1] = (struct soh_attribute){ SOH_ATTR_COMPLIANCE_RESULT_CODES, 4, ok_code };
    in->sha_a[2] = (struct soh_attribute){ SOH_ATTR_SOH_GENERATION_TIME, 8, generated };
    soh_stand_in_build(&in->stand_in, VECTOR_SHA_B, 2, 0x80270007u);
    in->shas[0] = (struct soh_sha_soh){ in->sha_a, 3 };
    in->shas[1] = (struct soh_sha_soh){ in->stand_in.attributes, SOH_STAND_IN_COUNT };
    in->msg.shas = in->shas;
    in->msg.sha_count = 2;
}

static inline void vector_response_input(struct vector_input *in)
{
    static const uint8_t id_a[4] = { 0x00, 0x01, 0x37, 0x80 };
    static const uint8_t id_b[4] = { 0x00, 0x01, 0x37, 0xF0 };
    static const uint8_t code[4] = { 0xC0, 0xFF, 0x00, 0x02 };
    static const uint8_t v4[4] = { 10, 0, 0, 1 };
    static const uint8_t none = 0;
    static const uint8_t v6[16] = { 0xFE, 0x80, [15] = 0x01 };
    struct soh_system_items *s = &in->msg.system;

    memset(in, 0, sizeof(*in));
    vector_correlation_id(&s->correlation_id);
    s->present = SOH_ITEM_BIT(SOH_ITEM_QUARANTINE_STATE) | SOH_ITEM_BIT(SOH_ITEM_INSTALLED_SHVS);
    s->quarantine.isolation_state = 3;
    s->quarantine.extended_state = 1;
    s->quarantine.probation_end = 0x01D9A0B200000000ull;
    s->quarantine.url.data = (const uint8_t *)"http://r/";
    s->quarantine.url.size = 9;
    in->installed_shvs[0] = VECTOR_SHA_A;
    in->installed_shvs[1] = VECTOR_SHA_B;
    s->installed_shvs.count = 2;
    s->installed_shvs.host = in->installed_shvs;

    in->sha_a[0] = (struct soh_attribute){ SOH_ATTR_SYSTEM_HEALTH_ID, 4, id_a };
    in->sha_a[1] = (struct soh_attribute){ SOH_ATTR_COMPLIANCE_RESULT_CODES, 4, code };
    in->sha_a[2] = (struct soh_attribute){ SOH_ATTR_IPV4_FIXUP_SERVERS, 4, v4 };
    in->sha_b[0] = (struct soh_attribute){ SOH_ATTR_SYSTEM_HEALTH_ID, 4, id_b };
    in->sha_b[1] = (struct soh_attribute){ SOH_ATTR_FAILURE_CATEGORY, 1, &none };
    in->sha_b[2] = (struct soh_attribute){ SOH_ATTR_IPV6_FIXUP_SERVERS, 16, v6 };
    in->shas[0] = (struct soh_sha_soh){ in->sha_a, 3 };
    in->shas[1] = (struct soh_sha_soh){ in->sha_b, 3 };
    in->msg.shas = in->shas;
    in->msg.sha_count = 2;
}

#endif
