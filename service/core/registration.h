/* What INapClientManagement stores about an EC or SHA (NapComponentRegistrationInfo), kept
 * platform-neutral: strings are UTF-16 code units exactly as the COM side hands them over. */
#ifndef NAPAGENT_CORE_REGISTRATION_H
#define NAPAGENT_CORE_REGISTRATION_H

#include <stddef.h>
#include <stdint.h>

#include "nap_result.h"

#define NAP_MAX_STRING_LENGTH 1024u /* maxStringLength, naptypes.h */

enum nap_component_kind {
    NAP_COMPONENT_ENFORCEMENT_CLIENT = 1,
    NAP_COMPONENT_SYSTEM_HEALTH_AGENT = 2,
};

/* A security identifier's bytes, opaque to the core (SECURITY_MAX_SID_SIZE is 68); the host
 * compares them, nothing else does. */
#define NAP_MAX_SID_BYTES 68u

struct nap_identity {
    uint8_t sid[NAP_MAX_SID_BYTES];
    uint8_t sid_size;             /* 0: nobody */
};

/* Whether two identities are the same account (both known). */
int nap_identity_equal(const struct nap_identity *a, const struct nap_identity *b);

/* CountedString without the COM allocator: length in UTF-16 code units. */
struct nap_text {
    uint16_t length;
    uint16_t *chars;
};

struct nap_registration {
    enum nap_component_kind kind;
    uint32_t id;
    struct nap_text friendly_name;
    struct nap_text description;
    struct nap_text version;
    struct nap_text vendor_name;
    uint8_t info_clsid[16];
    uint8_t config_clsid[16];
    uint64_t registration_date;   /* FILETIME: 100 ns since 1601 */
    uint32_t component_type;      /* ComponentTypeEnforcementClientSoH/Rp for ECs */
    int enabled;                  /* ECs: administratively enabled; SHAs: always 1 */
    /* Who registered it: besides LocalSystem and administrators, the one account that may bind
     * its id and unregister it. Empty for registrations written before owners were kept: those
     * are LocalSystem's and the administrators' only. */
    struct nap_identity owner;
};

/* INVALID_ARG for an unknown kind or a string longer than NAP_MAX_STRING_LENGTH. */
nap_result nap_registration_validate(const struct nap_registration *r);
/* Deep copy into *to; OUT_OF_MEMORY leaves *to empty. */
nap_result nap_registration_copy(struct nap_registration *to, const struct nap_registration *from);
void nap_registration_clear(struct nap_registration *r);
void nap_registrations_free(struct nap_registration *array, size_t count);

#endif
