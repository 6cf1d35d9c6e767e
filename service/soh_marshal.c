#include "soh_marshal.h"
#include "napagent.h"
#include "soh_attributes.h"
#include <stdlib.h>

HRESULT soh_marshal_pack(const SoH *soh, BOOL is_request, UINT32 expected_id, uint8_t **wire, size_t *size)
{
    struct soh_attribute views[SOH_MAX_ATTRIBUTE_COUNT];
    struct soh_writer writer;
    UINT32 id;
    uint8_t *bytes;
    size_t length;

    *wire = NULL;
    *size = 0;
    if (!soh || (soh->count && !soh->attributes))
        return E_POINTER;
    if (soh->count > SOH_MAX_ATTRIBUTE_COUNT)
        return E_INVALIDARG;
    for (UINT16 i = 0; i < soh->count; ++i)
    {
        if (soh->attributes[i].size && !soh->attributes[i].value)
            return E_POINTER;
        views[i].type = soh->attributes[i].type;
        views[i].size = soh->attributes[i].size;
        views[i].value = soh->attributes[i].value;
    }
    if (soh_attributes_check_structure(views, soh->count, is_request, &id) != SOH_OK || id != expected_id)
        return E_INVALIDARG;
    length = soh_attributes_wire_size(views, soh->count);
    /* More than a whole network SoH can carry would never reach a server. */
    if (length > SOH_MAX_NETWORK_SIZE)
        return E_INVALIDARG;
    if (!(bytes = malloc(length)))
        return E_OUTOFMEMORY;
    writer = soh_writer_make(bytes, length);
    if (soh_attributes_encode(&writer, views, soh->count) != SOH_OK || writer.overflow)
    {
        free(bytes);
        return E_INVALIDARG;
    }
    *wire = bytes;
    *size = writer.length;
    return S_OK;
}

HRESULT soh_marshal_copy(const SoH *soh, SoH **out)
{
    SoH *copy;

    *out = NULL;
    if (!(copy = CoTaskMemAlloc(sizeof(*copy))))
        return E_OUTOFMEMORY;
    copy->count = 0;
    copy->attributes = soh->count ? CoTaskMemAlloc(soh->count * sizeof(*copy->attributes)) : NULL;
    if (soh->count && !copy->attributes)
    {
        CoTaskMemFree(copy);
        return E_OUTOFMEMORY;
    }
    for (UINT16 i = 0; i < soh->count; ++i)
    {
        SoHAttribute *a = &copy->attributes[i];

        *a = soh->attributes[i];
        if (a->size && !(a->value = CoTaskMemAlloc(a->size)))
        {
            soh_marshal_free(copy);
            return E_OUTOFMEMORY;
        }
        if (!a->size)
            a->value = NULL;
        else
            memcpy(a->value, soh->attributes[i].value, a->size);
        copy->count = i + 1;
    }
    *out = copy;
    return S_OK;
}

HRESULT soh_marshal_unpack(const uint8_t *wire, size_t size, SoH **out)
{
    struct soh_attribute views[SOH_MAX_ATTRIBUTE_COUNT];
    SoHAttribute attributes[SOH_MAX_ATTRIBUTE_COUNT];
    SoH borrowed;
    size_t count;

    *out = NULL;
    if (soh_attributes_decode(wire, size, views, ARRAYSIZE(views), &count) != SOH_OK)
        return NAP_E_INVALID_PACKET;
    for (size_t i = 0; i < count; ++i)
    {
        attributes[i].type = views[i].type;
        attributes[i].size = views[i].size;
        attributes[i].value = (BYTE *)views[i].value;
    }
    borrowed.count = (UINT16)count;
    borrowed.attributes = attributes;
    return soh_marshal_copy(&borrowed, out);
}

void soh_marshal_free(SoH *soh)
{
    if (!soh)
        return;
    for (UINT16 i = 0; i < soh->count; ++i)
        CoTaskMemFree(soh->attributes[i].value);
    CoTaskMemFree(soh->attributes);
    CoTaskMemFree(soh);
}
