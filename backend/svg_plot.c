#include "backend/svg_plot.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/utf8.h"

enum {
    LN_SVG_DEFAULT_WIDTH = 720,
    LN_SVG_DEFAULT_HEIGHT = 480,
    LN_SVG_MIN_WIDTH = 240,
    LN_SVG_MIN_HEIGHT = 180,
    LN_SVG_MAX_SIZE = 20000,
    /* A log axis over at most 10 decades has 11 decade ticks and 8 minor
     * ticks in each decade; wider ones have at most 101 decade ticks. */
    LN_SVG_MAX_TICKS = 160,
    LN_SVG_LEGEND_MAX_CHARACTERS = 32,
};

/* Okabe and Ito's palette, told apart with any colour vision; its yellow is
 * left out because thin lines of it vanish on white. */
static const char *const ln_svg_palette[] = {
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000",
};
enum { LN_SVG_PALETTE_SIZE = sizeof ln_svg_palette / sizeof ln_svg_palette[0] };

static const char *const ln_svg_ink = "#333333";

/* Rough advance of one character of the sans-serif font at 11 and 12 px,
 * enough to leave room for labels without measuring text. */
static const double ln_svg_tick_character_width = 6.5;
static const double ln_svg_legend_character_width = 7.0;

/* Data points sit this far inside the frame, so points on the axis ends
 * are not drawn over the frame. */
static const double ln_svg_inset = 8.0;

typedef struct ln_svg_tick {
    double coordinate; /* a value on a linear axis, log10 of it on a log axis */
    bool labelled;     /* a major tick: labelled, with a grid line */
    char label[LN_SVG_NUMBER_SIZE];
} ln_svg_tick;

typedef struct ln_svg_axis {
    bool log;
    /* The ends in axis coordinates (values, or decades on a log axis). */
    double low;
    double high;
    /* Pixels where `low` and `high` are drawn. */
    double pixel_low;
    double pixel_high;
    ln_svg_tick ticks[LN_SVG_MAX_TICKS];
    uint32_t tick_count;
    size_t longest_label; /* in bytes; labels are ASCII */
} ln_svg_axis;

typedef struct ln_svg_range {
    double low;
    double high;
    bool any;
} ln_svg_range;

typedef struct ln_svg_layout {
    double width;
    double height;
    /* The frame around the plot area. */
    double left;
    double right;
    double top;
    double bottom;
    double legend_width;
    uint32_t legend_characters;
} ln_svg_layout;

/* A pixel coordinate as text: one decimal at most, which is finer than
 * any screen needs and keeps files with many points small. Written by hand
 * so neither the locale nor a stray NaN can change its spelling. */
typedef struct ln_svg_number_text {
    char text[24];
} ln_svg_number_text;

static ln_svg_number_text ln_svg_pixel(double value)
{
    ln_svg_number_text result;
    if (!(value > -1e7)) /* NaN included */
        value = -1e7;
    if (value > 1e7)
        value = 1e7;
    long long tenths = llround(value * 10.0);
    const char *sign = tenths < 0 ? "-" : "";
    long long magnitude = tenths < 0 ? -tenths : tenths;
    if (magnitude % 10 != 0)
        snprintf(result.text, sizeof result.text, "%s%lld.%lld", sign, magnitude / 10, magnitude % 10);
    else
        snprintf(result.text, sizeof result.text, "%s%lld", sign, magnitude / 10);
    return result;
}

/* ---- Numbers --------------------------------------------------------- */

/* floor(log10(x)) for a positive finite x, nudged so that a power of ten
 * computed with a rounding error still counts as that power. */
static int ln_svg_decade_of(double x)
{
    return (int)floor(log10(x) + 1e-9);
}

static int ln_svg_clamp_int(int value, int low, int high)
{
    return value < low ? low : value > high ? high : value;
}

/* Makes printf's digits locale-proof (a ',' decimal point becomes '.') and
 * drops trailing zeros and a bare decimal point. */
static void ln_svg_trim_decimals(char *digits)
{
    char *point = NULL;
    for (char *c = digits; *c; c++) {
        if (*c == ',')
            *c = '.';
        if (*c == '.')
            point = c;
    }
    if (point) {
        char *end = point + strlen(point);
        while (end > point + 1 && end[-1] == '0')
            end--;
        if (end == point + 1)
            end = point;
        *end = '\0';
    }
    if (strcmp(digits, "-0") == 0)
        strcpy(digits, "0");
}

