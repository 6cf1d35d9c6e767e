/* A soak EC of t_soak, whose notifications are counted exactly (the soak's victims are
 * probe_victim.exe's).
 *
 *   probe_soak_ec.exe ID INDEX REBIND PREFIX DRIVER_PID
 * A soak EC: binds ID and plays every health change the same way, so that the notifications it
 * must get are exactly known: the first notification of a change is answered with
 * NotifySoHChangeFailure, the agent's retry with GetSoHRequest on its connection (the change
 * applied). Every REBIND changes it unbinds and binds again (a new binding object, a new
 * connection). It talks to the driver through named objects, PREFIX-...:
 *   -board    shared memory, four LONGs per EC (at 4 * INDEX): the changes it applied, the
 *             service lifetimes it has bound in (1 once bound, 2 after the first restart, ...),
 *             the notifications it got (as each comes), and of those, the ones of changes in
 *             flight when the service stopped;
 *   -wake     a semaphore it releases after each change of its LONGs (the driver waits on it);
 *   -stopping set by the driver while it restarts the service: only then may a call answer that
 *             the service is gone;
 *   -restarted-INDEX  set by the driver once the service runs again after a restart;
 *   -stop     the end of the run.
 * A restart: the EC notices that the service it bound with is gone, by a call of its own that
 * answers so (RPC_E_DISCONNECTED, documented once the agent stops, or a transport error once the
 * process is gone), or, if it was waiting for a notification, by a call on its binding once the
 * driver says the service runs again (a NotifySoHChangeFailure: a live binding with nothing
 * pending would answer NAP_E_NOT_PENDING). It then gets new objects and binds ID again. The one
 * exception: an EC that was rebinding when the stop came may have bound in the new service
 * already; its binding then answers NAP_E_NOT_PENDING and it keeps it.
 * What it checks, per service lifetime: every notification it got belongs to a change it applied
 * (exactly two each) or to the change in flight when the service stopped (at most two, that
 * change never applied in that lifetime); none came once it knew the service was gone. In the
 * last lifetime, at the stop: exactly two per applied change and none pending.
 * Exit 0 when all of that held and no call answered anything else; 3 when the driver went away
 * without a stop. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <napagentclasses.h>
#include <napenforcementclient.h>
#include <napsystemhealthagent.h>
#include "test_clients.h"

/* Answers that say the service the object came from is gone. */
static BOOL service_gone(HRESULT hr)
{
    static const HRESULT gone[] = {
        RPC_E_DISCONNECTED,              /* the agent stopped (documented for both bindings) */
        (HRESULT)0x800706BA,             /* RPC_S_SERVER_UNAVAILABLE: its process is gone */
        (HRESULT)0x800706BE,             /* RPC_S_CALL_FAILED */
        (HRESULT)0x800706BF,             /* RPC_S_CALL_FAILED_DNE */
        (HRESULT)0x800706B5,             /* RPC_S_UNKNOWN_IF: Wine, for a disconnected object */
        RPC_E_SERVER_DIED, RPC_E_SERVER_DIED_DNE, CO_E_OBJNOTCONNECTED,
    };

    for (size_t i = 0; i < ARRAYSIZE(gone); ++i)
        if (hr == gone[i])
            return TRUE;
    return FALSE;
}

struct bound
{
    INapEnforcementClientBinding *binding;
    INapEnforcementClientConnection *connection;
};

/* *step: the call that failed. */
static HRESULT bind_ec(UINT32 id, struct bound *b, const char **step)
{
    HRESULT hr;

    *step = "CoCreateInstance";
    hr = CoCreateInstance(&CLSID_NapEnforcementClientBinding, NULL, CLSCTX_INPROC_SERVER,
                          &IID_INapEnforcementClientBinding, (void **)&b->binding);
    if (SUCCEEDED(hr))
        *step = "Initialize", hr = INapEnforcementClientBinding_Initialize(b->binding, id, &ec_callback);
    if (SUCCEEDED(hr))
        *step = "CreateConnection", hr = INapEnforcementClientBinding_CreateConnection(b->binding, &b->connection);
    return hr;
}

