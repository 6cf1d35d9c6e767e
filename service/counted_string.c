/* CountedString helpers shared by the COM adapters (see counted_string.h). */
#include "counted_string.h"

HRESULT counted_set(CountedString *to, const WCHAR *chars, size_t length)
{
    to->length = 0;
    if (!(to->string = CoTaskMemAlloc((length + 1) * sizeof(WCHAR))))
        return E_OUTOFMEMORY;
    if (length)
        memcpy(to->string, chars, length * sizeof(WCHAR));
    to->string[length] = 0;
    to->length = (UINT16)length;
    return S_OK;
}

void counted_clear(CountedString *s)
{
    CoTaskMemFree(s->string);
    s->string = NULL;
    s->length = 0;
}

HRESULT counted_copy(CountedString *to, const CountedString *from)
{
    UINT16 length = 0;

    to->length = 0;
    to->string = NULL;
    if (from->length > maxStringLength || (from->length && !from->string))
        return E_INVALIDARG;
    while (length < from->length && from->string[length])
        ++length;
    return counted_set(to, from->string, length);
}

HRESULT counted_string_new(const WCHAR *text, CountedString **out)
{
    CountedString *s = CoTaskMemAlloc(sizeof(*s));
    HRESULT hr;

    *out = NULL;
    if (!s)
        return E_OUTOFMEMORY;
    if (FAILED(hr = counted_set(s, text, wcslen(text))))
    {
        CoTaskMemFree(s);
        return hr;
    }
    *out = s;
    return S_OK;
}

void counted_string_free(CountedString **s)
{
    if (!*s)
        return;
    counted_clear(*s);
    CoTaskMemFree(*s);
    *s = NULL;
}

HRESULT counted_from_utf8(CountedString *to, const char *text)
{
    WCHAR wide[maxStringLength + 1];
    int length = 0;

    to->length = 0;
    to->string = NULL;
    /* A URL from the network that does not convert, or does not fit maxStringLength, is left out
     * rather than cut: half a URL sends the user somewhere else. */
    if (*text)
        length = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text, -1, wide, ARRAYSIZE(wide));
    length = length > 0 ? length - 1 : 0;
    return counted_set(to, wide, (size_t)length);
}
