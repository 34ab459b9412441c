/* The SVG chart writer: every document is well-formed XML with no NaN or
 * infinity in it, whatever the input; texts are escaped; ticks fall on 1-2-5
 * steps and on decades; left-out points are counted in the caption; the
 * output is the same bytes every time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/svg_plot.h"

/* ---- A small XML checker ------------------------------------------------
 * Enough of XML to catch what a chart writer gets wrong: unbalanced or
 * misnested tags, unquoted or unescaped attribute values, a raw '<', '>' or
 * '&' in text, invalid UTF-8, numeric attributes that are not finite
 * numbers, and "nan" or "inf" anywhere. Returns NULL or what is wrong. */

static bool contains_ignoring_case(const char *text, const char *word)
{
    size_t length = strlen(word);
    for (const char *p = text; *p; p++) {
        size_t i = 0;
        while (i < length && p[i] && tolower((unsigned char)p[i]) == word[i])
            i++;
        if (i == length)
            return true;
    }
    return false;
}

static bool valid_utf8(const char *text)
{
    const unsigned char *bytes = (const unsigned char *)text;
    while (*bytes) {
        size_t length = *bytes < 0x80 ? 1 : *bytes >= 0xC2 && *bytes <= 0xDF ? 2
                                         : *bytes >= 0xE0 && *bytes <= 0xEF ? 3
                                         : *bytes >= 0xF0 && *bytes <= 0xF4 ? 4
                                                                            : 0;
        if (length == 0)
            return false;
        for (size_t i = 1; i < length; i++) {
            if ((bytes[i] & 0xC0) != 0x80)
                return false;
        }
        bytes += length;
    }
    return true;
}

/* At `text`, after the '&': a predefined entity or a character reference. */
static size_t entity_length(const char *text)
{
    static const char *const names[] = {"amp;", "lt;", "gt;", "quot;", "apos;"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strncmp(text, names[i], strlen(names[i])) == 0)
            return strlen(names[i]);
    }
    if (text[0] != '#')
        return 0;
    size_t i = 1;
    bool hex = text[1] == 'x';
    if (hex)
        i++;
    size_t digits = 0;
    while (hex ? isxdigit((unsigned char)text[i]) : isdigit((unsigned char)text[i])) {
        i++;
        digits++;
    }
    return digits > 0 && text[i] == ';' ? i + 1 : 0;
}

static bool only_characters(const char *value, size_t length, const char *allowed)
{
    for (size_t i = 0; i < length; i++) {
        if (!strchr(allowed, value[i]))
            return false;
    }
    return true;
}

static bool finite_numbers(const char *value, size_t length, size_t expected)
{
    char copy[256];
    if (length >= sizeof copy)
        return false;
    memcpy(copy, value, length);
    copy[length] = '\0';
    char *p = copy;
    size_t count = 0;
    while (*p) {
        char *end;
        double number = strtod(p, &end);
        if (end == p || !isfinite(number))
            return false;
        count++;
        p = end;
        while (*p == ' ')
            p++;
    }
    return count == expected;
}

static const char *attribute_problem(const char *name, size_t name_length, const char *value, size_t length)
{
    static const char *const numeric[] = {"x", "y", "cx", "cy", "r", "width", "height", "font-size",
                                          "stroke-width", "fill-opacity", "stroke-opacity"};
    for (size_t i = 0; i < sizeof numeric / sizeof numeric[0]; i++) {
        if (strlen(numeric[i]) == name_length && strncmp(name, numeric[i], name_length) == 0)
            return finite_numbers(value, length, 1) ? NULL : "a numeric attribute is not a finite number";
    }
    if (name_length == 7 && strncmp(name, "viewBox", 7) == 0)
        return finite_numbers(value, length, 4) ? NULL : "viewBox is not four numbers";
    if (name_length == 1 && name[0] == 'd')
        return only_characters(value, length, "MLHVmlhv0123456789.- ") ? NULL : "path data has a stray character";
    if (name_length == 9 && strncmp(name, "transform", 9) == 0)
        return only_characters(value, length, "translaeoi()0123456789.- ") ? NULL : "a transform has a stray character";
    for (size_t i = 0; i < length; i++) {
        if (value[i] == '<')
            return "'<' in an attribute value";
        if (value[i] == '&' && entity_length(value + i + 1) == 0)
            return "'&' in an attribute value starts no entity";
    }
    return NULL;
}