/* Lets go of the objects without a call: what is left after the service they came from is gone. */
static void release_ec(struct bound *b)
{
    if (b->connection)
        INapEnforcementClientConnection_Release(b->connection);
    if (b->binding)
        INapEnforcementClientBinding_Release(b->binding);
    b->binding = NULL;
    b->connection = NULL;
}

/* Brings the connection down and unbinds; the first failure is returned, *step its call. */
static HRESULT unbind_ec(struct bound *b, const char **step)
{
    HRESULT hr = S_OK, down = S_OK;

    if (b->binding && b->connection)
        down = INapEnforcementClientBinding_NotifyConnectionStateDown(b->binding, b->connection);
    if (b->binding)
        hr = INapEnforcementClientBinding_Uninitialize(b->binding);
    release_ec(b);
    *step = FAILED(down) ? "NotifyConnectionStateDown" : "Uninitialize";
    return FAILED(down) ? down : hr;
}

/* ---- the soak EC ---- */

enum soak_ec_state
{
    AWAIT_FIRST,    /* no change in flight: the next notification is a change's first */
    AWAIT_RETRY,    /* the first was failed: the agent owes the retry */
    SERVICE_GONE,   /* a call said the service is gone: nothing may come until it runs again */
};

struct soak_ec
{
    UINT32 id;
    unsigned rebind_every;
    struct bound b;
    volatile LONG *slot;          /* its four LONGs of the driver's board */
    HANDLE wake, stopping;
    enum soak_ec_state state;
    LONG base;                    /* ec_notifications when this lifetime began */
    unsigned applied, in_flight;  /* this lifetime: changes applied; notifications of the one in flight */
    const char *gone_by;          /* the call that said the service was gone, and its answer */
    HRESULT gone_answer;
    unsigned lifetime, changes, rebinds, unexpected, miscounted, after_gone;
};

static BOOL restarting(struct soak_ec *ec)
{
    return WaitForSingleObject(ec->stopping, 0) == WAIT_OBJECT_0;
}

/* A failed call: the service going away under the EC (only while the driver restarts it), or a
 * failure of the test. */
static void call_failed(struct soak_ec *ec, const char *call, HRESULT hr)
{
    /* An activation while the service stops fails too: Wine's combase finds the class revoked,
     * cannot start the service (still STOP_PENDING), has no other server to start and answers
     * E_FAIL. Once the service is STOPPED, an activation starts it again and binds there. */
    BOOL gone = service_gone(hr) || !strcmp(call, "CoCreateInstance");

    if (gone && restarting(ec))
    {
        ec->state = SERVICE_GONE;
        ec->gone_by = call;
        ec->gone_answer = hr;
        return;
    }
    ++ec->unexpected;
    printf("# EC %#x: %s %#lx%s\n", ec->id, call, hr, gone ? " while no restart was underway" : "");
    fflush(stdout);
}

enum { APPLIED, LIFETIMES, NOTIFICATIONS, IN_FLIGHT };

static void applied_one(struct soak_ec *ec)
{
    InterlockedExchange(&ec->slot[NOTIFICATIONS], ec_notifications);
    InterlockedIncrement(&ec->slot[APPLIED]);
    ReleaseSemaphore(ec->wake, 1, NULL);
}

