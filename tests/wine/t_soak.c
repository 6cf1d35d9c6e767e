/* The soak: several EC processes (probe_soak_ec.exe) run health changes for a configurable time
 * against the real service, while faults happen: clients killed at random and service restarts.
 * This process is their SHA: each cycle it reports a change (a new SoH); every EC fails the first
 * notification, applies the retry, and every few changes unbinds and binds again; the next cycle
 * starts when all have applied. This process asks the service (INapAgentDiagnostics::
 * GetResourceUsage) for its committed memory and handle count ten times over the run (the curve),
 * at the start and end of every service lifetime, and after a warm-up in the last one.
 *
 * Kills. One victim process at a time (probe_victim.exe, as t_random_kills uses it, its SHA a quiet one), an EC or an SHA at random with
 * ids of their own, is bound and busy (calls of its own, and the agent's calls into it: an EC
 * victim is notified of every change, an SHA victim told of the soak ECs' orphaned requests) and
 * is killed at a random time, wherever it is; the next victim must bind the same id (the agent
 * tells a dead holder from a live one), and so must this process at the end. A victim SHA never
 * reports a health change: the agent would owe every EC a notification for it, and the soak ECs
 * must count the driver's changes only.
 * Restarts. The service is stopped (the process must end) and started in the middle of a cycle:
 * the stop is asked for a random time after, or a little before, the cycle's change is reported,
 * or (every other restart) once every EC got the cycle's first notification, its retry made to
 * wait 10 s, so that the agent stops with every EC's retry pending. This
 * process's SHA must find its binding gone, get new objects and bind its id again; every soak EC
 * must notice (a call of its own, or on its binding once this process says the service runs
 * again, answers that the service is gone), get new objects and bind its id again; the old victim
 * is killed and a new one binds its id in the new service; then the cycles go on.
 *
 * "0 lost, 0 extra" across restarts, precisely:
 * - A counted cycle is one that started (the SHA's change) when every soak EC was bound in the
 *   running service: the first after the ECs bound, or after every EC bound again following a
 *   restart, and every cycle after it up to the next restart. For a counted cycle every soak EC
 *   gets exactly two notifications (the first, which it fails, and the retry, which it applies)
 *   and applies it exactly once; before each counted cycle's change no EC has applied anything
 *   since the last (each EC's own figure on the board, not a total).
 * - The cycle in flight when a restart hits is not counted: each EC may have got 0, 1 or 2 of its
 *   notifications and applied it or not, but not twice (this process counts who applied it, each
 *   EC how many of its notifications came); with the retry pending, each EC got exactly one and
 *   applied nothing (the retry comes from neither service). No notification may reach an EC once
 *   a call told it the service was gone. The cycle is then started again, as the first counted
 *   cycle of the new service (with a new SoH: the change is not lost).
 * - Each EC checks per service lifetime that its notifications are two per change it applied
 *   plus those of the change in flight (probe_soak_ec.c), and at the end of the run two per change
 *   and none pending; this process checks the same over all ECs from their figures, and that
 *   the changes applied are the counted cycles plus the applications of cycles in flight.
 *
 * Memory and handles are compared per service lifetime (a restart starts a new process): from a
 * warm-up point of the last lifetime (a quarter of the way through it and at least 20 cycles in)
 * to the end, with the tolerance of a soak without faults plus two handles per kill after the
 * warm-up (Wine's RPC leaves an Event handle per killed client in the service; t_random_kills
 * measured 1.0-1.4); each lifetime's start-to-end figures are printed.
 *
 * NAPAGENT_SOAK_SECONDS (default 8) and NAPAGENT_SOAK_CLIENTS (default 3) size the run; make soak
 * runs it for 10 minutes. Faults scale with the run: a kill every 10 s (at least one) and a
 * restart every 100 s (rounded: none under 50 s), so make check's 8 s run kills one victim and
 * does not restart, and 600 s kill 60 and restart 6 times. NAPAGENT_SOAK_FAULTS=0 turns faults
 * off (the soak as it was); NAPAGENT_SOAK_KILLS and NAPAGENT_SOAK_RESTARTS set their numbers,
 * NAPAGENT_SEED the random sequence. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <napagentclasses.h>
#include <napagentdiag.h>
#include <napenforcementclient.h>
#include <napmanagement.h>
#include <napsystemhealthagent.h>
#include "../tap.h"
#include "wine_test.h"
#include "test_clients.h"
#include "victim_state.h"

#define EC_BASE 0x77000001u
#define SHA_ID 0x77000101u
#define VICTIM_EC_ID 0x77000081u
#define VICTIM_SHA_ID 0x77000181u
#define MAX_CLIENTS 16
#define MAX_RESTARTS 32
#define REBIND_EVERY 5
#define WARM_UP_CYCLES 20
#define KILL_EVERY_S 10
#define RESTART_EVERY_S 100
/* How long a soak EC may take to bind again once the service runs again: a hang, not a delay. */
#define REBIND_TIMEOUT_MS 15000

/* Retries after 5 ms, no jitter: a cycle costs the exchanges, not the waiting. */
static const NapAgentRetryPolicy soak_policy = {5, 1000, 5, 0, 1000};
/* For a restart with every EC's retry pending: the retry 10 s away. */
static const NapAgentRetryPolicy pending_policy = {10000, 1000, 10000, 0, 1000};

static UINT32 next_random(UINT32 *rng)
{
    *rng = *rng * 1103515245u + 12345u;
    return *rng >> 16;
}

/* Answers that say the service the object came from is gone (as probe_soak_ec.c counts them). */
static BOOL service_gone(HRESULT hr)
{
    static const HRESULT gone[] = {
        RPC_E_DISCONNECTED, (HRESULT)0x800706BA, (HRESULT)0x800706BE, (HRESULT)0x800706BF, (HRESULT)0x800706B5,
        RPC_E_SERVER_DIED, RPC_E_SERVER_DIED_DNE, CO_E_OBJNOTCONNECTED,
    };

    for (size_t i = 0; i < ARRAYSIZE(gone); ++i)
        if (hr == gone[i])
            return TRUE;
    return FALSE;
}

