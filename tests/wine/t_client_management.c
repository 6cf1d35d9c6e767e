/* INapClientManagement / INapClientManagement2 across the process boundary: every method,
 * as an installer or administrator tool uses them (CLSCTX_INPROC_SERVER through qagent.dll, and
 * once CLSCTX_LOCAL_SERVER). Registrations are persistent, so everything this test registers
 * (ids 0x7F00xxxx) it unregisters again, and it first removes what a failed earlier run left. */
#include <windows.h>
#include <stdio.h>
#include <napagentclasses.h>
#include <napagentdiag.h>
#include <napenforcementclient.h>
#include <napmanagement.h>
#include "../tap.h"
#include "wine_test.h"
#include "test_clients.h"

#define ID_EC        0x7F000001u
#define ID_SHA       0x7F000002u
#define ID_EC_EMPTY  0x7F000003u  /* empty strings */
#define ID_EC_LONG   0x7F000004u  /* strings of exactly maxStringLength */
#define ID_EC_SHORT  0x7F000005u  /* a length beyond the string's NUL */
#define ID_UNKNOWN   0x7F0000FFu
#define ID_LIMIT     0x7F000100u  /* + i: the ECs that fill the table */

/* HRESULT_FROM_WIN32(RPC_X_NULL_REF_POINTER): the proxy refuses a NULL [ref] pointer itself. */
#define NULL_REF_POINTER ((HRESULT)0x800706F4)

static INapClientManagement2 *management;

static const CLSID info_clsid = {0x7f0a1b2c, 0x3d4e, 0x5f60, {0x71, 0x82, 0x93, 0xa4, 0xb5, 0xc6, 0xd7, 0xe8}};
static const CLSID config_clsid = {0x01234567, 0x89ab, 0xcdef, {0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10}};

static CountedString counted(const WCHAR *s)
{
    CountedString c = {s ? (UINT16)wcslen(s) : 0, (WCHAR *)s};
    return c;
}

static NapComponentRegistrationInfo make_info(UINT32 id, const WCHAR *name)
{
    NapComponentRegistrationInfo info;

    memset(&info, 0, sizeof(info));
    info.id = id;
    info.friendlyName = counted(name);
    info.description = counted(L"Registered by t_client_management");
    info.version = counted(L"1.2.3");
    info.vendorName = counted(L"napagent tests");
    info.infoClsid = info_clsid;
    info.configClsid = config_clsid;
    info.registrationDate.dwLowDateTime = 0x89abcdef;
    info.registrationDate.dwHighDateTime = 0x01d9f00d;
    info.componentType = ComponentTypeEnforcementClientSoH;
    return info;
}

static void free_counted(CountedString *s)
{
    CoTaskMemFree(s->string);
    s->string = NULL;
}

static void free_counted_ptr(CountedString *s)
{
    if (s)
        free_counted(s);
    CoTaskMemFree(s);
}

static void free_infos(UINT16 count, NapComponentRegistrationInfo *infos)
{
    for (UINT16 i = 0; infos && i < count; i++)
    {
        free_counted(&infos[i].friendlyName);
        free_counted(&infos[i].description);
        free_counted(&infos[i].version);
        free_counted(&infos[i].vendorName);
    }
    CoTaskMemFree(infos);
}

/* Registered ECs (ec = TRUE) or SHAs; *infos may be NULL. */
static HRESULT list(BOOL ec, UINT16 *count, NapComponentRegistrationInfo **infos)
{
    *count = 0xffff;
    *infos = NULL;
    return ec ? INapClientManagement2_GetRegisteredEnforcementClients(management, count, infos)
              : INapClientManagement2_GetRegisteredSystemHealthAgents(management, count, infos);
}

static UINT16 registered_count(BOOL ec)
{
    NapComponentRegistrationInfo *infos;
    UINT16 count;
    HRESULT hr = list(ec, &count, &infos);

    if (FAILED(hr))
        count = 0xffff;
    free_infos(count, infos);
    return count;
}

