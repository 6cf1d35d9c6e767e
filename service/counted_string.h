/* CountedString helpers for the COM adapters. Every string they make is CoTaskMemAlloc'd with
 * length + 1 WCHARs and its terminating NUL, also when empty, as the proxy/stub and Qutil's
 * Free* helpers expect. */
#ifndef NAPAGENT_COUNTED_STRING_H
#define NAPAGENT_COUNTED_STRING_H

#include <windows.h>
#include <naptypes.h>

/* to = a copy of chars[0..length). On failure to is {0, NULL}. */
HRESULT counted_set(CountedString *to, const WCHAR *chars, size_t length);
/* Frees the string and leaves {0, NULL}. */
void counted_clear(CountedString *s);
/* A caller's CountedString, validated and copied: E_INVALIDARG when length > maxStringLength or
 * a non-empty string is NULL. The text ends at length or at the first NUL, whichever comes first
 * (an NDR [string] ends at its NUL; what follows in the stub's buffer is not data). */
HRESULT counted_copy(CountedString *to, const CountedString *from);
/* to = text (UTF-8, NUL-terminated), or "" when it is not valid UTF-8 or longer than
 * maxStringLength characters. */
HRESULT counted_from_utf8(CountedString *to, const char *text);
/* A new CoTaskMemAlloc'd CountedString holding text (NUL-terminated); *out NULL on failure. */
HRESULT counted_string_new(const WCHAR *text, CountedString **out);
/* Frees what counted_string_new made and sets *s to NULL; *s may be NULL. */
void counted_string_free(CountedString **s);

#endif