void ln_svg_format_number(double value, double resolution, char buffer[LN_SVG_NUMBER_SIZE])
{
    if (!isfinite(value)) {
        snprintf(buffer, LN_SVG_NUMBER_SIZE, "n/a");
        return;
    }
    if (value == 0) {
        snprintf(buffer, LN_SVG_NUMBER_SIZE, "0");
        return;
    }
    double magnitude = fabs(value);
    if (!(resolution > 0) || !isfinite(resolution))
        resolution = magnitude / 100.0;
    if (!(resolution > 0)) /* a subnormal value divided away */
        resolution = magnitude;
    int value_decade = ln_svg_decade_of(magnitude);
    int resolution_decade = ln_svg_decade_of(resolution);
    char digits[LN_SVG_NUMBER_SIZE * 2];

    if (value_decade >= 15 || value_decade < -3 || resolution_decade < -3) {
        int decimals = ln_svg_clamp_int(value_decade - resolution_decade, 0, 9);
        snprintf(digits, sizeof digits, "%.*e", decimals, value);
        char *exponent_mark = strchr(digits, 'e');
        long exponent = 0;
        if (exponent_mark) {
            exponent = strtol(exponent_mark + 1, NULL, 10);
            *exponent_mark = '\0';
        }
        ln_svg_trim_decimals(digits);
        snprintf(buffer, LN_SVG_NUMBER_SIZE, "%.20se%ld", digits, exponent);
        return;
    }
    if (value_decade >= 3) {
        static const char suffixes[] = " kMGT";
        int group = value_decade / 3;
        int decimals = ln_svg_clamp_int(3 * group - resolution_decade, 0, 9);
        double scaled = value / pow(10.0, 3 * group);
        /* 999.96k shown with no decimals would read "1000k"; say 1M. */
        double rounded = round(fabs(scaled) * pow(10.0, decimals)) / pow(10.0, decimals);
        if (rounded >= 1000.0 && group < 4) {
            group++;
            scaled /= 1000.0;
            decimals = ln_svg_clamp_int(decimals - 3, 0, 9);
        }
        snprintf(digits, sizeof digits, "%.*f", decimals, scaled);
        ln_svg_trim_decimals(digits);
        snprintf(buffer, LN_SVG_NUMBER_SIZE, "%.20s%c", digits, suffixes[group]);
        return;
    }
    int decimals = ln_svg_clamp_int(-resolution_decade, 0, 9);
    snprintf(digits, sizeof digits, "%.*f", decimals, value);
    ln_svg_trim_decimals(digits);
    snprintf(buffer, LN_SVG_NUMBER_SIZE, "%.30s", digits);
}

/* ---- Text ------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at `text` (NUL-terminated) that XML
 * allows, or 0 when the bytes there are not one (ln_utf8_sequence_length,
 * and XML leaves out U+FFFE and U+FFFF). */
static size_t ln_svg_utf8_sequence_length(const unsigned char *text)
{
    uint32_t code;
    size_t length = ln_utf8_sequence_length(text, SIZE_MAX, &code);
    return length && code != 0xFFFE && code != 0xFFFF ? length : 0;
}

/* Characters in `text` as ln_svg_write_text counts them: a stray byte
 * counts as one. */
static size_t ln_svg_character_count(const char *text)
{
    const unsigned char *bytes = (const unsigned char *)text;
    size_t count = 0;
    size_t i = 0;
    while (bytes[i]) {
        size_t sequence = bytes[i] < 0x80 ? 1 : ln_svg_utf8_sequence_length(bytes + i);
        i += sequence ? sequence : 1;
        count++;
    }
    return count;
}

/* Writes `text` as XML character data, at most `limit` characters, the
 * last one an ellipsis when it is cut. Bytes XML cannot carry (control
 * characters, invalid UTF-8, as from a file name) become a space or U+FFFD
 * rather than making the whole document unreadable. */
static void ln_svg_write_text(FILE *out, const char *text, size_t limit)
{
    if (!text)
        return;
    bool cut = ln_svg_character_count(text) > limit;
    size_t budget = cut ? (limit > 0 ? limit - 1 : 0) : limit;
    const unsigned char *bytes = (const unsigned char *)text;
    size_t i = 0;
    for (size_t written = 0; bytes[i] && written < budget; written++) {
        unsigned char c = bytes[i];
        if (c < 0x80) {
            switch (c) {
            case '&':
                fputs("&amp;", out);
                break;
            case '<':
                fputs("&lt;", out);
                break;
            case '>':
                fputs("&gt;", out);
                break;
            case '"':
                fputs("&quot;", out);
                break;
            case '\'':
                fputs("&apos;", out);
                break;
            default:
                fputc(c < 0x20 ? ' ' : c, out);
                break;
            }
            i++;
            continue;
        }
        size_t sequence = ln_svg_utf8_sequence_length(bytes + i);
        if (sequence) {
            fwrite(bytes + i, 1, sequence, out);
            i += sequence;
        } else {
            fputs("&#xFFFD;", out);
            i++;
        }
    }
    if (cut && limit > 0)
        fputs("&#x2026;", out);
}

static bool ln_svg_has_text(const char *text)
{
    return text && text[0];
}

/* ---- Axes ------------------------------------------------------------ */

static bool ln_svg_value_fits(double value, bool log)
{
    return isfinite(value) && (!log || value > 0);
}