static BOOL counted_equal(const CountedString *got, const CountedString *want)
{
    return got->length == want->length && got->string && !got->string[got->length]
           && (!want->length || !memcmp(got->string, want->string, want->length * sizeof(WCHAR)));
}

static void check_counted(const char *what, const CountedString *got, const CountedString *want)
{
    BOOL equal = counted_equal(got, want);

    ok(equal, "%s: expected length %u '%ls', got length %u '%ls'", what, want->length,
       want->string ? want->string : L"", got->length, got->string ? got->string : L"(null)");
}

/* Finds id in the list and compares every field with what was registered. */
static void check_listed(BOOL ec, const NapComponentRegistrationInfo *want)
{
    const char *kind = ec ? "EC" : "SHA";
    NapComponentRegistrationInfo *infos, *got = NULL;
    UINT16 count;
    HRESULT hr = list(ec, &count, &infos);

    ok(hr == S_OK, "list %ss: expected S_OK, got %#lx", kind, hr);
    for (UINT16 i = 0; SUCCEEDED(hr) && i < count; i++)
        if (infos[i].id == want->id)
            got = &infos[i];
    ok(got != NULL, "%s %#x is listed (%u listed)", kind, want->id, count);
    if (got)
    {
        BOOL same_info = IsEqualCLSID(&got->infoClsid, &want->infoClsid);
        BOOL same_config = IsEqualCLSID(&got->configClsid, &want->configClsid);
        DWORD low = got->registrationDate.dwLowDateTime, high = got->registrationDate.dwHighDateTime;
        UINT32 type = got->componentType;

        check_counted("friendlyName", &got->friendlyName, &want->friendlyName);
        check_counted("description", &got->description, &want->description);
        check_counted("version", &got->version, &want->version);
        check_counted("vendorName", &got->vendorName, &want->vendorName);
        ok(same_info, "%s infoClsid comes back unchanged", kind);
        ok(same_config, "%s configClsid comes back unchanged", kind);
        ok(low == want->registrationDate.dwLowDateTime && high == want->registrationDate.dwHighDateTime,
           "%s registrationDate: expected %08lx:%08lx, got %08lx:%08lx", kind,
           want->registrationDate.dwHighDateTime, want->registrationDate.dwLowDateTime, high, low);
        ok(type == want->componentType, "%s componentType: expected %u, got %u", kind, want->componentType, type);
    }
    free_infos(count, infos);
}

static BOOL is_listed(BOOL ec, UINT32 id)
{
    NapComponentRegistrationInfo *infos;
    UINT16 count;
    BOOL found = FALSE;

    if (SUCCEEDED(list(ec, &count, &infos)))
        for (UINT16 i = 0; i < count; i++)
            found |= infos[i].id == id;
    free_infos(count, infos);
    return found;
}

static BOOL nap_enabled(HRESULT *hr_out)
{
    CountedString *name = NULL, *description = NULL, *version = NULL;
    BOOL enabled = 2;

    *hr_out = INapClientManagement2_GetNapClientInfo(management, &enabled, &name, &description, &version);
    free_counted_ptr(name);
    free_counted_ptr(description);
    free_counted_ptr(version);
    return enabled;
}

static HRESULT set_enabled(UINT32 id, BOOL enabled)
{
    INapAgentDiagnostics *diagnostics = NULL;
    HRESULT hr = CoCreateInstance(&CLSID_NapAgentDiagnostics, NULL, CLSCTX_LOCAL_SERVER, &IID_INapAgentDiagnostics,
                                  (void **)&diagnostics);

    if (SUCCEEDED(hr))
    {
        hr = INapAgentDiagnostics_SetEnforcementClientEnabled(diagnostics, id, enabled);
        INapAgentDiagnostics_Release(diagnostics);
    }
    return hr;
}

