/* The class factory shared by napagent's servers: qagent.dll and qutil.dll in-process, and the
 * service's class objects (whose LockServer counts are kept but mean nothing to the SCM). */
#ifndef NAPAGENT_INPROC_FACTORY_H
#define NAPAGENT_INPROC_FACTORY_H

#include <windows.h>

/* Makes the object CreateInstance hands out (aggregation is refused before it is called). */
typedef HRESULT (*inproc_create_fn)(REFCLSID clsid, REFIID riid, void **out);

HRESULT inproc_factory_create(inproc_create_fn create, REFCLSID clsid, REFIID riid, void **out);
/* A factory is alive or LockServer holds the module: DllCanUnloadNow must answer S_FALSE. */
BOOL inproc_factories_in_use(void);

#endif
