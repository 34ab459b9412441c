/* The .nest parser and printer: trees, comments, canonical text, error
 * recovery. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend/nest_printer.h"
#include "frontend/diagnostics.h"
#include "frontend/nest_reader.h"

typedef struct parsed {
    ln_diagnostics diagnostics;
    ln_nest_node *tree;
} parsed;

static void parse(parsed *result, const char *text)
{
    ln_diagnostics_init(&result->diagnostics);
    result->tree = ln_nest_parse_text(&result->diagnostics, "test.nest", text, strlen(text));
}

static void release(parsed *result)
{
    ln_nest_node_free(result->tree);
    ln_diagnostics_release(&result->diagnostics);
}

static char *format(const char *text)
{
    parsed result;
    parse(&result, text);
    if (!result.tree) {
        ln_diagnostics_render(stderr, &result.diagnostics);
        fail_msg("did not parse");
    }
    char *printed = ln_nest_print_to_string(result.tree, NULL);
    release(&result);
    assert_non_null(printed);
    return printed;
}

/* Formatting canonical text gives it back; formatting anything twice
 * gives the same as once. */
static void assert_canonical(const char *text)
{
    char *once = format(text);
    assert_string_equal(once, text);
    free(once);
}

static void test_tree_of_a_problem(void **state)
{
    (void)state;
    parsed result;
    parse(&result, "problem P { dims K = 4, R; coef S = 2 default 1;\n"
                   "  Out[k] += W[k][r] * In[S*k + r]; }\n");
    assert_non_null(result.tree);
    assert_int_equal(result.tree->child_count, 1);
    const ln_nest_node *problem = result.tree->children[0];
    assert_int_equal(problem->kind, LN_NEST_PROBLEM);
    assert_string_equal(problem->name, "P");
    assert_int_equal(problem->child_count, 3);
    const ln_nest_node *dims = problem->children[0];
    assert_int_equal(dims->kind, LN_NEST_DIMS);
    assert_int_equal(dims->child_count, 2);
    assert_true(dims->children[0]->flags & LN_NEST_HAS_VALUE);
    assert_int_equal(dims->children[0]->value, 4);
    assert_false(dims->children[1]->flags & LN_NEST_HAS_VALUE);
    const ln_nest_node *coef = problem->children[1]->children[0];
    assert_int_equal(coef->value, 2);
    assert_int_equal(coef->value2, 1);
    const ln_nest_node *einsum = problem->children[2];
    assert_int_equal(einsum->kind, LN_NEST_EINSUM);
    assert_true(einsum->flags & LN_NEST_ACCUMULATE);
    assert_int_equal(einsum->child_count, 3);
    const ln_nest_node *input = einsum->children[2];
    assert_string_equal(input->name, "In");
    assert_int_equal(input->children[0]->child_count, 2);
    assert_string_equal(input->children[0]->children[0]->name, "S");
    assert_string_equal(input->children[0]->children[0]->name2, "k");
    /* Locations are 1-based line and column of the first token. */
    assert_int_equal(input->location.line, 2);
    assert_int_equal(input->location.column, 23);
    release(&result);
}

static void test_loops_and_sections(void **state)
{
    (void)state;
    parsed result;
    parse(&result, "mapping m for P on A { @GB for k in [0:4,3) spatial_for p in [0:8) on Y keep W; }\n"
                   "search { @GB for r in [0:?) ... threads 4; }\n");
    assert_non_null(result.tree);
    const ln_nest_node *mapping = result.tree->children[0];
    assert_string_equal(mapping->name, "m");
    assert_string_equal(mapping->name2, "P");
    assert_string_equal(mapping->name3, "A");
    const ln_nest_node *section = mapping->children[0];
    assert_int_equal(section->kind, LN_NEST_SECTION);
    assert_string_equal(section->name, "GB");
    assert_int_equal(section->child_count, 3);
    const ln_nest_node *loop = section->children[0];
    assert_int_equal(loop->detail, LN_NEST_BOUND_RESIDUAL);
    assert_int_equal(loop->value, 4);
    assert_int_equal(loop->value2, 3);
    const ln_nest_node *spatial = section->children[1];
    assert_true(spatial->flags & LN_NEST_SPATIAL);
    assert_int_equal(spatial->axis, LN_NEST_AXIS_Y);
    assert_int_equal(section->children[2]->kind, LN_NEST_KEEP);
    /* Settings stay with the search; `?` and `...` are statements. */
    const ln_nest_node *search = result.tree->children[1];
    assert_int_equal(search->child_count, 2);
    assert_int_equal(search->children[1]->kind, LN_NEST_THREADS);
    assert_int_equal(search->children[0]->children[0]->detail, LN_NEST_BOUND_HOLE);
    assert_int_equal(search->children[0]->children[1]->kind, LN_NEST_ELLIPSIS);
    release(&result);
}

