#include <stdio.h>
#include <string.h>

#include "backend/report_figures.h"

static const char ln_network_separator[] = " <==> ";

uint32_t ln_report_storage_count(const ln_spec *spec)
{
    uint32_t count = spec->arch.storage_count;
    if (count > LN_MAX_STORAGE_LEVELS)
        count = LN_MAX_STORAGE_LEVELS;
    return count;
}

uint32_t ln_report_tensor_count(const ln_spec *spec)
{
    uint32_t count = spec->problem.tensor_count;
    return count > LN_MAX_TENSORS ? LN_MAX_TENSORS : count;
}

bool ln_report_storage_level_hidden(const ln_level_evaluation *level)
{
    return level->total_scalar_accesses == 0 && level->energy == 0;
}

bool ln_report_compute_level_hidden(const ln_compute_evaluation *compute)
{
    return compute->energy == 0;
}

static const char *ln_name_or_empty(const char *name)
{
    return name ? name : "";
}

const char *ln_report_network_inner_name(const ln_spec *spec, uint32_t storage_index)
{
    if (storage_index == 0)
        return ln_name_or_empty(spec->arch.compute.name);
    return ln_name_or_empty(spec->arch.storage[storage_index - 1].name);
}

size_t ln_report_network_name_length(const ln_spec *spec, uint32_t storage_index)
{
    return strlen(ln_name_or_empty(spec->arch.storage[storage_index].name)) + strlen(ln_network_separator)
           + strlen(ln_report_network_inner_name(spec, storage_index));
}

void ln_report_print_network_name(FILE *out, const ln_spec *spec, uint32_t storage_index)
{
    fprintf(out, "%s%s%s", ln_name_or_empty(spec->arch.storage[storage_index].name), ln_network_separator,
            ln_report_network_inner_name(spec, storage_index));
}

/* Character `position` of a network's name, or -1 past its end; lets two
 * names be compared without building them. */
static int ln_network_name_char(const ln_spec *spec, uint32_t storage_index, size_t position)
{
    const char *parts[3] = {ln_name_or_empty(spec->arch.storage[storage_index].name), ln_network_separator,
                            ln_report_network_inner_name(spec, storage_index)};
    for (int i = 0; i < 3; i++) {
        size_t length = strlen(parts[i]);
        if (position < length)
            return (unsigned char)parts[i][position];
        position -= length;
    }
    return -1;
}

/* std::string's ordering: bytes compared as unsigned char, a prefix first. */
static int ln_network_name_compare(const ln_spec *spec, uint32_t a, uint32_t b)
{
    for (size_t position = 0;; position++) {
        int ca = ln_network_name_char(spec, a, position);
        int cb = ln_network_name_char(spec, b, position);
        if (ca != cb)
            return ca < cb ? -1 : 1;
        if (ca < 0)
            return 0;
    }
}

uint32_t ln_report_network_order(const ln_spec *spec, uint32_t order[LN_MAX_STORAGE_LEVELS])
{
    uint32_t count = ln_report_storage_count(spec);
    for (uint32_t i = 0; i < count; i++) {
        uint32_t j = i;
        while (j > 0 && ln_network_name_compare(spec, order[j - 1], i) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    return count;
}

size_t ln_report_summary_name_width(const ln_spec *spec)
{
    size_t longest = strlen(ln_name_or_empty(spec->arch.compute.name));
    uint32_t count = ln_report_storage_count(spec);
    for (uint32_t i = 0; i < count; i++) {
        size_t length = strlen(ln_name_or_empty(spec->arch.storage[i].name));
        if (length > longest)
            longest = length;
        length = ln_report_network_name_length(spec, i);
        if (length > longest)
            longest = length;
    }
    return longest + 1;
}

float ln_report_op_per_byte(uint64_t total_ops, uint64_t word_bits, uint64_t accesses)
{
    /* The byte count is an integer division in Timeloop; the quotient is a
     * float division. Both are kept so the printed value matches. */
    uint64_t bytes = word_bits * accesses / 8;
    float numerator = (float)total_ops;
    float denominator = (float)bytes;
    return numerator / denominator;
}

float ln_report_gflops(const ln_evaluation *evaluation)
{
    float numerator = (float)evaluation->total_ops;
    float denominator = (float)evaluation->cycles;
    return numerator / denominator;
}

double ln_report_edp(const ln_evaluation *evaluation)
{
    float cycles = (float)evaluation->cycles;
    return (double)cycles * evaluation->energy / 1e12;
}

const char *ln_report_status_name(ln_evaluation_status status)
{
    switch (status) {
    case LN_EVALUATION_OK:
        return "ok";
    case LN_EVALUATION_CAPACITY:
        return "capacity";
    case LN_EVALUATION_FANOUT:
        return "fanout";
    case LN_EVALUATION_MIN_UTILIZATION:
        return "min_utilization";
    case LN_EVALUATION_INVALID_MAPPING:
        return "invalid_mapping";
    case LN_EVALUATION_UNSUPPORTED:
        return "unsupported";
    }
    return "unknown";
}

const char *ln_report_technology_name(ln_memory_technology technology)
{
    return technology == LN_TECHNOLOGY_DRAM ? "DRAM" : "SRAM";
}