/* What an earlier, failed run may have left behind. */
static void remove_leftovers(void)
{
    static const UINT32 ids[] = {ID_EC, ID_EC_EMPTY, ID_EC_LONG, ID_EC_SHORT};
    int removed = 0;

    for (size_t i = 0; i < ARRAYSIZE(ids); i++)
        removed += INapClientManagement2_UnregisterEnforcementClient(management, ids[i]) == S_OK;
    removed += INapClientManagement2_UnregisterSystemHealthAgent(management, ID_SHA) == S_OK;
    for (UINT32 i = 0; i < 20; i++)
        removed += INapClientManagement2_UnregisterEnforcementClient(management, ID_LIMIT + i) == S_OK;
    if (removed)
        diag("removed %d registrations left by an earlier run", removed);
}

static void test_activation(void)
{
    INapClientManagement *v1 = NULL, *local = NULL;
    IUnknown *unknown = NULL, *other = (IUnknown *)0xdeadbeef;
    HRESULT hr = CoCreateInstance(&CLSID_NapClientManagement, NULL, CLSCTX_INPROC_SERVER, &IID_INapClientManagement2,
                                  (void **)&management);

    ok(hr == S_OK && management, "CLSCTX_INPROC_SERVER activation: expected S_OK, got %#lx", hr);
    if (!management)
        tap_bail("no INapClientManagement2");
    hr = INapClientManagement2_QueryInterface(management, &IID_INapClientManagement, (void **)&v1);
    ok(hr == S_OK && v1, "QueryInterface(INapClientManagement): expected S_OK, got %#lx", hr);
    hr = INapClientManagement2_QueryInterface(management, &IID_IUnknown, (void **)&unknown);
    ok(hr == S_OK && unknown, "QueryInterface(IUnknown): expected S_OK, got %#lx", hr);
    hr = INapClientManagement2_QueryInterface(management, &IID_INapEnforcementClientBinding, (void **)&other);
    ok(hr == E_NOINTERFACE && !other, "QueryInterface(INapEnforcementClientBinding): expected E_NOINTERFACE, got %#lx", hr);
    if (v1)
        INapClientManagement_Release(v1);
    if (unknown)
        IUnknown_Release(unknown);

    hr = CoCreateInstance(&CLSID_NapClientManagement, NULL, CLSCTX_LOCAL_SERVER, &IID_INapClientManagement,
                          (void **)&local);
    ok(hr == S_OK && local, "CLSCTX_LOCAL_SERVER activation: expected S_OK, got %#lx", hr);
    if (local)
    {
        EnforcementEntityCount count = 0xffff;
        NapComponentRegistrationInfo *infos = NULL;

        union { EnforcementEntityCount value; BYTE bytes[16]; } probe;

        hr = INapClientManagement_GetRegisteredEnforcementClients(local, &count, &infos);
        ok(hr == S_OK && count <= maxEnforcerCount, "LOCAL_SERVER GetRegisteredEnforcementClients: expected S_OK, got %#lx (%u)",
           hr, count);
        free_infos(count, infos);
        /* The count is the caller's 2 bytes and no more (idl/README.md: Wine wrote 8 while the IDL
         * kept the SDK's [range] on the count types). */
        memset(&probe, 0xcc, sizeof(probe));
        infos = NULL;
        hr = INapClientManagement_GetRegisteredEnforcementClients(local, &probe.value, &infos);
        ok(hr == S_OK && probe.bytes[sizeof(probe.value)] == 0xcc && probe.bytes[sizeof(probe) - 1] == 0xcc,
           "GetRegisteredEnforcementClients writes only the count's %u bytes: got %#lx %02x",
           (unsigned)sizeof(probe.value), hr, probe.bytes[sizeof(probe.value)]);
        if (SUCCEEDED(hr))
            free_infos(probe.value, infos);
        INapClientManagement_Release(local);
    }
}

