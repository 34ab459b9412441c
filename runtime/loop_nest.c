/* Flattening a mapping into the single loop nest the analysis walks.
 *
 * The order follows Timeloop's mapping parser: storage levels innermost
 * first; within a level, the spatial fan-out loops (to the next-inner level)
 * are inside the level's temporal loops. Loops with factor 1 carry no
 * iteration and are dropped, except that every level keeps at least one
 * temporal loop so that it has a tiling boundary. */
#include "runtime/engine.h"

static void append_loop(ln_loop_nest *nest, uint8_t dimension, uint8_t level, uint8_t spatial,
                        uint32_t end, uint32_t residual_end)
{
    ln_loop *loop = &nest->loops[nest->loop_count++];
    loop->dimension = dimension;
    loop->level = level;
    loop->spatial = spatial;
    loop->end = end;
    loop->residual_end = residual_end;
}

void ln_build_loop_nest(const ln_problem *problem, const ln_arch *arch,
                        const ln_mapping *mapping, ln_loop_nest *nest)
{
    nest->loop_count = 0;
    nest->level_count = mapping->level_count;
    uint32_t dimension_count = problem->dimension_count;

    for (uint32_t level = 0; level < mapping->level_count; level++) {
        const ln_mapping_level *entry = &mapping->levels[level];

        /* A spatial tiling level exists only where the hardware fans out. */
        uint64_t fanout = ln_arch_fanout_x(arch, level) * ln_arch_fanout_y(arch, level);
        if (fanout > 1) {
            for (uint32_t position = 0; position < dimension_count; position++) {
                uint8_t dimension = entry->spatial_permutation[position];
                uint32_t end = entry->spatial_factors[dimension];
                if (end > 1) {
                    uint8_t axis = position < entry->spatial_split ? LN_LOOP_SPATIAL_X
                                                                   : LN_LOOP_SPATIAL_Y;
                    append_loop(nest, dimension, (uint8_t)level, axis, end,
                                entry->spatial_residuals[dimension]);
                }
            }
        }

        uint32_t temporal_added = 0;
        for (uint32_t position = 0; position < dimension_count; position++) {
            uint8_t dimension = entry->temporal_permutation[position];
            uint32_t end = entry->temporal_factors[dimension];
            if (end > 1) {
                append_loop(nest, dimension, (uint8_t)level, LN_LOOP_TEMPORAL, end,
                            entry->temporal_residuals[dimension]);
                temporal_added++;
            }
        }
        if (temporal_added == 0)
            append_loop(nest, (uint8_t)(dimension_count - 1), (uint8_t)level, LN_LOOP_TEMPORAL, 1, 1);
        nest->boundary[level] = nest->loop_count - 1;
    }
}
