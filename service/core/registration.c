/* Deep copies of registrations: the core never keeps a pointer into a caller's memory, because
 * the COM side frees its strings as soon as the call returns. */
#include <stdlib.h>
#include <string.h>

#include "registration.h"

static int text_valid(const struct nap_text *t)
{
    return t->length <= NAP_MAX_STRING_LENGTH && (t->length == 0 || t->chars);
}

int nap_identity_equal(const struct nap_identity *a, const struct nap_identity *b)
{
    return a->sid_size && a->sid_size == b->sid_size && !memcmp(a->sid, b->sid, a->sid_size);
}

nap_result nap_registration_validate(const struct nap_registration *r)
{
    if (!r)
        return NAP_RESULT_NULL_POINTER;
    if (r->kind != NAP_COMPONENT_ENFORCEMENT_CLIENT && r->kind != NAP_COMPONENT_SYSTEM_HEALTH_AGENT)
        return NAP_RESULT_INVALID_ARG;
    if (!text_valid(&r->friendly_name) || !text_valid(&r->description)
        || !text_valid(&r->version) || !text_valid(&r->vendor_name)
        || r->owner.sid_size > NAP_MAX_SID_BYTES)
        return NAP_RESULT_INVALID_ARG;
    return NAP_RESULT_OK;
}

static int text_copy(struct nap_text *to, const struct nap_text *from)
{
    to->length = from->length;
    to->chars = NULL;
    if (!from->length)
        return 1;
    to->chars = malloc(from->length * sizeof(*to->chars));
    if (!to->chars)
        return 0;
    memcpy(to->chars, from->chars, from->length * sizeof(*to->chars));
    return 1;
}

nap_result nap_registration_copy(struct nap_registration *to, const struct nap_registration *from)
{
    *to = *from;
    to->friendly_name.chars = to->description.chars = NULL;
    to->version.chars = to->vendor_name.chars = NULL;
    if (!text_copy(&to->friendly_name, &from->friendly_name)
        || !text_copy(&to->description, &from->description)
        || !text_copy(&to->version, &from->version)
        || !text_copy(&to->vendor_name, &from->vendor_name)) {
        nap_registration_clear(to);
        return NAP_RESULT_OUT_OF_MEMORY;
    }
    return NAP_RESULT_OK;
}

void nap_registration_clear(struct nap_registration *r)
{
    free(r->friendly_name.chars);
    free(r->description.chars);
    free(r->version.chars);
    free(r->vendor_name.chars);
    memset(r, 0, sizeof(*r));
}

void nap_registrations_free(struct nap_registration *array, size_t count)
{
    for (size_t i = 0; i < count; ++i)
        nap_registration_clear(&array[i]);
    free(array);
}
