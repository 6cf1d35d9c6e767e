/* The service's COM access policy as it hands it to CoInitializeSecurity (com_security.c):
 * absolute, as Microsoft requires, and exactly the access it documents. Wine's
 * CoInitializeSecurity is a stub, so what COM does with it can only be seen on Windows; what is
 * handed over is checked here. */
#include <windows.h>
#include <stdio.h>
#include "../tap.h"
#include "com_security.h"

static BOOL ace_for(PACL dacl, WELL_KNOWN_SID_TYPE who, ACCESS_MASK *mask)
{
    BYTE sid[SECURITY_MAX_SID_SIZE];
    DWORD size = sizeof(sid);

    if (!CreateWellKnownSid(who, NULL, sid, &size))
        return FALSE;
    for (DWORD i = 0; i < dacl->AceCount; i++)
    {
        ACCESS_ALLOWED_ACE *ace;

        if (GetAce(dacl, i, (void **)&ace) && ace->Header.AceType == ACCESS_ALLOWED_ACE_TYPE
            && EqualSid((PSID)&ace->SidStart, sid))
        {
            *mask = ace->Mask;
            return TRUE;
        }
    }
    return FALSE;
}

int main(void)
{
    SECURITY_DESCRIPTOR *sd = NULL, *again = NULL;
    SECURITY_DESCRIPTOR_CONTROL control = 0;
    DWORD revision, size = SECURITY_MAX_SID_SIZE;
    BOOL present = FALSE, defaulted;
    BYTE admins[SECURITY_MAX_SID_SIZE];
    PACL dacl = NULL;
    PSID owner = NULL;
    ACCESS_MASK mask;
    HRESULT hr;

    hr = com_security_policy(&sd);
    ok(hr == S_OK && sd, "the policy is made: %#lx", hr);
    if (!sd)
        return tap_done();
    ok(IsValidSecurityDescriptor(sd), "it is a valid security descriptor");
    ok(GetSecurityDescriptorControl(sd, &control, &revision) && !(control & SE_SELF_RELATIVE),
       "in absolute format, as CoInitializeSecurity requires: control %#x", control);
    ok(GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted) && present && dacl,
       "with a DACL (a NULL DACL would let everyone in)");
    CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, admins, &size);
    ok(GetSecurityDescriptorOwner(sd, &owner, &defaulted) && owner && EqualSid(owner, admins),
       "owned by Administrators");
    if (!dacl)
        return tap_done();
    ok(dacl->AceCount == 3, "three entries, nobody else: %u", dacl->AceCount);
    ok(ace_for(dacl, WinLocalSystemSid, &mask) && mask == 3, "LocalSystem: COM_RIGHTS_EXECUTE | COM_RIGHTS_EXECUTE_LOCAL (0x3)");
    ok(ace_for(dacl, WinBuiltinAdministratorsSid, &mask) && mask == 3, "Administrators: 0x3");
    ok(ace_for(dacl, WinAuthenticatedUserSid, &mask) && mask == 3, "Authenticated Users: 0x3");
    ok(!ace_for(dacl, WinWorldSid, &mask) && !ace_for(dacl, WinAnonymousSid, &mask),
       "neither Everyone nor anonymous callers");
    hr = com_security_policy(&again);
    ok(hr == S_OK && again == sd, "asking again gives the same descriptor (COM may keep the pointer)");
    return tap_done();
}