/* Adds a tick; `label` NULL makes it a minor tick. */
static void ln_svg_add_tick(ln_svg_axis *axis, double coordinate, const char *label)
{
    if (axis->tick_count >= LN_SVG_MAX_TICKS || !isfinite(coordinate))
        return;
    ln_svg_tick *tick = &axis->ticks[axis->tick_count++];
    tick->coordinate = coordinate;
    tick->labelled = label != NULL;
    snprintf(tick->label, sizeof tick->label, "%s", label ? label : "");
    size_t length = strlen(tick->label);
    if (length > axis->longest_label)
        axis->longest_label = length;
}

static void ln_svg_add_number_tick(ln_svg_axis *axis, double coordinate, double value, double resolution)
{
    char label[LN_SVG_NUMBER_SIZE];
    ln_svg_format_number(value, resolution, label);
    ln_svg_add_tick(axis, coordinate, label);
}

/* 1, 2 or 5 times a power of ten, whichever is nearest `raw` (on a log
 * scale), so an axis gets about five intervals. */
static double ln_svg_nice_step(double raw)
{
    double base = pow(10.0, floor(log10(raw)));
    if (!(base > 0) || !isfinite(base))
        return raw;
    double fraction = raw / base;
    double multiple = fraction < 1.5 ? 1.0 : fraction < 3.0 ? 2.0 : fraction < 7.0 ? 5.0 : 10.0;
    double step = multiple * base;
    return step > 0 && isfinite(step) ? step : raw;
}

static void ln_svg_linear_axis(ln_svg_axis *axis, ln_svg_range range)
{
    double low = range.any ? range.low : 0.0;
    double high = range.any ? range.high : 1.0;
    double magnitude = fmax(fabs(low), fabs(high));
    /* A range narrower than this has no readable tick labels; widen it
     * around its values. (An overflowing difference is +inf: wide.) */
    if (!(high - low > magnitude * 1e-6)) {
        double pad = magnitude > 0 ? magnitude * 0.1 : 1.0;
        low = fmax(low - pad, -DBL_MAX);
        high = fmin(high + pad, DBL_MAX);
        if (!(high > low)) { /* the pad of a subnormal value underflows */
            low = -1.0;
            high = 1.0;
        }
    }
    /* Halves, because the difference of two large doubles can overflow. */
    double half_span = high * 0.5 - low * 0.5;
    double step = ln_svg_nice_step(half_span * 0.4);
    /* A value within a billionth of a step of a tick counts as on it, or
     * 0.0012 / 0.0002 = 6.000000000000001 would add a seventh tick. */
    double tick_low = floor(low / step + 1e-9) * step;
    double tick_high = ceil(high / step - 1e-9) * step;
    /* Ends on whole steps unless that overflows (ranges near DBL_MAX). */
    axis->low = isfinite(tick_low) ? tick_low : low;
    axis->high = isfinite(tick_high) ? tick_high : high;
    double first = ceil(axis->low / step - 1e-9);
    double last = floor(axis->high / step + 1e-9);
    if (last - first >= 0 && last - first <= 20) {
        for (double k = first; k <= last; k++)
            ln_svg_add_number_tick(axis, k * step, k * step, step);
    } else {
        /* No whole steps within the range: label its ends. */
        ln_svg_add_number_tick(axis, axis->low, axis->low, half_span);
        ln_svg_add_number_tick(axis, axis->high, axis->high, half_span);
    }
}

/* Labels a power of ten in ln_svg_format_number's notation, spelled out
 * where the power itself is outside what a double holds. An axis that skips
 * decades labels them all as 1eN: "1e-10, 1e0, 1e10" reads more evenly than
 * "1e-10, 1, 10G". */
static void ln_svg_add_decade_tick(ln_svg_axis *axis, int decade, bool labelled, bool scientific)
{
    if (!labelled) {
        ln_svg_add_tick(axis, decade, NULL);
    } else if (scientific || decade < -3 || decade > 14) {
        char label[LN_SVG_NUMBER_SIZE];
        snprintf(label, sizeof label, "1e%d", decade);
        ln_svg_add_tick(axis, decade, label);
    } else {
        double power = pow(10.0, decade);
        ln_svg_add_number_tick(axis, decade, power, power);
    }
}

static void ln_svg_log_axis(ln_svg_axis *axis, ln_svg_range range)
{
    /* Every positive finite double is within 10^-324 .. 10^309. */
    int low = 0;
    int high = 1;
    if (range.any) {
        low = ln_svg_decade_of(range.low);
        high = (int)ceil(log10(range.high) - 1e-9);
        if (high <= low) { /* one power of ten: a decade either side */
            low--;
            high++;
        }
    }
    axis->low = low;
    axis->high = high;
    int decades = high - low;
    /* At most about eight labelled decades. */
    static const int strides[] = {1, 2, 5, 10, 20, 50, 100, 200, 500};
    int stride = 1000;
    for (size_t i = 0; i < sizeof strides / sizeof strides[0]; i++) {
        if (decades <= 10 || decades / strides[i] <= 8) {
            stride = strides[i];
            break;
        }
    }
    for (int decade = low; decade <= high; decade++) {
        bool labelled = ((decade % stride) + stride) % stride == 0;
        if (labelled || decades <= 100)
            ln_svg_add_decade_tick(axis, decade, labelled, stride > 1);
        if (stride != 1 || decade == high)
            continue;
        /* Within a single decade the 2 and 5 are labelled too, or the
         * axis would show just its two ends. */
        double power = pow(10.0, decade);
        for (int multiple = 2; multiple <= 9; multiple++) {
            double coordinate = decade + log10(multiple);
            if (decades == 1 && (multiple == 2 || multiple == 5) && power > 0 && isfinite(power))
                ln_svg_add_number_tick(axis, coordinate, multiple * power, power);
            else
                ln_svg_add_tick(axis, coordinate, NULL);
        }
    }
}

