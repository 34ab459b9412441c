#include "frontend/yaml_document.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "frontend/diagnostics.h"

enum {
    /* Deeper nesting than this is certainly not a spec and would make the
     * recursive consumers risk the stack. */
    LN_YAML_MAX_DEPTH = 256,
};

static void *checked_realloc(void *pointer, size_t size)
{
    void *result = realloc(pointer, size);
    if (!result) {
        fputs("loopnest: error: out of memory\n", stderr);
        abort();
    }
    return result;
}

/* ------------------------------------------------------------------ */
/* Tree building from libyaml events                                    */
/* ------------------------------------------------------------------ */

typedef struct ln_yaml_frame {
    ln_yaml_node *node;
    /* Children in order; for a mapping, alternating key and value. */
    ln_yaml_node **children;
    size_t count, capacity;
} ln_yaml_frame;

typedef struct ln_yaml_anchor {
    const char *name;
    ln_yaml_node *node;
} ln_yaml_anchor;

typedef struct ln_yaml_builder {
    ln_arena *arena;
    ln_diagnostics *diagnostics;
    const char *path;
    ln_yaml_frame *frames;
    size_t frame_count, frame_capacity;
    ln_yaml_anchor *anchors;
    size_t anchor_count, anchor_capacity;
    ln_yaml_node *root;
    bool failed;
} ln_yaml_builder;

static ln_source_location mark_location(const ln_yaml_builder *builder, yaml_mark_t mark)
{
    ln_source_location location = {builder->path, (uint32_t)mark.line + 1, (uint32_t)mark.column + 1};
    return location;
}

static ln_yaml_node *new_node(ln_yaml_builder *builder, ln_yaml_kind kind, yaml_mark_t mark,
                              const yaml_char_t *tag, const yaml_char_t *anchor)
{
    ln_yaml_node *node = ln_arena_alloc(builder->arena, sizeof *node);
    node->kind = kind;
    node->location = mark_location(builder, mark);
    node->tag = tag ? ln_arena_strdup(builder->arena, (const char *)tag) : NULL;
    node->anchor = anchor ? ln_arena_strdup(builder->arena, (const char *)anchor) : NULL;
    return node;
}

static void register_anchor(ln_yaml_builder *builder, ln_yaml_node *node)
{
    if (!node->anchor)
        return;
    if (builder->anchor_count == builder->anchor_capacity) {
        builder->anchor_capacity = builder->anchor_capacity ? builder->anchor_capacity * 2 : 16;
        builder->anchors = checked_realloc(builder->anchors,
                                           builder->anchor_capacity * sizeof *builder->anchors);
    }
    builder->anchors[builder->anchor_count].name = node->anchor;
    builder->anchors[builder->anchor_count].node = node;
    builder->anchor_count++;
}

static void add_child(ln_yaml_builder *builder, ln_yaml_node *child)
{
    if (builder->frame_count == 0) {
        if (!builder->root)
            builder->root = child;
        return;
    }
    ln_yaml_frame *frame = &builder->frames[builder->frame_count - 1];
    if (frame->count == frame->capacity) {
        frame->capacity = frame->capacity ? frame->capacity * 2 : 8;
        frame->children = checked_realloc(frame->children, frame->capacity * sizeof *frame->children);
    }
    frame->children[frame->count++] = child;
}

static bool push_frame(ln_yaml_builder *builder, ln_yaml_node *node)
{
    if (builder->frame_count >= LN_YAML_MAX_DEPTH) {
        ln_error(builder->diagnostics, node->location,
                 "flatten the structure; no loopnest input needs this much nesting",
                 "YAML nesting is deeper than %d levels", LN_YAML_MAX_DEPTH);
        return false;
    }
    if (builder->frame_count == builder->frame_capacity) {
        builder->frame_capacity = builder->frame_capacity ? builder->frame_capacity * 2 : 16;
        builder->frames = checked_realloc(builder->frames,
                                          builder->frame_capacity * sizeof *builder->frames);
    }
    ln_yaml_frame *frame = &builder->frames[builder->frame_count++];
    frame->node = node;
    frame->children = NULL;
    frame->count = frame->capacity = 0;
    return true;
}

