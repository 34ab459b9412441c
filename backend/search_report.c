#include "backend/search_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json_writer.h"

static int compare_entries(const void *a, const void *b)
{
    const ln_rejection_entry *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    if (x->reason != y->reason)
        return x->reason < y->reason ? -1 : 1;
    if (x->level != y->level)
        return x->level < y->level ? -1 : 1;
    return x->tensor < y->tensor ? -1 : x->tensor > y->tensor;
}

size_t ln_rejection_entries(const ln_rejection_tally *tally, ln_rejection_entry *entries, size_t capacity)
{
    ln_rejection_entry all[LN_REJECTION_REASON_COUNT * (LN_MAX_STORAGE_LEVELS + 1) * (LN_MAX_TENSORS + 1)];
    size_t count = 0;
    for (int reason = 0; reason < LN_REJECTION_REASON_COUNT; reason++)
        for (int level = 0; level <= LN_MAX_STORAGE_LEVELS; level++)
            for (int tensor = 0; tensor <= LN_MAX_TENSORS; tensor++) {
                uint64_t n = tally->count[reason][level][tensor];
                if (!n)
                    continue;
                all[count].reason = (ln_rejection_reason)reason;
                all[count].level = level - 1;
                all[count].tensor = tensor - 1;
                all[count].count = n;
                count++;
            }
    qsort(all, count, sizeof *all, compare_entries);
    memcpy(entries, all, (count < capacity ? count : capacity) * sizeof *all);
    return count;
}

void ln_describe_rejection(const ln_spec *spec, const ln_rejection_tally *tally, const ln_rejection_entry *entry,
                           char *text, size_t size)
{
    const char *level = entry->level >= 0 ? spec->arch.storage[entry->level].name : spec->arch.compute.name;
    const char *tensor = entry->tensor >= 0 ? spec->problem.tensors[entry->tensor].name : NULL;
    uint64_t required = tally->required[entry->reason][entry->level + 1];
    uint64_t available = tally->available[entry->reason][entry->level + 1];
    switch (entry->reason) {
    case LN_REJECTED_CAPACITY:
        snprintf(text, size, "the tiles overflow %s (largest: %s; e.g. %llu words needed, %llu held)", level,
                 tensor ? tensor : "?", (unsigned long long)required, (unsigned long long)available);
        break;
    case LN_REJECTED_MIN_UTILIZATION:
        snprintf(text, size, "the tiles fill %s below its min_utilization (e.g. %llu words, %llu needed)", level,
                 (unsigned long long)required, (unsigned long long)available);
        break;
    case LN_REJECTED_FANOUT:
        if (required)
            snprintf(text, size, "the spatial loops exceed the fan-out below %s (e.g. %llu-way, %llu available)",
                     level, (unsigned long long)required, (unsigned long long)available);
        else
            snprintf(text, size, "the spatial factors exceed the fan-out below %s", level);
        break;
    case LN_REJECTED_PARALLELISM:
        snprintf(text, size, "the mapping keeps fewer compute units busy than the utilization constraint asks");
        break;
    case LN_REJECTED_TEMPORAL_LOOPS:
        snprintf(text, size, "more temporal loops than max_temporal_loops_in_a_mapping");
        break;
    case LN_REJECTED_BYPASS:
        snprintf(text, size, "%s is kept at no level", tensor ? tensor : "a tensor");
        break;
    case LN_REJECTED_EVALUATION:
    case LN_REJECTION_REASON_COUNT:
        snprintf(text, size, "the model refused the mapping at %s", level);
        break;
    }
}

static void count_member(ln_json_writer *json, const char *key, ln_count value)
{
    char text[LN_COUNT_TEXT_SIZE];
    ln_json_member_string(json, key, ln_count_format(value, text));
}

