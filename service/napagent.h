/* Private declarations shared by the napagent service's Windows adapter files. The NAP logic
 * lives in the platform-neutral core (service/core); these files host it: SCM, COM, registry. */
#ifndef NAPAGENT_SERVICE_H
#define NAPAGENT_SERVICE_H

#include <windows.h>

#define NAPAGENT_SERVICE_NAME L"napagent"
#define NAPAGENT_DISPLAY_NAME L"Network Access Protection Agent"
#define NAPAGENT_DESCRIPTION L"Tracks the health state of this computer for network access " \
    L"protection enforcement clients and system health agents (napagent, an open NAP agent)."
#define NAPAGENT_QAGENT_DLL L"qagent.dll"

/* Exit codes of napagent.exe's command line. */
enum napagent_exit
{
    EXIT_OK = 0,
    EXIT_STEP_FAILED = 1,
    EXIT_USAGE = 2,
};

/* A class the service registers with COM, and how to make one instance of it. */
struct served_class
{
    const CLSID *clsid;
    const WCHAR *name;
    HRESULT (*create)(REFIID riid, void **out);
};
extern const struct served_class served_classes[];
extern const GUID napagent_appid;

/* Every COM object's constructor. */
HRESULT ec_binding_create(REFIID riid, void **out);
HRESULT sha_binding_create(REFIID riid, void **out);
HRESULT client_management_create(REFIID riid, void **out);
HRESULT agent_diagnostics_create(REFIID riid, void **out);
/* Makes an object of the served class clsid (the shared class factory's create function,
 * proxystub/inproc_factory.h); CLASS_E_CLASSNOTAVAILABLE for a class not in the table. */
HRESULT served_class_create(REFCLSID clsid, REFIID riid, void **out);

/* The server: everything between "COM initialized" and "class objects revoked". Reports
 * progress through the callback so the SCM sees checkpoints while it starts. */
typedef void (*server_progress_fn)(void);
HRESULT server_start(server_progress_fn progress);
void server_stop(server_progress_fn progress);

/* The agent core hosted by the service (agent_host.c): created and started before the class
 * objects are registered, stopped after they are revoked, never freed (the process exits after
 * the stop; a call arriving meanwhile is answered NAP_E_SERVICE_NOT_RUNNING). agent_host_core()
 * is the core for every COM object; it is never NULL while a COM call can arrive. */
struct agent;
HRESULT agent_host_start(void);
/* How long a stop waits for calls into clients, then for the bindings they held to be dropped.
 * With COM's shutdown (server.c) they make the stop's bound, under the wait hint it reports. */
#define AGENT_HOST_STOP_CLIENTS_LIMIT_MS 4000u
#define AGENT_HOST_STOP_BINDINGS_LIMIT_MS 1000u
#define COM_SHUTDOWN_LIMIT_MS 2000u
/* Stops the core: calls answer NAP_E_SERVICE_NOT_RUNNING from then on, every client released.
 * FALSE when a call into a client still ran at the limit: the stop went on without it (logged,
 * event 123) and that client is released, if ever, on the core's own threads. */
BOOL agent_host_stop(void);
struct agent *agent_host_core(void);
/* Joins the calling thread to the MTA once (the core's workers before their first COM call). */
void agent_host_join_com(void);

/* Registrations are kept under the service's key, so they survive restarts. */
#define NAPAGENT_REGISTRATIONS_KEY L"SYSTEM\\CurrentControlSet\\Services\\napagent\\Registrations"

int service_run_dispatcher(void);
int console_run(void);
int install_service(void);
int uninstall_service(void);

/* Diagnostic log: C:\ProgramData\napagent\napagent.log (the event log is for administrators'
 * events; this file is for whoever debugs the service). Written only where nobody but SYSTEM
 * and administrators can have redirected it, never past its cap (service_log.c,
 * docs/operations.md). */
#define SERVICE_LOG_FILE_NAME L"napagent.log"
/* Rotation keeps napagent.log.1 and napagent.log.2. */
#define SERVICE_LOG_GENERATIONS 2
/* The cap of napagent.log (Parameters\LogMaxBytes): default, minimum, maximum. */
#define SERVICE_LOG_DEFAULT_MAX_BYTES (4u << 20)
#define SERVICE_LOG_MIN_MAX_BYTES (64u << 10)
#define SERVICE_LOG_MAX_MAX_BYTES (256u << 20)
/* The folder's DACL, protected (nothing inherited from %ProgramData%): SYSTEM and Administrators
 * full control, Authenticated Users read, each inherited by the files and folders made in it.
 * install adds the owner, Administrators. */
#define SERVICE_LOG_FOLDER_DACL L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FR;;;AU)"
void service_log_open(void);
/* At the agent's start, once the event log is open: the cap, and the report (event 126) of a
 * file service_log_open refused. */
void service_log_configure(DWORD max_bytes);
void service_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void service_log_close(void);
/* The log's folder, %ProgramData%\napagent (CSIDL_COMMON_APPDATA); FALSE when unknown. */
BOOL service_log_folder(WCHAR path[MAX_PATH]);
/* Whether the file or folder open in `handle` (opened with FILE_FLAG_OPEN_REPARSE_POINT, with
 * READ_CONTROL and FILE_READ_ATTRIBUTES) may be written by the service: no reparse point, a
 * folder when `folder` and otherwise a file with one name, owned by SYSTEM, Administrators or the
 * calling process's account. FALSE with why, for an administrator. */
BOOL service_log_check_handle(HANDLE handle, BOOL folder, WCHAR *why, size_t why_len);

#endif
