/* The YAML tree: locations, tags, anchors and merge keys, conversions, and
 * located diagnostics for malformed input. */
#include "yaml_test_support.h"

#include <stdint.h>

typedef struct parsed {
    ln_arena arena;
    ln_diagnostics diagnostics;
    ln_yaml_document document;
    bool ok;
} parsed;

static void parse_text(parsed *result, const char *text)
{
    ln_arena_init(&result->arena);
    ln_diagnostics_init(&result->diagnostics);
    result->ok = ln_yaml_parse(&result->arena, &result->diagnostics, "doc.yaml", text, strlen(text),
                               &result->document);
}

static void release(parsed *result)
{
    ln_arena_release(&result->arena);
    ln_diagnostics_release(&result->diagnostics);
}

static const ln_diagnostic *find(const parsed *result, ln_severity severity, const char *text)
{
    for (size_t i = 0; i < result->diagnostics.count; i++) {
        const ln_diagnostic *item = &result->diagnostics.items[i];
        if (item->severity == severity && strstr(item->message, text))
            return item;
    }
    ln_diagnostics_render(stderr, &result->diagnostics);
    fail_msg("no diagnostic containing \"%s\"", text);
    return NULL;
}

static void test_tree_locations_tags_and_keys(void **state)
{
    (void)state;
    parsed result;
    parse_text(&result,
               "architecture:\n"
               "  nodes:\n"
               "  - !Container\n"
               "    name: System\n"
               "    attributes: {word-bits: 8, technology: \"40nm\", depth: '64'}\n"
               "  - !Component {name: MAC, class: intmac}\n");
    assert_true(result.ok);
    const ln_yaml_node *root = result.document.root;
    assert_int_equal(root->kind, LN_YAML_MAPPING);
    const ln_yaml_node *nodes = ln_yaml_find(ln_yaml_find(root, "architecture"), "nodes");
    assert_int_equal(nodes->kind, LN_YAML_SEQUENCE);
    assert_int_equal(nodes->item_count, 2);
    const ln_yaml_node *container = nodes->items[0];
    assert_string_equal(container->tag, "!Container");
    /* A tagged node starts at its tag. */
    assert_int_equal(container->location.line, 3);
    assert_int_equal(container->location.column, 5);
    assert_string_equal(nodes->items[1]->tag, "!Component");
    const ln_yaml_node *attributes = ln_yaml_find(container, "attributes");
    /* Hyphenated keys are found under their underscore spelling. */
    const ln_yaml_pair *word_bits = ln_yaml_find_pair(attributes, "word_bits");
    assert_non_null(word_bits);
    assert_string_equal(word_bits->key->text, "word-bits");
    assert_int_equal(word_bits->value->location.line, 5);
    assert_int_equal(word_bits->value->location.column, 29);
    assert_false(word_bits->value->quoted);
    assert_int_equal(ln_yaml_scalar_type_of(word_bits->value), LN_YAML_TYPE_INTEGER);
    const ln_yaml_node *technology = ln_yaml_find(attributes, "technology");
    assert_true(technology->quoted);
    assert_string_equal(technology->text, "40nm");
    /* A quoted number is a string by type but still converts. */
    const ln_yaml_node *depth = ln_yaml_find(attributes, "depth");
    assert_int_equal(ln_yaml_scalar_type_of(depth), LN_YAML_TYPE_STRING);
    int64_t value;
    assert_true(ln_yaml_get_int64(depth, &result.diagnostics, &result.arena, "'depth'", 0, 100, &value));
    assert_int_equal(value, 64);
    assert_null(ln_yaml_find(attributes, "missing"));
    assert_null(ln_yaml_find(depth, "anything"));
    release(&result);
}