static void test_client_info(void)
{
    CountedString *name = NULL, *description = NULL, *version = NULL;
    CountedString want_name = counted(L"Network Access Protection Agent"), want_version = counted(L"1.0");
    BOOL enabled = 2;
    HRESULT hr = INapClientManagement2_GetNapClientInfo(management, &enabled, &name, &description, &version);

    ok(hr == S_OK, "GetNapClientInfo: expected S_OK, got %#lx", hr);
    ok(enabled == FALSE, "isNapEnabled FALSE while no EC is enabled, got %d", enabled);
    ok(name && description && version, "GetNapClientInfo returns three strings");
    if (name)
        check_counted("clientName", name, &want_name);
    if (version)
        check_counted("protocolVersion", version, &want_version);
    if (description)
    {
        BOOL terminated = description->string && description->length && !description->string[description->length]
                          && wcslen(description->string) == description->length;
        ok(terminated, "clientDescription: a non-empty counted, terminated string, got length %u '%ls'",
           description->length, description->string ? description->string : L"(null)");
    }
    free_counted_ptr(name);
    free_counted_ptr(description);
    free_counted_ptr(version);
}

static void test_isolation_info(void)
{
    IsolationInfo *info = NULL;
    IsolationInfoEx *info_ex = NULL;
    BOOL unknown = 2;
    HRESULT hr = INapClientManagement2_GetSystemIsolationInfo(management, &info, &unknown);

    ok(hr == S_OK && info, "GetSystemIsolationInfo: expected S_OK, got %#lx", hr);
    if (info)
    {
        IsolationState state = info->isolationState;
        BOOL no_probation = !info->probEndTime.dwLowDateTime && !info->probEndTime.dwHighDateTime;
        BOOL empty_url = !info->failureUrl.length && (!info->failureUrl.string || !info->failureUrl.string[0]);

        ok(state == isolationStateNotRestricted, "isolationState NotRestricted, got %d", state);
        ok(no_probation, "probEndTime 0, got %08lx:%08lx", info->probEndTime.dwHighDateTime,
           info->probEndTime.dwLowDateTime);
        ok(empty_url, "failureUrl empty, got length %u", info->failureUrl.length);
        ok(unknown == FALSE, "unknownConnections FALSE, got %d", unknown);
        free_counted(&info->failureUrl);
        CoTaskMemFree(info);
    }

    unknown = 2;
    hr = INapClientManagement2_GetSystemIsolationInfoEx(management, &info_ex, &unknown);
    ok(hr == S_OK && info_ex, "GetSystemIsolationInfoEx: expected S_OK, got %#lx", hr);
    if (info_ex)
    {
        IsolationState state = info_ex->isolationState;
        ExtendedIsolationState extended = info_ex->extendedIsolationState;
        BOOL no_probation = !info_ex->probEndTime.dwLowDateTime && !info_ex->probEndTime.dwHighDateTime;
        BOOL empty_url = !info_ex->failureUrl.length && (!info_ex->failureUrl.string || !info_ex->failureUrl.string[0]);

        ok(state == isolationStateNotRestricted, "Ex: isolationState NotRestricted, got %d", state);
        ok(extended == extendedIsolationStateNoData, "Ex: extendedIsolationState NoData, got %d", extended);
        ok(no_probation, "Ex: probEndTime 0");
        ok(empty_url, "Ex: failureUrl empty, got length %u", info_ex->failureUrl.length);
        ok(unknown == FALSE, "Ex: unknownConnections FALSE, got %d", unknown);
        free_counted(&info_ex->failureUrl);
        CoTaskMemFree(info_ex);
    }
}