/* Position of an axis coordinate in pixels; ends outside the axis are held
 * at its ends. */
static double ln_svg_axis_pixel(const ln_svg_axis *axis, double coordinate)
{
    double fraction;
    if (axis->log)
        fraction = (coordinate - axis->low) / (axis->high - axis->low);
    else
        fraction = (coordinate * 0.5 - axis->low * 0.5) / (axis->high * 0.5 - axis->low * 0.5);
    if (!(fraction > 0)) /* NaN included */
        fraction = 0;
    if (fraction > 1)
        fraction = 1;
    return axis->pixel_low + fraction * (axis->pixel_high - axis->pixel_low);
}

static double ln_svg_value_pixel(const ln_svg_axis *axis, double value)
{
    return ln_svg_axis_pixel(axis, axis->log ? log10(value) : value);
}

/* ---- The chart ------------------------------------------------------- */

typedef struct ln_svg_scan {
    ln_svg_range x;
    ln_svg_range y;
    uint64_t not_positive; /* left out: zero or negative on a log axis */
    uint64_t not_number;   /* left out: NaN or infinite */
} ln_svg_scan;

static bool ln_svg_series_has_points(const ln_svg_series *series)
{
    return series->x && series->y && series->count > 0;
}

static void ln_svg_range_include(ln_svg_range *range, double value)
{
    if (!range->any) {
        range->low = range->high = value;
        range->any = true;
        return;
    }
    range->low = fmin(range->low, value);
    range->high = fmax(range->high, value);
}

static void ln_svg_scan_points(const ln_svg_chart *chart, ln_svg_scan *scan)
{
    memset(scan, 0, sizeof *scan);
    for (uint32_t s = 0; s < chart->series_count; s++) {
        const ln_svg_series *series = &chart->series[s];
        if (!ln_svg_series_has_points(series))
            continue;
        for (uint32_t i = 0; i < series->count; i++) {
            double x = series->x[i];
            double y = series->y[i];
            if (!isfinite(x) || !isfinite(y)) {
                scan->not_number++;
            } else if (!ln_svg_value_fits(x, chart->x_log) || !ln_svg_value_fits(y, chart->y_log)) {
                scan->not_positive++;
            } else {
                ln_svg_range_include(&scan->x, x);
                ln_svg_range_include(&scan->y, y);
            }
        }
    }
}

static bool ln_svg_point_fits(const ln_svg_chart *chart, const ln_svg_series *series, uint32_t i)
{
    return ln_svg_value_fits(series->x[i], chart->x_log) && ln_svg_value_fits(series->y[i], chart->y_log);
}

static uint32_t ln_svg_legend_entry_count(const ln_svg_chart *chart)
{
    uint32_t count = 0;
    for (uint32_t s = 0; s < chart->series_count; s++)
        count += ln_svg_has_text(chart->series[s].name);
    return count;
}

