/* What regsvr32 adds beyond the proxy/stub keys: InprocServer32 entries for the forwarded
 * classes (class_registration.c says who owns which key). */
#include "qagent.h"
#include "class_registration.h"

HRESULT inproc_register(HINSTANCE module)
{
    WCHAR dll_path[MAX_PATH];

    if (!class_registration_module_path(module, dll_path))
        return E_FAIL;
    for (int i = 0; forwarded_classes[i]; i++)
    {
        HRESULT hr = class_registration_add(forwarded_classes[i], forwarded_class_names[i], dll_path);
        if (FAILED(hr))
            return hr;
    }
    return S_OK;
}

HRESULT inproc_unregister(void)
{
    for (int i = 0; forwarded_classes[i]; i++)
        class_registration_remove(forwarded_classes[i]);
    return S_OK;
}