static bool is_merge_key(const ln_yaml_node *key)
{
    if (key->kind != LN_YAML_SCALAR)
        return false;
    if (key->tag && strcmp(key->tag, "tag:yaml.org,2002:merge") == 0)
        return true;
    return !key->quoted && strcmp(key->text, "<<") == 0;
}

typedef struct ln_pair_vector {
    ln_yaml_pair *items;
    size_t count, capacity;
} ln_pair_vector;

static void pair_vector_push(ln_pair_vector *vector, ln_yaml_pair pair)
{
    if (vector->count == vector->capacity) {
        vector->capacity = vector->capacity ? vector->capacity * 2 : 8;
        vector->items = checked_realloc(vector->items, vector->capacity * sizeof *vector->items);
    }
    vector->items[vector->count++] = pair;
}

static bool pair_vector_has(const ln_pair_vector *vector, const char *name)
{
    for (size_t i = 0; i < vector->count; i++)
        if (strcmp(vector->items[i].name, name) == 0)
            return true;
    return false;
}

/* Merged keys never override keys written in the mapping itself, and
 * earlier merge sources win over later ones, as the merge-key spec says.
 * `written` holds the canonical names of the keys written in the mapping. */
static void merge_source(ln_yaml_builder *builder, ln_pair_vector *result,
                         const char *const *written, size_t written_count,
                         const ln_yaml_node *source)
{
    if (source->kind != LN_YAML_MAPPING) {
        ln_error(builder->diagnostics, source->location,
                 "merge a mapping, e.g. `<<: *defaults` where `defaults` anchors a mapping",
                 "the merge key '<<' needs a mapping or a list of mappings, not %s",
                 ln_yaml_describe(builder->arena, source));
        builder->failed = true;
        return;
    }
    for (size_t i = 0; i < source->pair_count; i++) {
        const ln_yaml_pair *pair = &source->pairs[i];
        bool written_here = false;
        for (size_t k = 0; k < written_count && !written_here; k++)
            written_here = written[k] && strcmp(written[k], pair->name) == 0;
        if (!written_here && !pair_vector_has(result, pair->name))
            pair_vector_push(result, *pair);
    }
}

static void finish_mapping(ln_yaml_builder *builder, ln_yaml_frame *frame)
{
    ln_pair_vector result = {NULL, 0, 0};
    size_t key_count = frame->count / 2;
    const char **written = checked_realloc(NULL, (key_count ? key_count : 1) * sizeof *written);
    for (size_t k = 0; k < key_count; k++) {
        const ln_yaml_node *key = frame->children[2 * k];
        written[k] = key->kind == LN_YAML_SCALAR && !is_merge_key(key)
                         ? ln_yaml_canonical_name(builder->arena, key->text)
                         : NULL;
    }
    for (size_t k = 0; k < key_count; k++) {
        ln_yaml_node *key = frame->children[2 * k];
        ln_yaml_node *value = frame->children[2 * k + 1];
        if (is_merge_key(key)) {
            if (value->kind == LN_YAML_SEQUENCE) {
                for (size_t i = 0; i < value->item_count; i++)
                    merge_source(builder, &result, written, key_count, value->items[i]);
            } else {
                merge_source(builder, &result, written, key_count, value);
            }
            continue;
        }
        if (key->kind != LN_YAML_SCALAR) {
            ln_error(builder->diagnostics, key->location,
                     "write keys as plain text, e.g. `name: value`",
                     "a mapping key must be text, not %s", ln_yaml_describe(builder->arena, key));
            builder->failed = true;
            continue;
        }
        ln_yaml_pair pair = {key, written[k], value};
        bool duplicate = false;
        for (size_t i = 0; i < k && !duplicate; i++) {
            if (!written[i] || strcmp(written[i], pair.name) != 0)
                continue;
            const ln_yaml_node *first = frame->children[2 * i];
            char hint[160];
            snprintf(hint, sizeof hint, "remove one of them; the first is at line %u",
                     first->location.line);
            if (strcmp(first->text, key->text) == 0)
                ln_error(builder->diagnostics, key->location, hint, "duplicate key '%s'", key->text);
            else
                ln_error(builder->diagnostics, key->location, hint,
                         "duplicate key '%s' ('%s' and '%s' mean the same key)", pair.name,
                         first->text, key->text);
            builder->failed = true;
            duplicate = true;
        }
        if (!duplicate)
            pair_vector_push(&result, pair);
    }
    ln_yaml_node *node = frame->node;
    ln_yaml_pair *pairs = ln_arena_alloc_array(builder->arena, result.count ? result.count : 1,
                                               sizeof *pairs);
    if (result.count)
        memcpy(pairs, result.items, result.count * sizeof *pairs);
    node->pairs = pairs;
    node->pair_count = result.count;
    free(result.items);
    free(written);
}