static void on_notification(struct soak_ec *ec)
{
    BOOL hint;
    HRESULT hr;

    /* Published at once: the driver may time a restart from an EC's first notification. */
    InterlockedExchange(&ec->slot[NOTIFICATIONS], ec_notifications);
    ReleaseSemaphore(ec->wake, 1, NULL);
    switch (ec->state)
    {
    case SERVICE_GONE:
        /* The old service unbound it before it stopped, and the new one knows it not yet. */
        ++ec->after_gone;
        printf("# EC %#x: a notification after %s said the service was gone\n", ec->id, ec->gone_by);
        fflush(stdout);
        return;
    case AWAIT_FIRST:
        ec->in_flight = 1;
        hr = INapEnforcementClientBinding_NotifySoHChangeFailure(ec->b.binding);
        ec->state = AWAIT_RETRY;
        if (FAILED(hr))
            call_failed(ec, "NotifySoHChangeFailure", hr);
        return;
    case AWAIT_RETRY:
        ec->in_flight = 2;
        hr = INapEnforcementClientBinding_GetSoHRequest(ec->b.binding, ec->b.connection, &hint);
        if (FAILED(hr))
        {
            call_failed(ec, "GetSoHRequest", hr);
            if (ec->state == SERVICE_GONE)
                return;
        }
        /* Applied (or failed for good: the count says so at the end, and the run goes on). */
        ec->state = AWAIT_FIRST;
        ec->in_flight = 0;
        ++ec->applied;
        ++ec->changes;
        if (ec->rebind_every && ec->changes % ec->rebind_every == 0)
        {
            const char *step;

            ++ec->rebinds;
            if (FAILED(hr = unbind_ec(&ec->b, &step)) || FAILED(hr = bind_ec(ec->id, &ec->b, &step)))
                call_failed(ec, step, hr);
        }
        applied_one(ec);
        return;
    }
}

/* The driver says the service runs again: close the old lifetime's count, bind in the new one. */
static void on_restarted(struct soak_ec *ec)
{
    LONG got = ec_notifications - ec->base, in_flight = (LONG)ec->in_flight, applied = (LONG)ec->applied;
    DWORD start = GetTickCount(), probed, released;
    BOOL kept = FALSE, counted;
    HRESULT hr = S_OK;

    if (ec->state != SERVICE_GONE && !ec->b.binding)
        ec->gone_by = "nothing: its last bind had failed", ec->gone_answer = S_OK;
    else if (ec->state != SERVICE_GONE)
    {
        /* Nothing told it yet: its binding must say the service it came from is gone. */
        hr = INapEnforcementClientBinding_NotifySoHChangeFailure(ec->b.binding);
        if (service_gone(hr))
            ec->gone_by = "NotifySoHChangeFailure once the service ran again", ec->gone_answer = hr;
        else if (hr == NAP_E_NOT_PENDING && ec->state == AWAIT_FIRST)
            kept = TRUE, ec->gone_by = "nothing: its rebind had reached the new service", ec->gone_answer = hr;
        else
        {
            ++ec->unexpected;
            printf("# EC %#x: its binding after the restart answered %#lx\n", ec->id, hr);
            ec->gone_by = "an unexpected answer", ec->gone_answer = hr;
        }
    }
    probed = GetTickCount();
    /* Two per change applied, and those of the change in flight (0, 1 or 2): nothing else. */
    counted = got == 2 * applied + in_flight;
    ec->miscounted += !counted;
    ++ec->lifetime;
    ec->base = ec_notifications;
    ec->applied = ec->in_flight = 0;
    ec->state = AWAIT_FIRST;
    released = GetTickCount();
    if (!kept)
    {
        const char *step;

        release_ec(&ec->b);
        released = GetTickCount();
        if (FAILED(hr = bind_ec(ec->id, &ec->b, &step)))
        {
            ++ec->unexpected;
            printf("# EC %#x: binding again after the restart: %s %#lx\n", ec->id, step, hr);
        }
    }
    printf("# EC %#x: service lifetime %u: %ld changes applied, %ld notifications (%ld of the change in flight when "
           "the service stopped)%s; told by %s (%#lx); asking %lu ms, letting go %lu ms, binding again %lu ms\n",
           ec->id, ec->lifetime - 1, applied, got, in_flight, counted ? "" : ", MISCOUNTED", ec->gone_by,
           ec->gone_answer, probed - start, released - probed, GetTickCount() - released);
    fflush(stdout);
    InterlockedExchangeAdd(&ec->slot[IN_FLIGHT], in_flight);
    InterlockedExchange(&ec->slot[NOTIFICATIONS], ec_notifications);
    InterlockedExchange(&ec->slot[LIFETIMES], (LONG)ec->lifetime + 1);
    ReleaseSemaphore(ec->wake, 1, NULL);
}