static size_t name_length_at(const char *text)
{
    size_t length = 0;
    while (isalnum((unsigned char)text[length]) || text[length] == '-' || text[length] == ':' || text[length] == '_')
        length++;
    return length;
}

static const char *xml_problem(const char *document)
{
    if (contains_ignoring_case(document, "nan"))
        return "\"nan\" in the document";
    if (contains_ignoring_case(document, "inf"))
        return "\"inf\" in the document";
    if (!valid_utf8(document))
        return "invalid UTF-8";
    if (strncmp(document, "<?xml version=\"1.0\"", 19) != 0)
        return "no XML declaration";
    const char *p = strstr(document, "?>");
    if (!p)
        return "unterminated XML declaration";
    p += 2;
    enum { MAX_DEPTH = 32 };
    const char *open_names[MAX_DEPTH];
    size_t open_lengths[MAX_DEPTH];
    int depth = 0;
    int roots = 0;
    while (*p) {
        if (*p == '<') {
            p++;
            if (*p == '/') {
                p++;
                size_t length = name_length_at(p);
                if (depth == 0 || length != open_lengths[depth - 1] || strncmp(p, open_names[depth - 1], length) != 0)
                    return "a closing tag does not match the open element";
                depth--;
                p += length;
                if (*p != '>')
                    return "a closing tag is not closed";
                p++;
                continue;
            }
            size_t length = name_length_at(p);
            if (length == 0)
                return "markup that is not an element";
            if (depth == 0) {
                roots++;
                if (roots > 1)
                    return "more than one root element";
                if (length != 3 || strncmp(p, "svg", 3) != 0)
                    return "the root is not <svg>";
            }
            const char *name = p;
            p += length;
            for (;;) {
                bool spaced = false;
                while (*p == ' ' || *p == '\n') {
                    p++;
                    spaced = true;
                }
                if (p[0] == '/' && p[1] == '>') {
                    p += 2;
                    break;
                }
                if (*p == '>') {
                    if (depth == MAX_DEPTH)
                        return "elements nested too deep";
                    open_names[depth] = name;
                    open_lengths[depth] = length;
                    depth++;
                    p++;
                    break;
                }
                size_t attribute_length = name_length_at(p);
                if (!spaced || attribute_length == 0)
                    return "a malformed attribute";
                const char *attribute = p;
                p += attribute_length;
                if (p[0] != '=' || p[1] != '"')
                    return "an attribute value is not quoted";
                p += 2;
                const char *end = strchr(p, '"');
                if (!end)
                    return "an attribute value is not closed";
                const char *problem = attribute_problem(attribute, attribute_length, p, (size_t)(end - p));
                if (problem)
                    return problem;
                p = end + 1;
            }
            continue;
        }
        if (*p == '&') {
            size_t length = entity_length(p + 1);
            if (length == 0)
                return "'&' in text starts no entity";
            p += 1 + length;
            continue;
        }
        if (*p == '>')
            return "a raw '>' in text";
        if (depth == 0 && !isspace((unsigned char)*p))
            return "text outside the root element";
        p++;
    }
    if (depth != 0)
        return "an element is not closed";
    if (roots != 1)
        return "no root element";
    return NULL;
}

/* ---- Rendering ----------------------------------------------------------- */

static char *render(const ln_svg_chart *chart, size_t *length)
{
    char *buffer = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&buffer, &size);
    assert_non_null(stream);
    assert_true(ln_svg_write_chart(stream, chart));
    assert_int_equal(fclose(stream), 0);
    assert_non_null(buffer);
    if (length)
        *length = size;
    return buffer;
}

