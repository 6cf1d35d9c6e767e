/* The machine's isolation state as the COM methods hand it out, every [out] allocated with
 * CoTaskMemAlloc. The state is computed over the connections ECs report; until connections are
 * tracked there are none, and the state over no connections is: not restricted, no probation
 * (probEndTime 0), no failure URL (an empty string: length 0, string "" rather than NULL, which
 * some clients would dereference), and no connections of unknown state. */
#include "napagent.h"
#include "isolation_info.h"

static HRESULT empty_url(CountedString *url)
{
    url->length = 0;
    url->string = CoTaskMemAlloc(sizeof(WCHAR));
    if (!url->string)
        return E_OUTOFMEMORY;
    url->string[0] = 0;
    return S_OK;
}

HRESULT isolation_info_get(IsolationInfo **info, BOOL *unknown_connections)
{
    IsolationInfo *out;

    if (!info || !unknown_connections)
        return E_POINTER;
    *info = NULL;
    out = CoTaskMemAlloc(sizeof(*out));
    if (!out)
        return E_OUTOFMEMORY;
    memset(out, 0, sizeof(*out));
    out->isolationState = isolationStateNotRestricted;
    if (FAILED(empty_url(&out->failureUrl)))
    {
        CoTaskMemFree(out);
        return E_OUTOFMEMORY;
    }
    *info = out;
    *unknown_connections = FALSE;
    return S_OK;
}

HRESULT isolation_info_ex_get(IsolationInfoEx **info, BOOL *unknown_connections)
{
    IsolationInfoEx *out;

    if (!info || !unknown_connections)
        return E_POINTER;
    *info = NULL;
    out = CoTaskMemAlloc(sizeof(*out));
    if (!out)
        return E_OUTOFMEMORY;
    memset(out, 0, sizeof(*out));
    out->isolationState = isolationStateNotRestricted;
    out->extendedIsolationState = extendedIsolationStateNoData;
    if (FAILED(empty_url(&out->failureUrl)))
    {
        CoTaskMemFree(out);
        return E_OUTOFMEMORY;
    }
    *info = out;
    *unknown_connections = FALSE;
    return S_OK;
}