/* ---- the soak ECs and their named objects (probe_soak_ec.c describes them) ---- */

struct soak_ecs
{
    int count;
    char prefix[64];
    HANDLE processes[MAX_CLIENTS], restarted[MAX_CLIENTS];
    HANDLE wake, stop, stopping, board_mapping;
    volatile LONG *board;        /* four LONGs per EC: changes applied, service lifetimes bound in,
                                    notifications, those of changes in flight at restarts */
    LONG counted[MAX_CLIENTS];   /* changes of each EC this process counted as applied */
};

static HANDLE make_named(struct soak_ecs *e, const char *what, int kind)
{
    char name[128];

    snprintf(name, sizeof(name), "%s-%s", e->prefix, what);
    return kind == 0 ? CreateSemaphoreA(NULL, 0, 0x7fffffff, name)
         : kind == 1 ? CreateEventA(NULL, TRUE, FALSE, name)      /* manual reset */
         : kind == 2 ? CreateEventA(NULL, FALSE, FALSE, name)     /* auto reset */
                     : CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                                          4 * MAX_CLIENTS * sizeof(LONG), name);
}

static BOOL soak_ecs_make(struct soak_ecs *e, int count)
{
    BOOL made;

    e->count = count;
    snprintf(e->prefix, sizeof(e->prefix), "napagent-soak-%lu", GetCurrentProcessId());
    e->wake = make_named(e, "wake", 0);
    e->stop = make_named(e, "stop", 1);
    e->stopping = make_named(e, "stopping", 1);
    e->board_mapping = make_named(e, "board", 3);
    e->board = e->board_mapping ? MapViewOfFile(e->board_mapping, FILE_MAP_WRITE, 0, 0, 0) : NULL;
    made = e->wake && e->stop && e->stopping && e->board;
    for (int i = 0; i < count; ++i)
    {
        char what[32];

        snprintf(what, sizeof(what), "restarted-%d", i);
        made = (e->restarted[i] = make_named(e, what, 2)) && made;
    }
    return made;
}

static LONG applied_by(struct soak_ecs *e, int i) { return e->board[4 * i]; }
static LONG lifetimes_of(struct soak_ecs *e, int i) { return e->board[4 * i + 1]; }
static LONG notifications_of(struct soak_ecs *e, int i) { return e->board[4 * i + 2]; }
static LONG in_flight_of(struct soak_ecs *e, int i) { return e->board[4 * i + 3]; }

/* Before a cycle's change: no EC applied anything the driver did not count (a change it did not
 * make, or a second application of one). */
static BOOL nothing_uncounted(struct soak_ecs *e, unsigned cycle)
{
    for (int i = 0; i < e->count; ++i)
        if (applied_by(e, i) != e->counted[i])
        {
            diag_stderr("before cycle %u: EC %d applied %ld changes, %ld counted", cycle, i, applied_by(e, i),
                        e->counted[i]);
            return FALSE;
        }
    return TRUE;
}

/* Whether every EC got a notification since the counts in before[]. */
static BOOL all_notified(struct soak_ecs *e, const LONG *before)
{
    for (int i = 0; i < e->count; ++i)
        if (notifications_of(e, i) == before[i])
            return FALSE;
    return TRUE;
}

/* Waits until every EC has applied one change more than counted (or, with lifetimes > 0, has
 * bound in that many service lifetimes); FALSE after timeout_ms. The semaphore only wakes this
 * process: what counts is each EC's own figure on the board. */
static BOOL wait_board(struct soak_ecs *e, LONG lifetimes, DWORD timeout_ms)
{
    DWORD start = GetTickCount(), spent;

    for (;;)
    {
        int i = 0;

        while (i < e->count && (lifetimes ? lifetimes_of(e, i) >= lifetimes : applied_by(e, i) > e->counted[i]))
            ++i;
        if (i == e->count)
            return TRUE;
        spent = GetTickCount() - start;
        if (spent >= timeout_ms || WaitForSingleObject(e->wake, timeout_ms - spent) == WAIT_TIMEOUT)
            return FALSE;
    }
}

/* ---- victims ---- */

enum landing { IN_CALLBACK, IN_CALL, RETRY_PENDING, BETWEEN_CALLS, LANDINGS };
static const char *const landing_names[LANDINGS] = {
    "inside a callback from the agent", "inside a call to the agent",
    "between calls with a retry pending", "between calls",
};

struct victim
{
    BOOL ec, bound;
    HANDLE process;
    HANDLE mapping;
    volatile struct victim_state *state;
};

struct victims
{
    CRITICAL_SECTION lock;   /* held while a victim starts or is killed, and through a restart */
    HANDLE thread, end;
    struct victim now;       /* the victim alive (process NULL when none) */
    UINT32 rng;
    DWORD start, run_ms, worst_bind;
    unsigned planned, serial, started[2], bind_failures, ended_by_restart, died_alone;
    volatile LONG kills;     /* read by the main thread for the handle budget */
    unsigned landed[LANDINGS], killed[2];
    LONG callbacks, calls;
};

