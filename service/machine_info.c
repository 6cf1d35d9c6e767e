/* What the agent says about the machine in every SoH request's system SoH (MS-Machine-Inventory,
 * MS-MachineName, MS-Machine-Inventory-Ex). Read once: none of it changes while the service runs
 * (a rename takes effect at the next start, as on Windows). */
#include "machine_info.h" /* first: libuv wants winsock2.h before windows.h */
#include "napagent.h"

typedef LONG (WINAPI *rtl_get_version_fn)(OSVERSIONINFOEXW *);

static struct agent_machine_info info;
static INIT_ONCE once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK read_machine(INIT_ONCE *init, void *parameter, void **context)
{
    WCHAR name[256];
    DWORD length = ARRAYSIZE(name);
    OSVERSIONINFOEXW version;
    rtl_get_version_fn rtl_get_version;
    SYSTEM_INFO system;

    (void)init, (void)parameter, (void)context;
    memset(&version, 0, sizeof(version));
    version.dwOSVersionInfoSize = sizeof(version);
    if (GetComputerNameExW(ComputerNameDnsFullyQualified, name, &length) && length)
        WideCharToMultiByte(CP_UTF8, 0, name, -1, info.name, sizeof(info.name), NULL, NULL);
    info.name[sizeof(info.name) - 1] = 0;
    /* GetVersionEx answers what the manifest asks for; the kernel's own call tells the truth. */
    rtl_get_version = (rtl_get_version_fn)(void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "RtlGetVersion");
    if (rtl_get_version && rtl_get_version(&version) == 0)
    {
        info.os_major = version.dwMajorVersion;
        info.os_minor = version.dwMinorVersion;
        info.os_build = version.dwBuildNumber;
        info.sp_major = version.wServicePackMajor;
        info.sp_minor = version.wServicePackMinor;
        info.product_type = version.wProductType;
    }
    GetNativeSystemInfo(&system);
    info.architecture = system.wProcessorArchitecture;
    return TRUE;
}

const struct agent_machine_info *machine_info_get(void)
{
    InitOnceExecuteOnce(&once, read_machine, NULL, NULL);
    return &info;
}
