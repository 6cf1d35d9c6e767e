/* Under Wine 8 the check cannot see the caller: CoImpersonateClient answers RPC_E_CALL_COMPLETE
 * (no server call context) and RpcImpersonateClient gives the service's own token, so every
 * caller passes (measured with a deny-only Administrators token in a child process; see
 * docs/architecture.md). On Windows, COM impersonation gives the caller's token. */
#include "caller_access.h"
#include "napagent.h"

static BOOL token_is_admin(HANDLE token)
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

HRESULT caller_access_require_admin(void)
{
    HANDLE token = NULL;
    BOOL allowed;
    HRESULT hr = CoImpersonateClient();

    /* No COM call context: the call comes from inside the service (or Wine, see above). */
    if (hr == RPC_E_CALL_COMPLETE)
        return S_OK;
    if (FAILED(hr))
    {
        service_log("access check: CoImpersonateClient failed: %#lx", hr);
        return E_ACCESSDENIED;
    }
    allowed = OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &token) && token_is_admin(token);
    if (token)
        CloseHandle(token);
    CoRevertToSelf();
    return allowed ? S_OK : E_ACCESSDENIED;
}