static void assert_well_formed(const char *document)
{
    const char *problem = xml_problem(document);
    if (problem) {
        fprintf(stderr, "%s\n", document);
        fail_msg("%s", problem);
    }
}

static char *render_checked(const ln_svg_chart *chart)
{
    char *document = render(chart, NULL);
    assert_well_formed(document);
    return document;
}

static size_t count_occurrences(const char *text, const char *word)
{
    size_t count = 0;
    for (const char *p = strstr(text, word); p; p = strstr(p + 1, word))
        count++;
    return count;
}

/* The contents of the elements whose class attribute is `class_name`,
 * joined with commas. */
static void element_texts(const char *document, const char *class_name, char *joined, size_t size)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "class=\"%s\"", class_name);
    joined[0] = '\0';
    size_t used = 0;
    for (const char *p = strstr(document, pattern); p; p = strstr(p + 1, pattern)) {
        const char *start = strchr(p, '>');
        assert_non_null(start);
        start++;
        const char *end = strchr(start, '<');
        assert_non_null(end);
        int written = snprintf(joined + used, size - used, "%s%.*s", used ? "," : "", (int)(end - start), start);
        assert_true(written > 0 && (size_t)written < size - used);
        used += (size_t)written;
    }
}

/* The d attribute of the first path after `marker`. */
static void path_after(const char *document, const char *marker, char *path, size_t size)
{
    const char *p = strstr(document, marker);
    assert_non_null(p);
    p = strstr(p, " d=\"");
    assert_non_null(p);
    p += 4;
    const char *end = strchr(p, '"');
    assert_non_null(end);
    assert_true((size_t)(end - p) < size);
    memcpy(path, p, (size_t)(end - p));
    path[end - p] = '\0';
}

static void assert_labels_distinct(const char *joined)
{
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", joined);
    const char *labels[64];
    size_t count = 0;
    for (char *label = strtok(copy, ","); label && count < 64; label = strtok(NULL, ","))
        labels[count++] = label;
    assert_true(count >= 2);
    for (size_t i = 0; i < count; i++) {
        for (size_t j = i + 1; j < count; j++)
            assert_string_not_equal(labels[i], labels[j]);
    }
}

/* ---- Tests --------------------------------------------------------------- */

static void test_checker_rejects_broken_documents(void **state)
{
    (void)state;
    const char *head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    const char *broken[] = {
        "<svg><g></svg>",
        "<svg><g>",
        "<svg x=1></svg>",
        "<svg><text>a<b</text></svg>",
        "<svg><text>a & b</text></svg>",
        "<svg><text>a > b</text></svg>",
        "<svg><rect width=\"nan\"/></svg>",
        "<svg><path d=\"M1 2Linf 3\"/></svg>",
        "<svg><text>-Inf</text></svg>",
        "<svg><text>\xff</text></svg>",
        "<svg></svg><svg></svg>",
        "<svg viewBox=\"0 0 10\"></svg>",
    };
    char document[256];
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        snprintf(document, sizeof document, "%s%s", head, broken[i]);
        assert_non_null(xml_problem(document));
    }
    snprintf(document, sizeof document, "%s%s", head,
             "<svg viewBox=\"0 0 10 10\"><text x=\"1\">a &amp; &#x2026;</text><path d=\"M1 2h0\"/></svg>\n");
    assert_null(xml_problem(document));
}

static const double sample_x[] = {1, 2, 4, 8, 16, 32};
static const double sample_y[] = {600, 300, 200, 120, 100, 95};
static const double sample_y2[] = {900, 500, 260, 180, 150, 140};
static const char *const sample_labels[] = {"first", NULL, "third", "fourth", "fifth", "sixth"};