static void ln_svg_plan_layout(const ln_svg_chart *chart, const ln_svg_axis *x_axis, const ln_svg_axis *y_axis,
                               uint32_t note_lines, ln_svg_layout *layout)
{
    uint32_t width = chart->width ? chart->width : LN_SVG_DEFAULT_WIDTH;
    uint32_t height = chart->height ? chart->height : LN_SVG_DEFAULT_HEIGHT;
    width = width < LN_SVG_MIN_WIDTH ? LN_SVG_MIN_WIDTH : width > LN_SVG_MAX_SIZE ? LN_SVG_MAX_SIZE : width;
    height = height < LN_SVG_MIN_HEIGHT ? LN_SVG_MIN_HEIGHT : height > LN_SVG_MAX_SIZE ? LN_SVG_MAX_SIZE : height;
    layout->width = width;
    layout->height = height;

    /* The legend gets the longest name, within 30% of the width. */
    layout->legend_width = 0;
    layout->legend_characters = 0;
    if (ln_svg_legend_entry_count(chart) > 0) {
        size_t longest = 0;
        for (uint32_t s = 0; s < chart->series_count; s++) {
            if (ln_svg_has_text(chart->series[s].name)) {
                size_t characters = ln_svg_character_count(chart->series[s].name);
                longest = characters > longest ? characters : longest;
            }
        }
        double room = (layout->width * 0.3 - 36.0) / ln_svg_legend_character_width;
        size_t fitting = room < 4 ? 4 : (size_t)room;
        if (fitting > LN_SVG_LEGEND_MAX_CHARACTERS)
            fitting = LN_SVG_LEGEND_MAX_CHARACTERS;
        layout->legend_characters = (uint32_t)(longest < fitting ? longest : fitting);
        layout->legend_width = 36.0 + ln_svg_legend_character_width * layout->legend_characters;
    }

    double y_labels_width = ln_svg_tick_character_width * (double)y_axis->longest_label;
    layout->left = 14.0 + (ln_svg_has_text(chart->y_label) ? 22.0 : 0.0) + y_labels_width + 8.0;
    /* The last x tick label is centred on the frame's right edge. */
    double x_label_overhang = ln_svg_tick_character_width * (double)x_axis->longest_label / 2.0 + 6.0;
    double right_margin = fmax(16.0, x_label_overhang) + layout->legend_width;
    layout->right = layout->width - right_margin;
    layout->top = ln_svg_has_text(chart->title) ? 40.0 : 16.0;
    double bottom_margin = 8.0 + 18.0 + (ln_svg_has_text(chart->x_label) ? 22.0 : 0.0) + 16.0 * note_lines + 6.0;
    layout->bottom = layout->height - bottom_margin;
    /* Never a plot area too small to hold its points. */
    if (layout->right < layout->left + 3 * ln_svg_inset)
        layout->right = layout->left + 3 * ln_svg_inset;
    if (layout->bottom < layout->top + 3 * ln_svg_inset)
        layout->bottom = layout->top + 3 * ln_svg_inset;
}

static void ln_svg_write_axes(FILE *out, const ln_svg_chart *chart, const ln_svg_layout *layout,
                              const ln_svg_axis *x_axis, const ln_svg_axis *y_axis)
{
    /* Grid lines at the labelled ticks, under everything else. */
    fputs("<path class=\"grid\" fill=\"none\" stroke=\"#E5E5E5\" stroke-width=\"1\" d=\"", out);
    for (uint32_t i = 0; i < x_axis->tick_count; i++) {
        if (x_axis->ticks[i].labelled)
            fprintf(out, "M%s %sV%s", ln_svg_pixel(ln_svg_axis_pixel(x_axis, x_axis->ticks[i].coordinate)).text,
                    ln_svg_pixel(layout->top).text, ln_svg_pixel(layout->bottom).text);
    }
    for (uint32_t i = 0; i < y_axis->tick_count; i++) {
        if (y_axis->ticks[i].labelled)
            fprintf(out, "M%s %sH%s", ln_svg_pixel(layout->left).text,
                    ln_svg_pixel(ln_svg_axis_pixel(y_axis, y_axis->ticks[i].coordinate)).text,
                    ln_svg_pixel(layout->right).text);
    }
    fputs("\"/>\n", out);

    fprintf(out, "<rect class=\"frame\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"none\" stroke=\"%s\"/>\n",
            ln_svg_pixel(layout->left).text, ln_svg_pixel(layout->top).text,
            ln_svg_pixel(layout->right - layout->left).text, ln_svg_pixel(layout->bottom - layout->top).text,
            ln_svg_ink);

    /* Tick marks outside the frame: 5 px for labelled ticks, 3 for minor. */
    fprintf(out, "<path class=\"ticks\" fill=\"none\" stroke=\"%s\" d=\"", ln_svg_ink);
    for (uint32_t i = 0; i < x_axis->tick_count; i++)
        fprintf(out, "M%s %sv%d", ln_svg_pixel(ln_svg_axis_pixel(x_axis, x_axis->ticks[i].coordinate)).text,
                ln_svg_pixel(layout->bottom).text, x_axis->ticks[i].labelled ? 5 : 3);
    for (uint32_t i = 0; i < y_axis->tick_count; i++)
        fprintf(out, "M%s %sh%d", ln_svg_pixel(layout->left).text,
                ln_svg_pixel(ln_svg_axis_pixel(y_axis, y_axis->ticks[i].coordinate)).text,
                y_axis->ticks[i].labelled ? -5 : -3);
    fputs("\"/>\n", out);

    fprintf(out, "<g class=\"tick-labels\" font-size=\"11\" fill=\"%s\">\n", ln_svg_ink);
    for (uint32_t i = 0; i < x_axis->tick_count; i++) {
        if (x_axis->ticks[i].labelled)
            fprintf(out, "<text class=\"x-tick\" x=\"%s\" y=\"%s\" text-anchor=\"middle\">%s</text>\n",
                    ln_svg_pixel(ln_svg_axis_pixel(x_axis, x_axis->ticks[i].coordinate)).text,
                    ln_svg_pixel(layout->bottom + 18.0).text, x_axis->ticks[i].label);
    }
    for (uint32_t i = 0; i < y_axis->tick_count; i++) {
        if (y_axis->ticks[i].labelled)
            fprintf(out, "<text class=\"y-tick\" x=\"%s\" y=\"%s\" text-anchor=\"end\">%s</text>\n",
                    ln_svg_pixel(layout->left - 8.0).text,
                    ln_svg_pixel(ln_svg_axis_pixel(y_axis, y_axis->ticks[i].coordinate) + 4.0).text,
                    y_axis->ticks[i].label);
    }
    fputs("</g>\n", out);

    if (ln_svg_has_text(chart->x_label)) {
        fprintf(out, "<text class=\"x-label\" x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"13\" fill=\"%s\">",
                ln_svg_pixel((layout->left + layout->right) / 2.0).text, ln_svg_pixel(layout->bottom + 40.0).text,
                ln_svg_ink);
        ln_svg_write_text(out, chart->x_label, SIZE_MAX);
        fputs("</text>\n", out);
    }
    if (ln_svg_has_text(chart->y_label)) {
        fprintf(out,
                "<text class=\"y-label\" transform=\"translate(%s %s) rotate(-90)\" text-anchor=\"middle\" "
                "font-size=\"13\" fill=\"%s\">",
                ln_svg_pixel(18.0).text, ln_svg_pixel((layout->top + layout->bottom) / 2.0).text, ln_svg_ink);
        ln_svg_write_text(out, chart->y_label, SIZE_MAX);
        fputs("</text>\n", out);
    }
}

