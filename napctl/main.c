/* napctl.exe: the administrator's command line for napagent. This file reads the command line
 * and hands each command to its own file; every command initializes COM itself through run(). */
#include "napctl.h"
#include <locale.h>
#include <stdio.h>

static void usage(FILE *out)
{
    fwprintf(out,
             L"Usage: napctl COMMAND\n"
             L"  ping [COUNT]                 time COUNT (default 10) round trips to the napagent service\n"
             L"  enforcement enable|disable ID\n"
             L"                               let a registered enforcement client bind (Initialize) or\n"
             L"                               refuse it; ID decimal or 0x-hex (what 'netsh nap client set\n"
             L"                               enforcement ID = 79617 ADMIN = \"ENABLE\"' does on Windows)\n"
             L"  show state [--json]          the agent's state: isolation, enforcement clients and system\n"
             L"                               health agents, pending health changes and their retries\n"
             L"  show config [--json]         the Parameters values: configured, default and in effect\n"
             L"  show usage [--json]          the service's memory, handles, threads and the objects\n"
             L"                               clients hold (sample twice to see whether it grows)\n"
             L"  set retry NAME=VALUE ...     change the retry policy now and for good; NAME one of\n"
             L"                               RetryInitialDelayMs, RetryBackoffFactorPermille,\n"
             L"                               RetryMaxDelayMs, RetryJitterPermille, RetryWarningAttempts\n"
             L"  --version                    print the version\n"
             L"  --help                       print this help\n"
             L"Exit codes: 0 ok, 1 failed, 2 bad command line, 3 service not installed, 4 service not running.\n");
}

enum command
{
    COMMAND_PING,
    COMMAND_ENFORCEMENT,
    COMMAND_SHOW_STATE,
    COMMAND_SHOW_CONFIG,
    COMMAND_SHOW_USAGE,
    COMMAND_SET_RETRY,
};

struct invocation
{
    enum command command;
    int count;          /* ping */
    UINT32 id;          /* enforcement */
    BOOL enable, json;
    int argc;           /* set retry: the NAME=VALUE words */
    WCHAR **argv;
};

static int run(const struct invocation *in)
{
    int result = NAPCTL_FAILED;

    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)))
        return NAPCTL_FAILED;
    switch (in->command)
    {
    case COMMAND_PING: result = command_ping(in->count); break;
    case COMMAND_ENFORCEMENT: result = command_enforcement(in->id, in->enable); break;
    case COMMAND_SHOW_STATE: result = command_show_state(in->json); break;
    case COMMAND_SHOW_CONFIG: result = command_show_config(in->json); break;
    case COMMAND_SHOW_USAGE: result = command_show_usage(in->json); break;
    case COMMAND_SET_RETRY: result = command_set_retry(in->argc, in->argv); break;
    }
    CoUninitialize();
    return result;
}

static int parse_ping(int argc, WCHAR **argv, struct invocation *in)
{
    WCHAR *end = NULL;
    long count = argc == 3 ? wcstol(argv[2], &end, 10) : 10;

    if (argc > 3 || (end && *end) || count < 1 || count > 1000000)
    {
        fwprintf(stderr, L"napctl: ping COUNT must be a number from 1 to 1000000, got '%ls'\n",
                 argc >= 3 ? argv[2] : L"");
        return NAPCTL_USAGE;
    }
    in->command = COMMAND_PING;
    in->count = (int)count;
    return NAPCTL_OK;
}

static int parse_enforcement(int argc, WCHAR **argv, struct invocation *in)
{
    in->enable = argc >= 3 && !wcscmp(argv[2], L"enable");
    if (argc != 4 || (!in->enable && wcscmp(argv[2], L"disable")))
    {
        fwprintf(stderr, L"napctl: usage: napctl enforcement enable|disable ID\n");
        return NAPCTL_USAGE;
    }
    if (!parse_uint32(argv[3], &in->id))
    {
        fwprintf(stderr, L"napctl: an enforcement client ID is a number from 0 to 4294967295, decimal "
                         L"(79617) or hexadecimal (0x13701); got '%ls'\n", argv[3]);
        return NAPCTL_USAGE;
    }
    in->command = COMMAND_ENFORCEMENT;
    return NAPCTL_OK;
}

static int parse_show(int argc, WCHAR **argv, struct invocation *in)
{
    BOOL state = argc >= 3 && !wcscmp(argv[2], L"state");
    BOOL config = argc >= 3 && (!wcscmp(argv[2], L"config") || !wcscmp(argv[2], L"configuration"));
    BOOL usage = argc >= 3 && !wcscmp(argv[2], L"usage");

    in->json = argc == 4 && !wcscmp(argv[3], L"--json");
    if ((!state && !config && !usage) || argc > 4 || (argc == 4 && !in->json))
    {
        fwprintf(stderr, L"napctl: usage: napctl show state|config|usage [--json]\n");
        return NAPCTL_USAGE;
    }
    in->command = state ? COMMAND_SHOW_STATE : config ? COMMAND_SHOW_CONFIG : COMMAND_SHOW_USAGE;
    return NAPCTL_OK;
}

static int parse_set(int argc, WCHAR **argv, struct invocation *in)
{
    if (argc < 3 || wcscmp(argv[2], L"retry"))
    {
        fwprintf(stderr, L"napctl: usage: napctl set retry NAME=VALUE ...\n");
        return NAPCTL_USAGE;
    }
    in->command = COMMAND_SET_RETRY;
    in->argc = argc - 3;
    in->argv = argv + 3;
    return NAPCTL_OK;
}

int wmain(int argc, WCHAR **argv)
{
    struct invocation in = {0};
    int result;

    /* Friendly names are Unicode: wprintf converts them to the console's code page only with
     * the user's locale (in the "C" locale every non-ASCII letter is lost). */
    setlocale(LC_CTYPE, "");
    if (argc >= 2 && (!wcscmp(argv[1], L"--help") || !wcscmp(argv[1], L"/?")))
    {
        usage(stdout);
        return NAPCTL_OK;
    }
    if (argc == 2 && !wcscmp(argv[1], L"--version"))
    {
        wprintf(L"napctl %hs\n", NAPAGENT_VERSION);
        return NAPCTL_OK;
    }
    if (argc < 2)
    {
        fwprintf(stderr, L"napctl: a command is needed\n");
        usage(stderr);
        return NAPCTL_USAGE;
    }
    if (!wcscmp(argv[1], L"ping"))
        result = parse_ping(argc, argv, &in);
    else if (!wcscmp(argv[1], L"enforcement"))
        result = parse_enforcement(argc, argv, &in);
    else if (!wcscmp(argv[1], L"show"))
        result = parse_show(argc, argv, &in);
    else if (!wcscmp(argv[1], L"set"))
        result = parse_set(argc, argv, &in);
    else
    {
        fwprintf(stderr, L"napctl: unknown command '%ls'\n", argv[1]);
        usage(stderr);
        return NAPCTL_USAGE;
    }
    return result ? result : run(&in);
}