static ln_svg_chart sample_chart(ln_svg_series series[3])
{
    series[0] = (ln_svg_series){.name = "all mappings", .x = sample_x, .y = sample_y2, .count = 6,
                                .style = LN_SVG_POINTS, .labels = sample_labels};
    series[1] = (ln_svg_series){.name = "bound", .x = sample_x, .y = sample_y2, .count = 6, .style = LN_SVG_LINE};
    series[2] = (ln_svg_series){.name = "front", .x = sample_x, .y = sample_y, .count = 6, .style = LN_SVG_STEPS,
                                .highlight = true};
    return (ln_svg_chart){.title = "Energy against cycles", .x_label = "cycles", .y_label = "energy (pJ)",
                          .x_log = true, .series = series, .series_count = 3, .note = "layer conv1"};
}

static void test_chart_is_a_standalone_svg_document(void **state)
{
    (void)state;
    ln_svg_series series[3];
    ln_svg_chart chart = sample_chart(series);
    char *document = render_checked(&chart);
    assert_non_null(strstr(document, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\""));
    assert_non_null(strstr(document, "width=\"720\" height=\"480\" viewBox=\"0 0 720 480\""));
    assert_non_null(strstr(document, "fill=\"#FFFFFF\""));
    assert_non_null(strstr(document, "<title>Energy against cycles</title>"));
    /* A distinct colour per series. */
    assert_non_null(strstr(document, "#0072B2"));
    assert_non_null(strstr(document, "#E69F00"));
    assert_non_null(strstr(document, "#009E73"));
    /* The legend names each series; the caption and axis labels are there. */
    char legend[256];
    const char *legend_start = strstr(document, "class=\"legend\"");
    assert_non_null(legend_start);
    assert_non_null(strstr(legend_start, ">all mappings</text>"));
    assert_non_null(strstr(legend_start, ">bound</text>"));
    assert_non_null(strstr(legend_start, ">front</text>"));
    element_texts(document, "note", legend, sizeof legend);
    assert_string_equal(legend, "layer conv1");
    element_texts(document, "x-label", legend, sizeof legend);
    assert_string_equal(legend, "cycles");
    element_texts(document, "y-label", legend, sizeof legend);
    assert_string_equal(legend, "energy (pJ)");
    /* Hover text on the five labelled points, a bare circle for the other
     * (the legend's marker is a circle too: count before it). */
    char *legend_mark = strstr(document, "<g class=\"legend\"");
    assert_non_null(legend_mark);
    *legend_mark = '\0';
    assert_int_equal(count_occurrences(document, "<circle cx="), 6);
    assert_int_equal(count_occurrences(document, "</title></circle>"), 5);
    assert_non_null(strstr(document, "<title>third</title>"));
    /* The highlighted series is drawn last, bolder. */
    const char *highlight = strstr(document, "class=\"series steps highlight\"");
    assert_non_null(highlight);
    assert_null(strstr(highlight + 1, "class=\"series "));
    assert_non_null(strstr(highlight, "stroke-width=\"3.5\""));
    free(document);
}

static void test_every_text_is_escaped(void **state)
{
    (void)state;
    const double x[] = {1, 2};
    const double y[] = {3, 4};
    const char *const labels[] = {"</title><script>", "it's \"quoted\""};
    ln_svg_series series = {.name = "<b>&</b>", .x = x, .y = y, .count = 2, .labels = labels};
    ln_svg_chart chart = {.title = "a<b & \"c\" 'd'", .x_label = "x > y", .y_label = "\xc2\xb5J & more",
                          .series = &series, .series_count = 1, .note = "bad bytes: \xff\xfe \x01 end"};
    char *document = render_checked(&chart);
    assert_int_equal(count_occurrences(document, "a&lt;b &amp; &quot;c&quot; &apos;d&apos;"), 2);
    assert_null(strstr(document, "a<b"));
    assert_non_null(strstr(document, "&lt;/title&gt;&lt;script&gt;"));
    assert_null(strstr(document, "<script>"));
    assert_non_null(strstr(document, "it&apos;s &quot;quoted&quot;"));
    assert_non_null(strstr(document, "&lt;b&gt;&amp;&lt;/b&gt;"));
    assert_non_null(strstr(document, "x &gt; y"));
    /* Valid UTF-8 passes through; stray bytes and control characters do not. */
    assert_non_null(strstr(document, "\xc2\xb5J &amp; more"));
    assert_non_null(strstr(document, "bad bytes: &#xFFFD;&#xFFFD;   end"));
    free(document);
}

