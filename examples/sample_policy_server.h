/* What the network's policy server (NPS) would answer a network SoH request. A real enforcement
 * client sends the request over its network (PEAP, DHCP options, IPsec, RADIUS) and gets the
 * response back; the sample EC asks this function instead. Written with napagent's [MS-SOH]
 * codec (service/soh), so it reads and writes the real bytes. */
#ifndef NAPAGENT_SAMPLE_POLICY_SERVER_H
#define NAPAGENT_SAMPLE_POLICY_SERVER_H

#include <windows.h>

/* The policy: every SHA must report compliance code 0; otherwise the machine is restricted with
 * a remediation URL. Writes the response into response[0..capacity) and returns its size, or 0
 * for a request it cannot read (as a server would drop it). *compliant: the verdict. */
UINT16 sample_policy_answer(const BYTE *request, UINT16 size, BYTE *response, UINT16 capacity, BOOL *compliant);

#endif
