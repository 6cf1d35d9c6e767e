/* napctl's JSON output (see json_writer.h). */
#include "json_writer.h"

void json_init(struct json_writer *json, FILE *out)
{
    memset(json, 0, sizeof(*json));
    json->out = out;
}

static void indent(struct json_writer *json)
{
    fputc('\n', json->out);
    for (int i = 0; i < json->depth; i++)
        fputs("  ", json->out);
}

static void escaped(FILE *out, const WCHAR *text, size_t length)
{
    fputc('"', out);
    for (size_t i = 0; i < length; i++)
    {
        WCHAR c = text[i];

        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", (char)c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c == '\r')
            fputs("\\r", out);
        else if (c == '\t')
            fputs("\\t", out);
        else if (c < 0x20 || c > 0x7e)
            fprintf(out, "\\u%04x", (unsigned)c);
        else
            fputc((char)c, out);
    }
    fputc('"', out);
}

/* The separator, indentation and key every member starts with. */
static void member(struct json_writer *json, const char *key)
{
    if (json->depth > 0)
    {
        if (json->has_members[json->depth])
            fputc(',', json->out);
        json->has_members[json->depth] = TRUE;
        indent(json);
    }
    /* Keys are napctl's own ASCII names: nothing to escape. */
    if (key)
        fprintf(json->out, "\"%s\": ", key);
}

static void open_container(struct json_writer *json, const char *key, char bracket)
{
    member(json, key);
    fputc(bracket, json->out);
    if (json->depth + 1 < JSON_MAX_DEPTH)
        json->depth++;
    json->has_members[json->depth] = FALSE;
}

static void close_container(struct json_writer *json, char bracket)
{
    BOOL had_members = json->has_members[json->depth];

    if (json->depth > 0)
        json->depth--;
    if (had_members)
        indent(json);
    fputc(bracket, json->out);
}

void json_begin_object(struct json_writer *json, const char *key) { open_container(json, key, '{'); }
void json_end_object(struct json_writer *json) { close_container(json, '}'); }
void json_begin_array(struct json_writer *json, const char *key) { open_container(json, key, '['); }
void json_end_array(struct json_writer *json) { close_container(json, ']'); }

void json_string(struct json_writer *json, const char *key, const WCHAR *text, size_t length)
{
    member(json, key);
    escaped(json->out, text ? text : L"", text ? length : 0);
}

void json_text(struct json_writer *json, const char *key, const WCHAR *text)
{
    json_string(json, key, text, text ? wcslen(text) : 0);
}

void json_ascii(struct json_writer *json, const char *key, const char *text)
{
    WCHAR wide[128];
    int n = MultiByteToWideChar(CP_UTF8, 0, text, -1, wide, ARRAYSIZE(wide));

    json_string(json, key, wide, n > 0 ? (size_t)n - 1 : 0);
}

void json_int(struct json_writer *json, const char *key, long long value)
{
    member(json, key);
    fprintf(json->out, "%lld", value);
}

void json_uint(struct json_writer *json, const char *key, unsigned long long value)
{
    member(json, key);
    fprintf(json->out, "%llu", value);
}

void json_bool(struct json_writer *json, const char *key, BOOL value)
{
    member(json, key);
    fputs(value ? "true" : "false", json->out);
}

void json_null(struct json_writer *json, const char *key)
{
    member(json, key);
    fputs("null", json->out);
}

void json_finish(struct json_writer *json)
{
    fputc('\n', json->out);
    fflush(json->out);
}
