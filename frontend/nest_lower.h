/* Internal to the .nest front end (frontend/nest_*.c): the state of one
 * lowering and the name lookups its parts share. frontend/nest_spec.h is
 * the public interface. */
#ifndef LOOPNEST_FRONTEND_NEST_LOWER_H
#define LOOPNEST_FRONTEND_NEST_LOWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontend/nest_spec.h"
#include "frontend/yaml_document.h"
#include "ir/nest_ast.h"
#include "ir/spec.h"

typedef struct ln_nest_unit {
    const char *path; /* as registered with the diagnostics */
    char *real_path;  /* for "each file once" */
    ln_nest_node *tree;
} ln_nest_unit;

typedef struct ln_nest_declarations {
    const ln_nest_node **items;
    size_t count;
    size_t capacity;
} ln_nest_declarations;

typedef struct ln_nest_lowering {
    ln_spec *spec;
    ln_diagnostics *diagnostics;
    ln_arena *arena; /* &spec->arena */
    const ln_nest_options *options;

    ln_nest_unit *units;
    size_t unit_count;
    size_t unit_capacity;
    ln_yaml_document *documents;
    size_t document_count;
    size_t document_capacity;

    /* Shapes and problems (including instantiations) share one namespace. */
    ln_nest_declarations problems;
    ln_nest_declarations archs;
    ln_nest_declarations mappings;
    ln_nest_declarations searches;

    /* The architecture constraints a mapping is completed with: those the
     * architecture import derived from a tree-form architecture. */
    bool fold_architecture_constraints;
    uint32_t architecture_constraints_begin;
    uint32_t architecture_constraints_end;
} ln_nest_lowering;

/* ---- Lowering steps ------------------------------------------------------ */

/* A shape, problem or instantiation -> `problem`. */
bool ln_nest_lower_problem(ln_nest_lowering *lowering, const ln_nest_node *declaration,
                           ln_problem *problem);
/* An architecture (and the constraints written in it) -> spec->arch. */
bool ln_nest_lower_arch(ln_nest_lowering *lowering, const ln_nest_node *arch);
/* A search -> spec->constraints (mapspace) and spec->mapper. */
bool ln_nest_lower_search(ln_nest_lowering *lowering, const ln_nest_node *search);
/* A mapping -> spec->mapping, validated. */
bool ln_nest_lower_mapping(ln_nest_lowering *lowering, const ln_nest_node *mapping);
/* Every `component` block of the program -> spec->component_library. */
bool ln_nest_lower_components(ln_nest_lowering *lowering);

/* ---- Names ---------------------------------------------------------------- */

/* A declaration by name, or NULL. */
const ln_nest_node *ln_nest_find_declaration(const ln_nest_declarations *declarations,
                                             const char *name);

/* A dimension written as its name or as the same name in another case
 * (`p` for P, as loop statements write indices); -1 when there is none
 * (or the case-blind match is ambiguous). */
int ln_nest_find_dimension(const ln_problem *problem, const char *name);

/* Lookups that report an unknown name at `location` with the closest
 * candidate ("did you mean `Inputs`?") or the list of candidates. `what`
 * says where the name was used ("in the keep list"). -1 on error. */
int ln_nest_resolve_dimension(ln_nest_lowering *lowering, const char *name,
                              ln_source_location location, const char *what);
int ln_nest_resolve_tensor(ln_nest_lowering *lowering, const char *name,
                           ln_source_location location);
/* A storage level by name, or a container by name (its dummy level
 * `inter_NAME_spatial`). */
int ln_nest_resolve_level(ln_nest_lowering *lowering, const char *name,
                          ln_source_location location);

/* "did you mean `x`? " or "the Xs are a, b, c" into `hint`. */
void ln_nest_name_hint(char *hint, size_t size, const char *name, const char *const *candidates,
                       size_t count, const char *kind);

/* A tensor list (KEEP, BYPASS, FLAG) as a mask; false on an unknown name. */
bool ln_nest_tensor_mask(ln_nest_lowering *lowering, const ln_nest_node *list,
                         ln_tensor_mask *mask);

/* Which constraint kind a FLAG belongs to. */
typedef enum ln_nest_flag_kind {
    LN_NEST_FLAG_TEMPORAL,
    LN_NEST_FLAG_SPATIAL,
    LN_NEST_FLAG_DATASPACE,
} ln_nest_flag_kind;
ln_nest_flag_kind ln_nest_flag_kind_of(const char *flag);

/* The fan-out below storage level `level` along each axis. */
uint64_t ln_nest_fanout(const ln_arch *arch, uint32_t level);

#endif
