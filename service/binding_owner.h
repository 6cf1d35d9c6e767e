/* What a binding object remembers of its id's owner, so that its calls after Initialize come
 * only from that account, LocalSystem or an administrator: a reference to a bound binding handed
 * to another account is no key to the id. */
#ifndef NAPAGENT_BINDING_OWNER_H
#define NAPAGENT_BINDING_OWNER_H

#include "agent.h" /* first: libuv wants winsock2.h before windows.h */
#include <windows.h>

struct binding_owner
{
    SRWLOCK lock;
    BOOL known;                 /* an Initialize succeeded */
    UINT32 id;
    struct nap_identity owner;  /* the registration's, as Initialize returned it */
};

void binding_owner_init(struct binding_owner *b);
/* After a successful Initialize of id. */
void binding_owner_set(struct binding_owner *b, UINT32 id, const struct nap_identity *owner);
/* S_OK before any Initialize (the core answers NAP_E_NOT_INITIALIZED), or when the caller is the
 * owner or privileged; E_ACCESSDENIED otherwise, reported (event 124) as refused `what`. */
HRESULT binding_owner_check(struct binding_owner *b, enum nap_component_kind kind, const WCHAR *what);

#endif