static HANDLE open_named(const char *prefix, const char *what, int kind)
{
    char name[128];

    snprintf(name, sizeof(name), "%s-%s", prefix, what);
    return kind == 0 ? OpenSemaphoreA(SEMAPHORE_MODIFY_STATE, FALSE, name)
         : kind == 1 ? OpenEventA(SYNCHRONIZE, FALSE, name)
                     : OpenFileMappingA(FILE_MAP_WRITE, FALSE, name);
}

static int soak_ec_main(char **argv)
{
    struct soak_ec ec = {0};
    HANDLE stop, driver, restarted, board_mapping, waits[4];
    volatile LONG *board;
    unsigned index;
    char restarted_name[32];
    const char *step = "opening the driver's objects";
    DWORD which;
    BOOL settled;
    HRESULT hr = E_FAIL;

    ec.id = (UINT32)strtoul(argv[1], NULL, 0);
    index = (unsigned)strtoul(argv[2], NULL, 0);
    ec.rebind_every = (unsigned)strtoul(argv[3], NULL, 0);
    snprintf(restarted_name, sizeof(restarted_name), "restarted-%u", index);
    ec.wake = open_named(argv[4], "wake", 0);
    ec.stopping = open_named(argv[4], "stopping", 1);
    restarted = open_named(argv[4], restarted_name, 1);
    stop = open_named(argv[4], "stop", 1);
    board_mapping = open_named(argv[4], "board", 2);
    board = board_mapping ? MapViewOfFile(board_mapping, FILE_MAP_WRITE, 0, 0, 0) : NULL;
    driver = OpenProcess(SYNCHRONIZE, FALSE, (DWORD)strtoul(argv[5], NULL, 0));
    ec_notified = CreateEventW(NULL, FALSE, FALSE, NULL);   /* auto-reset: one wake per notification */
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (!ec.wake || !ec.stopping || !restarted || !stop || !board || !driver
        || FAILED(hr = bind_ec(ec.id, &ec.b, &step)))
    {
        printf("# EC %#x: cannot start: %s %#lx\n", ec.id, step, hr);
        return 2;
    }
    ec.slot = &board[4 * index];
    InterlockedExchange(&ec.slot[LIFETIMES], 1);   /* bound: ready for the first change */
    ReleaseSemaphore(ec.wake, 1, NULL);
    /* A notification is taken before a restart is: the driver says the service runs again only
     * after the old one stopped, whose notifications had all returned by then. */
    waits[0] = stop, waits[1] = ec_notified, waits[2] = restarted, waits[3] = driver;
    while ((which = WaitForMultipleObjects(4, waits, FALSE, INFINITE)) == WAIT_OBJECT_0 + 1
           || which == WAIT_OBJECT_0 + 2)
    {
        if (which == WAIT_OBJECT_0 + 1)
            on_notification(&ec);
        else
            on_restarted(&ec);
    }
    settled = ec.state == AWAIT_FIRST && ec_notifications - ec.base == 2 * (LONG)ec.applied;
    InterlockedExchange(&ec.slot[NOTIFICATIONS], ec_notifications);
    unbind_ec(&ec.b, &step);
    CoUninitialize();
    printf("# EC %#x: %u changes applied, %ld notifications, %u rebinds, %u service lifetimes, %u unexpected, "
           "%u lifetimes miscounted, %u notifications after the service was gone%s\n", ec.id, ec.changes,
           ec_notifications, ec.rebinds, ec.lifetime + 1, ec.unexpected, ec.miscounted, ec.after_gone,
           settled ? "" : "; the last lifetime did not end with every notification of an applied change");
    if (which == WAIT_OBJECT_0 + 3)
        return 3;
    return settled && !ec.unexpected && !ec.miscounted && !ec.after_gone ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 6)
        return soak_ec_main(argv);
    fprintf(stderr, "usage: probe_soak_ec ID INDEX REBIND PREFIX DRIVER_PID\n");
    return 2;
}
