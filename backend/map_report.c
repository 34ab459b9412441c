#include "backend/map_report.h"

#include <inttypes.h>

#include "backend/report_figures.h"

static const char *ln_text_or_empty(const char *text)
{
    return text ? text : "";
}

/* Prints "Name [ Tensor:tile (capacity) ... ] " and its newline; returns
 * the printed width without the newline. */
static int ln_print_level_header(FILE *out, const ln_spec *spec, const ln_evaluation *evaluation,
                                 uint32_t storage_index)
{
    int width = 0;
    int written = fprintf(out, "%s [ ", ln_text_or_empty(spec->arch.storage[storage_index].name));
    width += written > 0 ? written : 0;
    uint32_t tensor_count = ln_report_tensor_count(spec);
    for (uint32_t t = 0; t < tensor_count; t++) {
        const ln_tensor_level_stats *tensor = &evaluation->levels[storage_index].tensors[t];
        if (!tensor->kept)
            continue;
        written = fprintf(out, "%s:%" PRIu64 " (%" PRIu64 ") ", ln_text_or_empty(spec->problem.tensors[t].name),
                          tensor->tile_size, tensor->utilized_capacity);
        width += written > 0 ? written : 0;
    }
    written = fprintf(out, "] ");
    width += written > 0 ? written : 0;
    fputc('\n', out);
    return width;
}

static void ln_print_loop(FILE *out, const ln_spec *spec, const ln_loop *loop, uint32_t depth)
{
    /* Each printed loop nests one step (two spaces) deeper. */
    fprintf(out, "| %*s", (int)(2 * depth), "");
    const char *dimension = loop->dimension < spec->problem.dimension_count
                                ? ln_text_or_empty(spec->problem.dimension_names[loop->dimension])
                                : "?";
    fprintf(out, "for %s in [0:%" PRIu32, dimension, loop->end);
    if (loop->residual_end != loop->end)
        fprintf(out, ",%" PRIu32, loop->residual_end);
    fputc(')', out);
    if (loop->spatial == LN_LOOP_SPATIAL_X)
        fputs(" (Spatial-X)", out);
    else if (loop->spatial == LN_LOOP_SPATIAL_Y)
        fputs(" (Spatial-Y)", out);
    fputc('\n', out);
}

bool ln_write_map_report(FILE *out, const ln_spec *spec, const ln_evaluation *evaluation)
{
    const ln_loop_nest *nest = &evaluation->nest;
    uint32_t loop_count = nest->loop_count > LN_MAX_LOOPS ? LN_MAX_LOOPS : nest->loop_count;
    uint32_t level_count = nest->level_count;
    uint32_t storage_count = ln_report_storage_count(spec);
    if (level_count > storage_count)
        level_count = storage_count;

    /* Levels are announced from the outermost; `next_level` counts down. */
    uint32_t next_level = level_count;
    uint32_t depth = 0;
    /* The dashes under a header appear only once a loop of that level is
     * printed, and a blank line separates levels only after printed loops. */
    int pending_dashes = 0;
    bool pending_newline = false;

    for (uint32_t index = loop_count; index-- > 0;) {
        /* One level per boundary; the loop guards against an engine ever
         * giving two levels the same boundary. */
        while (next_level > 0 && nest->boundary[next_level - 1] == index) {
            next_level--;
            if (pending_newline)
                fputc('\n', out);
            pending_newline = false;
            int width = ln_print_level_header(out, spec, evaluation, next_level);
            pending_dashes = width > 0 ? width - 1 : 0;
        }
        const ln_loop *loop = &nest->loops[index];
        if (loop->end > 1) {
            if (pending_dashes > 0) {
                for (int i = 0; i < pending_dashes; i++)
                    fputc('-', out);
                fputc('\n', out);
            }
            pending_dashes = 0;
            ln_print_loop(out, spec, loop, depth);
            depth++;
            pending_newline = true;
        }
    }
    if (pending_dashes > 0) {
        for (int i = 0; i < pending_dashes; i++)
            fputc('-', out);
        fputc('\n', out);
    }
    fprintf(out, "| %*s<< Compute >>\n", (int)(2 * depth), "");
    return !ferror(out);
}