/* The points of a series as one path of zero-length strokes with round
 * caps: a dot each, at a fraction of the size of a <circle> per point. */
static void ln_svg_write_dot_path(FILE *out, const ln_svg_chart *chart, const ln_svg_series *series,
                                  const ln_svg_axis *x_axis, const ln_svg_axis *y_axis)
{
    for (uint32_t i = 0; i < series->count; i++) {
        if (!ln_svg_point_fits(chart, series, i))
            continue;
        fprintf(out, "M%s %sh0", ln_svg_pixel(ln_svg_value_pixel(x_axis, series->x[i])).text,
                ln_svg_pixel(ln_svg_value_pixel(y_axis, series->y[i])).text);
    }
}

/* A circle per point carrying its hover text. */
static void ln_svg_write_labelled_points(FILE *out, const ln_svg_chart *chart, const ln_svg_series *series,
                                         const ln_svg_axis *x_axis, const ln_svg_axis *y_axis, double radius)
{
    for (uint32_t i = 0; i < series->count; i++) {
        if (!ln_svg_point_fits(chart, series, i))
            continue;
        fprintf(out, "<circle cx=\"%s\" cy=\"%s\" r=\"%s\"",
                ln_svg_pixel(ln_svg_value_pixel(x_axis, series->x[i])).text,
                ln_svg_pixel(ln_svg_value_pixel(y_axis, series->y[i])).text, ln_svg_pixel(radius).text);
        if (series->labels[i]) {
            fputs("><title>", out);
            ln_svg_write_text(out, series->labels[i], SIZE_MAX);
            fputs("</title></circle>\n", out);
        } else {
            fputs("/>\n", out);
        }
    }
}

/* The line through the points, broken where a point is left out; a point
 * with no neighbour is a dot, so it does not disappear. */
static void ln_svg_write_line_path(FILE *out, const ln_svg_chart *chart, const ln_svg_series *series,
                                   const ln_svg_axis *x_axis, const ln_svg_axis *y_axis)
{
    uint32_t run = 0;
    for (uint32_t i = 0; i < series->count; i++) {
        if (!ln_svg_point_fits(chart, series, i)) {
            if (run == 1)
                fputs("h0", out);
            run = 0;
            continue;
        }
        ln_svg_number_text x = ln_svg_pixel(ln_svg_value_pixel(x_axis, series->x[i]));
        ln_svg_number_text y = ln_svg_pixel(ln_svg_value_pixel(y_axis, series->y[i]));
        if (run == 0)
            fprintf(out, "M%s %s", x.text, y.text);
        else if (series->style == LN_SVG_STEPS)
            fprintf(out, "H%sV%s", x.text, y.text);
        else
            fprintf(out, "L%s %s", x.text, y.text);
        run++;
    }
    if (run == 1)
        fputs("h0", out);
}

static bool ln_svg_series_has_fitting_point(const ln_svg_chart *chart, const ln_svg_series *series)
{
    for (uint32_t i = 0; i < series->count; i++) {
        if (ln_svg_point_fits(chart, series, i))
            return true;
    }
    return false;
}

