/* The syntax tree of a .nest program.
 *
 * It lives in ir/ because two modules that may not depend on each other
 * share it: the parser in frontend/ builds it, and the printer in backend/
 * writes it back as canonical source (`loopnest fmt`, and `loopnest convert
 * --to nest`, which first builds a tree from the spec IR). It describes
 * what was written, with locations and comments, not what it means: names
 * are not resolved here (frontend/nest_lower.c does that).
 *
 * One node type serves every construct; `kind` says which fields are used
 * (see the comments on each kind). Nodes and their strings are malloc'ed,
 * because a parse that fails half-way must free what it built (bison's
 * %destructor calls ln_nest_node_free); a whole tree is freed the same way. */
#ifndef LOOPNEST_IR_NEST_AST_H
#define LOOPNEST_IR_NEST_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/diagnostic.h"

typedef enum ln_nest_kind {
    /* A file: children are its items. */
    LN_NEST_PROGRAM,
    /* include "path";  name: the path as written. */
    LN_NEST_INCLUDE,
    /* shape NAME { ... } and problem NAME { ... }: children are DIMS, COEFS,
     * TENSORS and EINSUM statements. */
    LN_NEST_SHAPE,
    LN_NEST_PROBLEM,
    /* problem NAME = SHAPE(K = 32, ...);  name2: the shape; children: BINDING. */
    LN_NEST_INSTANCE,
    /* arch NAME { ... }: children are ATTRIBUTE, COMPONENT, CONTAINER, PARALLEL. */
    LN_NEST_ARCH,
    /* mapping [NAME] [for PROBLEM] [on ARCH] { ... }: name (may be NULL),
     * name2 the problem, name3 the arch (both may be NULL); children are
     * SECTIONs. search: the same, and settings (MINIMIZE ... SET) too. */
    LN_NEST_MAPPING,
    LN_NEST_SEARCH,

    /* dims K = 32, R, P = 16;  children: DIM (name; value when HAS_VALUE). */
    LN_NEST_DIMS,
    LN_NEST_DIM,
    /* coef Wstride = 2 default 1;  children: COEF (name; value; value2 the
     * default when HAS_VALUE2). */
    LN_NEST_COEFS,
    LN_NEST_COEF,
    /* tensors Weights, Inputs, Outputs;  children: NAME. */
    LN_NEST_TENSORS,
    /* OUT[..] += A[..] * B[..];  children: ACCESS, the output first;
     * ACCUMULATE for +=. */
    LN_NEST_EINSUM,
    /* TENSOR[i][j + k]: name the tensor; children: INDEX, one per rank. */
    LN_NEST_ACCESS,
    /* One rank's expression: children: TERM, added up. */
    LN_NEST_INDEX,
    /* name, or name * name2 (a coefficient times an index, either order). */
    LN_NEST_TERM,
    /* K = 32 in an instantiation: name, value. */
    LN_NEST_BINDING,

    /* name = VALUE;  children[0]: the VALUE. */
    LN_NEST_ATTRIBUTE,
    /* detail: ln_nest_value_kind; text: the literal as written (strings
     * unescaped); LIST: children are VALUEs; MAP: children are ATTRIBUTEs. */
    LN_NEST_VALUE,
    /* NAME[count] : CLASS(SUBCLASS) { ... }  name, name2 class, name3
     * subclass (may be NULL); HAS_COUNT with value (x) and value2 (y, 0
     * when only one number was written); children: ATTRIBUTEs and
     * constraint statements. */
    LN_NEST_COMPONENT,
    /* NAME[fan-out] { ... }  as a component without class. */
    LN_NEST_CONTAINER,
    /* parallel { ... }: children COMPONENT and NOTHING. */
    LN_NEST_PARALLEL,
    /* nothing { keep ...; }: a !Parallel branch that holds nothing. */
    LN_NEST_NOTHING,

    /* @LEVEL and the statements after it: name the level (NULL for
     * statements written before any @LEVEL); children: statements. */
    LN_NEST_SECTION,
    /* for NAME in [0:BOUND)  /  spatial_for ... [on X|Y]: name the
     * dimension; detail: ln_nest_bound_kind; value the factor, value2 the
     * residual; SPATIAL; axis in `axis`. */
    LN_NEST_LOOP,
    /* ... : where the loops a search leaves free go. */
    LN_NEST_ELLIPSIS,
    /* keep / bypass / FLAG tensor lists: children NAME; FLAG: name is the
     * flag (no_multicast, no_link_transfer, no_temporal_reuse,
     * rmw_first_update, no_coalesce). */
    LN_NEST_KEEP,
    LN_NEST_BYPASS,
    LN_NEST_FLAG,
    /* factors / spatial_factors: children FACTOR (name, detail the
     * ln_nest_factor_operator, value); SPATIAL for spatial_factors. */
    LN_NEST_FACTORS,
    LN_NEST_FACTOR,
    /* split N; */
    LN_NEST_SPLIT,
    /* min_utilization F; max_overbooked_proportion F;  text: the number. */
    LN_NEST_MIN_UTILIZATION,
    LN_NEST_MAX_OVERBOOKED,
    /* remainders N; / spatial_remainders N;  value; SPATIAL. */
    LN_NEST_REMAINDERS,

    /* Search settings. minimize: children NAME; algorithm: name; threads:
     * value; stop after N RULE: value, name the rule ("without
     * improvement", "invalid", "mappings"); set NAME = VALUE: children[0]. */
    LN_NEST_MINIMIZE,
    LN_NEST_ALGORITHM,
    LN_NEST_THREADS,
    LN_NEST_STOP,
    LN_NEST_SET,

    /* A name in a list. */
    LN_NEST_NAME,

    /* component NAME [: PRIMITIVE] { ... }: an Accelergy compound component
     * class (ir/component.h). name, name2 the primitive type (may be NULL);
     * children: ATTRIBUTE (class attributes, values EXPRESSION),
     * SUBCOMPONENT and ACTION. */
    LN_NEST_COMPONENT_CLASS,
    /* NAME[RANGE] : CLASS { attributes }: name the name as written, range
     * included ("address_generators[0..1]"), name2 the class; children:
     * ATTRIBUTE (`area_scale`, `area_share` and `energy_scale` are the
     * subcomponent's scales, the others its attributes). */
    LN_NEST_SUBCOMPONENT,
    /* NAME(ARGUMENTS) { parts }: name; children: ARGUMENT, PART and an
     * ATTRIBUTE `energy_scale`. */
    LN_NEST_ACTION,
    /* SUBCOMPONENT[RANGE].ACTION(ARGUMENTS) * SCALE;  name the subcomponent
     * as written, name2 the action, text the scale expression (may be
     * NULL); children: ARGUMENT. */
    LN_NEST_PART,
    /* NAME = EXPRESSION in an argument list; children[0]: the VALUE. */
    LN_NEST_ARGUMENT,
} ln_nest_kind;