static void test_register_and_list(UINT16 ecs_before, UINT16 shas_before)
{
    NapComponentRegistrationInfo ec = make_info(ID_EC, L"Test Enforcement Client");
    NapComponentRegistrationInfo sha = make_info(ID_SHA, L"Test System Health Agent");
    NapComponentRegistrationInfo empty = make_info(ID_EC_EMPTY, L"");
    HRESULT hr;
    UINT16 count;

    sha.componentType = 0;
    sha.registrationDate.dwLowDateTime = 0x12345678;
    empty.description = counted(NULL);  /* length 0, string NULL */
    empty.version = counted(L"");       /* length 0, string "" */
    empty.componentType = ComponentTypeEnforcementClientRp;

    hr = INapClientManagement2_RegisterEnforcementClient(management, &ec);
    ok(hr == S_OK, "RegisterEnforcementClient: expected S_OK, got %#lx", hr);
    hr = INapClientManagement2_RegisterSystemHealthAgent(management, &sha);
    ok(hr == S_OK, "RegisterSystemHealthAgent: expected S_OK, got %#lx", hr);
    hr = INapClientManagement2_RegisterEnforcementClient(management, &empty);
    ok(hr == S_OK, "RegisterEnforcementClient with empty strings: expected S_OK, got %#lx", hr);

    count = registered_count(TRUE);
    ok(count == ecs_before + 2, "EC count: expected %u, got %u", ecs_before + 2, count);
    count = registered_count(FALSE);
    ok(count == shas_before + 1, "SHA count: expected %u, got %u", shas_before + 1, count);
    check_listed(TRUE, &ec);
    check_listed(FALSE, &sha);
    /* Empty strings come back as length 0 with an allocated "" (never NULL). */
    check_listed(TRUE, &empty);

    hr = INapClientManagement2_RegisterEnforcementClient(management, &ec);
    ok(hr == NAP_E_CONFLICTING_ID, "RegisterEnforcementClient again: expected NAP_E_CONFLICTING_ID, got %#lx", hr);
    hr = INapClientManagement2_RegisterSystemHealthAgent(management, &sha);
    ok(hr == NAP_E_CONFLICTING_ID, "RegisterSystemHealthAgent again: expected NAP_E_CONFLICTING_ID, got %#lx", hr);
    /* A newly registered EC is disabled: NAP is not enabled by registering. */
    {
        BOOL enabled = nap_enabled(&hr);
        ok(hr == S_OK && enabled == FALSE, "isNapEnabled stays FALSE after registering (EC disabled), got %d, %#lx",
           enabled, hr);
    }
}

static void test_enabled_flag(void)
{
    BOOL enabled;
    HRESULT hr = set_enabled(ID_EC, TRUE);

    ok(hr == S_OK, "SetEnforcementClientEnabled(TRUE): expected S_OK, got %#lx", hr);
    enabled = nap_enabled(&hr);
    ok(hr == S_OK && enabled == TRUE, "isNapEnabled TRUE once an EC is enabled, got %d (%#lx)", enabled, hr);
    hr = set_enabled(ID_EC, FALSE);
    ok(hr == S_OK, "SetEnforcementClientEnabled(FALSE): expected S_OK, got %#lx", hr);
    enabled = nap_enabled(&hr);
    ok(hr == S_OK && enabled == FALSE, "isNapEnabled FALSE again, got %d (%#lx)", enabled, hr);
    hr = set_enabled(ID_UNKNOWN, TRUE);
    ok(hr == NAP_E_ID_NOT_FOUND, "SetEnforcementClientEnabled(unknown id): expected NAP_E_ID_NOT_FOUND, got %#lx", hr);
}

static void test_still_bound(void)
{
    INapEnforcementClientBinding *binding = NULL;
    HRESULT hr = set_enabled(ID_EC, TRUE);

    ok(hr == S_OK, "enable EC for binding: expected S_OK, got %#lx", hr);
    hr = CoCreateInstance(&CLSID_NapEnforcementClientBinding, NULL, CLSCTX_INPROC_SERVER,
                          &IID_INapEnforcementClientBinding, (void **)&binding);
    ok(hr == S_OK, "EC binding activation: expected S_OK, got %#lx", hr);
    if (binding)
    {
        hr = INapEnforcementClientBinding_Initialize(binding, ID_EC, &ec_callback);
        ok(hr == S_OK, "Initialize(enabled EC): expected S_OK, got %#lx", hr);
        hr = INapClientManagement2_UnregisterEnforcementClient(management, ID_EC);
        ok(hr == NAP_E_STILL_BOUND, "Unregister a bound EC: expected NAP_E_STILL_BOUND, got %#lx", hr);
        hr = INapEnforcementClientBinding_Uninitialize(binding);
        ok(hr == S_OK, "Uninitialize: expected S_OK, got %#lx", hr);
        INapEnforcementClientBinding_Release(binding);
    }
    hr = set_enabled(ID_EC, FALSE);
    ok(hr == S_OK, "disable EC again: expected S_OK, got %#lx", hr);
}

