/* Who may do what to the service log's folder or file, as GetNamedSecurityInfoW reports it
 * (t_log_file.c, probe_log_file.c), judged against what napagent.exe install sets
 * (SERVICE_LOG_FOLDER_DACL): SYSTEM and Administrators full control inherited by files and
 * folders, Authenticated Users read, protected.
 *
 * Wine 8 keeps no security descriptor on files: it makes one up from the Unix owner and mode
 * bits (owner: the Unix user's SID, or Anonymous for a file of another uid; ACEs: SYSTEM and the
 * owner full control, Everyone what the "other" bits allow; never Administrators, never
 * Authenticated Users, never SE_DACL_PROTECTED), and a DACL it is given becomes mode bits. So
 * under Wine the owner, when it is the test's own account, stands in for Administrators, and
 * the protection is checked on Windows only. What Wine does show: a folder anybody may write
 * to (mode o+w) has an Everyone ACE with write rights, one readable by all (o+r) an Everyone
 * read ACE; both fail the folder check. */
#ifndef NAPAGENT_WINE_LOG_ACL_H
#define NAPAGENT_WINE_LOG_ACL_H

#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
#include <stdio.h>

#define LOG_ACL_WRITE_RIGHTS (FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA | FILE_WRITE_ATTRIBUTES \
                              | FILE_DELETE_CHILD | DELETE | WRITE_DAC | WRITE_OWNER | GENERIC_WRITE | GENERIC_ALL \
                              | MAXIMUM_ALLOWED)
#define LOG_ACL_INHERITED_BY_ALL (OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE)

struct log_acl
{
    char owner[100];
    char aces[1200];     /* one "allow SID mask flags;" per ACE */
    char problems[1200]; /* "" when the rights are as wanted */
    BOOL on_wine;
};

static inline BOOL log_acl_on_wine(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");

    return ntdll && GetProcAddress(ntdll, "wine_get_version");
}

static inline void log_acl_append(char *to, size_t size, const char *fmt, ...)
{
    size_t used = strlen(to);
    va_list ap;

    va_start(ap, fmt);
    if (used < size)
        vsnprintf(to + used, size - used, fmt, ap);
    va_end(ap);
}

static inline BOOL log_acl_is_self(PSID sid)
{
    union
    {
        TOKEN_USER user;
        BYTE bytes[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
    } self;
    HANDLE token;
    DWORD size;
    BOOL is_self = FALSE;

    if (OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
    {
        is_self = GetTokenInformation(token, TokenUser, &self, sizeof(self), &size) && EqualSid(sid, self.user.User.Sid);
        CloseHandle(token);
    }
    return is_self;
}

/* Reads path's owner and DACL into acl. folder: the strict check of what install sets (nobody
 * but SYSTEM, Administrators, Authenticated Users reading and, under Wine, the owner standing in
 * for Administrators; SYSTEM and Administrators with full control inherited; protected, on
 * Windows). Otherwise (a file in the folder): nobody but those may write. FALSE when the rights
 * could not be read or are not as wanted: acl->problems says why. */
static inline BOOL log_acl_check(const WCHAR *path, BOOL folder, struct log_acl *acl)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    SECURITY_DESCRIPTOR_CONTROL control = 0;
    DWORD revision, err;
    PSID owner = NULL;
    PACL dacl = NULL;
    BOOL owner_trusted, system_full = FALSE, admins_full = FALSE;
    char *text;

    memset(acl, 0, sizeof(*acl));
    acl->on_wine = log_acl_on_wine();
    err = GetNamedSecurityInfoW(path, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, &owner,
                                NULL, &dacl, NULL, &sd);
    if (err)
    {
        log_acl_append(acl->problems, sizeof(acl->problems), "GetNamedSecurityInfoW failed: error %lu; ", err);
        return FALSE;
    }
    GetSecurityDescriptorControl(sd, &control, &revision);
    if (owner && ConvertSidToStringSidA(owner, &text))
    {
        snprintf(acl->owner, sizeof(acl->owner), "%s", text);
        LocalFree(text);
    }
    owner_trusted = owner && (IsWellKnownSid(owner, WinLocalSystemSid) || IsWellKnownSid(owner, WinBuiltinAdministratorsSid)
                              || (acl->on_wine && log_acl_is_self(owner)));
    if (!owner_trusted)
        log_acl_append(acl->problems, sizeof(acl->problems), "owner %s is not SYSTEM or Administrators; ", acl->owner);
    if (!dacl)
        log_acl_append(acl->problems, sizeof(acl->problems), "no DACL: everyone has full control; ");
    for (DWORD i = 0; dacl && i < dacl->AceCount; i++)
    {
        ACE_HEADER *header;
        ACCESS_ALLOWED_ACE *ace;
        PSID sid;
        BOOL trusted, readers;
        char sid_text[100] = "?";

        if (!GetAce(dacl, i, (void **)&header))
            continue;
        if (header->AceType == ACCESS_DENIED_ACE_TYPE)
            continue; /* takes rights away only */
        if (header->AceType != ACCESS_ALLOWED_ACE_TYPE)
        {
            log_acl_append(acl->problems, sizeof(acl->problems), "an ACE of type %u; ", header->AceType);
            continue;
        }
        ace = (ACCESS_ALLOWED_ACE *)header;
        sid = &ace->SidStart;
        if (ConvertSidToStringSidA(sid, &text))
        {
            snprintf(sid_text, sizeof(sid_text), "%s", text);
            LocalFree(text);
        }
        log_acl_append(acl->aces, sizeof(acl->aces), "allow %s %#lx flags %#x; ", sid_text, ace->Mask, header->AceFlags);
        trusted = IsWellKnownSid(sid, WinLocalSystemSid) || IsWellKnownSid(sid, WinBuiltinAdministratorsSid)
                  || (owner_trusted && EqualSid(sid, owner));
        readers = IsWellKnownSid(sid, WinAuthenticatedUserSid) || IsWellKnownSid(sid, WinBuiltinUsersSid);
        if (!trusted && (ace->Mask & LOG_ACL_WRITE_RIGHTS))
            log_acl_append(acl->problems, sizeof(acl->problems), "%s may write (%#lx); ", sid_text, ace->Mask);
        else if (folder && !trusted && !readers)
            log_acl_append(acl->problems, sizeof(acl->problems), "%s has access (%#lx); ", sid_text, ace->Mask);
        if (folder && trusted && (ace->Mask & FILE_ALL_ACCESS) == FILE_ALL_ACCESS
            && (header->AceFlags & LOG_ACL_INHERITED_BY_ALL) == LOG_ACL_INHERITED_BY_ALL
            && !(header->AceFlags & INHERIT_ONLY_ACE))
        {
            if (IsWellKnownSid(sid, WinLocalSystemSid))
                system_full = TRUE;
            else
                admins_full = TRUE;
        }
    }
    if (folder && dacl && !system_full)
        log_acl_append(acl->problems, sizeof(acl->problems), "SYSTEM has no full control inherited by files; ");
    if (folder && dacl && !admins_full)
        log_acl_append(acl->problems, sizeof(acl->problems), "Administrators have no full control inherited by files; ");
    if (folder && !acl->on_wine && !(control & SE_DACL_PROTECTED))
        log_acl_append(acl->problems, sizeof(acl->problems), "the DACL is not protected (it inherits); ");
    LocalFree(sd);
    return !acl->problems[0];
}

#endif