bool ln_write_search_report(FILE *out, const ln_spec *spec, const ln_search_result *result,
                            const ln_evaluation *best)
{
    const ln_search_settings *settings = &result->settings;
    ln_json_writer writer, *json = &writer;
    ln_json_init(json, out);
    ln_json_begin_object(json);
    ln_json_member_uint(json, "format_version", LN_SEARCH_REPORT_FORMAT_VERSION);
    ln_json_member_string(json, "algorithm", settings->algorithm);
    ln_json_key(json, "metrics");
    ln_json_begin_array(json);
    for (uint32_t m = 0; m < settings->metric_count; m++)
        ln_json_string(json, ln_metric_name(settings->metrics[m]));
    ln_json_end_array(json);
    ln_json_member_uint(json, "seed", settings->seed);
    ln_json_member_uint(json, "threads", settings->threads);
    ln_json_key(json, "settings");
    ln_json_begin_object(json);
    ln_json_member_uint(json, "search_size", settings->search_size);
    ln_json_member_uint(json, "timeout", settings->timeout);
    ln_json_member_uint(json, "victory_condition", settings->victory_condition);
    ln_json_member_uint(json, "max_permutations_per_if_visit", settings->max_permutations_per_if_visit);
    ln_json_member_uint(json, "sync_interval", settings->sync_interval);
    ln_json_member_int(json, "max_temporal_loops_in_a_mapping", settings->max_temporal_loops);
    ln_json_member_bool(json, "filter_revisits", settings->filter_revisits);
    ln_json_member_bool(json, "penalize_consecutive_bypass_fails", settings->penalize_consecutive_bypass_fails);
    ln_json_member_bool(json, "refine", settings->refine);
    if (settings->time_limit > 0)
        ln_json_member_double(json, "time_limit", settings->time_limit);
    else
        ln_json_member_null(json, "time_limit");
    ln_json_end_object(json);

    ln_json_key(json, "mapspace");
    ln_json_begin_object(json);
    for (int s = 0; s < LN_SUBSPACE_COUNT; s++)
        count_member(json, ln_subspace_name((ln_subspace)s), result->subspace_sizes[s]);
    count_member(json, "total", result->size);
    ln_json_member_double(json, "total_log10", log10(ln_count_to_double(result->size)));
    ln_json_end_object(json);

    ln_json_member_string(json, "stop", ln_search_stop_name(result->stop));
    ln_json_key(json, "threads_stopped");
    ln_json_begin_object(json);
    for (int s = 0; s < LN_SEARCH_STOP_COUNT; s++)
        if (result->stops[s])
            ln_json_member_uint(json, ln_search_stop_name((ln_search_stop)s), result->stops[s]);
    ln_json_end_object(json);
    ln_json_member_double(json, "seconds", result->seconds);

    const ln_search_statistics *statistics = &result->statistics;
    ln_json_key(json, "candidates");
    ln_json_begin_object(json);
    ln_json_member_uint(json, "visited", statistics->visited);
    ln_json_member_uint(json, "evaluated", statistics->evaluated);
    ln_json_member_uint(json, "valid", statistics->valid);
    ln_json_member_uint(json, "rejected", statistics->rejected);
    ln_json_member_uint(json, "factorizations", statistics->factorizations);
    ln_json_member_uint(json, "factorizations_rejected", statistics->factorizations_rejected);
    ln_json_member_uint(json, "refinement_visited", statistics->refinement_visited);
    ln_json_member_uint(json, "refinement_evaluated", statistics->refinement_evaluated);
    ln_json_member_uint(json, "refinement_steps", statistics->refinement_steps);
    ln_json_member_double(json, "visited_per_second",
                          result->seconds > 0 ? (double)statistics->visited / result->seconds : 0);
    ln_json_end_object(json);

    ln_json_key(json, "rejections");
    ln_json_begin_array(json);
    ln_rejection_entry entries[64];
    size_t total = ln_rejection_entries(&statistics->rejections, entries, 64);
    for (size_t i = 0; i < total && i < 64; i++) {
        const ln_rejection_entry *entry = &entries[i];
        ln_json_begin_object(json);
        ln_json_member_string(json, "reason", ln_rejection_reason_name(entry->reason));
        ln_json_member_string(json, "level",
                              entry->level >= 0 ? spec->arch.storage[entry->level].name : NULL);
        ln_json_member_string(json, "tensor",
                              entry->tensor >= 0 ? spec->problem.tensors[entry->tensor].name : NULL);
        ln_json_member_uint(json, "count", entry->count);
        char text[256];
        ln_describe_rejection(spec, &statistics->rejections, entry, text, sizeof text);
        ln_json_member_string(json, "example", text);
        ln_json_end_object(json);
    }
    ln_json_end_array(json);

    if (result->certificate.present) {
        const ln_search_certificate *certificate = &result->certificate;
        ln_json_key(json, "certificate");
        ln_json_begin_object(json);
        ln_json_member_bool(json, "optimal", certificate->optimal);
        count_member(json, "factorizations_walked", certificate->factorizations_walked);
        ln_json_key(json, "pruned");
        ln_json_begin_object(json);
        for (int rule = 0; rule < LN_PRUNING_RULE_COUNT; rule++) {
            const ln_pruning_count *count = &certificate->pruned[rule];
            ln_json_key(json, ln_pruning_rule_name((ln_pruning_rule)rule));
            ln_json_begin_object(json);
            ln_json_member_uint(json, "events", count->events);
            count_member(json, "factorizations", count->factorizations);
            count_member(json, "candidates", count->candidates);
            ln_json_end_object(json);
        }
        ln_json_end_object(json);
        if (certificate->has_lower_bound) {
            ln_json_member_double(json, "lower_bound", certificate->lower_bound);
            ln_json_member_double(json, "gap", result->found && certificate->lower_bound > 0
                                                   ? result->best_metrics[0] / certificate->lower_bound - 1
                                                   : NAN);
        } else {
            ln_json_member_null(json, "lower_bound");
            ln_json_member_double(json, "gap", 0);
        }
        ln_json_end_object(json);
    }
    ln_json_member_bool(json, "found", result->found);
    ln_json_key(json, "best");
    if (result->found && best) {
        ln_json_begin_object(json);
        ln_json_member_uint(json, "cycles", best->cycles);
        ln_json_member_double(json, "energy_pj", best->energy);
        ln_json_member_double(json, "edp", best->energy * (double)best->cycles);
        ln_json_member_double(json, "utilization", best->utilization);
        ln_json_key(json, "metrics");
        ln_json_begin_object(json);
        for (uint32_t m = 0; m < settings->metric_count; m++)
            ln_json_member_double(json, ln_metric_name(settings->metrics[m]), result->best_metrics[m]);
        ln_json_end_object(json);
        ln_json_end_object(json);
    } else {
        ln_json_null(json);
    }

    ln_json_key(json, "improvements");
    ln_json_begin_array(json);
    for (uint32_t i = 0; i < result->improvement_count; i++) {
        const ln_search_improvement *improvement = &result->improvements[i];
        ln_json_begin_object(json);
        ln_json_member_double(json, "seconds", improvement->seconds);
        ln_json_member_uint(json, "visited", improvement->visited);
        ln_json_member_uint(json, "thread", improvement->thread);
        ln_json_key(json, "metrics");
        ln_json_begin_array(json);
        for (uint32_t m = 0; m < settings->metric_count; m++)
            ln_json_double(json, improvement->metrics[m]);
        ln_json_end_array(json);
        ln_json_end_object(json);
    }
    ln_json_end_array(json);
    ln_json_end_object(json);
    fputc('\n', out);
    return !ferror(out);
}