static void test_unknown_ids(void)
{
    HRESULT hr = INapClientManagement2_UnregisterEnforcementClient(management, ID_UNKNOWN);

    ok(hr == NAP_E_ID_NOT_FOUND, "UnregisterEnforcementClient(unknown): expected NAP_E_ID_NOT_FOUND, got %#lx", hr);
    hr = INapClientManagement2_UnregisterSystemHealthAgent(management, ID_UNKNOWN);
    ok(hr == NAP_E_ID_NOT_FOUND, "UnregisterSystemHealthAgent(unknown): expected NAP_E_ID_NOT_FOUND, got %#lx", hr);
    /* ECs and SHAs are separate tables: the SHA's id is not an EC's. */
    hr = INapClientManagement2_UnregisterEnforcementClient(management, ID_SHA);
    ok(hr == NAP_E_ID_NOT_FOUND, "UnregisterEnforcementClient(an SHA's id): expected NAP_E_ID_NOT_FOUND, got %#lx", hr);
}

/* NULL pointers. The service's methods answer E_POINTER, but a client never gets that far: every
 * pointer parameter here is a top-level [ref] pointer, and the proxy (qagent.dll's, stubless
 * -Oicf) fails the call itself with RPC_X_NULL_REF_POINTER (0x800706F4). Measured under Wine 8:
 * a NULL [in] pointer, or a NULL first [out], is refused before anything is sent; a NULL later
 * [out] (GetRegistered*'s array, GetNapClientInfo's protocolVersion) is noticed only when the
 * answer is unmarshalled: the method did run in the service, and the outs before the NULL one
 * may already be filled (the caller must still free them, as done here). */
static void free_outs(const char *call, CountedString **name, CountedString **description,
                      CountedString **version, IsolationInfo **info, IsolationInfoEx **info_ex,
                      UINT16 *count, NapComponentRegistrationInfo **infos)
{
    if (*name || *description || *version || *info || *info_ex || *infos)
        diag("%s: the proxy filled outs before refusing the NULL one", call);
    free_counted_ptr(*name);
    free_counted_ptr(*description);
    free_counted_ptr(*version);
    if (*info)
        free_counted(&(*info)->failureUrl);
    CoTaskMemFree(*info);
    if (*info_ex)
        free_counted(&(*info_ex)->failureUrl);
    CoTaskMemFree(*info_ex);
    free_infos(*count, *infos);
    *name = *description = *version = NULL;
    *info = NULL;
    *info_ex = NULL;
    *infos = NULL;
    *count = 0;
}

static void test_null_pointers(void)
{
    CountedString *name = NULL, *description = NULL, *version = NULL;
    NapComponentRegistrationInfo *infos = NULL;
    IsolationInfo *info = NULL;
    IsolationInfoEx *info_ex = NULL;
    EnforcementEntityCount count = 0;
    BOOL flag = FALSE;
    HRESULT hr;

#define CHECK_REFUSED(call, what) \
    do { \
        hr = call; \
        ok(hr == NULL_REF_POINTER, what ": expected %#lx, got %#lx", NULL_REF_POINTER, hr); \
        free_outs(what, &name, &description, &version, &info, &info_ex, &count, &infos); \
    } while (0)

    CHECK_REFUSED(INapClientManagement2_RegisterEnforcementClient(management, NULL), "RegisterEnforcementClient(NULL)");
    CHECK_REFUSED(INapClientManagement2_RegisterSystemHealthAgent(management, NULL), "RegisterSystemHealthAgent(NULL)");
    CHECK_REFUSED(INapClientManagement2_GetRegisteredEnforcementClients(management, NULL, &infos),
                  "GetRegisteredEnforcementClients(NULL count)");
    CHECK_REFUSED(INapClientManagement2_GetRegisteredEnforcementClients(management, &count, NULL),
                  "GetRegisteredEnforcementClients(NULL array)");
    CHECK_REFUSED(INapClientManagement2_GetRegisteredSystemHealthAgents(management, &count, NULL),
                  "GetRegisteredSystemHealthAgents(NULL array)");
    CHECK_REFUSED(INapClientManagement2_GetNapClientInfo(management, NULL, &name, &description, &version),
                  "GetNapClientInfo(NULL isNapEnabled)");
    CHECK_REFUSED(INapClientManagement2_GetNapClientInfo(management, &flag, &name, &description, NULL),
                  "GetNapClientInfo(NULL protocolVersion)");
    CHECK_REFUSED(INapClientManagement2_GetSystemIsolationInfo(management, NULL, &flag), "GetSystemIsolationInfo(NULL info)");
    CHECK_REFUSED(INapClientManagement2_GetSystemIsolationInfo(management, &info, NULL), "GetSystemIsolationInfo(NULL flag)");
    CHECK_REFUSED(INapClientManagement2_GetSystemIsolationInfoEx(management, NULL, &flag),
                  "GetSystemIsolationInfoEx(NULL info)");
    CHECK_REFUSED(INapClientManagement2_GetSystemIsolationInfoEx(management, &info_ex, NULL),
                  "GetSystemIsolationInfoEx(NULL flag)");
#undef CHECK_REFUSED
}