static void finish_sequence(ln_yaml_builder *builder, ln_yaml_frame *frame)
{
    ln_yaml_node *node = frame->node;
    const ln_yaml_node **items = ln_arena_alloc_array(builder->arena, frame->count ? frame->count : 1,
                                                      sizeof *items);
    for (size_t i = 0; i < frame->count; i++)
        items[i] = frame->children[i];
    node->items = items;
    node->item_count = frame->count;
}

static void pop_frame(ln_yaml_builder *builder)
{
    ln_yaml_frame *frame = &builder->frames[builder->frame_count - 1];
    if (frame->node->kind == LN_YAML_MAPPING)
        finish_mapping(builder, frame);
    else
        finish_sequence(builder, frame);
    ln_yaml_node *node = frame->node;
    free(frame->children);
    builder->frame_count--;
    add_child(builder, node);
}

static ln_yaml_node *find_anchor(const ln_yaml_builder *builder, const char *name)
{
    /* The latest definition wins: YAML allows an anchor to be redefined. */
    for (size_t i = builder->anchor_count; i-- > 0;)
        if (strcmp(builder->anchors[i].name, name) == 0)
            return builder->anchors[i].node;
    return NULL;
}

static bool node_is_open(const ln_yaml_builder *builder, const ln_yaml_node *node)
{
    for (size_t i = 0; i < builder->frame_count; i++)
        if (builder->frames[i].node == node)
            return true;
    return false;
}

static void handle_alias(ln_yaml_builder *builder, const yaml_event_t *event)
{
    const char *name = (const char *)event->data.alias.anchor;
    ln_source_location location = mark_location(builder, event->start_mark);
    ln_yaml_node *target = find_anchor(builder, name);
    if (!target) {
        ln_error(builder->diagnostics, location,
                 "define the anchor with `&name` before the alias `*name` uses it",
                 "unknown anchor '%s'", name);
        builder->failed = true;
        return;
    }
    if (node_is_open(builder, target)) {
        ln_error(builder->diagnostics, location,
                 "an alias may only refer to a node that is complete where the alias is used",
                 "alias '*%s' refers to a node that contains it", name);
        builder->failed = true;
        return;
    }
    add_child(builder, target);
}

static void handle_scalar(ln_yaml_builder *builder, const yaml_event_t *event)
{
    ln_yaml_node *node = new_node(builder, LN_YAML_SCALAR, event->start_mark,
                                  event->data.scalar.tag, event->data.scalar.anchor);
    node->text = ln_arena_strndup(builder->arena, (const char *)event->data.scalar.value,
                                  event->data.scalar.length);
    node->length = event->data.scalar.length;
    node->quoted = event->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
    /* An explicit !!str, or the non-specific "!" tag, makes a plain scalar
     * a string too. */
    if (node->tag && (strcmp(node->tag, "tag:yaml.org,2002:str") == 0 || strcmp(node->tag, "!") == 0))
        node->quoted = true;
    register_anchor(builder, node);
    add_child(builder, node);
}

