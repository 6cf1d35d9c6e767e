/* napctl.exe: the administrator's command line for napagent. It talks to the service through
 * napagent's private INapAgentDiagnostics interface. Declarations shared by its files. */
#ifndef NAPCTL_H
#define NAPCTL_H

#include <windows.h>
#include <napagentdiag.h>

enum napctl_exit
{
    NAPCTL_OK = 0,
    NAPCTL_FAILED = 1,
    NAPCTL_USAGE = 2,
    NAPCTL_NOT_INSTALLED = 3,
    NAPCTL_NOT_RUNNING = 4,
};

/* connection.c: the service's administration object, or the exit code that says (on stderr)
 * why it cannot be reached. COM must be initialized. napctl never starts the service. */
int connect_diagnostics(INapAgentDiagnostics **diagnostics);

/* enforcement.c: a whole number in 0..4294967295 as administrators write ids, decimal (79617) or
 * 0x-hex (0x13701). */
BOOL parse_uint32(const WCHAR *text, UINT32 *value);

/* show_config.c: INapAgentDiagnostics::GetConfiguration, saying on stderr why it failed; free the
 * result with free_parameters (diagnostics_results.h). */
int get_configuration(INapAgentDiagnostics *diagnostics, NapAgentParameter **parameters, UINT32 *count);

/* One command each; the exit code is the result. */
int command_ping(int count);
int command_enforcement(UINT32 id, BOOL enable);
int command_show_state(BOOL json);
int command_show_config(BOOL json);
int command_show_usage(BOOL json);
/* argv: the NAME=VALUE words after "set retry". */
int command_set_retry(int argc, WCHAR **argv);

#endif
