/* The caller's identity from COM impersonation: the token of whoever made the call, at identify
 * level (the service's security policy asks no more of clients; server.c).
 *
 * Wine 8 gives no server call context: CoImpersonateClient answers RPC_E_CALL_COMPLETE for every
 * incoming call, and RpcImpersonateClient gives the service's own token (measured with a client
 * started by CreateProcessAsUser with the Administrators group deny-only: it was still seen as an
 * administrator; docs/security.md). So under Wine, and only there, a call without a context is the
 * service's own account, as Wine's RPC would say; everywhere else it is refused. This can go once
 * Wine's stubs set a call context that CoImpersonateClient can use. */
#include "caller_access.h"
#include "napagent.h"
#include "component_names.h"
#include "event_log.h"
#include "events.h"
#include <sddl.h>
#include <stdio.h>

static BOOL token_is_privileged(HANDLE token)
{
    BYTE admins[SECURITY_MAX_SID_SIZE], system[SECURITY_MAX_SID_SIZE];
    DWORD admins_size = sizeof(admins), system_size = sizeof(system);
    BOOL is_admin = FALSE, is_system = FALSE;

    if (!CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, admins, &admins_size)
        || !CreateWellKnownSid(WinLocalSystemSid, NULL, system, &system_size))
        return FALSE;
    /* CheckTokenMembership honours deny-only groups: a filtered administrator is not one. */
    if (!CheckTokenMembership(token, admins, &is_admin))
        is_admin = FALSE;
    if (!CheckTokenMembership(token, system, &is_system))
        is_system = FALSE;
    return is_admin || is_system;
}

static HRESULT identify_token(HANDLE token, struct agent_caller *caller)
{
    union
    {
        TOKEN_USER user;
        BYTE bytes[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
    } info;
    DWORD size, sid_size;

    if (!GetTokenInformation(token, TokenUser, &info, sizeof(info), &size) || !IsValidSid(info.user.User.Sid))
        return E_ACCESSDENIED;
    sid_size = GetLengthSid(info.user.User.Sid);
    if (sid_size > NAP_MAX_SID_BYTES)
        return E_ACCESSDENIED;
    memset(caller, 0, sizeof(*caller));
    memcpy(caller->identity.sid, info.user.User.Sid, sid_size);
    caller->identity.sid_size = (uint8_t)sid_size;
    caller->privileged = token_is_privileged(token);
    return S_OK;
}

static BOOL under_wine(void)
{
    static LONG known = -1;

    if (known < 0)
        InterlockedExchange(&known, GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "wine_get_version") != NULL);
    return known == 1;
}

/* Wine only (above): the service's own account, looked up once (a token query is several
 * wineserver round trips, and the answer never changes). */
static HRESULT service_account(struct agent_caller *caller)
{
    static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    static struct agent_caller self;
    static HRESULT result = E_ACCESSDENIED;
    BOOL pending;

    if (InitOnceBeginInitialize(&once, 0, &pending, NULL) && pending)
    {
        HANDLE token, identification;

        /* CheckTokenMembership wants an impersonation token, not the primary one. */
        if (OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY | TOKEN_DUPLICATE, &token))
        {
            if (DuplicateToken(token, SecurityIdentification, &identification))
            {
                result = identify_token(identification, &self);
                CloseHandle(identification);
            }
            CloseHandle(token);
        }
        service_log("access check (Wine: no COM call context): every caller is the service's account, %s",
                    SUCCEEDED(result) && self.privileged ? "privileged" : "NOT privileged");
        InitOnceComplete(&once, 0, NULL);
    }
    *caller = self;
    return result;
}

HRESULT caller_identify(struct agent_caller *caller)
{
    HANDLE token = NULL;
    HRESULT hr = CoImpersonateClient();

    memset(caller, 0, sizeof(*caller));
    if (hr == RPC_E_CALL_COMPLETE && under_wine())
        return service_account(caller);
    if (FAILED(hr))
    {
        service_log("access check: the caller cannot be told (CoImpersonateClient: %#lx): refused", hr);
        return E_ACCESSDENIED;
    }
    hr = OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &token) ? identify_token(token, caller)
                                                                        : E_ACCESSDENIED;
    if (token)
        CloseHandle(token);
    CoRevertToSelf();
    return hr;
}

HRESULT caller_access_require_admin(void)
{
    struct agent_caller caller;
    HRESULT hr = caller_identify(&caller);

    return FAILED(hr) || !caller.privileged ? E_ACCESSDENIED : S_OK;
}

void caller_account_name(const struct nap_identity *identity, WCHAR *name, size_t length)
{
    WCHAR user[128], domain[128], *text = NULL;
    DWORD user_length = ARRAYSIZE(user), domain_length = ARRAYSIZE(domain);
    SID_NAME_USE use;

    if (!identity->sid_size)
        _snwprintf(name, length, L"(unknown account)");
    else if (LookupAccountSidW(NULL, (PSID)identity->sid, user, &user_length, domain, &domain_length, &use))
        _snwprintf(name, length, domain[0] ? L"%ls\\%ls" : L"%ls%ls", domain, user);
    else if (ConvertSidToStringSidW((PSID)identity->sid, &text))
    {
        _snwprintf(name, length, L"%ls", text);
        LocalFree(text);
    }
    else
        _snwprintf(name, length, L"(unreadable account)");
    name[length - 1] = 0;
}

void caller_access_report_denied(const struct agent_caller *caller, const WCHAR *what, enum nap_component_kind kind,
                                 UINT32 id)
{
    WCHAR account[200], label[160];
    const WCHAR *strings[4] = {account, what, kind == NAP_COMPONENT_ENFORCEMENT_CLIENT ? L"enforcement client"
                                                                                      : L"system health agent",
                               label};

    caller_account_name(&caller->identity, account, ARRAYSIZE(account));
    component_names_label(kind, id, label, ARRAYSIZE(label));
    service_log("access denied: %ls was refused %ls for %ls %#x", account, what, strings[2], id);
    event_log_refusal(EVENTLOG_WARNING_TYPE, NAPAGENT_EVENT_ACCESS_DENIED, kind, id, 4, strings);
}
