/* Helper of tests/wine/log_file.t (not a test itself):
 *   probe_log_file acl folder|file PATH   prints PATH's owner and ACEs as Windows reports them and
 *                                         what is wrong with them (log_acl.h); exit 0 when nothing
 *   probe_log_file flood FIRST COUNT      COUNT calls that each make the service log one line:
 *                                         SetEnforcementClientEnabled(id, TRUE) for the ids FIRST,
 *                                         FIRST+1, ... (not registered: the service logs
 *                                         "enforcement client ID enable: 0x8027000a"); exit 0
 *                                         when every call was answered
 *   probe_log_file hold PATH UNTIL        keeps PATH open for reading, without delete sharing,
 *                                         until the file UNTIL exists (at most 60 s; "holding" once
 *                                         it is open); exit 0 when it could open PATH
 * Exit 2 for a bad command line. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <napagentclasses.h>
#include <napagentdiag.h>
#include "log_acl.h"

static int acl(BOOL folder, const WCHAR *path)
{
    struct log_acl acl;
    BOOL good = log_acl_check(path, folder, &acl);

    printf("owner: %s\naces: %s\nproblems: %s\n", acl.owner, acl.aces, good ? "none" : acl.problems);
    return good ? 0 : 1;
}

static int flood(UINT32 first, UINT32 count)
{
    INapAgentDiagnostics *diagnostics = NULL;
    HRESULT hr = CoCreateInstance(&CLSID_NapAgentDiagnostics, NULL, CLSCTX_LOCAL_SERVER, &IID_INapAgentDiagnostics,
                                  (void **)&diagnostics);
    UINT32 done = 0;

    if (FAILED(hr))
    {
        printf("activation failed: 0x%08lx\n", hr);
        return 1;
    }
    for (; done < count; done++)
    {
        hr = INapAgentDiagnostics_SetEnforcementClientEnabled(diagnostics, first + done, TRUE);
        if (hr != NAP_E_ID_NOT_FOUND)
            break;
    }
    printf("flood: %u of %u calls answered NAP_E_ID_NOT_FOUND, last 0x%08lx\n", done, count, hr);
    INapAgentDiagnostics_Release(diagnostics);
    return done == count ? 0 : 1;
}

static int hold(const WCHAR *path, const WCHAR *until)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);

    if (file == INVALID_HANDLE_VALUE)
    {
        printf("cannot open: error %lu\n", GetLastError());
        return 1;
    }
    printf("holding\n");
    fflush(stdout);
    for (int waited = 0; waited < 60000 && GetFileAttributesW(until) == INVALID_FILE_ATTRIBUTES; waited += 50)
        Sleep(50);
    CloseHandle(file);
    return 0;
}

int main(int argc, char **argv)
{
    WCHAR path[MAX_PATH] = L"", until[MAX_PATH] = L"";
    int result = 2;

    if (argc == 4)
    {
        MultiByteToWideChar(CP_ACP, 0, argv[!strcmp(argv[1], "acl") ? 3 : 2], -1, path, MAX_PATH);
        MultiByteToWideChar(CP_ACP, 0, argv[3], -1, until, MAX_PATH);
    }
    if (argc == 4 && !strcmp(argv[1], "acl") && (!strcmp(argv[2], "folder") || !strcmp(argv[2], "file")))
        return acl(!strcmp(argv[2], "folder"), path);
    if (argc == 4 && !strcmp(argv[1], "hold"))
        return hold(path, until);
    if (argc == 4 && !strcmp(argv[1], "flood"))
    {
        CoInitializeEx(NULL, COINIT_MULTITHREADED);
        result = flood(strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0));
        CoUninitialize();
        return result;
    }
    fprintf(stderr, "usage: probe_log_file acl folder|file PATH | flood FIRST COUNT | hold PATH UNTIL\n");
    return result;
}