static void test_architecture_items(void **state)
{
    (void)state;
    parsed result;
    parse(&result, "arch A { t = \"x\\\"y\"; n = -1.5e3; l = [1, two]; m = { W = 2 };\n"
                   "  D : DRAM; G[16] : storage(smartbuffer_RF) { min_utilization = 0; }\n"
                   "  PE[14 x 12] { parallel { R : regfile; nothing { keep W; } } } }\n");
    assert_non_null(result.tree);
    const ln_nest_node *arch = result.tree->children[0];
    assert_int_equal(arch->child_count, 7);
    assert_string_equal(arch->children[0]->children[0]->text, "x\"y");
    assert_string_equal(arch->children[1]->children[0]->text, "-1.5e3");
    assert_int_equal(arch->children[2]->children[0]->detail, LN_NEST_VALUE_LIST);
    assert_int_equal(arch->children[3]->children[0]->detail, LN_NEST_VALUE_MAP);
    const ln_nest_node *counted = arch->children[5];
    assert_int_equal(counted->kind, LN_NEST_COMPONENT);
    assert_true(counted->flags & LN_NEST_HAS_COUNT);
    assert_int_equal(counted->value, 16);
    assert_string_equal(counted->name3, "smartbuffer_RF");
    assert_string_equal(counted->children[0]->name, "min_utilization");
    const ln_nest_node *container = arch->children[6];
    assert_int_equal(container->kind, LN_NEST_CONTAINER);
    assert_int_equal(container->value, 14);
    assert_int_equal(container->value2, 12);
    assert_int_equal(container->children[0]->kind, LN_NEST_PARALLEL);
    assert_int_equal(container->children[0]->children[1]->kind, LN_NEST_NOTHING);
    release(&result);
}

static void test_canonical_text_is_a_fixed_point(void **state)
{
    (void)state;
    assert_canonical("// A problem.\n"
                     "problem P {\n"
                     "  dims K = 4, R = 3;\n"
                     "  coef S = 2 default 1;\n"
                     "  Out[k] += W[k][r] * In[S*k + r]; // trailing\n"
                     "}\n"
                     "\n"
                     "arch A {\n"
                     "  technology = \"40nm\";\n"
                     "  D : DRAM { width = 64; datawidth = 8; }\n"
                     "\n"
                     "  /* a block\n"
                     "     comment */\n"
                     "  PE[4 x 4] {\n"
                     "    R : regfile { depth = 64; keep W; }\n"
                     "    M : intmac;\n"
                     "    // before the brace\n"
                     "  }\n"
                     "}\n"
                     "\n"
                     "mapping {\n"
                     "  @D\n"
                     "    for k in [0:4)\n"
                     "  @PE\n"
                     "    spatial_for r in [0:3) on Y\n"
                     "}\n"
                     "\n"
                     "// end of file\n");
}

static void test_formatting_normalises_layout(void **state)
{
    (void)state;
    char *text = format("problem P{dims K=4;Out[k]+=W[k]*In[2*k];}\n\n\n"
                        "mapping m{@GB for k in [0:4)\n\n\n  keep W,In;}");
    assert_string_equal(text, "problem P {\n"
                              "  dims K = 4;\n"
                              "  Out[k] += W[k] * In[2*k];\n"
                              "}\n"
                              "\n"
                              "mapping m {\n"
                              "  @GB\n"
                              "    for k in [0:4)\n"
                              "\n"
                              "    keep W, In;\n"
                              "}\n");
    char *again = format(text);
    assert_string_equal(again, text);
    free(again);
    free(text);
}

/* Names that are keywords or not identifiers are backquoted. */
static void test_backquoted_names(void **state)
{
    (void)state;
    char *text = format("arch `in` { `mac-unit` : intmac { `width-bits` = 8; }; }\n");
    assert_string_equal(text, "arch `in` {\n  `mac-unit` : intmac { `width-bits` = 8; }\n}\n");
    free(text);
}