static ln_source_location offset_location(const ln_yaml_builder *builder, const char *text,
                                          size_t length, size_t offset)
{
    ln_source_location location = {builder->path, 1, 1};
    if (offset > length)
        offset = length;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            location.line++;
            location.column = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            location.column++;
        }
    }
    return location;
}

static void report_parser_error(ln_yaml_builder *builder, const yaml_parser_t *parser,
                                const char *text, size_t length)
{
    ln_source_location location;
    if (parser->error == YAML_READER_ERROR)
        location = offset_location(builder, text, length, parser->problem_offset);
    else
        location = mark_location(builder, parser->problem_mark);
    const char *problem = parser->problem ? parser->problem : "malformed input";
    const char *hint = "check the indentation, the quotes and the brackets around this point";
    if (parser->error == YAML_READER_ERROR)
        hint = "save the file as UTF-8 text";
    size_t offset = parser->problem_mark.index;
    if (parser->error != YAML_READER_ERROR && offset < length && text[offset] == '\t')
        hint = "YAML does not allow tabs for indentation; indent with spaces";
    if (parser->context)
        ln_error(builder->diagnostics, location, hint, "YAML syntax error: %s, %s that starts at line %zu",
                 problem, parser->context, parser->context_mark.line + 1);
    else
        ln_error(builder->diagnostics, location, hint, "YAML syntax error: %s", problem);
}

bool ln_yaml_parse(ln_arena *arena, ln_diagnostics *diagnostics, const char *path,
                   const char *text, size_t length, ln_yaml_document *document)
{
    const ln_source_file *source = ln_diagnostics_find_source(diagnostics, path);
    const char *stored_path = source ? source->path
                                     : ln_diagnostics_add_source(diagnostics, path, text, length);
    document->path = stored_path;
    document->root = NULL;

    ln_yaml_builder builder;
    memset(&builder, 0, sizeof builder);
    builder.arena = arena;
    builder.diagnostics = diagnostics;
    builder.path = stored_path;

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        ln_error(diagnostics, ln_location_none(), "free some memory and retry",
                 "cannot start the YAML parser (out of memory)");
        return false;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, length);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

    size_t documents_seen = 0;
    bool done = false;
    while (!done && !builder.failed) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            report_parser_error(&builder, &parser, text, length);
            builder.failed = true;
            break;
        }
        switch (event.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (documents_seen == 1) {
                ln_warning(diagnostics, mark_location(&builder, event.start_mark),
                           "put each spec section in its own file or merge the documents",
                           "only the first YAML document of '%s' is read; the rest is ignored", path);
                done = true;
            }
            documents_seen++;
            break;
        case YAML_SCALAR_EVENT:
            handle_scalar(&builder, &event);
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            bool mapping = event.type == YAML_MAPPING_START_EVENT;
            ln_yaml_node *node = new_node(&builder, mapping ? LN_YAML_MAPPING : LN_YAML_SEQUENCE,
                                          event.start_mark,
                                          mapping ? event.data.mapping_start.tag
                                                  : event.data.sequence_start.tag,
                                          mapping ? event.data.mapping_start.anchor
                                                  : event.data.sequence_start.anchor);
            register_anchor(&builder, node);
            if (!push_frame(&builder, node))
                builder.failed = true;
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (builder.frame_count)
                pop_frame(&builder);
            break;
        case YAML_ALIAS_EVENT:
            handle_alias(&builder, &event);
            break;
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        default:
            break;
        }
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    for (size_t i = 0; i < builder.frame_count; i++)
        free(builder.frames[i].children);
    free(builder.frames);
    free(builder.anchors);
    if (builder.failed)
        return false;
    /* A file holding only comments or `---` reads as a null scalar. */
    if (builder.root && !ln_yaml_is_null(builder.root))
        document->root = builder.root;
    return true;
}

