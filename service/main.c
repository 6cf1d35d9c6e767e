/* napagent.exe: the service, its installer and a console mode for debugging. */
#include "napagent.h"
#include <stdio.h>

static void usage(FILE *out)
{
    fwprintf(out,
             L"Usage: napagent.exe [COMMAND]\n"
             L"  (no command)  run as the napagent service (started by the service control manager)\n"
             L"  install       register the service, its COM classes, qagent.dll and the event source\n"
             L"  uninstall     stop the service and remove everything install registered\n"
             L"  --console     run the same server in the foreground (Ctrl+C stops it)\n"
             L"  --version     print the version\n"
             L"  --help        print this help\n");
}

int wmain(int argc, WCHAR **argv)
{
    if (argc == 1)
        return service_run_dispatcher();
    if (argc == 2)
    {
        if (!wcscmp(argv[1], L"install"))
            return install_service();
        if (!wcscmp(argv[1], L"uninstall"))
            return uninstall_service();
        if (!wcscmp(argv[1], L"--console"))
            return console_run();
        if (!wcscmp(argv[1], L"--version"))
        {
            wprintf(L"napagent %hs\n", NAPAGENT_VERSION);
            return EXIT_OK;
        }
        if (!wcscmp(argv[1], L"--help") || !wcscmp(argv[1], L"/?"))
        {
            usage(stdout);
            return EXIT_OK;
        }
    }
    fwprintf(stderr, L"napagent: unknown command line: '%ls'%ls\n", argv[1], argc > 2 ? L" ..." : L"");
    usage(stderr);
    return EXIT_USAGE;
}
