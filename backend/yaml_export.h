/* The spec IR as Timeloop YAML, for `loopnest convert --to yaml`.
 *
 * Writes what Timeloop's model and mapper read: the architecture in the
 * v0.4 subtree/local form with instance ranges (`GlobalBuffer[1..16]`),
 * every level's attributes and its mesh (dummy levels included), so that
 * nothing is left for a front end to derive; the problem (shape and
 * instance); the mapping with every level's factors and permutation, its
 * spatial split and keep/bypass lists; architecture and mapspace
 * constraints; mapper options and mapspace template; and, when the spec
 * has them, the ERT/ART tables and the compound component classes (from
 * YAML or `component` blocks), so that a round trip keeps them. */
#ifndef LOOPNEST_BACKEND_YAML_EXPORT_H
#define LOOPNEST_BACKEND_YAML_EXPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "ir/spec.h"

/* False when the stream failed. */
bool ln_write_yaml_spec(FILE *out, const ln_spec *spec);

/* Only the mapping, as timeloop-mapper writes its .map.yaml: a `mapping:`
 * list that timeloop-model reads with the rest of the inputs. */
bool ln_write_yaml_mapping(FILE *out, const ln_spec *spec);

#endif