static void test_invalid_strings(void)
{
    static WCHAR long_name[maxStringLength + 2];
    NapComponentRegistrationInfo info = make_info(ID_EC_LONG, L"x");
    NapComponentRegistrationInfo shorter = make_info(ID_EC_SHORT, L"abc");
    CountedString want_short = counted(L"abc");
    HRESULT hr;

    for (int i = 0; i < maxStringLength + 1; i++)
        long_name[i] = 'a' + i % 26;
    long_name[maxStringLength + 1] = 0;

    /* maxStringLength + 1 units: too long, in any of the four strings. */
    info.friendlyName = counted(long_name);
    hr = INapClientManagement2_RegisterEnforcementClient(management, &info);
    ok(hr == E_INVALIDARG, "friendlyName of %u units: expected E_INVALIDARG, got %#lx", info.friendlyName.length, hr);
    info = make_info(ID_EC_LONG, L"x");
    info.vendorName = counted(long_name);
    hr = INapClientManagement2_RegisterSystemHealthAgent(management, &info);
    ok(hr == E_INVALIDARG, "SHA vendorName of %u units: expected E_INVALIDARG, got %#lx", info.vendorName.length, hr);

    /* A NULL string with a non-zero length. */
    info = make_info(ID_EC_LONG, L"x");
    info.description.length = 5;
    info.description.string = NULL;
    hr = INapClientManagement2_RegisterEnforcementClient(management, &info);
    ok(hr == E_INVALIDARG, "NULL description of length 5: expected E_INVALIDARG, got %#lx", hr);
    ok(!is_listed(TRUE, ID_EC_LONG), "refused registrations are not listed");

    /* Exactly maxStringLength units is allowed. */
    long_name[maxStringLength] = 0;
    info = make_info(ID_EC_LONG, long_name);
    hr = INapClientManagement2_RegisterEnforcementClient(management, &info);
    ok(hr == S_OK, "friendlyName of %u units: expected S_OK, got %#lx", info.friendlyName.length, hr);
    check_listed(TRUE, &info);
    hr = INapClientManagement2_UnregisterEnforcementClient(management, ID_EC_LONG);
    ok(hr == S_OK, "unregister the long-named EC: expected S_OK, got %#lx", hr);

    /* A length beyond the string's NUL: what crosses the wire ends at the NUL ([string]), and that
     * is what is stored. */
    shorter.friendlyName.length = 10;
    hr = INapClientManagement2_RegisterEnforcementClient(management, &shorter);
    ok(hr == S_OK, "length 10 for 'abc': expected S_OK, got %#lx", hr);
    shorter.friendlyName = want_short;
    check_listed(TRUE, &shorter);
    hr = INapClientManagement2_UnregisterEnforcementClient(management, ID_EC_SHORT);
    ok(hr == S_OK, "unregister it: expected S_OK, got %#lx", hr);
}

