/* The service's COM access policy, as CoInitializeSecurity takes it. */
#include "com_security.h"
#include <sddl.h>

/* SDDL of com_security.h's policy. */
static const WCHAR access_policy[] = L"O:BAG:BAD:(A;;0x3;;;SY)(A;;0x3;;;BA)(A;;0x3;;;AU)";

/* CoInitializeSecurity wants the descriptor in absolute format (Microsoft's documentation for
 * pSecDesc); the SDDL conversion gives a self-relative one. The absolute parts live in one
 * static block: COM may keep pointing at the descriptor for the life of the process. */
HRESULT com_security_policy(SECURITY_DESCRIPTOR **out)
{
    static struct
    {
        SECURITY_DESCRIPTOR sd;
        BYTE dacl[512], sacl[64], owner[SECURITY_MAX_SID_SIZE], group[SECURITY_MAX_SID_SIZE];
    } policy;
    DWORD sd_size = sizeof(policy.sd), dacl_size = sizeof(policy.dacl), sacl_size = sizeof(policy.sacl);
    DWORD owner_size = sizeof(policy.owner), group_size = sizeof(policy.group);
    PSECURITY_DESCRIPTOR relative;
    BOOL made;

    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(access_policy, SDDL_REVISION_1, &relative, NULL))
        return HRESULT_FROM_WIN32(GetLastError());
    made = MakeAbsoluteSD(relative, &policy.sd, &sd_size, (PACL)policy.dacl, &dacl_size, (PACL)policy.sacl,
                          &sacl_size, policy.owner, &owner_size, policy.group, &group_size);
    LocalFree(relative);
    if (!made)
        return HRESULT_FROM_WIN32(GetLastError());
    *out = &policy.sd;
    return S_OK;
}

