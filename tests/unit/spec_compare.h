/* Field-by-field comparisons of spec IR parts, for tests that read the
 * same spec two ways (.nest and YAML, or before and after a conversion)
 * and expect the same IR. Locations are not compared: they say where each
 * part was written. */
#ifndef LOOPNEST_TESTS_SPEC_COMPARE_H
#define LOOPNEST_TESTS_SPEC_COMPARE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ir/component.h"
#include "ir/spec.h"

static inline void compare_optional_strings(const char *a, const char *b)
{
    if (a || b) {
        assert_non_null(a);
        assert_non_null(b);
        assert_string_equal(a, b);
    }
}

static inline void compare_problems(const ln_problem *a, const ln_problem *b)
{
    compare_optional_strings(a->name, b->name);
    assert_int_equal(a->dimension_count, b->dimension_count);
    for (uint8_t d = 0; d < a->dimension_count; d++) {
        assert_string_equal(a->dimension_names[d], b->dimension_names[d]);
        assert_int_equal(a->dimension_bounds[d], b->dimension_bounds[d]);
    }
    assert_int_equal(a->coefficient_count, b->coefficient_count);
    for (uint8_t c = 0; c < a->coefficient_count; c++) {
        assert_string_equal(a->coefficient_names[c], b->coefficient_names[c]);
        assert_int_equal(a->coefficient_defaults[c], b->coefficient_defaults[c]);
        assert_int_equal(a->coefficient_values[c], b->coefficient_values[c]);
    }
    assert_int_equal(a->tensor_count, b->tensor_count);
    for (uint8_t t = 0; t < a->tensor_count; t++) {
        const ln_tensor *x = &a->tensors[t], *y = &b->tensors[t];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->read_write, y->read_write);
        assert_int_equal(x->projection_is_flat_list, y->projection_is_flat_list);
        assert_int_equal(x->rank_count, y->rank_count);
        for (uint8_t r = 0; r < x->rank_count; r++) {
            compare_optional_strings(x->ranks[r].name, y->ranks[r].name);
            assert_int_equal(x->ranks[r].term_count, y->ranks[r].term_count);
            for (uint8_t k = 0; k < x->ranks[r].term_count; k++) {
                assert_int_equal(x->ranks[r].terms[k].dimension, y->ranks[r].terms[k].dimension);
                assert_int_equal(x->ranks[r].terms[k].coefficient, y->ranks[r].terms[k].coefficient);
            }
        }
    }
}

static inline bool same_attribute_value(const ln_attribute *a, const ln_attribute *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case LN_VALUE_NULL:
        return true;
    case LN_VALUE_BOOL:
        return a->boolean == b->boolean;
    case LN_VALUE_NUMBER:
        return a->number == b->number;
    case LN_VALUE_STRING:
        return strcmp(a->text, b->text) == 0;
    }
    return false;
}

/* The same attributes with the same values, in any order. */
static inline void compare_attribute_sets(const char *where, const ln_attribute_list *a,
                                          const ln_attribute_list *b)
{
    if (a->count != b->count)
        fail_msg("%s: %u attributes vs %u", where, a->count, b->count);
    for (uint32_t i = 0; i < a->count; i++) {
        const ln_attribute *other = ln_attribute_find(b, a->items[i].name);
        if (!other)
            fail_msg("%s: attribute %s missing", where, a->items[i].name);
        if (!same_attribute_value(&a->items[i], other))
            fail_msg("%s: attribute %s differs ('%s' vs '%s')", where, a->items[i].name,
                     a->items[i].text ? a->items[i].text : "", other->text ? other->text : "");
    }
}

static inline void compare_optional_numbers(ln_optional_number a, ln_optional_number b)
{
    assert_int_equal(a.specified, b.specified);
    if (a.specified)
        assert_true(a.value == b.value);
}

/* Everything the engine and the reports read of the architecture; the
 * form (nodes, subtree, ...) is how it was written and not compared. */
