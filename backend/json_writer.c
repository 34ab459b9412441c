#include "backend/json_writer.h"

#include "backend/utf8.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

void ln_json_init(ln_json_writer *writer, FILE *out)
{
    memset(writer, 0, sizeof *writer);
    writer->out = out;
}

static void ln_json_newline_indent(ln_json_writer *writer)
{
    fputc('\n', writer->out);
    for (uint32_t i = 0; i < writer->depth; i++)
        fputs("  ", writer->out);
}

/* Separates a value from the previous member, unless it follows its key. */
static void ln_json_before_value(ln_json_writer *writer)
{
    if (writer->after_key) {
        writer->after_key = false;
        return;
    }
    if (writer->depth == 0)
        return;
    if (writer->has_member[writer->depth])
        fputc(',', writer->out);
    writer->has_member[writer->depth] = true;
    ln_json_newline_indent(writer);
}

static void ln_json_open(ln_json_writer *writer, char bracket)
{
    ln_json_before_value(writer);
    fputc(bracket, writer->out);
    /* Deeper nesting than the reports use would be a programming error;
     * staying at the limit keeps the output well-formed regardless. */
    if (writer->depth + 1 < LN_JSON_MAX_DEPTH)
        writer->depth++;
    writer->has_member[writer->depth] = false;
}

static void ln_json_close(ln_json_writer *writer, char bracket)
{
    bool had_members = writer->has_member[writer->depth];
    if (writer->depth > 0)
        writer->depth--;
    if (had_members)
        ln_json_newline_indent(writer);
    fputc(bracket, writer->out);
    if (writer->depth == 0)
        fputc('\n', writer->out);
}

void ln_json_begin_object(ln_json_writer *writer)
{
    ln_json_open(writer, '{');
}

void ln_json_end_object(ln_json_writer *writer)
{
    ln_json_close(writer, '}');
}

void ln_json_begin_array(ln_json_writer *writer)
{
    ln_json_open(writer, '[');
}

void ln_json_end_array(ln_json_writer *writer)
{
    ln_json_close(writer, ']');
}

void ln_json_key(ln_json_writer *writer, const char *key)
{
    ln_json_before_value(writer);
    fputc('"', writer->out);
    ln_json_write_escaped(writer->out, key, strlen(key));
    fputs("\": ", writer->out);
    writer->after_key = true;
}

void ln_json_write_escaped(FILE *out, const char *text, size_t length)
{
    const unsigned char *bytes = (const unsigned char *)text;
    size_t i = 0;
    while (i < length) {
        unsigned char c = bytes[i];
        if (c < 0x80) {
            switch (c) {
            case '"':
                fputs("\\\"", out);
                break;
            case '\\':
                fputs("\\\\", out);
                break;
            case '\b':
                fputs("\\b", out);
                break;
            case '\f':
                fputs("\\f", out);
                break;
            case '\n':
                fputs("\\n", out);
                break;
            case '\r':
                fputs("\\r", out);
                break;
            case '\t':
                fputs("\\t", out);
                break;
            default:
                if (c < 0x20 || c == 0x7F)
                    fprintf(out, "\\u%04x", c);
                else
                    fputc(c, out);
            }
            i++;
            continue;
        }
        uint32_t code;
        size_t sequence = ln_utf8_sequence_length(bytes + i, length - i, &code);
        if (sequence == 0) {
            /* A JSON text must be valid UTF-8; a stray byte (a name read
             * from a Latin-1 file, say) becomes the replacement character. */
            fputs("\\ufffd", out);
            i++;
        } else {
            fwrite(bytes + i, 1, sequence, out);
            i += sequence;
        }
    }
}

void ln_json_string_n(ln_json_writer *writer, const char *text, size_t length)
{
    ln_json_before_value(writer);
    if (!text) {
        fputs("null", writer->out);
        return;
    }
    fputc('"', writer->out);
    ln_json_write_escaped(writer->out, text, length);
    fputc('"', writer->out);
}

void ln_json_string_parts(ln_json_writer *writer, const char *const *parts, size_t count)
{
    ln_json_before_value(writer);
    fputc('"', writer->out);
    for (size_t i = 0; i < count; i++)
        if (parts[i])
            ln_json_write_escaped(writer->out, parts[i], strlen(parts[i]));
    fputc('"', writer->out);
}

void ln_json_string(ln_json_writer *writer, const char *text)
{
    ln_json_string_n(writer, text, text ? strlen(text) : 0);
}

void ln_json_double(ln_json_writer *writer, double value)
{
    ln_json_before_value(writer);
    if (!isfinite(value)) {
        fputs("null", writer->out);
        return;
    }
    char buffer[40];
    snprintf(buffer, sizeof buffer, "%.17g", value);
    /* "%.17g" of an integral value has no '.', which is still a JSON
     * number; keeping it unadorned keeps integers readable. */
    fputs(buffer, writer->out);
}

void ln_json_uint(ln_json_writer *writer, uint64_t value)
{
    ln_json_before_value(writer);
    fprintf(writer->out, "%" PRIu64, value);
}

void ln_json_int(ln_json_writer *writer, int64_t value)
{
    ln_json_before_value(writer);
    fprintf(writer->out, "%" PRId64, value);
}

void ln_json_bool(ln_json_writer *writer, bool value)
{
    ln_json_before_value(writer);
    fputs(value ? "true" : "false", writer->out);
}

void ln_json_null(ln_json_writer *writer)
{
    ln_json_before_value(writer);
    fputs("null", writer->out);
}

void ln_json_member_string(ln_json_writer *writer, const char *key, const char *value)
{
    ln_json_key(writer, key);
    ln_json_string(writer, value);
}

void ln_json_member_double(ln_json_writer *writer, const char *key, double value)
{
    ln_json_key(writer, key);
    ln_json_double(writer, value);
}

void ln_json_member_uint(ln_json_writer *writer, const char *key, uint64_t value)
{
    ln_json_key(writer, key);
    ln_json_uint(writer, value);
}

void ln_json_member_int(ln_json_writer *writer, const char *key, int64_t value)
{
    ln_json_key(writer, key);
    ln_json_int(writer, value);
}

void ln_json_member_bool(ln_json_writer *writer, const char *key, bool value)
{
    ln_json_key(writer, key);
    ln_json_bool(writer, value);
}

void ln_json_member_null(ln_json_writer *writer, const char *key)
{
    ln_json_key(writer, key);
    ln_json_null(writer);
}