static BOOL start_victim(struct victims *vs, struct victim *v, BOOL ec)
{
    char map_name[64], ready_name[64], args[256];
    unsigned n = vs->serial++;
    HANDLE ready;
    BOOL bound;

    memset(v, 0, sizeof(*v));
    v->ec = ec;
    snprintf(map_name, sizeof(map_name), "napagent-soak-victim-%lu-%u", GetCurrentProcessId(), n);
    snprintf(ready_name, sizeof(ready_name), "napagent-soak-victim-ready-%lu-%u", GetCurrentProcessId(), n);
    v->mapping = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, sizeof(struct victim_state),
                                    map_name);
    v->state = v->mapping ? MapViewOfFile(v->mapping, FILE_MAP_WRITE, 0, 0, sizeof(struct victim_state)) : NULL;
    ready = CreateEventA(NULL, TRUE, FALSE, ready_name);
    snprintf(args, sizeof(args), "%s %#x %s %s %u %lu", ec ? "ec" : "quiet-sha", ec ? VICTIM_EC_ID : VICTIM_SHA_ID,
             map_name, ready_name, next_random(&vs->rng), GetCurrentProcessId());
    if (v->state && ready)
        v->process = start_helper("probe_victim.exe", args);
    if (!v->process)
        diag_stderr("victim %u: not started: error %lu", n, GetLastError());
    bound = v->process && WaitForSingleObject(ready, 15000) == WAIT_OBJECT_0;
    if (ready)
        CloseHandle(ready);
    v->bound = bound;
    ++vs->started[ec];
    if (!bound)
    {
        ++vs->bind_failures;
        diag_stderr("victim %u: the %s victim did not bind its id (attempts %ld)", n, ec ? "EC" : "SHA",
                    v->state ? v->state->bind_attempts : -1);
    }
    else if ((DWORD)v->state->bind_ms > vs->worst_bind)
        vs->worst_bind = (DWORD)v->state->bind_ms;
    return bound;
}

/* Kills the victim; says where it was at its death. */
static enum landing kill_victim(struct victim *v)
{
    TerminateProcess(v->process, 9);
    WaitForSingleObject(v->process, 5000);
    if (v->state->in_callback > 0)
        return IN_CALLBACK;
    if (v->state->in_call > 0)
        return IN_CALL;
    return v->ec && v->state->retry_pending ? RETRY_PENDING : BETWEEN_CALLS;
}

static void end_victim(struct victims *vs, struct victim *v)
{
    if (v->process)
    {
        TerminateProcess(v->process, 9);
        WaitForSingleObject(v->process, 5000);
        CloseHandle(v->process);
    }
    if (v->state)
    {
        vs->callbacks += v->state->callbacks;
        vs->calls += v->state->calls;
        UnmapViewOfFile((void *)v->state);
    }
    if (v->mapping)
        CloseHandle(v->mapping);
    memset(v, 0, sizeof(*v));
}

/* Kill j falls at a random point of the j-th of `planned` equal slices of the run, each victim
 * bound and busy from the kill before it. */
static DWORD WINAPI victims_thread(void *arg)
{
    struct victims *vs = arg;

    EnterCriticalSection(&vs->lock);
    start_victim(vs, &vs->now, next_random(&vs->rng) % 2);
    LeaveCriticalSection(&vs->lock);
    for (unsigned j = 0; j < vs->planned; ++j)
    {
        DWORD slice = vs->run_ms / vs->planned;
        DWORD due = j * slice + slice / 10 + (DWORD)((UINT64)next_random(&vs->rng) * (slice * 8 / 10) / 65536);
        DWORD now = GetTickCount() - vs->start;

        if (WaitForSingleObject(vs->end, due > now ? due - now : 0) == WAIT_OBJECT_0)
            break;
        EnterCriticalSection(&vs->lock);
        /* A victim that ended by itself is a failure of its own, not a kill. */
        if (vs->now.bound && WaitForSingleObject(vs->now.process, 0) == WAIT_OBJECT_0)
        {
            DWORD code = 0;

            GetExitCodeProcess(vs->now.process, &code);
            ++vs->died_alone;
            diag_stderr("victim %u: the %s victim ended by itself before its kill: exit code %lu", vs->serial - 1,
                        vs->now.ec ? "EC" : "SHA", code);
        }
        else if (vs->now.bound)
        {
            ++vs->landed[kill_victim(&vs->now)];
            ++vs->killed[vs->now.ec];
            InterlockedIncrement(&vs->kills);
        }
        end_victim(vs, &vs->now);
        start_victim(vs, &vs->now, next_random(&vs->rng) % 2);
        LeaveCriticalSection(&vs->lock);
    }
    return 0;
}

/* ---- this process's objects in the service ---- */

struct driver
{
    INapClientManagement *management;
    INapAgentDiagnostics *diagnostics;
    INapSystemHealthAgentBinding *sha;
};

static BOOL driver_objects(struct driver *d)
{
    d->management = create_object(&CLSID_NapClientManagement, CLSCTX_INPROC_SERVER, &IID_INapClientManagement);
    d->diagnostics = create_object(&CLSID_NapAgentDiagnostics, CLSCTX_LOCAL_SERVER, &IID_INapAgentDiagnostics);
    d->sha = create_object(&CLSID_NapSystemHealthAgentBinding, CLSCTX_INPROC_SERVER,
                           &IID_INapSystemHealthAgentBinding);
    return d->management && d->diagnostics && d->sha;
}

static void driver_release(struct driver *d)
{
    release_client_objects(d->management, d->diagnostics, NULL, d->sha);
    memset(d, 0, sizeof(*d));
}

/* The running service's process (NULL if none), for waiting until it is gone: the STOPPED state
 * may last only an instant, when a client's activation starts the service again at once. */
static HANDLE service_process(DWORD *pid)
{
    SC_HANDLE service = open_napagent(SERVICE_QUERY_STATUS);
    SERVICE_STATUS_PROCESS status;
    DWORD needed;
    HANDLE process = NULL;

    *pid = 0;
    if (service && QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO, (BYTE *)&status, sizeof(status), &needed)
        && status.dwCurrentState == SERVICE_RUNNING)
    {
        *pid = status.dwProcessId;
        process = OpenProcess(SYNCHRONIZE, FALSE, status.dwProcessId);
    }
    if (service)
        CloseServiceHandle(service);
    return process;
}

static void request_stop(void)
{
    SC_HANDLE service = open_napagent(SERVICE_STOP);
    SERVICE_STATUS status;

    if (service)
    {
        ControlService(service, SERVICE_CONTROL_STOP, &status);
        CloseServiceHandle(service);
    }
}