/* A long component block does not fit on one line. */
static void test_long_blocks_break(void **state)
{
    (void)state;
    char *text = format("arch A { Buffer : smartbuffer_SRAM { depth = 16384; width = 64; n_banks = 32; "
                        "datawidth = 8; read_bandwidth = 16; } }\n");
    assert_non_null(strstr(text, "  Buffer : smartbuffer_SRAM {\n    depth = 16384;\n"));
    free(text);
}

static void test_every_syntax_error_is_reported(void **state)
{
    (void)state;
    parsed result;
    parse(&result, "problem P {\n"
                   "  dims K = 4 R = 3;\n"
                   "  coef S = ;\n"
                   "}\n"
                   "arch A {\n"
                   "  B : SRAM { depth 64; }\n"
                   "  C : SRAM { depth = 1; }\n"
                   "}\n"
                   "problme Q { dims N = 1; }\n");
    assert_null(result.tree);
    assert_int_equal(result.diagnostics.error_count, 4);
    assert_int_equal(result.diagnostics.items[0].location.line, 2);
    assert_int_equal(result.diagnostics.items[0].location.column, 14);
    assert_non_null(strstr(result.diagnostics.items[0].message, "unexpected identifier `R`"));
    assert_int_equal(result.diagnostics.items[1].location.line, 3);
    assert_int_equal(result.diagnostics.items[2].location.line, 6);
    assert_int_equal(result.diagnostics.items[3].location.line, 9);
    assert_non_null(strstr(result.diagnostics.items[3].hint, "did you mean `problem`?"));
    release(&result);
}

static void test_lexical_errors(void **state)
{
    (void)state;
    parsed result;
    parse(&result, "arch A { t = \"open;\n  B : SRAM; }\n");
    assert_null(result.tree);
    /* The string's error, not the statement it swallowed. */
    assert_int_equal(result.diagnostics.error_count, 1);
    assert_string_equal(result.diagnostics.items[0].message, "unterminated string");
    release(&result);
    parse(&result, "problem P { dims K = 4 # 2; }\n");
    assert_null(result.tree);
    assert_non_null(strstr(result.diagnostics.items[0].message, "unexpected character '#'"));
    assert_int_equal(result.diagnostics.items[0].location.column, 24);
    release(&result);
}

static void test_render_has_caret(void **state)
{
    (void)state;
    parsed result;
    parse(&result, "mapping {\n  @GB for k in [1:4)\n}\n");
    assert_null(result.tree);
    char *text = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&text, &size);
    ln_diagnostics_render(stream, &result.diagnostics);
    fclose(stream);
    assert_non_null(strstr(text, "test.nest:2:17: error: a loop starts at 0, not 1"));
    assert_non_null(strstr(text, "    2 |   @GB for k in [1:4)\n      |                 ^\n"));
    free(text);
    release(&result);
}

/* Every example of the repository is canonical and parses to a tree that
 * prints back identically. */
static void test_examples_round_trip(void **state)
{
    (void)state;
    static const char *const files[] = {
        "examples/tutorial/00-conv1d-1level.nest",   "examples/tutorial/05-conv1d-oc-3level-baked.nest",
        "examples/designs/simba_like.nest",           "examples/designs/eyeriss_like.nest",
        "stdlib/conv2d.nest",
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", LN_SOURCE_DIR, files[i]);
        ln_diagnostics diagnostics;
        ln_diagnostics_init(&diagnostics);
        ln_nest_node *tree = ln_nest_parse_file(&diagnostics, path);
        if (!tree) {
            ln_diagnostics_render(stderr, &diagnostics);
            fail_msg("%s does not parse", files[i]);
        }
        const ln_source_file *source = ln_diagnostics_find_source(&diagnostics, path);
        size_t length = 0;
        char *printed = ln_nest_print_to_string(tree, &length);
        assert_int_equal(length, source->length);
        assert_memory_equal(printed, source->text, length);
        free(printed);
        ln_nest_node_free(tree);
        ln_diagnostics_release(&diagnostics);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_of_a_problem),
        cmocka_unit_test(test_loops_and_sections),
        cmocka_unit_test(test_architecture_items),
        cmocka_unit_test(test_canonical_text_is_a_fixed_point),
        cmocka_unit_test(test_formatting_normalises_layout),
        cmocka_unit_test(test_backquoted_names),
        cmocka_unit_test(test_long_blocks_break),
        cmocka_unit_test(test_every_syntax_error_is_reported),
        cmocka_unit_test(test_lexical_errors),
        cmocka_unit_test(test_render_has_caret),
        cmocka_unit_test(test_examples_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
