/* Forced into widl's generated proxy code: MinGW-w64 10's unknwn.h declares these three IUnknown
 * proxy helpers only for C++, but the C proxy tables reference them (they live in rpcrt4). */
#ifndef NAPAGENT_PROXY_PROTOTYPES_H
#define NAPAGENT_PROXY_PROTOTYPES_H
#include <unknwn.h>
#ifndef __cplusplus
HRESULT STDMETHODCALLTYPE IUnknown_QueryInterface_Proxy(IUnknown *This, REFIID riid, void **ppvObject);
ULONG STDMETHODCALLTYPE IUnknown_AddRef_Proxy(IUnknown *This);
ULONG STDMETHODCALLTYPE IUnknown_Release_Proxy(IUnknown *This);
#endif
#endif