static void test_linear_ticks_step_by_one_two_five(void **state)
{
    (void)state;
    char labels[512];
    const double x[] = {0, 1000, 250};
    const double y[] = {-3, 7, 0};
    ln_svg_series series = {.x = x, .y = y, .count = 3};
    ln_svg_chart chart = {.series = &series, .series_count = 1};
    char *document = render_checked(&chart);
    element_texts(document, "x-tick", labels, sizeof labels);
    assert_string_equal(labels, "0,200,400,600,800,1k");
    element_texts(document, "y-tick", labels, sizeof labels);
    assert_string_equal(labels, "-4,-2,0,2,4,6,8");
    /* A grid line per labelled tick. */
    char grid[4096];
    path_after(document, "class=\"grid\"", grid, sizeof grid);
    assert_int_equal(count_occurrences(grid, "M"), 6 + 7);
    free(document);

    const double small_x[] = {0, 0.0012};
    const double million_y[] = {1.2e6, 2.0e6};
    series = (ln_svg_series){.x = small_x, .y = million_y, .count = 2};
    document = render_checked(&chart);
    element_texts(document, "x-tick", labels, sizeof labels);
    assert_string_equal(labels, "0,2e-4,4e-4,6e-4,8e-4,1e-3,1.2e-3");
    element_texts(document, "y-tick", labels, sizeof labels);
    assert_string_equal(labels, "1.2M,1.4M,1.6M,1.8M,2M");
    free(document);
}

static void test_log_ticks_fall_on_decades(void **state)
{
    (void)state;
    char labels[512];
    const double x[] = {1, 1e6, 3e3};
    const double y[] = {200, 800, 500};
    ln_svg_series series = {.x = x, .y = y, .count = 3};
    ln_svg_chart chart = {.x_log = true, .y_log = true, .series = &series, .series_count = 1};
    char *document = render_checked(&chart);
    element_texts(document, "x-tick", labels, sizeof labels);
    assert_string_equal(labels, "1,10,100,1k,10k,100k,1M");
    /* Within one decade the 2 and 5 are labelled too. */
    element_texts(document, "y-tick", labels, sizeof labels);
    assert_string_equal(labels, "100,200,500,1k");
    /* Minor ticks (3 px) at 2..9 in each decade: 6 decades on x, 1 on y,
     * of which y labels two. */
    char ticks[8192];
    path_after(document, "class=\"ticks\"", ticks, sizeof ticks);
    assert_int_equal(count_occurrences(ticks, "v3"), 6 * 8);
    assert_int_equal(count_occurrences(ticks, "h-3"), 8 - 2);
    free(document);

    /* Sixty decades: every tenth labelled, all in the same notation. */
    const double wide[] = {1e-30, 1e30};
    series = (ln_svg_series){.x = x, .y = wide, .count = 2};
    document = render_checked(&chart);
    element_texts(document, "y-tick", labels, sizeof labels);
    assert_string_equal(labels, "1e-30,1e-20,1e-10,1e0,1e10,1e20,1e30");
    free(document);
}

