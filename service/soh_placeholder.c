/* PLACEHOLDER, replaced by the [MS-SOH] encoder issue: the network SoH request that
 * GetSoHRequest puts on the EC's connection. It gathers no SHA's SoH; it is only the smallest
 * well-formed SoH message (docs: nap-research §11.1-11.2, TLVs big-endian), so ECs and their
 * servers see a request of valid size (minNetworkSoHSize..maxNetworkSoHSize) and shape:
 *
 *   SoH header  type 7 (vendor-specific), length 16, vendor 311 (Microsoft),
 *               inner type 1 (no mode sub-header), inner length 8          12 bytes
 *   SSoH        TLV type 2 (SystemHealthId), length 4, 0x00013700 (NAP system id)  8 bytes */
#include "soh_placeholder.h"
#include <naptypes.h>

static const BYTE placeholder[] = {
    0x00, 0x07, 0x00, 0x10,  0x00, 0x00, 0x01, 0x37,  0x00, 0x01, 0x00, 0x08,
    0x00, 0x02, 0x00, 0x04,  0x00, 0x01, 0x37, 0x00,
};
_Static_assert(sizeof(placeholder) >= minNetworkSoHSize && sizeof(placeholder) <= maxNetworkSoHSize,
               "a valid NetworkSoH size");

const BYTE *soh_request_placeholder(UINT16 *size)
{
    *size = sizeof(placeholder);
    return placeholder;
}
