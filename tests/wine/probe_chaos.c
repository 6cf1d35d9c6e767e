/* The chaos client of t_chaos: calls random methods of every NAP class napagent serves, with
 * random (often invalid) arguments, in random order, from one process, and checks that every
 * answer is one the documentation (or the marshalling layer, for what it refuses before the
 * service sees it) allows. Its callbacks misbehave too: random answers, random SoHs. It also
 * tries the good clients' ids (t_chaos's), hands back responses to a correlation id it made up
 * (set on the connection, whose copy proves nothing) and replays answered ones: those must be
 * refused with NAP_E_MISMATCHED_ID, whatever else is allowed.
 *   probe_chaos.exe CALLS SEED   exit 0 when every answer was allowed; prints the first few that
 *                                were not, and a count per method */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <napagentclasses.h>
#include <napagentdiag.h>
#include <napenforcementclient.h>
#include <napmanagement.h>
#include <napsystemhealthagent.h>
#include "test_soh.h"

/* Ids of the chaos client's own, apart from every other test's (0x780000xx). */
#define ID_BASE 0x78000000u
/* An EC of the chaos client's own, bound with one connection all along, for the exchange abuse
 * (the random calls would seldom give a bound binding a connection of its own). */
#define ABUSE_EC_ID (ID_BASE + 0x10)
/* t_chaos's good EC and SHA: somebody else's ids to try. */
#define OTHERS_EC_ID 0x78100001u
#define OTHERS_SHA_ID 0x78100101u
#define ID_POOL 6
#define BINDINGS 3
#define CONNECTIONS 8

static ULONG64 rng_state;
static unsigned bad_answers, calls_made, successes, forgeries, replayed;

static ULONG64 rnd(void)
{
    ULONG64 z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static unsigned pick(unsigned n) { return (unsigned)(rnd() % n); }

/* Answers any NAP method may give through the proxy: success, the documented errors, and what
 * the marshalling layer answers for arguments it refuses (NULL ref pointers, bounds). */
static BOOL allowed(HRESULT hr)
{
    switch (hr)
    {
    case S_OK: case S_FALSE: case E_POINTER: case E_INVALIDARG: case E_OUTOFMEMORY: case E_NOTIMPL:
    case E_ACCESSDENIED: case E_NOINTERFACE:
    case HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED): case HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND):
    case HRESULT_FROM_WIN32(RPC_X_NULL_REF_POINTER): case HRESULT_FROM_WIN32(RPC_X_INVALID_BOUND):
    case HRESULT_FROM_WIN32(RPC_X_BAD_STUB_DATA): case RPC_X_BAD_STUB_DATA:
        return TRUE;
    default:
        /* NAP_E_*: facility 0x27, codes 1..0x13 */
        return HRESULT_FACILITY(hr) == 0x27 && FAILED(hr) && HRESULT_CODE(hr) >= 1 && HRESULT_CODE(hr) <= 0x13;
    }
}

static void check(const char *what, HRESULT hr)
{
    ++calls_made;
    successes += hr == S_OK;
    if (allowed(hr))
        return;
    if (++bad_answers <= 10)
        printf("# %s answered %#lx\n", what, hr);
}

static UINT32 random_id(void)
{
    switch (pick(16))
    {
    case 0: return (UINT32)rnd();
    case 1: return pick(2) ? OTHERS_EC_ID : OTHERS_SHA_ID;
    default: return ID_BASE + pick(ID_POOL);
    }
}

/* A call that must be refused as not answering the agent's request. */
static void expect_mismatched(const char *what, HRESULT hr)
{
    ++calls_made;
    if (hr == NAP_E_MISMATCHED_ID)
        return;
    if (++bad_answers <= 10)
        printf("# %s answered %#lx, not NAP_E_MISMATCHED_ID\n", what, hr);
}

/* ---- misbehaving callbacks ---- */

static HRESULT random_answer(void)
{
    static const HRESULT answers[] = {S_OK, S_OK, S_OK, E_FAIL, E_NOTIMPL, E_OUTOFMEMORY, 0x80070057};
    return answers[pick(ARRAYSIZE(answers))];
}