/* ---- the run ---- */

struct lifetime
{
    DWORD from_ms, to_ms;
    unsigned cycles;
    LONG kills_from, kills_to;
    BOOL measured_first, measured_last;
    NapAgentResourceUsage first, last;
};

struct restart_figures
{
    DWORD at_ms, down_ms, rebound_ms;
    LONG change_after_ms;   /* when the cycle's change was reported, from the stop request */
    BOOL retry_pending;     /* the stop asked for with every EC's retry pending */
    HRESULT change_answer;
    unsigned cycle, applied_in_flight;
    int victim;   /* -1 none, 0 an SHA, 1 an EC */
};

struct soak
{
    struct driver d;
    struct soak_ecs ecs;
    struct victims vs;
    BOOL victims_on;
    UINT32 rng;
    DWORD start, run_ms;
    unsigned cycles, restarts_done, whole_restarts, lifetime_count;
    DWORD restart_at[MAX_RESTARTS];
    struct lifetime lifetimes[MAX_RESTARTS + 1];
    struct restart_figures restarts[MAX_RESTARTS];
    BOOL miscounted;   /* an EC applied a change other than once per counted cycle */
    const char *hold;
};

static BOOL measure(struct soak *s, NapAgentResourceUsage *usage)
{
    return INapAgentDiagnostics_GetResourceUsage(s->d.diagnostics, usage) == S_OK;
}

/* NAPAGENT_SOAK_HOLD=S keeps every process as it is for S seconds, for winedbg. */
static void hold_for_debugger(struct soak *s, const char *what)
{
    if (s->hold && *s->hold)
    {
        diag("soak stalled (%s) after %u cycles; holding %s s for a debugger (this process is %lu)", what, s->cycles,
             s->hold, GetCurrentProcessId());
        Sleep(strtoul(s->hold, NULL, 10) * 1000);
    }
}

/* One restart in the middle of a cycle. TRUE when the service came back and every client bound
 * again in it (the cycles can go on). */
