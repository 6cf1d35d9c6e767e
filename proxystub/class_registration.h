/* InprocServer32 registration of one class, shared by qagent.dll and qutil.dll (both do what
 * regsvr32 expects of an in-process server). */
#ifndef NAPAGENT_CLASS_REGISTRATION_H
#define NAPAGENT_CLASS_REGISTRATION_H

#include <windows.h>

/* HKCR\CLSID\{clsid} = name, InprocServer32 = dll_path, ThreadingModel = Both. */
HRESULT class_registration_add(REFCLSID clsid, const WCHAR *name, const WCHAR *dll_path);
/* Removes InprocServer32, and the class key once nothing else lives there. */
void class_registration_remove(REFCLSID clsid);
/* The full path of the module (for dll_path); FALSE if it does not fit MAX_PATH. */
BOOL class_registration_module_path(HINSTANCE module, WCHAR path[MAX_PATH]);

#endif