bool ln_yaml_parse_file(ln_arena *arena, ln_diagnostics *diagnostics, const char *path,
                        ln_yaml_document *document)
{
    const char *text;
    size_t length;
    document->path = NULL;
    document->root = NULL;
    const char *stored = ln_read_source_file(diagnostics, path, &text, &length);
    if (!stored)
        return false;
    return ln_yaml_parse(arena, diagnostics, stored, text, length, document);
}

/* ------------------------------------------------------------------ */
/* Scalar typing                                                        */
/* ------------------------------------------------------------------ */

bool ln_yaml_parse_integer_text(const char *text, int64_t *value, bool *overflow)
{
    *overflow = false;
    const char *cursor = text;
    bool negative = false;
    if (*cursor == '+' || *cursor == '-') {
        negative = *cursor == '-';
        cursor++;
    }
    unsigned base = 10;
    if (cursor[0] == '0' && (cursor[1] == 'x' || cursor[1] == 'X')) {
        base = 16;
        cursor += 2;
    } else if (cursor[0] == '0' && cursor[1] == 'o') {
        base = 8;
        cursor += 2;
    }
    if (!*cursor)
        return false;
    uint64_t magnitude = 0;
    for (; *cursor; cursor++) {
        unsigned digit;
        unsigned char c = (unsigned char)*cursor;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (base == 16 && c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (base == 16 && c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            return false;
        if (digit >= base)
            return false;
        if (magnitude > (UINT64_MAX - digit) / base)
            *overflow = true;
        else
            magnitude = magnitude * base + digit;
    }
    if (*overflow)
        return false;
    if (negative) {
        if (magnitude > (uint64_t)INT64_MAX + 1) {
            *overflow = true;
            return false;
        }
        *value = magnitude == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)magnitude;
    } else {
        if (magnitude > (uint64_t)INT64_MAX) {
            *overflow = true;
            return false;
        }
        *value = (int64_t)magnitude;
    }
    return true;
}

/* YAML core-schema floats: [-+]?(.[0-9]+|[0-9]+(.[0-9]*)?)([eE][-+]?[0-9]+)?
 * plus .inf and .nan; strtod alone would also take hex floats and words. */
bool ln_yaml_parse_float_text(const char *text, double *value)
{
    const char *cursor = text;
    if (*cursor == '+' || *cursor == '-')
        cursor++;
    if (strcmp(cursor, ".inf") == 0 || strcmp(cursor, ".Inf") == 0 || strcmp(cursor, ".INF") == 0) {
        *value = text[0] == '-' ? -HUGE_VAL : HUGE_VAL;
        return true;
    }
    if (cursor == text &&
        (strcmp(cursor, ".nan") == 0 || strcmp(cursor, ".NaN") == 0 || strcmp(cursor, ".NAN") == 0)) {
        *value = NAN;
        return true;
    }
    size_t digits = 0;
    while (isdigit((unsigned char)*cursor)) {
        cursor++;
        digits++;
    }
    if (*cursor == '.') {
        cursor++;
        while (isdigit((unsigned char)*cursor)) {
            cursor++;
            digits++;
        }
    }
    if (digits == 0)
        return false;
    if (*cursor == 'e' || *cursor == 'E') {
        cursor++;
        if (*cursor == '+' || *cursor == '-')
            cursor++;
        if (!isdigit((unsigned char)*cursor))
            return false;
        while (isdigit((unsigned char)*cursor))
            cursor++;
    }
    if (*cursor)
        return false;
    errno = 0;
    *value = strtod(text, NULL);
    return true;
}

bool ln_yaml_parse_bool_text(const char *text, bool *value)
{
    static const char *const true_words[] = {"true", "yes", "on", "y"};
    static const char *const false_words[] = {"false", "no", "off", "n"};
    for (size_t i = 0; i < sizeof true_words / sizeof *true_words; i++) {
        if (strcasecmp(text, true_words[i]) == 0) {
            *value = true;
            return true;
        }
        if (strcasecmp(text, false_words[i]) == 0) {
            *value = false;
            return true;
        }
    }
    return false;
}

static bool is_core_bool(const char *text)
{
    static const char *const words[] = {"true", "True", "TRUE", "false", "False", "FALSE"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcmp(text, words[i]) == 0)
            return true;
    return false;
}

ln_yaml_scalar_type ln_yaml_scalar_type_of(const ln_yaml_node *node)
{
    if (!node)
        return LN_YAML_TYPE_NULL;
    if (node->kind != LN_YAML_SCALAR || node->quoted)
        return LN_YAML_TYPE_STRING;
    const char *text = node->text;
    if (!*text || strcmp(text, "~") == 0 || strcmp(text, "null") == 0 || strcmp(text, "Null") == 0 ||
        strcmp(text, "NULL") == 0)
        return LN_YAML_TYPE_NULL;
    if (is_core_bool(text))
        return LN_YAML_TYPE_BOOL;
    int64_t integer;
    bool overflow;
    if (ln_yaml_parse_integer_text(text, &integer, &overflow) || overflow)
        return LN_YAML_TYPE_INTEGER;
    double number;
    if (ln_yaml_parse_float_text(text, &number))
        return LN_YAML_TYPE_FLOAT;
    return LN_YAML_TYPE_STRING;
}

bool ln_yaml_is_null(const ln_yaml_node *node)
{
    return !node || (node->kind == LN_YAML_SCALAR && ln_yaml_scalar_type_of(node) == LN_YAML_TYPE_NULL);
}

const char *ln_yaml_describe(ln_arena *arena, const ln_yaml_node *node)
{
    if (!node)
        return "nothing";
    switch (node->kind) {
    case LN_YAML_MAPPING:
        return "a mapping";
    case LN_YAML_SEQUENCE:
        return "a list";
    case LN_YAML_SCALAR:
        break;
    }
    switch (ln_yaml_scalar_type_of(node)) {
    case LN_YAML_TYPE_NULL:
        return "an empty value";
    case LN_YAML_TYPE_BOOL:
        return ln_arena_printf(arena, "the value %s", node->text);
    case LN_YAML_TYPE_INTEGER:
    case LN_YAML_TYPE_FLOAT:
        return ln_arena_printf(arena, "the number %s", node->text);
    case LN_YAML_TYPE_STRING:
        break;
    }
    if (node->length > 40)
        return ln_arena_printf(arena, "the text '%.37s...'", node->text);
    return ln_arena_printf(arena, "the text '%s'", node->text);
}

/* ------------------------------------------------------------------ */
/* Lookups and conversions                                              */
/* ------------------------------------------------------------------ */

char *ln_yaml_canonical_name(ln_arena *arena, const char *text)
{
    char *copy = ln_arena_strdup(arena, text ? text : "");
    for (char *cursor = copy; *cursor; cursor++)
        if (*cursor == '-')
            *cursor = '_';
    return copy;
}

/* `canonical` has underscores for hyphens; `name` may be either spelling
 * (e.g. a dimension or variable name used as a key). */
static bool canonical_equal(const char *canonical, const char *name)
{
    for (; *canonical && *name; canonical++, name++)
        if (*canonical != (*name == '-' ? '_' : *name))
            return false;
    return *canonical == *name;
}

const ln_yaml_pair *ln_yaml_find_pair(const ln_yaml_node *mapping, const char *name)
{
    if (!mapping || mapping->kind != LN_YAML_MAPPING)
        return NULL;
    for (size_t i = 0; i < mapping->pair_count; i++)
        if (canonical_equal(mapping->pairs[i].name, name))
            return &mapping->pairs[i];
    return NULL;
}

const ln_yaml_node *ln_yaml_find(const ln_yaml_node *mapping, const char *name)
{
    const ln_yaml_pair *pair = ln_yaml_find_pair(mapping, name);
    return pair ? pair->value : NULL;
}

const ln_yaml_pair *ln_yaml_find_first(const ln_yaml_node *mapping, const char *const *names)
{
    for (size_t i = 0; names[i]; i++) {
        const ln_yaml_pair *pair = ln_yaml_find_pair(mapping, names[i]);
        if (pair)
            return pair;
    }
    return NULL;
}

static const char *kind_article(ln_yaml_kind kind)
{
    switch (kind) {
    case LN_YAML_MAPPING:
        return "a mapping (`key: value` lines)";
    case LN_YAML_SEQUENCE:
        return "a list";
    case LN_YAML_SCALAR:
        return "a single value";
    }
    return "a value";
}

bool ln_yaml_expect_kind(const ln_yaml_node *node, ln_yaml_kind kind, ln_diagnostics *diagnostics,
                         ln_arena *arena, const char *what)
{
    if (node && node->kind == kind)
        return true;
    const char *hint = NULL;
    if (kind == LN_YAML_SEQUENCE)
        hint = "write a list as `[a, b]` or as lines starting with `- `";
    else if (kind == LN_YAML_MAPPING)
        hint = "write `key: value` entries indented under the key";
    ln_error(diagnostics, node ? node->location : ln_location_none(), hint, "%s must be %s, not %s",
             what, kind_article(kind), ln_yaml_describe(arena, node));
    return false;
}

const char *ln_yaml_get_text(const ln_yaml_node *node, ln_diagnostics *diagnostics,
                             ln_arena *arena, const char *what)
{
    if (node && node->kind == LN_YAML_SCALAR)
        return node->text;
    ln_error(diagnostics, node ? node->location : ln_location_none(), "write a single value here",
             "%s must be a single value, not %s", what, ln_yaml_describe(arena, node));
    return NULL;
}

bool ln_yaml_get_int64(const ln_yaml_node *node, ln_diagnostics *diagnostics, ln_arena *arena,
                       const char *what, int64_t minimum, int64_t maximum, int64_t *value)
{
    if (!node || node->kind != LN_YAML_SCALAR || ln_yaml_is_null(node)) {
        ln_error(diagnostics, node ? node->location : ln_location_none(), "write a whole number",
                 "%s must be an integer, not %s", what, ln_yaml_describe(arena, node));
        return false;
    }
    int64_t integer;
    bool overflow;
    bool ok = ln_yaml_parse_integer_text(node->text, &integer, &overflow);
    if (!ok && overflow) {
        ln_error(diagnostics, node->location, "use a smaller value",
                 "integer overflow: %s is %s, which does not fit in a 64-bit integer", what,
                 node->text);
        return false;
    }
    if (!ok) {
        double number;
        if (ln_yaml_parse_float_text(node->text, &number) && isfinite(number) &&
            number == floor(number)) {
            if (number >= 9223372036854775808.0 || number < -9223372036854775808.0) {
                ln_error(diagnostics, node->location, "use a smaller value",
                         "integer overflow: %s is %s, which does not fit in a 64-bit integer", what,
                         node->text);
                return false;
            }
            integer = (int64_t)number;
        } else {
            ln_error(diagnostics, node->location, "write a whole number",
                     "%s must be an integer, not %s", what, ln_yaml_describe(arena, node));
            return false;
        }
    }
    if (integer < minimum) {
        char hint[64];
        snprintf(hint, sizeof hint, "use %" PRId64 " or more", minimum);
        ln_error(diagnostics, node->location, hint, "%s must be at least %" PRId64 ", not %" PRId64,
                 what, minimum, integer);
        return false;
    }
    if (integer > maximum) {
        ln_error(diagnostics, node->location, "use a smaller value",
                 "integer overflow: %s is %" PRId64 ", larger than the largest allowed value %" PRId64,
                 what, integer, maximum);
        return false;
    }
    *value = integer;
    return true;
}

bool ln_yaml_get_double(const ln_yaml_node *node, ln_diagnostics *diagnostics, ln_arena *arena,
                        const char *what, double *value)
{
    if (node && node->kind == LN_YAML_SCALAR && !ln_yaml_is_null(node)) {
        int64_t integer;
        bool overflow;
        if (ln_yaml_parse_float_text(node->text, value))
            return true;
        if (ln_yaml_parse_integer_text(node->text, &integer, &overflow)) {
            *value = (double)integer;
            return true;
        }
    }
    ln_error(diagnostics, node ? node->location : ln_location_none(), "write a number",
             "%s must be a number, not %s", what, ln_yaml_describe(arena, node));
    return false;
}

bool ln_yaml_get_bool(const ln_yaml_node *node, ln_diagnostics *diagnostics, ln_arena *arena,
                      const char *what, bool *value)
{
    if (node && node->kind == LN_YAML_SCALAR && ln_yaml_parse_bool_text(node->text, value))
        return true;
    ln_error(diagnostics, node ? node->location : ln_location_none(), "write true or false",
             "%s must be true or false, not %s", what, ln_yaml_describe(arena, node));
    return false;
}

/* ------------------------------------------------------------------ */
/* Unknown keys                                                         */
/* ------------------------------------------------------------------ */

static size_t edit_distance(const char *left, const char *right)
{
    size_t left_length = strlen(left), right_length = strlen(right);
    if (left_length > 64 || right_length > 64)
        return SIZE_MAX;
    size_t row[65];
    for (size_t j = 0; j <= right_length; j++)
        row[j] = j;
    for (size_t i = 1; i <= left_length; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= right_length; j++) {
            size_t above = row[j];
            size_t cost = tolower((unsigned char)left[i - 1]) == tolower((unsigned char)right[j - 1]) ? 0 : 1;
            size_t best = diagonal + cost;
            if (above + 1 < best)
                best = above + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diagonal = above;
        }
    }
    return row[right_length];
}