typedef enum ln_nest_value_kind {
    LN_NEST_VALUE_STRING,
    LN_NEST_VALUE_NUMBER, /* text as written, sign included */
    LN_NEST_VALUE_BOOL,   /* text "true" or "false" */
    LN_NEST_VALUE_NULL,
    LN_NEST_VALUE_WORD,   /* a bare identifier, read as a string */
    LN_NEST_VALUE_LIST,
    LN_NEST_VALUE_MAP,
    /* An expression of a compound component, kept as its source text
     * (`max(1, ceil(log2(depth)))`); evaluated by the energy estimator. */
    LN_NEST_VALUE_EXPRESSION,
} ln_nest_value_kind;

typedef enum ln_nest_bound_kind {
    LN_NEST_BOUND_EXACT,    /* [0:4) */
    LN_NEST_BOUND_RESIDUAL, /* [0:4,3): factor 4, last iteration 3 */
    LN_NEST_BOUND_HOLE,     /* [0:?): the mapper picks */
} ln_nest_bound_kind;

typedef enum ln_nest_axis {
    LN_NEST_AXIS_NONE,
    LN_NEST_AXIS_X,
    LN_NEST_AXIS_Y,
} ln_nest_axis;

typedef enum ln_nest_factor_operator {
    LN_NEST_FACTOR_EQUAL,
    LN_NEST_FACTOR_AT_MOST,
    LN_NEST_FACTOR_AT_LEAST,
} ln_nest_factor_operator;

enum {
    LN_NEST_SPATIAL = 1u << 0,
    LN_NEST_ACCUMULATE = 1u << 1,
    LN_NEST_HAS_VALUE = 1u << 2,
    LN_NEST_HAS_VALUE2 = 1u << 3,
    LN_NEST_HAS_COUNT = 1u << 4,
    /* A blank line separated this statement from the one before it. */
    LN_NEST_BLANK_BEFORE = 1u << 5,
};

typedef struct ln_nest_node ln_nest_node;

struct ln_nest_node {
    ln_nest_kind kind;
    ln_source_location location; /* the first token */
    uint32_t last_line;          /* the line of the last token */
    uint32_t flags;
    int detail;                  /* value kind, bound kind or factor operator */
    ln_nest_axis axis;

    char *name;
    char *name2;
    char *name3;
    ln_source_location name_location;
    ln_source_location name2_location;
    ln_source_location name3_location;
    char *text;
    int64_t value;
    int64_t value2;
    ln_source_location value_location;

    size_t child_count;
    size_t child_capacity;
    ln_nest_node **children;

    /* Comments written on their own lines before this node, and the one
     * ending the node's last line; `end_comments` are those before the
     * closing brace of a block (or the end of a file). Each is the comment
     * as written, `//` or `/ *` included. */
    char **comments;
    size_t comment_count;
    char *trailing_comment;
    char **end_comments;
    size_t end_comment_count;
};

/* Allocation aborts the process on out-of-memory, as the arena does: no
 * caller could continue with half a tree. */
ln_nest_node *ln_nest_node_new(ln_nest_kind kind, ln_source_location location);
void ln_nest_node_free(ln_nest_node *node);
/* Appends `child` (taking ownership); a NULL child is ignored, so a parser
 * action may pass the result of a failed sub-rule. Returns `node`. */
ln_nest_node *ln_nest_node_append(ln_nest_node *node, ln_nest_node *child);
/* Moves the children of `from` to the end of `node` and frees `from`. */
void ln_nest_node_adopt_children(ln_nest_node *node, ln_nest_node *from);
/* Replaces *field with a malloc'ed copy of `text` (NULL allowed). */
void ln_nest_set_text(char **field, const char *text);
char *ln_nest_strdup(const char *text);
void ln_nest_node_add_comment(ln_nest_node *node, const char *comment);
void ln_nest_node_add_end_comment(ln_nest_node *node, const char *comment);

/* The first child of `kind`, or NULL. */
const ln_nest_node *ln_nest_find_child(const ln_nest_node *node, ln_nest_kind kind);

/* Words the language reserves; a name that is one (or that is not an
 * identifier) is written in backquotes: `in`. */
bool ln_nest_is_keyword(const char *word);
bool ln_nest_is_plain_identifier(const char *word);
extern const char *const ln_nest_keywords[];
extern const size_t ln_nest_keyword_count;

#endif