static BOOL restart_service(struct soak *s, unsigned r)
{
    struct restart_figures *f = &s->restarts[r];
    struct lifetime *old = &s->lifetimes[s->lifetime_count - 1], *fresh = &s->lifetimes[s->lifetime_count];
    struct victim *v = &s->vs.now;
    LONG applied_before[MAX_CLIENTS], notified_before[MAX_CLIENTS], in_flight_before[MAX_CLIENTS];
    DWORD cycle_ms = old->cycles ? (GetTickCount() - s->start - old->from_ms) / old->cycles : 10, down, running_at;
    DWORD old_pid, new_pid = 0;
    HANDLE old_process, new_process;
    BOOL stopped, started, sha_gone, rebound, applied_once = TRUE, pending_kept = TRUE;
    HRESULT hr, sha_hr, policy_hr = S_OK;

    if (s->victims_on)
        EnterCriticalSection(&s->vs.lock);
    f->victim = s->victims_on && v->process ? v->ec : -1;
    f->cycle = s->cycles + 1;
    old->to_ms = GetTickCount() - s->start;
    old->kills_to = s->vs.kills;
    old->measured_last = measure(s, &old->last);
    if (!s->miscounted && !nothing_uncounted(&s->ecs, f->cycle))
        s->miscounted = TRUE;
    for (int i = 0; i < s->ecs.count; ++i)
    {
        applied_before[i] = applied_by(&s->ecs, i);
        notified_before[i] = notifications_of(&s->ecs, i);
        in_flight_before[i] = in_flight_of(&s->ecs, i);
    }
    /* Where the agent stops. The stop reaches it 3-15 ms after it is asked for (the SCM, then the
     * service revokes its class objects; the agent serves its clients meanwhile), and 11-17 ms
     * pass from the SHA's report to the last EC's application (measured in the service log, with
     * 4 ECs). Every other restart, the cycle's change is
     * reported a random time, up to half a cycle, before or after the stop request: the agent
     * stops before the cycle began, at some point of it, or after it ended, as chance has it. The
     * others make the retry wait 10 s and ask for the stop once every EC got the cycle's first
     * notification: the agent stops with every EC's retry pending (a stop that took 10 s to come
     * would fail the restart anyway), and no EC may get that retry from either service. */
    old_process = service_process(&old_pid);
    f->retry_pending = r % 2 == 1;
    f->change_after_ms = f->retry_pending ? 0 : (LONG)(next_random(&s->rng) % (cycle_ms + 1)) - (LONG)(cycle_ms / 2);
    SetEvent(s->ecs.stopping);
    if (f->retry_pending)
    {
        DWORD asked = GetTickCount();

        policy_hr = INapAgentDiagnostics_SetRetryPolicy(s->d.diagnostics, napAgentRetryAll, &pending_policy);
        f->change_answer = INapSystemHealthAgentBinding_NotifySoHChange(s->d.sha);
        while (!all_notified(&s->ecs, notified_before) && GetTickCount() - asked < 10000)
            WaitForSingleObject(s->ecs.wake, 10000 - (GetTickCount() - asked));
        f->change_after_ms = -(LONG)(GetTickCount() - asked);
        policy_hr = SUCCEEDED(policy_hr) && !all_notified(&s->ecs, notified_before) ? E_FAIL : policy_hr;
    }
    else if (f->change_after_ms < 0)
    {
        f->change_answer = INapSystemHealthAgentBinding_NotifySoHChange(s->d.sha);
        Sleep((DWORD)-f->change_after_ms);
    }
    f->at_ms = GetTickCount() - s->start;
    down = GetTickCount();
    request_stop();
    if (f->change_after_ms >= 0)
    {
        Sleep((DWORD)f->change_after_ms);
        /* The agent may have stopped already (RPC_E_DISCONNECTED, as documented), or the process
         * be gone: then no cycle is in flight. */
        f->change_answer = INapSystemHealthAgentBinding_NotifySoHChange(s->d.sha);
    }
    /* Its stop is bounded well within 10 s (docs/architecture.md): longer is a hang. */
    stopped = old_process && WaitForSingleObject(old_process, 10000) == WAIT_OBJECT_0;
    /* Started here, or already by a client's activation meanwhile (then it is running or about
     * to be, and the start only waits for it). */
    started = stopped && service_start_and_wait();
    running_at = GetTickCount();
    f->down_ms = running_at - down;
    if (started && (new_process = service_process(&new_pid)))
        CloseHandle(new_process);
    if (old_process)
        CloseHandle(old_process);
    started = started && new_pid && new_pid != old_pid;
    /* This process's SHA: its binding must say the service is gone; then new objects. */
    sha_hr = INapSystemHealthAgentBinding_NotifySoHChange(s->d.sha);
    sha_gone = service_gone(sha_hr);
    driver_release(&s->d);
    hr = started && driver_objects(&s->d) ? INapSystemHealthAgentBinding_Initialize(s->d.sha, SHA_ID, &sha_callback)
                                          : E_FAIL;
    /* The new service read the 10 s retry from the registry: the soak's comes back first. */
    if (f->retry_pending && SUCCEEDED(hr) && SUCCEEDED(policy_hr))
        policy_hr = INapAgentDiagnostics_SetRetryPolicy(s->d.diagnostics, napAgentRetryAll, &soak_policy);
    for (int i = 0; i < s->ecs.count; ++i)
        SetEvent(s->ecs.restarted[i]);
    /* The victim's binding went with the old service: it is killed, and a new one must bind the
     * same id in the new service. */
    if (f->victim >= 0)
    {
        BOOL ec = v->ec;

        end_victim(&s->vs, v);
        ++s->vs.ended_by_restart;
        if (SUCCEEDED(hr))
            start_victim(&s->vs, v, ec);
    }
    rebound = SUCCEEDED(hr) && wait_board(&s->ecs, (LONG)s->lifetime_count + 1, REBIND_TIMEOUT_MS);
    f->rebound_ms = GetTickCount() - running_at;
    /* The cycle in flight: applied by some ECs, or none, but by none twice. */
    f->applied_in_flight = 0;
    for (int i = 0; i < s->ecs.count; ++i)
    {
        LONG extra = applied_by(&s->ecs, i) - applied_before[i];

        if (extra > 1 && applied_once)
        {
            applied_once = FALSE;
            diag_stderr("restart %u: EC %d applied %ld changes of the cycle in flight", r + 1, i, extra);
        }
        /* With the retry pending: one notification in flight, and the change not applied. */
        if (f->retry_pending && rebound && (extra || in_flight_of(&s->ecs, i) - in_flight_before[i] != 1))
        {
            pending_kept = FALSE;
            diag_stderr("restart %u with the retry pending: EC %d applied %ld, had %ld notifications in flight", r + 1,
                        i, extra, in_flight_of(&s->ecs, i) - in_flight_before[i]);
        }
        f->applied_in_flight += extra == 1;
        s->ecs.counted[i] = applied_by(&s->ecs, i);
    }
    ResetEvent(s->ecs.stopping);
    ++s->lifetime_count;
    fresh->from_ms = GetTickCount() - s->start;
    fresh->kills_from = s->vs.kills;
    if (started)
        fresh->measured_first = measure(s, &fresh->first);
    if (s->victims_on)
        LeaveCriticalSection(&s->vs.lock);
    ++s->restarts_done;
    diag("restart %u at %lu ms, cycle %u's change reported %ld ms %s the stop request%s (answer %#lx), a %s victim "
         "busy: stopped and running again in %lu ms; every client bound again %lu ms later (a new victim too); %u of "
         "%d ECs had applied the cycle in flight", r + 1, f->at_ms, f->cycle, labs(f->change_after_ms),
         f->change_after_ms < 0 ? "before" : "after",
         f->retry_pending ? ", made once every EC was notified, its retry 10 s away" : "", f->change_answer,
         f->victim < 0 ? "no" : f->victim ? "EC" : "SHA", f->down_ms, f->rebound_ms, f->applied_in_flight,
         s->ecs.count);
    if (FAILED(f->change_answer) && !service_gone(f->change_answer))
        diag_stderr("restart %u: the SHA's NotifySoHChange as the service stopped answered %#lx", r + 1,
                    f->change_answer);
    if (!stopped || !started || !sha_gone || FAILED(hr) || !rebound || !applied_once || !pending_kept
        || FAILED(policy_hr)
        || (FAILED(f->change_answer) && !service_gone(f->change_answer)))
    {
        diag_stderr("restart %u: service process %lu gone %d, running again as %lu: %d, the old SHA binding "
                    "answered %#lx, the SHA bound again: %#lx, every EC bound again: %d, retry policy (and every EC "
                    "notified): %#lx", r + 1, old_pid, stopped, new_pid, started, sha_hr, hr, rebound, policy_hr);
        for (int i = 0; i < s->ecs.count; ++i)
            diag_stderr("restart %u: EC %d has bound in %ld service lifetimes, applied %ld", r + 1, i,
                        lifetimes_of(&s->ecs, i), applied_by(&s->ecs, i));
        hold_for_debugger(s, "restart");
        return FALSE;
    }
    ++s->whole_restarts;
    return TRUE;
}

static void print_lifetime(struct soak *s, unsigned n)
{
    struct lifetime *l = &s->lifetimes[n];

    if (!l->measured_first || !l->measured_last)
    {
        diag("service lifetime %u: not measured", n);
        return;
    }
    diag("service lifetime %u (%lu-%lu ms, %u cycles, %ld kills): handles %lu -> %lu, committed %I64u -> %I64u "
         "bytes (%+.0f KB), heap in use %I64u -> %I64u bytes, threads %lu -> %lu", n, l->from_ms, l->to_ms, l->cycles,
         l->kills_to - l->kills_from, l->first.handles, l->last.handles, l->first.commitBytes, l->last.commitBytes,
         ((double)l->last.commitBytes - (double)l->first.commitBytes) / 1024, l->first.heapBytes, l->last.heapBytes,
         l->first.threads, l->last.threads);
}

