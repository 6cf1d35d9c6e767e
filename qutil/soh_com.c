/* SoH (the COM structure) ⇄ the codec's attribute views. An SoH handed out is one CoTaskMem block
 * for the struct, one for the attribute array and one per value, as FreeSoH (and every COM
 * client) expects of [out] memory. */
#include "qutil.h"

HRESULT soh_views_from_com(const SoH *soh, struct soh_attribute *views, UINT16 *count)
{
    if (soh->count > SOH_MAX_ATTRIBUTE_COUNT || (soh->count && !soh->attributes))
        return NAP_E_INVALID_PACKET;
    for (UINT16 i = 0; i < soh->count; i++)
    {
        views[i].type = soh->attributes[i].type;
        views[i].size = soh->attributes[i].size;
        views[i].value = soh->attributes[i].value;
    }
    *count = soh->count;
    return S_OK;
}

HRESULT soh_to_com(const struct soh_attribute *views, UINT16 count, SoH **out)
{
    SoH *soh = CoTaskMemAlloc(sizeof(*soh));

    *out = NULL;
    if (!soh)
        return E_OUTOFMEMORY;
    soh->count = 0;
    soh->attributes = count ? CoTaskMemAlloc(count * sizeof(*soh->attributes)) : NULL;
    if (count && !soh->attributes)
    {
        CoTaskMemFree(soh);
        return E_OUTOFMEMORY;
    }
    for (; soh->count < count; soh->count++)
    {
        SoHAttribute *a = &soh->attributes[soh->count];

        a->type = views[soh->count].type;
        a->size = views[soh->count].size;
        a->value = NULL;
        if (a->size && !(a->value = CoTaskMemAlloc(a->size)))
        {
            soh_free_com(soh);
            return E_OUTOFMEMORY;
        }
        if (a->size)
            memcpy(a->value, views[soh->count].value, a->size);
    }
    *out = soh;
    return S_OK;
}

void soh_free_com(SoH *soh)
{
    if (!soh)
        return;
    for (UINT16 i = 0; soh->attributes && i < soh->count; i++)
        CoTaskMemFree(soh->attributes[i].value);
    CoTaskMemFree(soh->attributes);
    CoTaskMemFree(soh);
}