static void test_numbers_use_the_compact_notation(void **state)
{
    (void)state;
    static const struct {
        double value;
        double resolution;
        const char *expected;
    } cases[] = {
        {0, 1, "0"},
        {-0.0, 1, "0"},
        {1.5e6, 1e5, "1.5M"},
        {2e6, 5e5, "2M"},
        {2.3e9, 1e8, "2.3G"},
        {-1500, 100, "-1.5k"},
        {250000, 50000, "250k"},
        {999.96e3, 1e3, "1M"},
        {40, 10, "40"},
        {0.25, 0.05, "0.25"},
        {0.001, 0.001, "0.001"},
        {2.5e-4, 1e-5, "2.5e-4"},
        {1.2e-3, 2e-4, "1.2e-3"},
        {1e18, 1e18, "1e18"},
        {-3e20, 1e20, "-3e20"},
        {123456.0, 0, "123k"},
        {3.14159, 0, "3.14"},
        {-0.3, 10, "0"},
        {NAN, 1, "n/a"},
        {INFINITY, 1, "n/a"},
        {DBL_MAX, 0, "1.8e308"},
        {4.9e-324, 0, "5e-324"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buffer[LN_SVG_NUMBER_SIZE];
        ln_svg_format_number(cases[i].value, cases[i].resolution, buffer);
        if (strcmp(buffer, cases[i].expected) != 0)
            fail_msg("%g at %g: \"%s\", expected \"%s\"", cases[i].value, cases[i].resolution, buffer,
                     cases[i].expected);
    }
}

static void test_left_out_points_are_counted(void **state)
{
    (void)state;
    const double x[] = {1, 10, 100, NAN, 1000, INFINITY};
    const double y[] = {1, 0, -5, 10, 1000, 3};
    const char *const labels[] = {"p1", "p2", "p3", "p4", "p5", "p6"};
    ln_svg_series series = {.x = x, .y = y, .count = 6, .labels = labels};
    ln_svg_chart chart = {.x_log = true, .y_log = true, .series = &series, .series_count = 1, .note = "mine"};
    char *document = render_checked(&chart);
    char notes[512];
    element_texts(document, "note left-out", notes, sizeof notes);
    assert_string_equal(notes, "4 points left out: 2 not positive on a logarithmic axis, 2 not a valid number.");
    element_texts(document, "note", notes, sizeof notes);
    assert_string_equal(notes, "mine");
    assert_int_equal(count_occurrences(document, "<circle cx="), 2);
    assert_non_null(strstr(document, "<title>p1</title>"));
    assert_non_null(strstr(document, "<title>p5</title>"));
    assert_null(strstr(document, "<title>p2</title>"));
    assert_null(strstr(document, "<title>p3</title>"));
    free(document);

    /* On linear axes zero and negative values are plotted. */
    chart.x_log = chart.y_log = false;
    document = render_checked(&chart);
    element_texts(document, "note left-out", notes, sizeof notes);
    assert_string_equal(notes, "2 points left out: 2 not a valid number.");
    assert_int_equal(count_occurrences(document, "<circle cx="), 4);
    free(document);

    /* A single one, on one log axis. */
    const double one_zero[] = {5, 0, 7};
    series = (ln_svg_series){.x = one_zero, .y = one_zero, .count = 3};
    chart.y_log = true;
    chart.note = NULL;
    document = render_checked(&chart);
    element_texts(document, "note left-out", notes, sizeof notes);
    assert_string_equal(notes, "1 point left out: 1 not positive on a logarithmic axis.");
    free(document);
}

static void test_degenerate_inputs_give_valid_documents(void **state)
{
    (void)state;
    static const double tiny = 4.9e-324;
    const double single_x[] = {3};
    const double single_y[] = {7};
    const double equal[] = {5, 5, 5};
    const double zeros[] = {0, 0, 0};
    const double not_numbers[] = {NAN, -NAN, INFINITY};
    const double extremes[] = {-DBL_MAX, DBL_MAX, DBL_MIN, tiny, 0};
    const double positive_extremes[] = {DBL_MAX, DBL_MIN, tiny, 1, 1e300};
    const double subnormals[] = {tiny, 2 * tiny, 1e-320};
    const double near_one[] = {1, 1 + 1e-12, 1 - 1e-12};
    const double power[] = {100, 100};
    const char *const labels[] = {NULL, NULL, NULL, NULL, NULL};
    struct {
        const double *x;
        const double *y;
        uint32_t count;
        bool log;
        bool expect_no_data;
    } cases[] = {
        {NULL, NULL, 0, false, true},       {single_x, NULL, 1, false, true},
        {single_x, single_y, 0, false, true}, {single_x, single_y, 1, false, false},
        {single_x, single_y, 1, true, false}, {equal, equal, 3, false, false},
        {equal, equal, 3, true, false},       {zeros, zeros, 3, false, false},
        {zeros, zeros, 3, true, true},        {not_numbers, equal, 3, false, true},
        {extremes, extremes, 5, false, false}, {positive_extremes, positive_extremes, 5, true, false},
        {extremes, positive_extremes, 5, false, false}, {subnormals, subnormals, 3, false, false},
        {subnormals, subnormals, 3, true, false}, {near_one, near_one, 3, false, false},
        {power, power, 2, true, false},
    };
    static const ln_svg_style styles[] = {LN_SVG_POINTS, LN_SVG_LINE, LN_SVG_STEPS};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (size_t s = 0; s < 3; s++) {
            ln_svg_series series = {.name = "s", .x = cases[i].x, .y = cases[i].y, .count = cases[i].count,
                                    .style = styles[s], .labels = s == 1 ? labels : NULL, .highlight = s == 2};
            ln_svg_chart chart = {.x_log = cases[i].log, .y_log = cases[i].log, .series = &series,
                                  .series_count = 1};
            char *document = render_checked(&chart);
            assert_int_equal(strstr(document, ">no data</text>") != NULL, cases[i].expect_no_data);
            char ticks[1024];
            element_texts(document, "x-tick", ticks, sizeof ticks);
            assert_labels_distinct(ticks);
            element_texts(document, "y-tick", ticks, sizeof ticks);
            assert_labels_distinct(ticks);
            free(document);
        }
    }

    /* No series at all, and odd sizes, still make a chart. */
    ln_svg_chart empty = {.width = 1, .height = 1};
    char *document = render_checked(&empty);
    assert_non_null(strstr(document, "viewBox=\"0 0 240 180\""));
    assert_non_null(strstr(document, ">no data</text>"));
    free(document);
    empty = (ln_svg_chart){.width = UINT32_MAX, .height = 5, .title = "", .note = ""};
    document = render_checked(&empty);
    assert_non_null(strstr(document, "viewBox=\"0 0 20000 180\""));
    assert_null(strstr(document, "class=\"title\""));
    assert_null(strstr(document, "class=\"note\""));
    free(document);
}