static void test_scalar_types(void **state)
{
    (void)state;
    parsed result;
    parse_text(&result, "a: ~\nb: null\nc:\nd: True\ne: 0x1F\nf: -3\ng: 1e-9\nh: .inf\ni: 12abc\nj: 'true'\n");
    assert_true(result.ok);
    const ln_yaml_node *root = result.document.root;
    assert_true(ln_yaml_is_null(ln_yaml_find(root, "a")));
    assert_true(ln_yaml_is_null(ln_yaml_find(root, "b")));
    assert_true(ln_yaml_is_null(ln_yaml_find(root, "c")));
    assert_int_equal(ln_yaml_scalar_type_of(ln_yaml_find(root, "d")), LN_YAML_TYPE_BOOL);
    assert_int_equal(ln_yaml_scalar_type_of(ln_yaml_find(root, "e")), LN_YAML_TYPE_INTEGER);
    assert_int_equal(ln_yaml_scalar_type_of(ln_yaml_find(root, "g")), LN_YAML_TYPE_FLOAT);
    assert_int_equal(ln_yaml_scalar_type_of(ln_yaml_find(root, "h")), LN_YAML_TYPE_FLOAT);
    assert_int_equal(ln_yaml_scalar_type_of(ln_yaml_find(root, "i")), LN_YAML_TYPE_STRING);
    assert_int_equal(ln_yaml_scalar_type_of(ln_yaml_find(root, "j")), LN_YAML_TYPE_STRING);
    int64_t integer;
    double number;
    bool flag;
    assert_true(ln_yaml_get_int64(ln_yaml_find(root, "e"), &result.diagnostics, &result.arena, "e",
                                  INT64_MIN, INT64_MAX, &integer));
    assert_int_equal(integer, 31);
    assert_true(ln_yaml_get_int64(ln_yaml_find(root, "f"), &result.diagnostics, &result.arena, "f",
                                  INT64_MIN, INT64_MAX, &integer));
    assert_int_equal(integer, -3);
    assert_true(ln_yaml_get_double(ln_yaml_find(root, "g"), &result.diagnostics, &result.arena, "g",
                                   &number));
    assert_true(number == 1e-9);
    assert_true(ln_yaml_get_bool(ln_yaml_find(root, "d"), &result.diagnostics, &result.arena, "d",
                                 &flag));
    assert_true(flag);
    assert_int_equal(result.diagnostics.count, 0);
    release(&result);
}

static void test_conversion_errors(void **state)
{
    (void)state;
    parsed result;
    parse_text(&result, "big: 99999999999999999999999\nword: abc\nlist: [1]\nneg: -5\nwide: 300\nflag: 2\n");
    assert_true(result.ok);
    const ln_yaml_node *root = result.document.root;
    int64_t integer;
    bool flag;
    assert_false(ln_yaml_get_int64(ln_yaml_find(root, "big"), &result.diagnostics, &result.arena,
                                   "'big'", 0, INT64_MAX, &integer));
    const ln_diagnostic *overflow = find(&result, LN_SEVERITY_ERROR, "integer overflow: 'big'");
    assert_int_equal(overflow->location.line, 1);
    assert_int_equal(overflow->location.column, 6);
    assert_false(ln_yaml_get_int64(ln_yaml_find(root, "word"), &result.diagnostics, &result.arena,
                                   "'word'", 0, 10, &integer));
    const ln_diagnostic *type = find(&result, LN_SEVERITY_ERROR, "'word' must be an integer, not the text 'abc'");
    assert_int_equal(type->location.line, 2);
    assert_false(ln_yaml_get_int64(ln_yaml_find(root, "list"), &result.diagnostics, &result.arena,
                                   "'list'", 0, 10, &integer));
    find(&result, LN_SEVERITY_ERROR, "'list' must be an integer, not a list");
    assert_false(ln_yaml_get_int64(ln_yaml_find(root, "neg"), &result.diagnostics, &result.arena,
                                   "'neg'", 0, 10, &integer));
    find(&result, LN_SEVERITY_ERROR, "'neg' must be at least 0, not -5");
    assert_false(ln_yaml_get_int64(ln_yaml_find(root, "wide"), &result.diagnostics, &result.arena,
                                   "'wide'", 0, 255, &integer));
    find(&result, LN_SEVERITY_ERROR, "integer overflow: 'wide' is 300, larger than the largest allowed value 255");
    assert_false(ln_yaml_get_bool(ln_yaml_find(root, "flag"), &result.diagnostics, &result.arena,
                                  "'flag'", &flag));
    find(&result, LN_SEVERITY_ERROR, "'flag' must be true or false, not the number 2");
    assert_false(ln_yaml_expect_kind(ln_yaml_find(root, "word"), LN_YAML_SEQUENCE,
                                     &result.diagnostics, &result.arena, "'word'"));
    find(&result, LN_SEVERITY_ERROR, "'word' must be a list, not the text 'abc'");
    for (size_t i = 0; i < result.diagnostics.count; i++)
        assert_non_null(result.diagnostics.items[i].hint);
    release(&result);
}