static void ln_svg_write_series(FILE *out, const ln_svg_chart *chart, uint32_t index, const ln_svg_axis *x_axis,
                                const ln_svg_axis *y_axis)
{
    const ln_svg_series *series = &chart->series[index];
    if (!ln_svg_series_has_points(series) || !ln_svg_series_has_fitting_point(chart, series))
        return;
    const char *colour = ln_svg_palette[index % LN_SVG_PALETTE_SIZE];
    const char *kind = series->style == LN_SVG_LINE    ? "line"
                       : series->style == LN_SVG_STEPS ? "steps"
                                                       : "points";
    fprintf(out, "<g class=\"series %s%s\">\n", kind, series->highlight ? " highlight" : "");
    if (series->style == LN_SVG_LINE || series->style == LN_SVG_STEPS) {
        fprintf(out,
                "<path fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" stroke-linejoin=\"round\" "
                "stroke-linecap=\"round\" d=\"",
                colour, series->highlight ? "3.5" : "1.8");
        ln_svg_write_line_path(out, chart, series, x_axis, y_axis);
        fputs("\"/>\n", out);
        /* Markers only where there is hover text to carry. */
        if (series->labels) {
            fprintf(out, "<g fill=\"%s\">\n", colour);
            ln_svg_write_labelled_points(out, chart, series, x_axis, y_axis, series->highlight ? 4.5 : 3.0);
            fputs("</g>\n", out);
        }
    } else if (series->labels) {
        if (series->highlight)
            fprintf(out, "<g fill=\"%s\" stroke=\"#000000\" stroke-width=\"1.5\">\n", colour);
        else
            fprintf(out, "<g fill=\"%s\" fill-opacity=\"0.75\">\n", colour);
        ln_svg_write_labelled_points(out, chart, series, x_axis, y_axis, series->highlight ? 5.0 : 2.5);
        fputs("</g>\n", out);
    } else {
        /* A highlighted dot gets a dark ring: the same dots drawn larger in
         * black underneath. */
        if (series->highlight) {
            fputs("<path fill=\"none\" stroke=\"#000000\" stroke-width=\"13\" stroke-linecap=\"round\" d=\"", out);
            ln_svg_write_dot_path(out, chart, series, x_axis, y_axis);
            fputs("\"/>\n", out);
        }
        fprintf(out, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" stroke-linecap=\"round\"%s d=\"", colour,
                series->highlight ? "10" : "5", series->highlight ? "" : " stroke-opacity=\"0.75\"");
        ln_svg_write_dot_path(out, chart, series, x_axis, y_axis);
        fputs("\"/>\n", out);
    }
    fputs("</g>\n", out);
}

static void ln_svg_write_legend(FILE *out, const ln_svg_chart *chart, const ln_svg_layout *layout)
{
    uint32_t entries = ln_svg_legend_entry_count(chart);
    if (entries == 0)
        return;
    const double line_height = 18.0;
    double left = layout->width - layout->legend_width;
    double top = layout->top + 12.0;
    uint32_t room = (uint32_t)fmax(1.0, floor((layout->bottom - layout->top - 12.0) / line_height));
    /* Entries that do not fit are summed up in a last line instead. */
    uint32_t shown = entries <= room ? entries : room - 1;
    fprintf(out, "<g class=\"legend\" font-size=\"12\" fill=\"%s\">\n", ln_svg_ink);
    uint32_t entry = 0;
    for (uint32_t s = 0; s < chart->series_count && entry < shown; s++) {
        const ln_svg_series *series = &chart->series[s];
        if (!ln_svg_has_text(series->name))
            continue;
        const char *colour = ln_svg_palette[s % LN_SVG_PALETTE_SIZE];
        double y = top + line_height * entry;
        if (series->style == LN_SVG_POINTS)
            fprintf(out, "<circle cx=\"%s\" cy=\"%s\" r=\"%s\" fill=\"%s\"%s/>\n", ln_svg_pixel(left + 9.0).text,
                    ln_svg_pixel(y).text, series->highlight ? "5" : "3.5", colour,
                    series->highlight ? " stroke=\"#000000\" stroke-width=\"1.5\"" : "");
        else
            fprintf(out, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" d=\"M%s %sh18\"/>\n", colour,
                    series->highlight ? "3.5" : "1.8", ln_svg_pixel(left).text, ln_svg_pixel(y).text);
        fprintf(out, "<text x=\"%s\" y=\"%s\"%s>", ln_svg_pixel(left + 26.0).text, ln_svg_pixel(y + 4.0).text,
                series->highlight ? " font-weight=\"bold\"" : "");
        bool cut = ln_svg_character_count(series->name) > layout->legend_characters;
        if (cut) {
            fputs("<title>", out);
            ln_svg_write_text(out, series->name, SIZE_MAX);
            fputs("</title>", out);
        }
        ln_svg_write_text(out, series->name, layout->legend_characters);
        fputs("</text>\n", out);
        entry++;
    }
    if (shown < entries)
        fprintf(out, "<text x=\"%s\" y=\"%s\">+%u more</text>\n", ln_svg_pixel(left + 26.0).text,
                ln_svg_pixel(top + line_height * shown + 4.0).text, entries - shown);
    fputs("</g>\n", out);
}

/* "3 points left out: 2 not positive on a logarithmic axis, 1 not a valid
 * number." The words avoid spelling NaN or inf, which readers (and tests)
 * take as a sign of a broken number. */