/* The callbacks misbehave in what they answer, not in COM identity: a QI that claimed every
 * interface would crash this process's own marshalling (COM asks for IMarshal and others). */
static HRESULT WINAPI qi(IUnknown *iface, REFIID riid, void **out)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_INapEnforcementClientCallback)
        || IsEqualIID(riid, &IID_INapSystemHealthAgentCallback))
    {
        *out = iface;
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG WINAPI ref(IUnknown *iface) { (void)iface; return 1; }

static HRESULT WINAPI ec_notify(INapEnforcementClientCallback *iface) { (void)iface; return random_answer(); }
static HRESULT WINAPI ec_connections(INapEnforcementClientCallback *iface, Connections **c)
{
    (void)iface;
    *c = NULL;
    return E_NOTIMPL;
}
static const INapEnforcementClientCallbackVtbl ec_vtbl = {(void *)qi, (void *)ref, (void *)ref, ec_notify, ec_connections};
static INapEnforcementClientCallback ec_callback = {&ec_vtbl};

static HRESULT WINAPI sha_get(INapSystemHealthAgentCallback *iface, INapSystemHealthAgentRequest *request)
{
    static BYTE value[4100];
    SoHAttribute attributes[4];
    SoH soh = {(UINT16)(1 + pick(4)), attributes};
    UINT32 id = ID_BASE + pick(ID_POOL);

    (void)iface;
    for (int i = 0; i < 4; ++i)
    {
        attributes[i].type = (UINT16)(i ? 2 + pick(16) : 2);
        attributes[i].size = (UINT16)(pick(4) ? pick(40) : 4000);
        attributes[i].value = value;
    }
    value[0] = (BYTE)(id >> 24), value[1] = (BYTE)(id >> 16), value[2] = (BYTE)(id >> 8), value[3] = (BYTE)id;
    if (pick(2))
        attributes[0].size = 4;
    check("SHA request SetSoHRequest (inside)", INapSystemHealthAgentRequest_SetSoHRequest(request, &soh, pick(2)));
    return random_answer();
}
static HRESULT WINAPI sha_process(INapSystemHealthAgentCallback *iface, INapSystemHealthAgentRequest *request)
{
    SoHResponse *soh = NULL;
    UINT8 flags;

    (void)iface;
    if (SUCCEEDED(INapSystemHealthAgentRequest_GetSoHResponse(request, &soh, &flags)) && soh)
    {
        for (UINT16 i = 0; i < soh->count; ++i)
            CoTaskMemFree(soh->attributes[i].value);
        CoTaskMemFree(soh->attributes);
        CoTaskMemFree(soh);
    }
    return random_answer();
}
static HRESULT WINAPI sha_simple(INapSystemHealthAgentCallback *iface) { (void)iface; return random_answer(); }
static HRESULT WINAPI sha_fixup(INapSystemHealthAgentCallback *iface, FixupInfo **info)
{
    (void)iface;
    *info = NULL;
    return E_NOTIMPL;
}
static HRESULT WINAPI sha_compare(INapSystemHealthAgentCallback *iface, const SoHRequest *a, const SoHRequest *b,
                                  BOOL *equal)
{
    (void)iface, (void)a, (void)b;
    *equal = pick(2);
    return pick(2) ? S_OK : E_NOTIMPL;
}
static HRESULT WINAPI sha_orphan(INapSystemHealthAgentCallback *iface, const CorrelationId *id)
{
    (void)iface, (void)id;
    return random_answer();
}
static const INapSystemHealthAgentCallbackVtbl sha_vtbl = {
    (void *)qi, (void *)ref, (void *)ref, sha_get, sha_process, sha_simple, sha_fixup, sha_compare, sha_orphan,
};
static INapSystemHealthAgentCallback sha_callback = {&sha_vtbl};

/* ---- the calls ---- */

static INapClientManagement2 *management;
static INapAgentDiagnostics *diagnostics;
static INapEnforcementClientBinding *ecs[BINDINGS];
static INapSystemHealthAgentBinding2 *shas[BINDINGS];
static INapEnforcementClientConnection2 *connections[CONNECTIONS];

static void free_counted(CountedString *s)
{
    if (s)
        CoTaskMemFree(s->string);
    CoTaskMemFree(s);
}

static void free_infos(UINT16 count, NapComponentRegistrationInfo *infos)
{
    for (UINT16 i = 0; infos && i < count; ++i)
    {
        CoTaskMemFree(infos[i].friendlyName.string);
        CoTaskMemFree(infos[i].description.string);
        CoTaskMemFree(infos[i].version.string);
        CoTaskMemFree(infos[i].vendorName.string);
    }
    CoTaskMemFree(infos);
}

static void management_call(void)
{
    static WCHAR text[1100];
    NapComponentRegistrationInfo info, *infos = NULL;
    CountedString *a = NULL, *b = NULL, *c = NULL;
    IsolationInfo *iso = NULL;
    IsolationInfoEx *iso_ex = NULL;
    UINT16 count = 0;
    BOOL flag;
    HRESULT hr;

    for (int i = 0; i < 1099; ++i)
        text[i] = L'a' + i % 26;
    memset(&info, 0, sizeof(info));
    info.id = random_id();
    info.friendlyName.length = (UINT16)(pick(3) ? pick(40) : 1025 + pick(50));
    info.friendlyName.string = text;
    info.description.length = (UINT16)pick(30);
    info.description.string = text;
    info.componentType = pick(4);
    switch (pick(9))
    {
    case 0: check("RegisterEnforcementClient", INapClientManagement2_RegisterEnforcementClient(management, &info)); break;
    case 1: check("RegisterSystemHealthAgent", INapClientManagement2_RegisterSystemHealthAgent(management, &info)); break;
    case 2: check("UnregisterEnforcementClient", INapClientManagement2_UnregisterEnforcementClient(management, random_id())); break;
    case 3: check("UnregisterSystemHealthAgent", INapClientManagement2_UnregisterSystemHealthAgent(management, random_id())); break;
    case 4:
        hr = INapClientManagement2_GetRegisteredEnforcementClients(management, &count, &infos);
        check("GetRegisteredEnforcementClients", hr);
        if (SUCCEEDED(hr))
            free_infos(count, infos);
        break;
    case 5:
        hr = INapClientManagement2_GetRegisteredSystemHealthAgents(management, &count, &infos);
        check("GetRegisteredSystemHealthAgents", hr);
        if (SUCCEEDED(hr))
            free_infos(count, infos);
        break;
    case 6:
        check("GetNapClientInfo", INapClientManagement2_GetNapClientInfo(management, &flag, &a, &b, &c));
        free_counted(a), free_counted(b), free_counted(c);
        break;
    case 7:
        check("GetSystemIsolationInfo", INapClientManagement2_GetSystemIsolationInfo(management, &iso, &flag));
        if (iso)
            CoTaskMemFree(iso->failureUrl.string);
        CoTaskMemFree(iso);
        break;
    default:
        check("GetSystemIsolationInfoEx", INapClientManagement2_GetSystemIsolationInfoEx(management, &iso_ex, &flag));
        if (iso_ex)
            CoTaskMemFree(iso_ex->failureUrl.string);
        CoTaskMemFree(iso_ex);
        break;
    }
}

static INapEnforcementClientConnection *any_connection(void)
{
    INapEnforcementClientConnection2 *c = connections[pick(CONNECTIONS)];
    return (INapEnforcementClientConnection *)c;
}

static INapEnforcementClientBinding *abuse_ec;
static INapEnforcementClientConnection2 *abuse_connection;

/* On the abuse EC's connection: a request, then a response to an id of the EC's own making, the
 * real answer, and that answer again. */
static void exchange_abuse(void)
{
    static BYTE bytes[maxNetworkSoHSize];
    INapEnforcementClientBinding *ec = abuse_ec;
    INapEnforcementClientConnection2 *c2 = abuse_connection;
    INapEnforcementClientConnection *c = (INapEnforcementClientConnection *)c2;
    NetworkSoH response = {0, bytes};
    CorrelationId id, forged;
    BOOL hint;
    HRESULT hr;

    hr = INapEnforcementClientBinding_GetSoHRequest(ec, c, &hint);
    check("abuse EC GetSoHRequest", hr);
    if (FAILED(hr) || FAILED(INapEnforcementClientConnection2_GetCorrelationId(c2, &id)))
        return;
    forged = id;
    forged.connId.Data1 ^= 1 + pick(0xffff);
    INapEnforcementClientConnection2_SetCorrelationId(c2, forged);
    response.size = make_test_response(&forged, isolationStateNotRestricted, "", NULL, 0, bytes, sizeof(bytes));
    INapEnforcementClientConnection2_SetSoHResponse(c2, &response);
    expect_mismatched("ProcessSoHResponse of a forged answer", INapEnforcementClientBinding_ProcessSoHResponse(ec, c));
    ++forgeries;
    response.size = make_test_response(&id, isolationStateNotRestricted, "", NULL, 0, bytes, sizeof(bytes));
    INapEnforcementClientConnection2_SetSoHResponse(c2, &response);
    hr = INapEnforcementClientBinding_ProcessSoHResponse(ec, c);
    check("ProcessSoHResponse of the real answer", hr);
    if (hr == S_OK)
    {
        expect_mismatched("ProcessSoHResponse of a replayed answer", INapEnforcementClientBinding_ProcessSoHResponse(ec, c));
        ++replayed;
    }
}

static void ec_call(void)
{
    INapEnforcementClientBinding *ec = ecs[pick(BINDINGS)];
    INapEnforcementClientConnection *connection = NULL, *c;
    unsigned slot;
    BOOL hint;
    HRESULT hr;

    switch (pick(9))
    {
    case 0: check("EC Initialize", INapEnforcementClientBinding_Initialize(ec, random_id(), pick(8) ? &ec_callback : NULL)); break;
    case 6: exchange_abuse(); break;
    case 1: check("EC Uninitialize", INapEnforcementClientBinding_Uninitialize(ec)); break;
    case 2:
        hr = INapEnforcementClientBinding_CreateConnection(ec, &connection);
        check("EC CreateConnection", hr);
        if (SUCCEEDED(hr) && connection)
        {
            slot = pick(CONNECTIONS);
            if (connections[slot])
                INapEnforcementClientConnection2_Release(connections[slot]);
            connections[slot] = NULL;
            INapEnforcementClientConnection_QueryInterface(connection, &IID_INapEnforcementClientConnection2,
                                                           (void **)&connections[slot]);
            INapEnforcementClientConnection_Release(connection);
        }
        break;
    case 3:
        if ((c = any_connection()))
            check("EC GetSoHRequest", INapEnforcementClientBinding_GetSoHRequest(ec, c, &hint));
        break;
    case 4:
        if ((c = any_connection()))
            check("EC ProcessSoHResponse", INapEnforcementClientBinding_ProcessSoHResponse(ec, c));
        break;
    case 5:
        if ((c = any_connection()))
            check("EC NotifyConnectionStateDown", INapEnforcementClientBinding_NotifyConnectionStateDown(ec, c));
        break;
    default: check("EC NotifySoHChangeFailure", INapEnforcementClientBinding_NotifySoHChangeFailure(ec)); break;
    }
}

static void connection_call(void)
{
    static BYTE bytes[5000];
    INapEnforcementClientConnection2 *c = connections[pick(CONNECTIONS)];
    NetworkSoH soh = {(UINT16)(pick(2) ? pick(4100) : 12 + pick(100)), bytes}, *out = NULL;
    PrivateData data = {(UINT16)pick(260), bytes}, *data_out = NULL;
    IsolationInfoEx iso = {pick(5), pick(5), {0, (DWORD)rnd()}, {0, NULL}};
    SystemHealthEntityId ids[24];
    CorrelationId correlation;
    ProtocolMaxSize max_size;
    UINT16 count = 0;
    UINT8 flags;

    if (!c)
        return;
    for (size_t i = 0; i < sizeof(bytes); i += 8)
        *(ULONG64 *)&bytes[i] = rnd();
    for (int i = 0; i < 24; ++i)
        ids[i] = (SystemHealthEntityId)rnd();
    switch (pick(12))
    {
    case 0: check("connection SetMaxSize", INapEnforcementClientConnection2_SetMaxSize(c, (ProtocolMaxSize)(pick(2) ? rnd() : 300 + pick(70000)))); break;
    case 1: check("connection GetMaxSize", INapEnforcementClientConnection2_GetMaxSize(c, &max_size)); break;
    case 2: check("connection SetFlags", INapEnforcementClientConnection2_SetFlags(c, (UINT8)rnd())); break;
    case 3: check("connection GetFlags", INapEnforcementClientConnection2_GetFlags(c, &flags)); break;
    case 4: check("connection SetSoHResponse", INapEnforcementClientConnection2_SetSoHResponse(c, &soh)); break;
    case 5: check("connection SetSoHRequest", INapEnforcementClientConnection2_SetSoHRequest(c, &soh)); break;
    case 6:
        check("connection GetSoHRequest", INapEnforcementClientConnection2_GetSoHRequest(c, &out));
        if (out)
            CoTaskMemFree(out->data);
        CoTaskMemFree(out);
        break;
    case 7: check("connection SetPrivateData", INapEnforcementClientConnection2_SetPrivateData(c, &data)); break;
    case 8:
        check("connection GetEnforcerPrivateData", INapEnforcementClientConnection2_GetEnforcerPrivateData(c, &data_out));
        if (data_out)
            CoTaskMemFree(data_out->data);
        CoTaskMemFree(data_out);
        break;
    case 9: check("connection SetIsolationInfoEx", INapEnforcementClientConnection2_SetIsolationInfoEx(c, &iso)); break;
    case 10: check("connection SetInstalledShvs", INapEnforcementClientConnection2_SetInstalledShvs(c, (UINT16)pick(24), ids)); break;
    default:
        if (pick(2))
            check("connection GetCorrelationId", INapEnforcementClientConnection2_GetCorrelationId(c, &correlation));
        else
        {
            SystemHealthEntityId *got = NULL;
            check("connection GetInstalledShvs", INapEnforcementClientConnection2_GetInstalledShvs(c, &count, &got));
            CoTaskMemFree(got);
        }
        break;
    }
}

static void sha_call(void)
{
    INapSystemHealthAgentBinding2 *sha = shas[pick(BINDINGS)];
    IsolationInfo *iso = NULL;
    BOOL unknown;

    switch (pick(5))
    {
    case 0: check("SHA Initialize", INapSystemHealthAgentBinding2_Initialize(sha, random_id(), pick(8) ? &sha_callback : NULL)); break;
    case 1: check("SHA Uninitialize", INapSystemHealthAgentBinding2_Uninitialize(sha)); break;
    case 2: check("SHA NotifySoHChange", INapSystemHealthAgentBinding2_NotifySoHChange(sha)); break;
    case 3: check("SHA FlushCache", INapSystemHealthAgentBinding2_FlushCache(sha)); break;
    default:
        check("SHA GetSystemIsolationInfo", INapSystemHealthAgentBinding2_GetSystemIsolationInfo(sha, &iso, &unknown));
        if (iso)
            CoTaskMemFree(iso->failureUrl.string);
        CoTaskMemFree(iso);
        break;
    }
}

static void admin_call(void)
{
    if (pick(2))
        check("SetEnforcementClientEnabled", INapAgentDiagnostics_SetEnforcementClientEnabled(diagnostics, random_id(), pick(2)));
    else
        check("Ping", INapAgentDiagnostics_Ping(diagnostics));
}

int main(int argc, char **argv)
{
    unsigned calls = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 2000;
    HRESULT hr;

    rng_state = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    hr = CoCreateInstance(&CLSID_NapClientManagement, NULL, CLSCTX_INPROC_SERVER, &IID_INapClientManagement2,
                          (void **)&management);
    if (SUCCEEDED(hr))
        hr = CoCreateInstance(&CLSID_NapAgentDiagnostics, NULL, CLSCTX_LOCAL_SERVER, &IID_INapAgentDiagnostics,
                              (void **)&diagnostics);
    for (int i = 0; SUCCEEDED(hr) && i < BINDINGS; ++i)
    {
        hr = CoCreateInstance(&CLSID_NapEnforcementClientBinding, NULL, CLSCTX_INPROC_SERVER,
                              &IID_INapEnforcementClientBinding, (void **)&ecs[i]);
        if (SUCCEEDED(hr))
            hr = CoCreateInstance(&CLSID_NapSystemHealthAgentBinding, NULL, CLSCTX_INPROC_SERVER,
                                  &IID_INapSystemHealthAgentBinding2, (void **)&shas[i]);
    }
    if (FAILED(hr))
    {
        printf("# cannot create the objects: %#lx\n", hr);
        return 2;
    }
    /* Half the pool enabled, so that some Initialize calls succeed. */
    for (unsigned i = 0; i < ID_POOL; i += 2)
        INapAgentDiagnostics_SetEnforcementClientEnabled(diagnostics, ID_BASE + i, TRUE);
    {
        static WCHAR name[] = L"chaos abuse EC";
        NapComponentRegistrationInfo info;
        INapEnforcementClientConnection *connection = NULL;

        memset(&info, 0, sizeof(info));
        info.id = ABUSE_EC_ID;
        info.friendlyName.length = (UINT16)wcslen(name);
        info.friendlyName.string = name;
        info.infoClsid = CLSID_NapClientManagement;
        hr = INapClientManagement2_RegisterEnforcementClient(management, &info);
        if (SUCCEEDED(hr))
            hr = INapAgentDiagnostics_SetEnforcementClientEnabled(diagnostics, ABUSE_EC_ID, TRUE);
        if (SUCCEEDED(hr))
            hr = CoCreateInstance(&CLSID_NapEnforcementClientBinding, NULL, CLSCTX_INPROC_SERVER,
                                  &IID_INapEnforcementClientBinding, (void **)&abuse_ec);
        if (SUCCEEDED(hr))
            hr = INapEnforcementClientBinding_Initialize(abuse_ec, ABUSE_EC_ID, &ec_callback);
        if (SUCCEEDED(hr))
            hr = INapEnforcementClientBinding_CreateConnection(abuse_ec, &connection);
        if (SUCCEEDED(hr))
            hr = INapEnforcementClientConnection_QueryInterface(connection, &IID_INapEnforcementClientConnection2,
                                                               (void **)&abuse_connection);
        if (connection)
            INapEnforcementClientConnection_Release(connection);
        if (FAILED(hr))
        {
            printf("# cannot set up the abuse EC: %#lx\n", hr);
            return 2;
        }
    }
    for (unsigned n = 0; n < calls; ++n)
    {
        switch (pick(10))
        {
        case 0: case 1: management_call(); break;
        case 2: case 3: case 4: ec_call(); break;
        case 5: case 6: case 7: connection_call(); break;
        case 8: sha_call(); break;
        default: admin_call(); break;
        }
    }
    /* Leave nothing bound and nothing registered behind. */
    INapEnforcementClientBinding_NotifyConnectionStateDown(abuse_ec, (INapEnforcementClientConnection *)abuse_connection);
    INapEnforcementClientConnection2_Release(abuse_connection);
    INapEnforcementClientBinding_Uninitialize(abuse_ec);
    INapEnforcementClientBinding_Release(abuse_ec);
    INapClientManagement2_UnregisterEnforcementClient(management, ABUSE_EC_ID);
    for (int i = 0; i < CONNECTIONS; ++i)
        if (connections[i])
            INapEnforcementClientConnection2_Release(connections[i]);
    for (int i = 0; i < BINDINGS; ++i)
    {
        INapEnforcementClientBinding_Uninitialize(ecs[i]);
        INapSystemHealthAgentBinding2_Uninitialize(shas[i]);
        INapEnforcementClientBinding_Release(ecs[i]);
        INapSystemHealthAgentBinding2_Release(shas[i]);
    }
    for (unsigned i = 0; i < ID_POOL; ++i)
    {
        INapClientManagement2_UnregisterEnforcementClient(management, ID_BASE + i);
        INapClientManagement2_UnregisterSystemHealthAgent(management, ID_BASE + i);
    }
    INapAgentDiagnostics_Release(diagnostics);
    INapClientManagement2_Release(management);
    CoUninitialize();
    printf("# %u calls (%u succeeded), %u answers outside the documented set; %u forged and %u replayed responses "
           "tried\n", calls_made, successes, bad_answers, forgeries, replayed);
    return bad_answers ? 1 : 0;
}