int main(void)
{
    const char *seconds_env = getenv("NAPAGENT_SOAK_SECONDS"), *clients_env = getenv("NAPAGENT_SOAK_CLIENTS");
    const char *faults_env = getenv("NAPAGENT_SOAK_FAULTS"), *kills_env = getenv("NAPAGENT_SOAK_KILLS");
    const char *restarts_env = getenv("NAPAGENT_SOAK_RESTARTS"), *seed_env = getenv("NAPAGENT_SEED");
    static struct soak s;
    DWORD seconds = seconds_env ? strtoul(seconds_env, NULL, 10) : 8;
    int clients = clients_env ? atoi(clients_env) : 3;
    BOOL faults = !faults_env || strcmp(faults_env, "0");
    unsigned kills = faults ? (seconds / KILL_EVERY_S ? seconds / KILL_EVERY_S : 1) : 0;
    unsigned restarts = faults ? (seconds + RESTART_EVERY_S / 2) / RESTART_EVERY_S : 0;
    NapComponentRegistrationInfo info;
    WCHAR ec_name[] = L"soak EC", sha_name[] = L"soak SHA";
    NapAgentResourceUsage initial, warm, end = {0}, final;
    struct lifetime *last;
    unsigned warm_cycles = 0, good_exits = 0, leftover = 0, applied_in_flight = 0;
    LONG notifications = 0, applied = 0, in_flight = 0;
    LONG warm_kills = 0;
    DWORD elapsed = 0, code, sample_every, next_sample;
    BOOL sampled_warm = FALSE, stalled = FALSE, end_measured;
    HRESULT hr;

    if (clients < 1 || clients > MAX_CLIENTS)
        clients = 3;
    if (kills_env)
        kills = strtoul(kills_env, NULL, 10);
    if (restarts_env)
        restarts = strtoul(restarts_env, NULL, 10);
    if (restarts > MAX_RESTARTS)
        restarts = MAX_RESTARTS;
    s.rng = seed_env ? (UINT32)strtoul(seed_env, NULL, 0) : 20261210u;
    s.vs.rng = s.rng ^ 0x9e3779b9u;
    s.hold = getenv("NAPAGENT_SOAK_HOLD");
    s.run_ms = seconds * 1000;
    s.victims_on = kills > 0;
    sha_callback_id = SHA_ID;
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (!driver_objects(&s.d))
        tap_bail("cannot reach napagent");
    hr = INapAgentDiagnostics_GetResourceUsage(s.d.diagnostics, &initial);
    ok(hr == S_OK, "the service's objects counted before the soak: %#lx", hr);
    /* The policy is kept in the registry, so it outlives the restarts. */
    hr = INapAgentDiagnostics_SetRetryPolicy(s.d.diagnostics, napAgentRetryAll, &soak_policy);
    ok(hr == S_OK, "retry policy set to 5 ms for the soak: got %#lx", hr);
    for (int i = 0; i < clients; ++i)
        if (FAILED(hr = register_enabled_ec(s.d.management, s.d.diagnostics, EC_BASE + i, ec_name)))
            break;
    ok(hr == S_OK, "%d soak ECs registered and enabled: got %#lx", clients, hr);
    if (s.victims_on)
    {
        hr = register_enabled_ec(s.d.management, s.d.diagnostics, VICTIM_EC_ID, ec_name);
        fill_registration(&info, VICTIM_SHA_ID, sha_name, 0);
        if (SUCCEEDED(hr))
            hr = INapClientManagement_RegisterSystemHealthAgent(s.d.management, &info);
        ok(hr == S_OK, "the victims' EC and SHA ids registered: got %#lx", hr);
    }
    fill_registration(&info, SHA_ID, sha_name, 0);
    hr = INapClientManagement_RegisterSystemHealthAgent(s.d.management, &info);
    if (SUCCEEDED(hr))
        hr = INapSystemHealthAgentBinding_Initialize(s.d.sha, SHA_ID, &sha_callback);
    ok(hr == S_OK, "the soak SHA (this process) bound: got %#lx", hr);

    if (!soak_ecs_make(&s.ecs, clients))
        tap_bail("cannot make the soak's named objects");
    for (int i = 0; i < clients; ++i)
    {
        char args[256];

        snprintf(args, sizeof(args), "%#x %d %d %s %lu", EC_BASE + i, i, REBIND_EVERY, s.ecs.prefix,
                 GetCurrentProcessId());
        s.ecs.processes[i] = start_helper("probe_soak_ec.exe", args);
    }
    ok(wait_board(&s.ecs, 1, 15000), "%d EC processes bound", clients);

    diag("soak: %d clients for %lu s; faults: %u kills, %u restarts planned (seed %u)", clients, seconds, kills,
         restarts, s.rng);
    /* Ten samples over the run make the memory curve: growth that flattens is a warm-up, growth
     * that keeps its slope is a leak. */
    sample_every = seconds * 100 > 1000 ? seconds * 100 : 1000;
    /* Restart r falls at a random point near the r-th of restarts + 1 equal slices' end. */
    for (unsigned r = 0; r < restarts; ++r)
    {
        DWORD slice = s.run_ms / (restarts + 1);

        s.restart_at[r] = (r + 1) * slice - slice / 10 + (DWORD)((UINT64)next_random(&s.rng) * (slice / 5) / 65536);
    }
    s.start = GetTickCount();
    s.lifetime_count = 1;
    s.lifetimes[0].measured_first = measure(&s, &s.lifetimes[0].first);
    if (s.victims_on)
    {
        InitializeCriticalSection(&s.vs.lock);
        s.vs.end = CreateEventW(NULL, TRUE, FALSE, NULL);
        s.vs.start = s.start;
        s.vs.run_ms = s.run_ms;
        s.vs.planned = kills;
        s.vs.thread = CreateThread(NULL, 0, victims_thread, &s.vs, 0, NULL);
    }
    next_sample = sample_every;
    while ((elapsed = GetTickCount() - s.start) < s.run_ms)
    {
        struct lifetime *now = &s.lifetimes[s.lifetime_count - 1];

        if (s.restarts_done < restarts && elapsed >= s.restart_at[s.restarts_done])
        {
            if (!restart_service(&s, s.restarts_done))
            {
                stalled = TRUE;
                break;
            }
            continue;
        }
        if (!s.miscounted && !nothing_uncounted(&s.ecs, s.cycles + 1))
            s.miscounted = TRUE;
        INapSystemHealthAgentBinding_NotifySoHChange(s.d.sha);
        if (!wait_board(&s.ecs, 0, 10000))
        {
            stalled = TRUE;
            for (int i = 0; i < clients; ++i)
                diag_stderr("stall at cycle %u: EC %d applied %ld changes, %ld counted", s.cycles + 1, i,
                            applied_by(&s.ecs, i), s.ecs.counted[i]);
            hold_for_debugger(&s, "cycle");
            break;
        }
        /* Exactly one each: an EC that applied two changes for one cycle got a change the driver
         * did not make. */
        for (int i = 0; i < clients; ++i)
            if (applied_by(&s.ecs, i) != ++s.ecs.counted[i] && !s.miscounted)
            {
                s.miscounted = TRUE;
                diag_stderr("cycle %u: EC %d applied %ld changes, %ld counted", s.cycles + 1, i, applied_by(&s.ecs, i),
                            s.ecs.counted[i]);
            }
        ++s.cycles;
        ++now->cycles;
        if (GetTickCount() - s.start >= next_sample)
        {
            NapAgentResourceUsage u;

            if (INapAgentDiagnostics_GetResourceUsage(s.d.diagnostics, &u) == S_OK)
                diag("soak curve: %6lu ms %7u cycles %10I64u bytes committed %10I64u in heaps %4lu handles "
                     "%3lu threads (service lifetime %u)", GetTickCount() - s.start, s.cycles, u.commitBytes,
                     u.heapBytes, u.handles, u.threads, s.lifetime_count - 1);
            next_sample += sample_every;
        }
        /* In the last service lifetime, its first quarter warms the heaps and the thread pool up;
         * growth is measured from there. */
        if (!sampled_warm && s.lifetime_count == restarts + 1 && now->cycles >= WARM_UP_CYCLES
            && GetTickCount() - s.start - now->from_ms >= (s.run_ms - now->from_ms) / 4)
        {
            sampled_warm = INapAgentDiagnostics_GetResourceUsage(s.d.diagnostics, &warm) == S_OK;
            warm_cycles = now->cycles;
            warm_kills = s.vs.kills;
        }
    }
    if (s.victims_on)
    {
        SetEvent(s.vs.end);
        WaitForSingleObject(s.vs.thread, INFINITE);
        CloseHandle(s.vs.thread);
    }
    ok(!stalled, "every cycle completed (each EC failed once and applied the retry): %u cycles", s.cycles);
    ok(!s.miscounted, "every EC applied each counted cycle exactly once, and nothing else");
    if (!s.d.management || !s.d.diagnostics || !s.d.sha)
    {
        /* After a failed restart nothing may call through the released proxies; the ECs and the
         * victim must not outlive this process either (they would hold its output open). */
        SetEvent(s.ecs.stop);
        if (s.victims_on)
            end_victim(&s.vs, &s.vs.now);
        tap_bail("the service did not come back from a restart: nothing more to measure");
    }
    last = &s.lifetimes[s.lifetime_count - 1];
    last->to_ms = GetTickCount() - s.start;
    last->kills_to = s.vs.kills;
    last->measured_last = end_measured = measure(&s, &end);
    last->last = end;
    ok(end_measured && end.handles && end.commitBytes, "the service's memory and handles measured at the end: "
       "%lu handles, %I64u bytes", end.handles, end.commitBytes);
    if (restarts)
        ok(s.whole_restarts == restarts, "after each of %u restarts every client noticed, got new objects and bound "
           "its id again, and the cycles went on: %u whole", restarts, s.whole_restarts);

    SetEvent(s.ecs.stop);
    for (int i = 0; i < clients; ++i)
    {
        if (s.ecs.processes[i] && WaitForSingleObject(s.ecs.processes[i], 15000) == WAIT_OBJECT_0
            && GetExitCodeProcess(s.ecs.processes[i], &code) && code == 0)
            ++good_exits;
        if (s.ecs.processes[i])
            CloseHandle(s.ecs.processes[i]);
        leftover += applied_by(&s.ecs, i) != s.ecs.counted[i];
    }
    ok(good_exits == (unsigned)clients, "every EC got exactly two notifications per change, none lost, none extra, "
       "in every service lifetime: %u of %d", good_exits, clients);
    ok(!stalled && !leftover, "no EC applied a change after the last counted cycle: %u did", leftover);
    for (int i = 0; i < clients; ++i)
    {
        notifications += notifications_of(&s.ecs, i);
        applied += applied_by(&s.ecs, i);
        in_flight += in_flight_of(&s.ecs, i);
    }
    for (unsigned r = 0; r < s.restarts_done; ++r)
        applied_in_flight += s.restarts[r].applied_in_flight;
    diag("soak: %u counted cycles x %d ECs in %lu ms: %.0f EC cycles/s", s.cycles, clients, elapsed,
         elapsed ? s.cycles * clients * 1000.0 / elapsed : 0.0);
    diag("EC notifications, as the ECs counted them: %ld = 2 x %ld changes applied (%u counted cycles x %d ECs, and %u "
         "applications of a cycle in flight at a restart) + %ld of changes in flight when the service stopped",
         notifications, applied, s.cycles, clients, applied_in_flight, in_flight);
    /* The ECs' own figures, summed: a notification that belonged to no change shows here too. */
    ok(!stalled && notifications == 2 * applied + in_flight
           && applied == (LONG)(s.cycles * clients + applied_in_flight),
       "every notification belonged to a change applied (two each) or in flight at a restart: %ld = 2 x %ld + %ld",
       notifications, applied, in_flight);

    if (s.victims_on)
    {
        DWORD took;
        HRESULT ec_hr, sha_hr;

        end_victim(&s.vs, &s.vs.now);
        diag("faults: %ld kills (%u EC, %u SHA victims), %u restarts; %u victims started, %u ended by a restart",
             s.vs.kills, s.vs.killed[1], s.vs.killed[0], s.restarts_done, s.vs.started[0] + s.vs.started[1],
             s.vs.ended_by_restart);
        for (int i = 0; i < LANDINGS; ++i)
            diag("killed %s: %u", landing_names[i], s.vs.landed[i]);
        diag("victims: %ld callbacks and %ld calls of their own; slowest bind after the previous holder died: %lu ms",
             s.vs.callbacks, s.vs.calls, s.vs.worst_bind);
        ok(s.vs.kills == (LONG)kills, "%u victims killed at random while the soak ran: %ld", kills, s.vs.kills);
        ok(s.vs.bind_failures == 0 && s.vs.died_alone == 0, "every victim bound the id its killed predecessor held "
           "and worked until it was killed: %u did not bind, %u ended by themselves, of %u", s.vs.bind_failures,
           s.vs.died_alone, s.vs.started[0] + s.vs.started[1]);
        /* The last victim was never found dead (nothing called it since): binding its id finds
         * it so, as the next victim would. */
        ec_hr = initialize_once(TRUE, VICTIM_EC_ID, &took);
        sha_hr = initialize_once(FALSE, VICTIM_SHA_ID, &took);
        ok(ec_hr == S_OK && sha_hr == S_OK, "the victims' ids are free once their last holders are dead: %#lx, %#lx",
           ec_hr, sha_hr);
    }
    else
        diag("faults: none");

    for (unsigned n = 0; n < s.lifetime_count; ++n)
        print_lifetime(&s, n);
    if (sampled_warm && last->cycles > warm_cycles)
    {
        double per = 10000.0 / ((double)(last->cycles - warm_cycles) * clients);
        LONG kills_after = last->kills_to - warm_kills;

        diag("last service lifetime, from its warm-up (%u cycles in) to the end: %u cycles, %ld kills", warm_cycles,
             last->cycles - warm_cycles, kills_after);
        diag("service committed memory: %I64u bytes after warm-up, %I64u at the end: %+.0f bytes per 10,000 EC "
             "cycles", warm.commitBytes, end.commitBytes, ((double)end.commitBytes - (double)warm.commitBytes) * per);
        diag("service heap bytes in use: %I64u after warm-up, %I64u at the end: %+.0f bytes per 10,000 EC cycles",
             warm.heapBytes, end.heapBytes, ((double)end.heapBytes - (double)warm.heapBytes) * per);
        diag("service handles: %lu after warm-up, %lu at the end: %+.1f per 10,000 EC cycles; threads %lu -> %lu",
             warm.handles, end.handles, ((double)end.handles - (double)warm.handles) * per, warm.threads,
             end.threads);
        /* Generous, so that no timing makes it fail: a leak of a handle or of a few hundred bytes
         * per EC cycle would still show here many times over. Wine leaves an Event handle per
         * killed client (its broken RPC connection): two per kill are allowed, as t_random_kills
         * does. */
        ok(end.handles <= warm.handles + 20 + 2 * (UINT32)kills_after, "the service's handle count stays flat: "
           "%lu -> %lu with %ld kills", warm.handles, end.handles, kills_after);
        ok(end.commitBytes <= warm.commitBytes + 4u * 1024 * 1024 + (UINT64)(last->cycles - warm_cycles) * clients * 64,
           "the service's committed memory stays flat: %I64u -> %I64u", warm.commitBytes, end.commitBytes);
    }
    else
        ok(0, "the last service lifetime was long enough to measure after a warm-up: %u cycles", last->cycles);

    INapSystemHealthAgentBinding_Uninitialize(s.d.sha);
    INapClientManagement_UnregisterSystemHealthAgent(s.d.management, SHA_ID);
    for (int i = 0; i < clients; ++i)
        INapClientManagement_UnregisterEnforcementClient(s.d.management, EC_BASE + i);
    if (s.victims_on)
    {
        INapClientManagement_UnregisterEnforcementClient(s.d.management, VICTIM_EC_ID);
        INapClientManagement_UnregisterSystemHealthAgent(s.d.management, VICTIM_SHA_ID);
    }
    /* Every EC process unbound and released its objects before it exited, the SHA requests were
     * all given back, and the connections of a killed EC victim are disconnected once it was found
     * dead (on a pool thread, hence the wait): the service's own objects are what they were before
     * the soak. */
    for (int tries = 0; tries < 40; ++tries)
    {
        hr = INapAgentDiagnostics_GetResourceUsage(s.d.diagnostics, &final);
        if (FAILED(hr) || final.connections <= initial.connections)
            break;
        Sleep(50);
    }
    ok(hr == S_OK && final.ecBindings == initial.ecBindings && final.connections == initial.connections
           && final.shaRequests == initial.shaRequests && final.shaBindings == initial.shaBindings,
       "no object of the service's outlived the soak: EC bindings %lu -> %lu, connections %lu -> %lu, SHA "
       "requests %lu -> %lu, SHA bindings %lu -> %lu", initial.ecBindings, final.ecBindings, initial.connections,
       final.connections, initial.shaRequests, final.shaRequests, initial.shaBindings, final.shaBindings);
    hr = reset_retry_policy(s.d.diagnostics);
    ok(hr == S_OK, "retry policy back to the defaults: got %#lx", hr);
    driver_release(&s.d);
    CoUninitialize();
    return tap_done();
}
