/* qagent.dll: the NAP client-side DLL. It merges two things, as MIDL's merged proxy/stub
 * pattern allows: the proxy/stubs widl generated for every NAP interface (entry points renamed
 * with the Prx prefix), and in-process class factories for the documented NAP classes that hand
 * out the napagent service's out-of-process objects. */
#ifndef NAPAGENT_QAGENT_H
#define NAPAGENT_QAGENT_H

#include <windows.h>
#include "inproc_factory.h"

/* The classes whose in-process activation qagent.dll forwards to the service. */
extern const CLSID *const forwarded_classes[];
extern const WCHAR *const forwarded_class_names[];
BOOL is_forwarded_class(REFCLSID clsid);

/* The service's object for clsid, through COM (activation starts the service). */
HRESULT forward_to_service(REFCLSID clsid, REFIID riid, void **out);

HRESULT inproc_register(HINSTANCE module);
HRESULT inproc_unregister(void);

#endif
