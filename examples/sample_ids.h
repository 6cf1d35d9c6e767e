/* The ids of the sample components. A component id is a 3-byte SMI vendor code and a 1-byte
 * component number; 0x00FFFF is no real vendor's, so the samples never clash with a product. */
#ifndef NAPAGENT_SAMPLE_IDS_H
#define NAPAGENT_SAMPLE_IDS_H

#define SAMPLE_SHA_ID 0x00FFFF01u   /* "Contoso Firewall" system health agent */
#define SAMPLE_EC_ID  0x00FFFF10u   /* "Contoso VPN" enforcement client (decimal 16776976) */

/* The firewall SHA's compliance codes (ComplianceResultCodes): its SHV's verdict vocabulary. */
#define SAMPLE_FIREWALL_ON  0x00000000u   /* S_OK: compliant */
#define SAMPLE_FIREWALL_OFF 0xC0FF0001u   /* not compliant: the firewall is off */

#define SAMPLE_REMEDIATION_URL "http://remediation.contoso.test/firewall"

#endif
