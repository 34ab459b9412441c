/* A YAML file as a tree of located nodes.
 *
 * libyaml's event stream is turned into scalars, sequences and mappings
 * that remember where they were written, so that every later complaint
 * about a value can point at it. Anchors and aliases are resolved (an alias
 * shares the anchored node) and merge keys (`<<: *base`, `<<: [*a, *b]`) are
 * expanded while the tree is built, so consumers never see either.
 *
 * Mapping keys are also stored canonicalized, hyphens replaced by
 * underscores, because Timeloop treats `word-bits` and `word_bits` alike.
 * All nodes live in the arena passed to the parser. */
#ifndef LOOPNEST_FRONTEND_YAML_DOCUMENT_H
#define LOOPNEST_FRONTEND_YAML_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/arena.h"
#include "ir/diagnostic.h"

typedef enum ln_yaml_kind {
    LN_YAML_SCALAR,
    LN_YAML_SEQUENCE,
    LN_YAML_MAPPING,
} ln_yaml_kind;

typedef struct ln_yaml_node ln_yaml_node;

typedef struct ln_yaml_pair {
    const ln_yaml_node *key; /* always a scalar */
    const char *name;        /* the key's text with hyphens turned into underscores */
    const ln_yaml_node *value;
} ln_yaml_pair;

struct ln_yaml_node {
    ln_yaml_kind kind;
    ln_source_location location;
    const char *tag;    /* "!Container", "tag:yaml.org,2002:str", ...; NULL when untagged */
    const char *anchor; /* NULL unless the node was anchored */

    /* LN_YAML_SCALAR: the text, NUL-terminated. */
    const char *text;
    size_t length;
    /* Written quoted or as a block scalar, so never a number, bool or null. */
    bool quoted;

    /* LN_YAML_SEQUENCE */
    size_t item_count;
    const ln_yaml_node **items;

    /* LN_YAML_MAPPING, merge keys already expanded. */
    size_t pair_count;
    const ln_yaml_pair *pairs;
};

typedef struct ln_yaml_document {
    const char *path;         /* as registered with the diagnostics */
    const ln_yaml_node *root; /* NULL when the file holds no document */
} ln_yaml_document;

/* Parses `text` (registered with the diagnostics under `path` unless it
 * already is) into `document`. Only the first YAML document of a stream is
 * read, as Timeloop does; later ones draw a warning. Returns false with
 * located errors on malformed input. */
bool ln_yaml_parse(ln_arena *arena, ln_diagnostics *diagnostics, const char *path,
                   const char *text, size_t length, ln_yaml_document *document);

/* Reads the file and parses it. */
bool ln_yaml_parse_file(ln_arena *arena, ln_diagnostics *diagnostics, const char *path,
                        ln_yaml_document *document);

/* ------------------------------------------------------------------ */
/* Reading values                                                       */
/* ------------------------------------------------------------------ */

/* How a plain scalar reads under YAML's core schema; quoted scalars are
 * always strings. */
typedef enum ln_yaml_scalar_type {
    LN_YAML_TYPE_NULL,
    LN_YAML_TYPE_BOOL,
    LN_YAML_TYPE_INTEGER,
    LN_YAML_TYPE_FLOAT,
    LN_YAML_TYPE_STRING,
} ln_yaml_scalar_type;

ln_yaml_scalar_type ln_yaml_scalar_type_of(const ln_yaml_node *node);

/* "a mapping", "a list", "the string 'abc'", "the number 3", ... for
 * messages that say what was found instead of what was expected. */
const char *ln_yaml_describe(ln_arena *arena, const ln_yaml_node *node);

/* True for a missing node and for a null scalar (`~`, `null`, empty). */
bool ln_yaml_is_null(const ln_yaml_node *node);

/* The value under `name` (canonical spelling, underscores) or NULL when
 * `mapping` is not a mapping or has no such key. */
const ln_yaml_node *ln_yaml_find(const ln_yaml_node *mapping, const char *name);
const ln_yaml_pair *ln_yaml_find_pair(const ln_yaml_node *mapping, const char *name);

/* The first of several spellings present (e.g. "word_bits", "word_width",
 * "datawidth"); NULL-terminated list. */
const ln_yaml_pair *ln_yaml_find_first(const ln_yaml_node *mapping, const char *const *names);

/* Type checks that report "`what` must be a list, not a mapping". */
bool ln_yaml_expect_kind(const ln_yaml_node *node, ln_yaml_kind kind, ln_diagnostics *diagnostics,
                         ln_arena *arena, const char *what);

/* Scalar conversions. Each reports a located error naming `what` (e.g.
 * "'depth'") and returns false when the node is not a scalar of the right
 * type or its value is out of [minimum, maximum]. Integral floats ("64.0")
 * are accepted as integers. */
bool ln_yaml_get_int64(const ln_yaml_node *node, ln_diagnostics *diagnostics, ln_arena *arena,
                       const char *what, int64_t minimum, int64_t maximum, int64_t *value);
bool ln_yaml_get_double(const ln_yaml_node *node, ln_diagnostics *diagnostics, ln_arena *arena,
                        const char *what, double *value);
bool ln_yaml_get_bool(const ln_yaml_node *node, ln_diagnostics *diagnostics, ln_arena *arena,
                      const char *what, bool *value);
/* The text of a scalar of any type (numbers included); NULL with an error
 * for collections. */
const char *ln_yaml_get_text(const ln_yaml_node *node, ln_diagnostics *diagnostics,
                             ln_arena *arena, const char *what);

/* Text-level parsers shared with callers that hold text, not nodes. Return
 * false when the text is not of that form; *overflow tells a too-large
 * integer apart from a malformed one. */
bool ln_yaml_parse_integer_text(const char *text, int64_t *value, bool *overflow);
bool ln_yaml_parse_float_text(const char *text, double *value);
bool ln_yaml_parse_bool_text(const char *text, bool *value);

/* Warns about every key of `mapping` not in the NULL-terminated `known`
 * list (canonical spellings), naming the key, where it is, and the closest
 * known key when one is close. `context` says what the mapping is
 * ("the mapper options"). */
void ln_yaml_warn_unknown_keys(const ln_yaml_node *mapping, ln_diagnostics *diagnostics,
                               const char *context, const char *const *known);

/* The candidate closest to `name` by edit distance when it is close enough
 * to be a likely typo, else NULL. */
const char *ln_closest_name(const char *name, const char *const *candidates, size_t count);

/* Copies `text` into the arena with every '-' turned into '_'. */
char *ln_yaml_canonical_name(ln_arena *arena, const char *text);

#endif