static void test_anchors_aliases_and_merge_keys(void **state)
{
    (void)state;
    parsed result;
    parse_text(&result,
               "defaults: &defaults {depth: 64, width: 8}\n"
               "extra: &extra {width: 16, n-banks: 4}\n"
               "one:\n"
               "  <<: *defaults\n"
               "  width: 32\n"
               "two:\n"
               "  <<: [*extra, *defaults]\n"
               "shared: *defaults\n");
    assert_true(result.ok);
    const ln_yaml_node *root = result.document.root;
    const ln_yaml_node *one = ln_yaml_find(root, "one");
    assert_int_equal(one->pair_count, 2);
    assert_string_equal(ln_yaml_find(one, "depth")->text, "64");
    /* Keys written in the mapping win over merged ones. */
    assert_string_equal(ln_yaml_find(one, "width")->text, "32");
    assert_null(ln_yaml_find(one, "<<"));
    const ln_yaml_node *two = ln_yaml_find(root, "two");
    assert_int_equal(two->pair_count, 3);
    /* Earlier merge sources win. */
    assert_string_equal(ln_yaml_find(two, "width")->text, "16");
    assert_string_equal(ln_yaml_find(two, "n_banks")->text, "4");
    assert_string_equal(ln_yaml_find(two, "depth")->text, "64");
    assert_ptr_equal(ln_yaml_find(root, "shared"), ln_yaml_find(root, "defaults"));
    assert_string_equal(ln_yaml_find(root, "defaults")->anchor, "defaults");
    release(&result);
}

static void test_syntax_error_is_located(void **state)
{
    (void)state;
    parsed result;
    parse_text(&result, "problem:\n  shape: [1, 2\n  instance: 3\n");
    assert_false(result.ok);
    const ln_diagnostic *error = find(&result, LN_SEVERITY_ERROR,
                                      "YAML syntax error: did not find expected ',' or ']'");
    assert_int_equal(error->location.line, 3);
    assert_int_equal(error->location.column, 11);
    assert_string_equal(error->location.file, "doc.yaml");
    assert_non_null(error->hint);
    release(&result);

    parse_text(&result, "a: 1\n\t- b\n");
    assert_false(result.ok);
    error = find(&result, LN_SEVERITY_ERROR, "YAML syntax error");
    assert_int_equal(error->location.line, 2);
    assert_non_null(strstr(error->hint, "tabs"));
    release(&result);

    parse_text(&result, "a: \"unterminated\n");
    assert_false(result.ok);
    error = find(&result, LN_SEVERITY_ERROR, "while scanning a quoted scalar that starts at line 1");
    assert_int_equal(error->location.line, 2);
    release(&result);
}

static void test_structural_errors(void **state)
{
    (void)state;
    parsed result;
    parse_text(&result, "a: 1\nword-bits: 2\nword_bits: 3\n");
    assert_false(result.ok);
    const ln_diagnostic *error = find(&result, LN_SEVERITY_ERROR,
                                      "duplicate key 'word_bits' ('word-bits' and 'word_bits' mean the same key)");
    assert_int_equal(error->location.line, 3);
    assert_int_equal(error->location.column, 1);
    release(&result);

    parse_text(&result, "a: *missing\n");
    assert_false(result.ok);
    error = find(&result, LN_SEVERITY_ERROR, "unknown anchor 'missing'");
    assert_int_equal(error->location.line, 1);
    assert_int_equal(error->location.column, 4);
    release(&result);

    parse_text(&result, "a: &loop [*loop]\n");
    assert_false(result.ok);
    find(&result, LN_SEVERITY_ERROR, "alias '*loop' refers to a node that contains it");
    release(&result);

    parse_text(&result, "a: &s 3\nb: {<<: *s}\n");
    assert_false(result.ok);
    error = find(&result, LN_SEVERITY_ERROR, "the merge key '<<' needs a mapping");
    assert_int_equal(error->location.line, 1);
    release(&result);

    parse_text(&result, "a: 1\n---\nb: 2\n");
    assert_true(result.ok);
    error = find(&result, LN_SEVERITY_WARNING, "only the first YAML document");
    assert_int_equal(error->location.line, 2);
    assert_non_null(ln_yaml_find(result.document.root, "a"));
    release(&result);

    parse_text(&result, "# only a comment\n");
    assert_true(result.ok);
    assert_null(result.document.root);
    release(&result);
}

static void test_unknown_keys_warn_with_suggestion(void **state)
{
    (void)state;
    parsed result;
    parse_text(&result, "depht: 3\nwidth: 8\nfrobnicate: 1\n");
    static const char *const known[] = {"depth", "width", "datawidth", NULL};
    ln_yaml_warn_unknown_keys(result.document.root, &result.diagnostics, "the attributes", known);
    assert_int_equal(result.diagnostics.warning_count, 2);
    assert_int_equal(result.diagnostics.error_count, 0);
    const ln_diagnostic *typo = find(&result, LN_SEVERITY_WARNING, "unknown key 'depht' in the attributes");
    assert_int_equal(typo->location.line, 1);
    assert_string_equal(typo->hint, "did you mean 'depth'?");
    const ln_diagnostic *other = find(&result, LN_SEVERITY_WARNING, "unknown key 'frobnicate'");
    assert_int_equal(other->location.line, 3);
    assert_non_null(strstr(other->hint, "depth, width, datawidth"));
    release(&result);
}

