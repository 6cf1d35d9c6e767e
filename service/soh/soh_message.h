/* Network SoH messages ([MS-SOH] / TCG IF-TNCCS-SOH §3.5-3.6): the bytes of NetworkSoHRequest
 * and NetworkSoHResponse. This is the API the agent core calls; docs/soh.md has the byte diagram.
 *
 *   SoH header        u16 type 7, u16 length (= 8 + inner length), u32 vendor 311,
 *                     u16 inner type (1 plain, 2 with mode sub-header), u16 inner length
 *   mode sub-header   u16 type 7, u16 length 30, u32 vendor 311, 24-byte correlation id,
 *                     u8 intent (1 request, 2 response), u8 content type 0       (inner type 2)
 *   SSoH / SSoHR      TLV SystemHealthId 0x00013700, TLV vendor-specific 311 + MS items
 *   reports           per SHA: TLV SystemHealthId, then that SHA's other TLVs
 *
 * Encoding always writes inner type 2 (the form PEAP carries and the one that holds the
 * correlation id outside the SSoH); decoding accepts 1 and 2.
 *
 * For the agent core:
 *   soh_request_encode    GetSoHRequest: build the request within the connection's max size,
 *                         dropping trailing SHAs that do not fit (*shas_included says how many
 *                         went in); SOH_E_BUFFER_TOO_SMALL (→ NAP_E_MAXSIZE_TOO_SMALL) when the
 *                         header and the SSoH alone do not fit.
 *   soh_response_decode   ProcessSoHResponse: correlation id, the SSoHR's quarantine state and
 *                         installed SHVs, each SHA's part as bytes and as attribute views. Both
 *                         items are optional on the wire: look at system.present.
 *   soh_stand_in_build    (soh_values.h) the SoH sent for an SHA that cannot answer.
 *   soh_attributes_validate (soh_attributes.h) an SHA's SoH before it is used.
 *   soh_error_result      (soh_error.h) any error as the nap_result to return.
 * The other direction, for tests and the test enforcement server: soh_request_decode,
 * soh_response_encode. */
#ifndef NAPAGENT_SOH_MESSAGE_H
#define NAPAGENT_SOH_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "soh_attributes.h"
#include "soh_error.h"
#include "soh_items.h"
#include "soh_values.h"

#define SOH_HEADER_SIZE        12u
#define SOH_MODE_HEADER_SIZE   34u
#define SOH_INNER_TYPE_PLAIN   1u
#define SOH_INNER_TYPE_MODE    2u
#define SOH_INTENT_REQUEST     1u
#define SOH_INTENT_RESPONSE    2u
/* Every TLV takes at least 4 bytes, so no message holds more views than this. */
#define SOH_MAX_MESSAGE_ATTRIBUTES ((SOH_MAX_NETWORK_SIZE - SOH_HEADER_SIZE) / SOH_TLV_HEADER_SIZE)

/* One SHA's SoH (or SoHR part) to encode: its attribute list, SystemHealthId first. */
struct soh_sha_soh {
    const struct soh_attribute *attributes;
    uint16_t count;
};

/* What to encode. system.correlation_id goes into the mode sub-header; the MS items written
 * are those in system.present, plus MS-Packet-Info always and, in a request, MS-CorrelationId
 * always. system.is_request is set by the encoder. */
struct soh_outgoing {
    struct soh_system_items system;
    const struct soh_sha_soh *shas;
    uint16_t sha_count;                  /* 0..20 */
};

/* One SHA's report in a decoded message: its bytes (its TLVs, SystemHealthId first) and views. */
struct soh_report {
    uint32_t sha_id;
    const uint8_t *bytes;
    uint16_t size;
    const struct soh_attribute *attributes;   /* into soh_message.attributes */
    uint16_t count;
};

/* A decoded message. Every pointer in it points into the decoded buffer or into the struct
 * itself: keep both alive and unmoved while using it. ~16 KB: the caller chooses where. */
struct soh_message {
    uint16_t inner_type;
    int has_mode_header;
    uint8_t intent;                      /* mode sub-header; reported, not checked */
    struct soh_system_items system;      /* correlation_id: sub-header's, else the item's */
    struct soh_report ssoh;              /* the SSoH / SSoHR's own TLVs */
    uint16_t report_count;
    struct soh_report reports[SOH_MAX_SHA_COUNT];
    struct soh_attribute attributes[SOH_MAX_MESSAGE_ATTRIBUTES];
};

/* Encodes a request into buf[0..max_size) (max_size is clamped to 4000). SHAs go in in order
 * until the next one does not fit; *shas_included (may be NULL) is how many went in.
 * Each SHA's SoH must pass soh_attributes_check_structure; ids must differ from each other and
 * from NapSystemId (DUPLICATE_SHA); more than 20 is TOO_MANY_SHAS. */
enum soh_error soh_request_encode(const struct soh_outgoing *msg, uint8_t *buf, size_t max_size,
                                  size_t *size, uint16_t *shas_included);

/* Encodes a response; all or nothing (BUFFER_TOO_SMALL if it does not fit). */
enum soh_error soh_response_encode(const struct soh_outgoing *msg, uint8_t *buf, size_t max_size,
                                   size_t *size);

/* Decode, zero-copy. Any error leaves *out unspecified. */
enum soh_error soh_request_decode(const uint8_t *data, size_t size, struct soh_message *out);
enum soh_error soh_response_decode(const uint8_t *data, size_t size, struct soh_message *out);

#endif
