/* A small JSON writer for napctl's --json output: pretty-printed, keys in the order written,
 * strings escaped to pure ASCII (\uXXXX beyond it), so the output survives any console code
 * page. Members are written with a key inside objects and with key NULL inside arrays. */
#ifndef NAPCTL_JSON_WRITER_H
#define NAPCTL_JSON_WRITER_H

#include <windows.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json_writer
{
    FILE *out;
    int depth;
    BOOL has_members[JSON_MAX_DEPTH];
};

void json_init(struct json_writer *json, FILE *out);
void json_begin_object(struct json_writer *json, const char *key);
void json_end_object(struct json_writer *json);
void json_begin_array(struct json_writer *json, const char *key);
void json_end_array(struct json_writer *json);
/* length UTF-16 units of text (a CountedString may hold NULs; they are escaped). */
void json_string(struct json_writer *json, const char *key, const WCHAR *text, size_t length);
void json_text(struct json_writer *json, const char *key, const WCHAR *text); /* NUL-terminated */
void json_ascii(struct json_writer *json, const char *key, const char *text);
void json_int(struct json_writer *json, const char *key, long long value);
void json_uint(struct json_writer *json, const char *key, unsigned long long value);
void json_bool(struct json_writer *json, const char *key, BOOL value);
void json_null(struct json_writer *json, const char *key);
/* Ends the document with a newline. */
void json_finish(struct json_writer *json);

#endif
