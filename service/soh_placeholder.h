/* The network SoH request the agent puts on a connection until the [MS-SOH] encoder exists. */
#ifndef NAPAGENT_SOH_PLACEHOLDER_H
#define NAPAGENT_SOH_PLACEHOLDER_H

#include <windows.h>

/* A constant, well-formed [MS-SOH] SoH of at least minNetworkSoHSize bytes; *size its length. */
const BYTE *soh_request_placeholder(UINT16 *size);

#endif