/* NAP allows 20 ECs; the 21st registration gets the core's "system resource limit" answer. */
static void test_limit(void)
{
    UINT16 before = registered_count(TRUE), registered = 0, after;
    NapComponentRegistrationInfo info;
    HRESULT hr = S_OK;
    UINT32 i;

    ok(before < maxEnforcerCount, "room below the limit: %u ECs registered", before);
    for (i = 0; before + i < maxEnforcerCount && hr == S_OK; i++)
    {
        info = make_info(ID_LIMIT + i, L"Limit filler");
        hr = INapClientManagement2_RegisterEnforcementClient(management, &info);
        registered += hr == S_OK;
    }
    ok(hr == S_OK && before + registered == maxEnforcerCount, "registered %u ECs up to the limit, last %#lx",
       registered, hr);
    after = registered_count(TRUE);
    ok(after == maxEnforcerCount, "listing at the limit: expected %u, got %u", maxEnforcerCount, after);
    info = make_info(ID_LIMIT + i, L"One too many");
    hr = INapClientManagement2_RegisterEnforcementClient(management, &info);
    ok(hr == E_OUTOFMEMORY, "EC number %u: expected E_OUTOFMEMORY, got %#lx", maxEnforcerCount + 1, hr);
    for (UINT32 j = 0; j < registered; j++)
    {
        hr = INapClientManagement2_UnregisterEnforcementClient(management, ID_LIMIT + j);
        if (hr != S_OK)
            break;
    }
    ok(hr == S_OK, "unregistered the %u fillers, last %#lx", registered, hr);
    after = registered_count(TRUE);
    ok(after == before, "back to %u ECs, got %u", before, after);
}

static void test_unregister(UINT16 ecs_before, UINT16 shas_before)
{
    HRESULT hr = INapClientManagement2_UnregisterEnforcementClient(management, ID_EC);
    UINT16 count;

    ok(hr == S_OK, "UnregisterEnforcementClient: expected S_OK, got %#lx", hr);
    hr = INapClientManagement2_UnregisterEnforcementClient(management, ID_EC_EMPTY);
    ok(hr == S_OK, "UnregisterEnforcementClient (empty strings): expected S_OK, got %#lx", hr);
    hr = INapClientManagement2_UnregisterSystemHealthAgent(management, ID_SHA);
    ok(hr == S_OK, "UnregisterSystemHealthAgent: expected S_OK, got %#lx", hr);
    hr = INapClientManagement2_UnregisterEnforcementClient(management, ID_EC);
    ok(hr == NAP_E_ID_NOT_FOUND, "UnregisterEnforcementClient twice: expected NAP_E_ID_NOT_FOUND, got %#lx", hr);
    hr = INapClientManagement2_UnregisterSystemHealthAgent(management, ID_SHA);
    ok(hr == NAP_E_ID_NOT_FOUND, "UnregisterSystemHealthAgent twice: expected NAP_E_ID_NOT_FOUND, got %#lx", hr);
    count = registered_count(TRUE);
    ok(count == ecs_before, "EC count back to %u, got %u", ecs_before, count);
    count = registered_count(FALSE);
    ok(count == shas_before, "SHA count back to %u, got %u", shas_before, count);
}

int main(void)
{
    UINT16 ecs_before, shas_before;

    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)))
        tap_bail("CoInitializeEx failed");
    test_activation();
    remove_leftovers();
    ecs_before = registered_count(TRUE);
    shas_before = registered_count(FALSE);
    ok(ecs_before != 0xffff && shas_before != 0xffff, "listing works: %u ECs, %u SHAs registered before",
       ecs_before, shas_before);
    test_client_info();
    test_isolation_info();
    test_register_and_list(ecs_before, shas_before);
    test_enabled_flag();
    test_unknown_ids();
    test_null_pointers();
    test_invalid_strings();
    test_limit();
    test_still_bound();
    test_unregister(ecs_before, shas_before);
    INapClientManagement2_Release(management);
    CoUninitialize();
    return tap_done();
}
