/* A small chart writer for the reports: one x-y chart as a standalone SVG 1.1
 * document, with nothing to install and nothing to load to view it.
 *
 * Any input gives a well-formed document: points with a NaN or infinite
 * coordinate, and points that are not positive on a logarithmic axis, are
 * left out (the caption says how many); an empty chart gets axes and a "no
 * data" mark; a range of one value is widened around it. Every text is
 * XML-escaped and made valid UTF-8. The output depends only on the input
 * (same input, same bytes) and does not depend on the C locale.
 *
 * Tick labels, and ln_svg_format_number, use one compact notation:
 *   0                                  "0"
 *   |v| >= 1e15, |v| < 0.001, or a
 *   resolution finer than 0.001        scientific: "2.5e-4", "1e18", "1.2e-3"
 *   1e3 <= |v| < 1e15                  SI suffix k, M, G, T: "250k", "1.5M", "2.3G"
 *   otherwise                          plain decimal: "0.25", "40", "999"
 * with as many digits as tell apart values `resolution` apart (the tick step),
 * and no trailing zeros. Linear axes step by 1, 2 or 5 times a power of ten;
 * log axes put labelled ticks at powers of ten, minor ones at 2..9 times
 * them. A log axis over more than ten decades labels only some of them, all
 * as "1e-10", "1e0", "1e10". */
#ifndef LOOPNEST_BACKEND_SVG_PLOT_H
#define LOOPNEST_BACKEND_SVG_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum ln_svg_style {
    LN_SVG_POINTS,
    LN_SVG_LINE,
    /* A staircase, horizontal then vertical, from each point to the next: a
     * Pareto front, or a non-increasing bound that holds until the next
     * point's x. */
    LN_SVG_STEPS,
} ln_svg_style;

typedef struct ln_svg_series {
    const char *name;           /* legend text; NULL or "": no legend entry */
    const double *x;
    const double *y;
    uint32_t count;
    /* LN_SVG_LINE and LN_SVG_STEPS join the points in the order given (sort
     * them by x first); a left-out point breaks the line there. */
    ln_svg_style style;
    /* Optional hover text per point (an SVG <title>), `count` entries, any of
     * them may be NULL; NULL for none. Labelled points are drawn as separate
     * elements, which makes the file about three times larger. */
    const char *const *labels;
    /* Drawn bolder and on top of the other series, e.g. the chosen mapping. */
    bool highlight;
} ln_svg_series;

typedef struct ln_svg_chart {
    const char *title;          /* each text is optional (NULL) */
    const char *x_label;
    const char *y_label;
    bool x_log;                 /* logarithmic axes, ticks at powers of ten */
    bool y_log;
    /* Pixels; 0 means the default 720 x 480. Sizes are kept within
     * 240 x 180 .. 20000 x 20000 so the plot area always has room. */
    uint32_t width;
    uint32_t height;
    const ln_svg_series *series;
    uint32_t series_count;
    const char *note;           /* optional one-line caption under the plot */
} ln_svg_chart;

/* Writes the chart as a whole SVG document. Returns false on a NULL argument
 * or when the stream reports a write error. */
bool ln_svg_write_chart(FILE *out, const ln_svg_chart *chart);

/* ln_svg_write_chart in the ln_output_writer form (backend/output_file.h),
 * with `chart` an ln_svg_chart, so a chart can be written whole by
 * ln_output_file_write. */
bool ln_svg_chart_output(FILE *out, const void *chart);

enum { LN_SVG_NUMBER_SIZE = 32 };

/* Formats `value` in the notation above; `resolution` is the difference the
 * digits must show (a tick step); 0 or less asks for three significant
 * digits. A NaN or infinite value gives "n/a". */
void ln_svg_format_number(double value, double resolution, char buffer[LN_SVG_NUMBER_SIZE]);

#endif