static inline void compare_archs(const ln_arch *a, const ln_arch *b, bool attributes)
{
    compare_optional_strings(a->name, b->name);
    assert_int_equal(a->storage_count, b->storage_count);
    for (uint32_t i = 0; i < a->storage_count; i++) {
        const ln_storage_level *x = &a->storage[i], *y = &b->storage[i];
        assert_string_equal(x->name, y->name);
        assert_string_equal(x->component_class, y->component_class);
        compare_optional_strings(x->subclass, y->subclass);
        assert_int_equal(x->is_dummy, y->is_dummy);
        assert_int_equal(x->instances, y->instances);
        assert_int_equal(x->mesh_x, y->mesh_x);
        assert_int_equal(x->mesh_y, y->mesh_y);
        assert_int_equal(x->size_specified, y->size_specified);
        assert_int_equal(x->size, y->size);
        assert_int_equal(x->effective_size, y->effective_size);
        assert_int_equal(x->word_bits, y->word_bits);
        assert_int_equal(x->block_size, y->block_size);
        assert_int_equal(x->cluster_size, y->cluster_size);
        assert_int_equal(x->banks, y->banks);
        assert_int_equal(x->ports, y->ports);
        assert_int_equal(x->technology, y->technology);
        assert_int_equal(x->reduction_supported_specified, y->reduction_supported_specified);
        assert_int_equal(x->reduction_supported, y->reduction_supported);
        assert_int_equal(x->allow_overbooking, y->allow_overbooking);
        assert_true(x->multiple_buffering == y->multiple_buffering);
        assert_true(x->min_utilization == y->min_utilization);
        assert_int_equal(x->network_fill_latency, y->network_fill_latency);
        assert_int_equal(x->network_drain_latency, y->network_drain_latency);
        compare_optional_numbers(x->read_bandwidth, y->read_bandwidth);
        compare_optional_numbers(x->write_bandwidth, y->write_bandwidth);
        compare_optional_numbers(x->shared_bandwidth, y->shared_bandwidth);
        compare_optional_numbers(x->vector_access_energy, y->vector_access_energy);
        compare_optional_numbers(x->addr_gen_energy, y->addr_gen_energy);
        compare_optional_numbers(x->cluster_area, y->cluster_area);
        for (uint32_t t = 0; t < LN_MAX_TENSORS; t++)
            assert_true(x->bandwidth_consumption_scale[t] == y->bandwidth_consumption_scale[t]);
        if (attributes)
            compare_attribute_sets(x->name, &x->attributes, &y->attributes);
    }
    const ln_compute_level *x = &a->compute, *y = &b->compute;
    assert_string_equal(x->name, y->name);
    assert_string_equal(x->component_class, y->component_class);
    assert_int_equal(x->instances, y->instances);
    assert_int_equal(x->mesh_x, y->mesh_x);
    assert_int_equal(x->mesh_y, y->mesh_y);
    assert_int_equal(x->word_bits, y->word_bits);
    compare_optional_numbers(x->energy_override, y->energy_override);
    compare_optional_numbers(x->area_override, y->area_override);
    if (attributes) {
        compare_attribute_sets(x->name, &x->attributes, &y->attributes);
        compare_attribute_sets("the architecture", &a->attributes, &b->attributes);
    }
}

/* `exact_permutations`: compare the order of loops with factor 1 too
 * (they do not change what a mapping computes). */