static void test_long_and_many_legend_entries_fit(void **state)
{
    (void)state;
    const double x[] = {1, 2};
    const double y[] = {2, 1};
    enum { SERIES = 40 };
    ln_svg_series series[SERIES];
    char long_name[128];
    memset(long_name, 'w', 100);
    long_name[100] = '\0';
    for (uint32_t i = 0; i < SERIES; i++)
        series[i] = (ln_svg_series){.name = i == 0 ? long_name : "short", .x = x, .y = y, .count = 2};
    ln_svg_chart chart = {.series = series, .series_count = SERIES};
    char *document = render_checked(&chart);
    /* The long name is cut with an ellipsis and kept whole as hover text. */
    assert_non_null(strstr(document, "wwww&#x2026;</text>"));
    char whole[160];
    snprintf(whole, sizeof whole, "<title>%s</title>", long_name);
    assert_non_null(strstr(document, whole));
    /* More entries than fit beside the plot are summed up. */
    assert_non_null(strstr(document, " more</text>"));
    assert_true(count_occurrences(document, ">short</text>") < SERIES - 1);
    free(document);

    /* Unnamed series get no legend. */
    for (uint32_t i = 0; i < SERIES; i++)
        series[i].name = i % 2 ? NULL : "";
    document = render_checked(&chart);
    assert_null(strstr(document, "class=\"legend\""));
    free(document);
}