const char *ln_closest_name(const char *name, const char *const *candidates, size_t count)
{
    const char *best = NULL;
    size_t best_distance = SIZE_MAX;
    for (size_t i = 0; i < count; i++) {
        if (!candidates[i])
            continue;
        size_t distance = edit_distance(name, candidates[i]);
        if (distance < best_distance) {
            best_distance = distance;
            best = candidates[i];
        }
    }
    size_t length = strlen(name);
    size_t allowed = length <= 3 ? 1 : length / 3 + 1;
    if (!best || best_distance > allowed || best_distance >= length)
        return NULL;
    return best;
}

void ln_yaml_warn_unknown_keys(const ln_yaml_node *mapping, ln_diagnostics *diagnostics,
                               const char *context, const char *const *known)
{
    if (!mapping || mapping->kind != LN_YAML_MAPPING)
        return;
    size_t known_count = 0;
    while (known[known_count])
        known_count++;
    for (size_t i = 0; i < mapping->pair_count; i++) {
        const ln_yaml_pair *pair = &mapping->pairs[i];
        bool found = false;
        for (size_t k = 0; k < known_count && !found; k++)
            found = strcmp(pair->name, known[k]) == 0;
        if (found)
            continue;
        const char *closest = ln_closest_name(pair->name, known, known_count);
        char hint[512];
        if (closest) {
            snprintf(hint, sizeof hint, "did you mean '%s'?", closest);
        } else {
            size_t used = (size_t)snprintf(hint, sizeof hint, "known keys here:");
            for (size_t k = 0; k < known_count && used < sizeof hint; k++)
                used += (size_t)snprintf(hint + used, sizeof hint - used, "%s %s",
                                         k ? "," : "", known[k]);
        }
        ln_warning(diagnostics, pair->key->location, hint, "unknown key '%s' in %s; it is ignored",
                   pair->key->text, context);
    }
}