static inline void compare_mappings(const ln_problem *problem, const ln_mapping *a, const ln_mapping *b,
                                    bool exact_permutations)
{
    assert_int_equal(a->level_count, b->level_count);
    for (uint32_t l = 0; l < a->level_count; l++) {
        const ln_mapping_level *x = &a->levels[l], *y = &b->levels[l];
        for (uint8_t d = 0; d < problem->dimension_count; d++) {
            assert_int_equal(x->temporal_factors[d], y->temporal_factors[d]);
            assert_int_equal(x->temporal_residuals[d], y->temporal_residuals[d]);
            assert_int_equal(x->spatial_factors[d], y->spatial_factors[d]);
            assert_int_equal(x->spatial_residuals[d], y->spatial_residuals[d]);
        }
        /* The relative order of the loops that iterate. */
        for (int spatial = 0; spatial < 2; spatial++) {
            const uint8_t *px = spatial ? x->spatial_permutation : x->temporal_permutation;
            const uint8_t *py = spatial ? y->spatial_permutation : y->temporal_permutation;
            const uint32_t *factors = spatial ? x->spatial_factors : x->temporal_factors;
            uint8_t ox[LN_MAX_DIMENSIONS], oy[LN_MAX_DIMENSIONS], nx = 0, ny = 0;
            for (uint8_t i = 0; i < problem->dimension_count; i++) {
                if (exact_permutations || factors[px[i]] != 1)
                    ox[nx++] = px[i];
                if (exact_permutations || factors[py[i]] != 1)
                    oy[ny++] = py[i];
            }
            assert_int_equal(nx, ny);
            assert_memory_equal(ox, oy, nx);
        }
        /* Which iterating spatial loops are on X. */
        for (uint8_t i = 0; i < problem->dimension_count; i++) {
            uint8_t d = x->spatial_permutation[i];
            if (!exact_permutations && x->spatial_factors[d] == 1)
                continue;
            uint8_t j = 0;
            while (y->spatial_permutation[j] != d)
                j++;
            assert_int_equal(i < x->spatial_split, j < y->spatial_split);
        }
        assert_int_equal(x->keep, y->keep);
        assert_int_equal(x->bypass, y->bypass);
        assert_int_equal(x->no_temporal_reuse, y->no_temporal_reuse);
        assert_int_equal(x->no_multicast, y->no_multicast);
        assert_int_equal(x->no_link_transfer, y->no_link_transfer);
        assert_int_equal(x->rmw_first_update, y->rmw_first_update);
        assert_int_equal(x->no_coalesce, y->no_coalesce);
    }
}

static inline bool same_constraint(const ln_constraint *a, const ln_constraint *b)
{
    if (a->kind != b->kind || a->level != b->level || a->from_architecture != b->from_architecture ||
        a->keep != b->keep || a->bypass != b->bypass || a->split_specified != b->split_specified ||
        (a->split_specified && a->split != b->split) || a->permutation_count != b->permutation_count ||
        memcmp(a->permutation, b->permutation, a->permutation_count) != 0 ||
        a->permutation_suffix_count != b->permutation_suffix_count ||
        memcmp(a->permutation_suffix, b->permutation_suffix, a->permutation_suffix_count) != 0 ||
        a->min_utilization != b->min_utilization ||
        a->max_overbooked_proportion != b->max_overbooked_proportion ||
        a->remainders_specified != b->remainders_specified || a->max_remainders != b->max_remainders ||
        a->no_link_transfer != b->no_link_transfer || a->no_multicast != b->no_multicast ||
        a->no_temporal_reuse != b->no_temporal_reuse || a->rmw_first_update != b->rmw_first_update ||
        a->no_coalesce != b->no_coalesce)
        return false;
    for (uint32_t d = 0; d < LN_MAX_DIMENSIONS; d++)
        if (a->factor_relation[d] != b->factor_relation[d] || a->factors[d] != b->factors[d] ||
            a->min_factors[d] != b->min_factors[d] || a->max_factors[d] != b->max_factors[d])
            return false;
    return true;
}

/* The same constraints in any order. */
static inline void compare_constraint_lists(const ln_constraint_list *a, const ln_constraint_list *b)
{
    assert_int_equal(a->count, b->count);
    bool used[512] = {false};
    for (uint32_t i = 0; i < a->count; i++) {
        bool matched = false;
        for (uint32_t j = 0; j < b->count && !matched; j++) {
            if (!used[j] && same_constraint(&a->items[i], &b->items[j])) {
                used[j] = true;
                matched = true;
            }
        }
        if (!matched)
            fail_msg("constraint %u (kind %d on level %d) has no match", i, a->items[i].kind,
                     a->items[i].level);
    }
}