static const char good_spec[] =
    "problem:\n"
    "  shape:\n"
    "    name: Conv1D\n"
    "    dimensions: [R, P]\n"
    "    data_spaces:\n"
    "    - {name: Weights, projection: [[[R]]]}\n"
    "    - {name: Inputs, projection: [[[R], [P]]]}\n"
    "    - {name: Outputs, projection: [[[P]]], read_write: true}\n"
    "  instance: {R: 3, P: 16}\n"
    "architecture:\n"
    "  version: 0.4\n"
    "  nodes:\n"
    "  - !Container {name: System, attributes: {technology: \"40nm\"}}\n"
    "  - !Component\n"
    "    name: Buffer\n"
    "    class: regfile\n"
    "    attributes: {depth: 64, width: 8, datawidth: 8}\n"
    "  - !Component {name: MACC, class: intmac}\n"
    "mapping:\n"
    "- {target: Buffer, type: temporal, factors: R=3 P=16, permutation: RP}\n";

/* Nothing may crash on truncated or mangled input: every prefix of a valid
 * spec, and the spec with bytes replaced, must load or fail cleanly. */
static void test_truncated_and_garbage_input_never_crash(void **state)
{
    (void)state;
    size_t length = strlen(good_spec);
    char *buffer = malloc(length + 1);
    assert_non_null(buffer);
    for (size_t cut = 0; cut <= length; cut++) {
        memcpy(buffer, good_spec, cut);
        buffer[cut] = '\0';
        yaml_test test;
        yaml_test_init(&test);
        yaml_test_load(&test, buffer);
        yaml_test_release(&test);
    }
    static const char replacements[] = {'[', ']', '{', '}', ':', '-', '&', '*', '!', '"', '\'', '\t', '\n', ' ', '#', '|', '>', '\0', 'x', '\xff'};
    unsigned seed = 12345;
    for (int round = 0; round < 1500; round++) {
        memcpy(buffer, good_spec, length + 1);
        for (int edits = 0; edits < 3; edits++) {
            seed = seed * 1103515245u + 12345u;
            size_t position = (seed >> 8) % length;
            seed = seed * 1103515245u + 12345u;
            buffer[position] = replacements[(seed >> 8) % sizeof replacements];
        }
        yaml_test test;
        yaml_test_init(&test);
        ln_yaml_document document;
        /* Embedded NULs are part of the text, as read from a file. */
        if (ln_yaml_parse(&test.spec.arena, &test.diagnostics, "fuzz.yaml", buffer, length, &document))
            ln_yaml_import_documents(&test.spec, &test.diagnostics, &document, 1);
        yaml_test_release(&test);
    }
    free(buffer);

    static const char *const hostile[] = {
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        "a: &a [1]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\nd: [*c, *c, *c]\n",
        "architecture: {nodes: 3}\nproblem: []\nmapping: {}\n",
        "architecture: {nodes: [!Parallel {nodes: [!Parallel {nodes: [1]}]}]}\n",
        "mapping: [1, 2, 3]\n",
        "problem: {shape: {dimensions: [[]], data_spaces: [{name: [], projection: [[[[]]]]}]}}\n",
        "ERT: {version: 0.3, tables: [{name: x, actions: [1, {name: [2]}]}]}\nART: {version: 9}\n",
        "? [a, b]\n: c\n",
        "\xef\xbb\xbf\x61: 1\n", /* a byte-order mark, then `a: 1` */
    };
    for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
        yaml_test test;
        yaml_test_init(&test);
        yaml_test_load(&test, hostile[i]);
        yaml_test_release(&test);
    }
    char *deep = malloc(20001);
    assert_non_null(deep);
    memset(deep, '[', 20000);
    deep[20000] = '\0';
    yaml_test test;
    yaml_test_init(&test);
    assert_false(yaml_test_load(&test, deep));
    yaml_test_release(&test);
    free(deep);
}

static void test_file_reading_errors(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    const char *path = LN_TEST_DATA_DIR "/yaml/does-not-exist.yaml";
    assert_false(yaml_test_load_files(&test, 1, &path));
    assert_non_null(yaml_test_find(&test, LN_SEVERITY_ERROR, "cannot open"));
    yaml_test_release(&test);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_locations_tags_and_keys),
        cmocka_unit_test(test_scalar_types),
        cmocka_unit_test(test_conversion_errors),
        cmocka_unit_test(test_anchors_aliases_and_merge_keys),
        cmocka_unit_test(test_syntax_error_is_located),
        cmocka_unit_test(test_structural_errors),
        cmocka_unit_test(test_unknown_keys_warn_with_suggestion),
        cmocka_unit_test(test_truncated_and_garbage_input_never_crash),
        cmocka_unit_test(test_file_reading_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