static void test_output_is_deterministic(void **state)
{
    (void)state;
    ln_svg_series series[3];
    ln_svg_chart chart = sample_chart(series);
    size_t first_length;
    size_t second_length;
    char *first = render(&chart, &first_length);
    char *second = render(&chart, &second_length);
    assert_int_equal(first_length, second_length);
    assert_memory_equal(first, second, first_length);
    free(first);
    free(second);
}

static void test_steps_draw_a_staircase(void **state)
{
    (void)state;
    const double x[] = {1, 2, 4};
    const double y[] = {30, 20, 10};
    ln_svg_series series = {.x = x, .y = y, .count = 3, .style = LN_SVG_STEPS};
    ln_svg_chart chart = {.series = &series, .series_count = 1};
    char *document = render_checked(&chart);
    char path[256];
    path_after(document, "class=\"series steps\"", path, sizeof path);
    double x0, y0, x1, y1, x2, y2;
    char rest = '\0';
    assert_int_equal(sscanf(path, "M%lf %lfH%lfV%lfH%lfV%lf%c", &x0, &y0, &x1, &y1, &x2, &y2, &rest), 6);
    /* Right along the old value, then down to the new one. */
    assert_true(x0 < x1 && x1 < x2);
    assert_true(y0 < y1 && y1 < y2);
    free(document);

    /* A lines' left-out point breaks it; a lone point is still a dot. */
    const double gap_x[] = {1, 2, 3, 4, 5};
    const double gap_y[] = {1, 2, NAN, 4, NAN};
    series = (ln_svg_series){.x = gap_x, .y = gap_y, .count = 5, .style = LN_SVG_LINE};
    document = render_checked(&chart);
    path_after(document, "class=\"series line\"", path, sizeof path);
    assert_int_equal(count_occurrences(path, "M"), 2);
    assert_int_equal(count_occurrences(path, "L"), 1);
    assert_int_equal(count_occurrences(path, "h0"), 1);
    free(document);
}

static void test_many_points_are_all_drawn(void **state)
{
    (void)state;
    enum { COUNT = 100000 };
    double *x = malloc(COUNT * sizeof *x);
    double *y = malloc(COUNT * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    uint64_t seed = 12345;
    for (uint32_t i = 0; i < COUNT; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        x[i] = 1e3 + (double)(seed >> 20);
        y[i] = 1e-3 * (double)(seed >> 40) + 1.0;
    }
    ln_svg_series series = {.name = "mappings", .x = x, .y = y, .count = COUNT};
    ln_svg_chart chart = {.x_log = true, .y_log = true, .series = &series, .series_count = 1};
    char *document = render_checked(&chart);
    assert_int_equal(count_occurrences(document, "h0"), COUNT);
    free(document);
    free(x);
    free(y);
}

static void test_write_errors_are_reported(void **state)
{
    (void)state;
    ln_svg_series series[3];
    ln_svg_chart chart = sample_chart(series);
    assert_false(ln_svg_write_chart(NULL, &chart));
    assert_false(ln_svg_write_chart(stdout, NULL));
    FILE *full = fopen("/dev/full", "w");
    if (!full)
        skip();
    assert_false(ln_svg_write_chart(full, &chart));
    fclose(full);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checker_rejects_broken_documents),
        cmocka_unit_test(test_chart_is_a_standalone_svg_document),
        cmocka_unit_test(test_every_text_is_escaped),
        cmocka_unit_test(test_linear_ticks_step_by_one_two_five),
        cmocka_unit_test(test_log_ticks_fall_on_decades),
        cmocka_unit_test(test_numbers_use_the_compact_notation),
        cmocka_unit_test(test_left_out_points_are_counted),
        cmocka_unit_test(test_degenerate_inputs_give_valid_documents),
        cmocka_unit_test(test_long_and_many_legend_entries_fit),
        cmocka_unit_test(test_output_is_deterministic),
        cmocka_unit_test(test_steps_draw_a_staircase),
        cmocka_unit_test(test_many_points_are_all_drawn),
        cmocka_unit_test(test_write_errors_are_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
