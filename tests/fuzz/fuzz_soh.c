/* libFuzzer harness for every [MS-SOH] decoder (make fuzz; ASan + UBSan). The first input byte
 * picks the decoder, the rest is its input:
 *   0 request    1 response    2 one SHA's attribute list    3 a typed value    4 SSoH items
 * Besides "no crash, no out-of-bounds read", it checks properties that must hold for any input:
 * an accepted message re-encodes into one that decodes to the same reports, an accepted
 * attribute list re-encodes to the very same bytes, an accepted typed value re-encodes to the
 * very same bytes. A violated property aborts, so libFuzzer keeps the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "soh_message.h"

enum target { TARGET_REQUEST, TARGET_RESPONSE, TARGET_ATTRIBUTES, TARGET_VALUE, TARGET_ITEMS, TARGET_COUNT };

static struct soh_message message, again;

static void require(int property)
{
    if (!property)
        abort();
}

static void fuzz_message(const uint8_t *data, size_t size, int is_request)
{
    static uint8_t out[SOH_MAX_NETWORK_SIZE];
    struct soh_sha_soh shas[SOH_MAX_SHA_COUNT];
    struct soh_outgoing msg;
    size_t out_size = 0;
    uint16_t included = 0;
    int grows;
    enum soh_error e = is_request ? soh_request_decode(data, size, &message)
                                  : soh_response_decode(data, size, &message);

    require(e >= SOH_OK && e < SOH_ERROR_COUNT);
    if (e != SOH_OK)
        return;
    require(message.report_count <= SOH_MAX_SHA_COUNT);
    memset(&msg, 0, sizeof(msg));
    msg.system = message.system;
    for (uint16_t i = 0; i < message.report_count; ++i) {
        require(message.reports[i].bytes >= data && message.reports[i].bytes + message.reports[i].size <= data + size);
        shas[i].attributes = message.reports[i].attributes;
        shas[i].count = message.reports[i].count;
    }
    msg.shas = shas;
    msg.sha_count = message.report_count;
    /* Our encoder adds a mode sub-header (and, in requests, MS-CorrelationId), so a message that
     * came without them may no longer fit: a request then drops SHAs, a response fails whole.
     * Anything else must come out whole. */
    grows = message.inner_type == SOH_INNER_TYPE_PLAIN
         || (is_request && !(message.system.present & SOH_ITEM_BIT(SOH_ITEM_CORRELATION_ID)));
    if (is_request)
        e = soh_request_encode(&msg, out, sizeof(out), &out_size, &included);
    else {
        e = soh_response_encode(&msg, out, sizeof(out), &out_size);
        included = message.report_count;
    }
    if (grows && e == SOH_E_BUFFER_TOO_SMALL)
        return;
    require(e == SOH_OK);
    require(grows || included == message.report_count);
    e = is_request ? soh_request_decode(out, out_size, &again) : soh_response_decode(out, out_size, &again);
    require(e == SOH_OK);
    require(again.report_count == included);
    for (uint16_t i = 0; i < included; ++i)
        require(again.reports[i].sha_id == message.reports[i].sha_id
                && again.reports[i].count == message.reports[i].count);
    require(!memcmp(&again.system.correlation_id, &message.system.correlation_id,
                    sizeof(message.system.correlation_id)));
}

static void fuzz_attributes(const uint8_t *data, size_t size)
{
    static struct soh_attribute views[SOH_MAX_MESSAGE_ATTRIBUTES];
    static uint8_t out[SOH_MAX_NETWORK_SIZE + 8];
    size_t count = 0;
    struct soh_writer w = soh_writer_make(out, sizeof(out));

    if (size > SOH_MAX_NETWORK_SIZE || size < 1)
        return;
    if (soh_attributes_decode(data + 1, size - 1, views, SOH_MAX_MESSAGE_ATTRIBUTES, &count) != SOH_OK)
        return;
    (void)soh_attributes_validate(views, count, data[0] & 1);
    /* The M and R bits are dropped on decoding: compare with them cleared. */
    require(soh_attributes_encode(&w, views, count) == SOH_OK && !w.overflow && w.length == size - 1);
    for (size_t i = 0; i < count; ++i)
        out[(size_t)(views[i].value - (data + 1)) - 4] |= (uint8_t)(data[(size_t)(views[i].value - data) - 4] & 0xC0);
    require(!memcmp(out, data + 1, size - 1));
}

static void fuzz_value(const uint8_t *data, size_t size)
{
    static uint8_t out[SOH_MAX_ATTRIBUTE_SIZE];
    union soh_value v;
    uint16_t type, out_size = 0;
    enum soh_error e;

    if (size < 2)
        return;
    type = (uint16_t)(data[0] % 20);
    e = soh_value_decode(type, data + 1, size - 1, &v);
    if (e != SOH_OK)
        return;
    require(soh_value_encode(type, &v, out, sizeof(out), &out_size) == SOH_OK);
    require(out_size == size - 1 && !memcmp(out, data + 1, out_size));
}

static void fuzz_items(const uint8_t *data, size_t size)
{
    static uint8_t out[8192];
    struct soh_system_items items, again_items;
    struct soh_writer w = soh_writer_make(out, sizeof(out));

    if (soh_items_decode(data, size, &items) != SOH_OK)
        return;
    require(soh_items_encode(&w, &items) == SOH_OK && !w.overflow);
    require(soh_items_decode(out, w.length, &again_items) == SOH_OK);
    require(again_items.present == items.present && again_items.is_request == items.is_request);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % TARGET_COUNT) {
    case TARGET_REQUEST:
        fuzz_message(data + 1, size - 1, 1);
        break;
    case TARGET_RESPONSE:
        fuzz_message(data + 1, size - 1, 0);
        break;
    case TARGET_ATTRIBUTES:
        fuzz_attributes(data + 1, size - 1);
        break;
    case TARGET_VALUE:
        fuzz_value(data + 1, size - 1);
        break;
    case TARGET_ITEMS:
        fuzz_items(data + 1, size - 1);
        break;
    }
    return 0;
}