static void ln_svg_left_out_text(const ln_svg_scan *scan, char *buffer, size_t size)
{
    uint64_t total = scan->not_positive + scan->not_number;
    int length = snprintf(buffer, size, "%llu point%s left out:", (unsigned long long)total, total == 1 ? "" : "s");
    if (scan->not_positive)
        length += snprintf(buffer + length, size - (size_t)length, " %llu not positive on a logarithmic axis%s",
                           (unsigned long long)scan->not_positive, scan->not_number ? "," : "");
    if (scan->not_number)
        length += snprintf(buffer + length, size - (size_t)length, " %llu not a valid number",
                           (unsigned long long)scan->not_number);
    snprintf(buffer + length, size - (size_t)length, ".");
}

bool ln_svg_write_chart(FILE *out, const ln_svg_chart *chart)
{
    if (!out || !chart || (chart->series_count > 0 && !chart->series))
        return false;
    ln_svg_scan scan;
    ln_svg_scan_points(chart, &scan);

    ln_svg_axis axes[2];
    memset(axes, 0, sizeof axes);
    ln_svg_axis *x_axis = &axes[0];
    ln_svg_axis *y_axis = &axes[1];
    x_axis->log = chart->x_log;
    y_axis->log = chart->y_log;
    if (chart->x_log)
        ln_svg_log_axis(x_axis, scan.x);
    else
        ln_svg_linear_axis(x_axis, scan.x);
    if (chart->y_log)
        ln_svg_log_axis(y_axis, scan.y);
    else
        ln_svg_linear_axis(y_axis, scan.y);

    bool has_left_out = scan.not_positive + scan.not_number > 0;
    uint32_t note_lines = (uint32_t)ln_svg_has_text(chart->note) + (uint32_t)has_left_out;
    ln_svg_layout layout;
    ln_svg_plan_layout(chart, x_axis, y_axis, note_lines, &layout);
    x_axis->pixel_low = layout.left + ln_svg_inset;
    x_axis->pixel_high = layout.right - ln_svg_inset;
    y_axis->pixel_low = layout.bottom - ln_svg_inset;
    y_axis->pixel_high = layout.top + ln_svg_inset;

    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%s\" height=\"%s\" "
            "viewBox=\"0 0 %s %s\" font-family=\"Helvetica, Arial, sans-serif\">\n",
            ln_svg_pixel(layout.width).text, ln_svg_pixel(layout.height).text, ln_svg_pixel(layout.width).text,
            ln_svg_pixel(layout.height).text);
    if (ln_svg_has_text(chart->title)) {
        fputs("<title>", out);
        ln_svg_write_text(out, chart->title, SIZE_MAX);
        fputs("</title>\n", out);
    }
    fprintf(out, "<rect class=\"background\" x=\"0\" y=\"0\" width=\"%s\" height=\"%s\" fill=\"#FFFFFF\"/>\n",
            ln_svg_pixel(layout.width).text, ln_svg_pixel(layout.height).text);
    if (ln_svg_has_text(chart->title)) {
        fprintf(out,
                "<text class=\"title\" x=\"%s\" y=\"26\" text-anchor=\"middle\" font-size=\"16\" "
                "font-weight=\"bold\" fill=\"%s\">",
                ln_svg_pixel((layout.left + layout.right) / 2.0).text, ln_svg_ink);
        ln_svg_write_text(out, chart->title, SIZE_MAX);
        fputs("</text>\n", out);
    }

    ln_svg_write_axes(out, chart, &layout, x_axis, y_axis);

    if (!scan.x.any)
        fprintf(out, "<text class=\"empty\" x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"14\" "
                     "fill=\"#888888\">no data</text>\n",
                ln_svg_pixel((layout.left + layout.right) / 2.0).text,
                ln_svg_pixel((layout.top + layout.bottom) / 2.0).text);
    /* Highlighted series last, so nothing covers them. */
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t s = 0; s < chart->series_count; s++) {
            if (chart->series[s].highlight == (pass == 1))
                ln_svg_write_series(out, chart, s, x_axis, y_axis);
        }
    }
    ln_svg_write_legend(out, chart, &layout);

    double note_y = layout.height - 10.0 - 16.0 * (note_lines > 0 ? note_lines - 1 : 0);
    if (ln_svg_has_text(chart->note)) {
        fprintf(out, "<text class=\"note\" x=\"12\" y=\"%s\" font-size=\"11\" fill=\"%s\">",
                ln_svg_pixel(note_y).text, ln_svg_ink);
        ln_svg_write_text(out, chart->note, SIZE_MAX);
        fputs("</text>\n", out);
        note_y += 16.0;
    }
    if (has_left_out) {
        char text[192];
        ln_svg_left_out_text(&scan, text, sizeof text);
        fprintf(out, "<text class=\"note left-out\" x=\"12\" y=\"%s\" font-size=\"11\" fill=\"%s\">%s</text>\n",
                ln_svg_pixel(note_y).text, ln_svg_ink, text);
    }
    fputs("</svg>\n", out);
    return fflush(out) == 0 && !ferror(out);
}

bool ln_svg_chart_output(FILE *out, const void *chart)
{
    return ln_svg_write_chart(out, chart);
}