static inline void compare_mapper_options(const ln_mapper_options *a, const ln_mapper_options *b)
{
    assert_int_equal(a->present, b->present);
    compare_optional_strings(a->algorithm, b->algorithm);
    assert_int_equal(a->metric_count, b->metric_count);
    for (uint32_t i = 0; i < a->metric_count; i++)
        assert_int_equal(a->metrics[i], b->metrics[i]);
    assert_int_equal(a->threads, b->threads);
    assert_int_equal(a->timeout, b->timeout);
    assert_int_equal(a->victory_condition, b->victory_condition);
    assert_int_equal(a->search_size, b->search_size);
    assert_int_equal(a->sync_interval, b->sync_interval);
    assert_int_equal(a->log_interval, b->log_interval);
    assert_int_equal(a->max_permutations_per_if_visit, b->max_permutations_per_if_visit);
    assert_int_equal(a->max_temporal_loops_in_a_mapping, b->max_temporal_loops_in_a_mapping);
    assert_int_equal(a->filter_revisits, b->filter_revisits);
    assert_int_equal(a->log_stats, b->log_stats);
    assert_int_equal(a->log_suboptimal, b->log_suboptimal);
    assert_int_equal(a->live_status, b->live_status);
    assert_int_equal(a->diagnostics, b->diagnostics);
    assert_int_equal(a->penalize_consecutive_bypass_fails, b->penalize_consecutive_bypass_fails);
    compare_optional_strings(a->out_prefix, b->out_prefix);
    compare_optional_strings(a->mapspace_template, b->mapspace_template);
}

static inline void compare_expressions(const ln_expression *a, const ln_expression *b)
{
    compare_optional_strings(a->text, b->text);
    if (a->text)
        assert_int_equal(a->quoted, b->quoted);
}

static inline void compare_component_attributes(const ln_component_attribute *a, uint32_t a_count,
                                                const ln_component_attribute *b, uint32_t b_count)
{
    assert_int_equal(a_count, b_count);
    for (uint32_t i = 0; i < a_count; i++) {
        assert_string_equal(a[i].name, b[i].name);
        compare_expressions(&a[i].value, &b[i].value);
        assert_int_equal(a[i].must_specify, b[i].must_specify);
    }
}

/* The classes the inputs define (not the stdlib's), in order. */
static inline void compare_component_libraries(const ln_component_library *a, const ln_component_library *b)
{
    uint32_t ia = 0, ib = 0;
    for (;;) {
        while (ia < a->count && a->classes[ia].from_stdlib)
            ia++;
        while (ib < b->count && b->classes[ib].from_stdlib)
            ib++;
        if (ia == a->count || ib == b->count)
            break;
        const ln_component_class *x = &a->classes[ia++], *y = &b->classes[ib++];
        assert_string_equal(x->name, y->name);
        compare_optional_strings(x->primitive_type, y->primitive_type);
        compare_component_attributes(x->attributes, x->attribute_count, y->attributes, y->attribute_count);
        assert_int_equal(x->subcomponent_count, y->subcomponent_count);
        for (uint32_t s = 0; s < x->subcomponent_count; s++) {
            const ln_component_subcomponent *p = &x->subcomponents[s], *q = &y->subcomponents[s];
            assert_string_equal(p->name, q->name);
            compare_optional_strings(p->written_name, q->written_name);
            assert_string_equal(p->class_name, q->class_name);
            compare_expressions(&p->area_scale, &q->area_scale);
            compare_expressions(&p->energy_scale, &q->energy_scale);
            compare_component_attributes(p->attributes, p->attribute_count, q->attributes, q->attribute_count);
        }
        assert_int_equal(x->action_count, y->action_count);
        for (uint32_t k = 0; k < x->action_count; k++) {
            const ln_component_action *p = &x->actions[k], *q = &y->actions[k];
            assert_string_equal(p->name, q->name);
            compare_expressions(&p->energy_scale, &q->energy_scale);
            compare_component_attributes(p->arguments, p->argument_count, q->arguments, q->argument_count);
            assert_int_equal(p->part_count, q->part_count);
            for (uint32_t r = 0; r < p->part_count; r++) {
                const ln_component_action_part *u = &p->parts[r], *v = &q->parts[r];
                assert_string_equal(u->subcomponent, v->subcomponent);
                assert_int_equal(u->action_count, v->action_count);
                for (uint32_t w = 0; w < u->action_count; w++) {
                    assert_string_equal(u->actions[w].name, v->actions[w].name);
                    compare_expressions(&u->actions[w].energy_scale, &v->actions[w].energy_scale);
                    compare_component_attributes(u->actions[w].arguments, u->actions[w].argument_count,
                                                 v->actions[w].arguments, v->actions[w].argument_count);
                }
            }
        }
    }
    assert_int_equal(ia, a->count);
    assert_int_equal(ib, b->count);
}

#endif
