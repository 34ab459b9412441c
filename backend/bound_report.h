/* The reports of `loopnest bound`, Orojenesis's data-movement lower bound:
 * NAME.bound.json (the frontier's points, each with a tile shape and loop
 * order that reaches it) and NAME.bound.svg (traffic against buffer
 * footprint on log-log axes, as a staircase, with the buffer's capacity
 * marked).
 *
 * The back ends read only the IR, so the command copies the runtime's
 * result (runtime/traffic_bound.h) into the plain figures below. */
#ifndef LOOPNEST_BACKEND_BOUND_REPORT_H
#define LOOPNEST_BACKEND_BOUND_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ir/spec.h"

enum { LN_BOUND_REPORT_FORMAT_VERSION = 1 };

typedef struct ln_bound_report_point {
    uint64_t footprint; /* words of every tensor's tile at the buffer */
    uint64_t traffic;   /* words moved to and from the backing store */
    uint32_t tile[LN_MAX_DIMENSIONS];  /* the tile's extent per dimension */
    uint8_t order_length;              /* loops above the buffer with a factor above 1 */
    uint8_t order[LN_MAX_DIMENSIONS];  /* their dimensions, outermost first */
} ln_bound_report_point;

typedef struct ln_bound_report {
    const ln_problem *problem;
    const char *backing_level; /* "DRAM" */
    const char *buffer_level;  /* "GlobalBuffer" */
    bool capacity_known;       /* false: the buffer has no size */
    uint64_t capacity;         /* words, all instances */
    uint64_t compulsory;       /* each tensor once */
    bool complete;             /* every candidate evaluated: the points are a bound */
    uint64_t evaluations;
    uint64_t evaluation_cap;   /* 0: none */
    double tile_count;
    uint32_t point_count;      /* footprint ascending, traffic strictly descending */
    const ln_bound_report_point *points;
} ln_bound_report;

/* The point that holds at `capacity` words (the last that fits); NULL when
 * none does. */
const ln_bound_report_point *ln_bound_report_point_at(const ln_bound_report *report, uint64_t capacity);

/* A point's loop order as text, outermost first, the dimension names
 * separated by spaces ("K M N"); "" when no loop is left above the
 * buffer. */
void ln_bound_report_order_text(const ln_problem *problem, const ln_bound_report_point *point, char *text,
                                size_t size);

bool ln_write_bound_json(FILE *out, const ln_bound_report *report);
bool ln_write_bound_svg(FILE *out, const ln_bound_report *report);

#endif
