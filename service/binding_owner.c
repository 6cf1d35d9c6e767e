/* See binding_owner.h. */
#include "binding_owner.h"
#include "caller_access.h"

void binding_owner_init(struct binding_owner *b)
{
    memset(b, 0, sizeof(*b));
    InitializeSRWLock(&b->lock);
}

void binding_owner_set(struct binding_owner *b, UINT32 id, const struct nap_identity *owner)
{
    AcquireSRWLockExclusive(&b->lock);
    b->known = TRUE;
    b->id = id;
    b->owner = *owner;
    ReleaseSRWLockExclusive(&b->lock);
}

HRESULT binding_owner_check(struct binding_owner *b, enum nap_component_kind kind, const WCHAR *what)
{
    struct nap_identity owner;
    struct agent_caller caller;
    BOOL known;
    UINT32 id;
    HRESULT hr;

    AcquireSRWLockShared(&b->lock);
    known = b->known;
    id = b->id;
    owner = b->owner;
    ReleaseSRWLockShared(&b->lock);
    if (!known)
        return S_OK;
    hr = caller_identify(&caller);
    if (SUCCEEDED(hr) && (caller.privileged || nap_identity_equal(&owner, &caller.identity)))
        return S_OK;
    caller_access_report_denied(&caller, what, kind, id);
    return E_ACCESSDENIED;
}
