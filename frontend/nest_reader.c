#include "frontend/nest_reader.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/diagnostics.h"
#include "frontend/nest_syntax.h"
#include "frontend/yaml_document.h"
#include "nest_parser.h"
#define YYSTYPE LN_NEST_STYPE
#define YYLTYPE LN_NEST_LTYPE
#include "nest_lexer.h"

/* ------------------------------------------------------------------ */
/* Hooks called by the lexer and the parser                             */
/* ------------------------------------------------------------------ */

void ln_nest_record_comment(ln_nest_parse_state *state, const char *text, uint32_t line,
                            uint32_t last_line, bool own_line)
{
    if (state->comment_count == state->comment_capacity) {
        size_t capacity = state->comment_capacity ? state->comment_capacity * 2 : 16;
        ln_nest_comment *comments = realloc(state->comments, capacity * sizeof *comments);
        if (!comments) {
            fputs("loopnest: error: out of memory\n", stderr);
            abort();
        }
        state->comments = comments;
        state->comment_capacity = capacity;
    }
    ln_nest_comment *comment = &state->comments[state->comment_count++];
    comment->text = ln_nest_strdup(text);
    /* A // comment keeps no trailing blanks (or the \r of a CRLF file). */
    size_t length = strlen(comment->text);
    while (length && (comment->text[length - 1] == ' ' || comment->text[length - 1] == '\t' ||
                      comment->text[length - 1] == '\r'))
        comment->text[--length] = '\0';
    comment->line = line;
    comment->last_line = last_line;
    comment->own_line = own_line;
}

/* The words between backquotes after "expecting" in bison's message;
 * they point into `buffer`. */
static size_t expected_words(const char *message, char *buffer, size_t size, const char **words,
                             size_t capacity)
{
    size_t count = 0;
    const char *expecting = strstr(message, "expecting ");
    if (!expecting)
        return 0;
    snprintf(buffer, size, "%s", expecting);
    char *cursor = buffer;
    while (count < capacity) {
        char *open = strchr(cursor, '`');
        if (!open)
            break;
        char *close = strchr(open + 1, '`');
        if (!close)
            break;
        *close = '\0';
        words[count++] = open + 1;
        cursor = close + 1;
    }
    return count;
}

void ln_nest_report_syntax_error(ln_nest_parse_state *state, ln_source_location location,
                                 const char *message)
{
    static const char *const with_text[] = {"identifier", "integer", "number", "string",
                                            "mesh size", "tensor flag"};
    if (state->lexical_error_line && location.line <= state->lexical_error_line + 1)
        return;
    const char *text = message;
    if (strncmp(text, "syntax error, ", 14) == 0)
        text += 14;
    /* An end of file after an earlier error is that error's consequence. */
    if (strncmp(text, "unexpected end of file", 22) == 0 && state->syntax_error_count)
        return;
    state->syntax_error_count++;
    char rewritten[1024];
    snprintf(rewritten, sizeof rewritten, "%s", text);
    bool identifier = false;
    for (size_t i = 0; i < sizeof with_text / sizeof *with_text; i++) {
        char pattern[64];
        snprintf(pattern, sizeof pattern, "unexpected %s", with_text[i]);
        size_t pattern_length = strlen(pattern);
        if (strncmp(text, pattern, pattern_length) == 0 &&
            (text[pattern_length] == ',' || text[pattern_length] == '\0')) {
            snprintf(rewritten, sizeof rewritten, "%s `%s`%s", pattern, state->last_token,
                     text + pattern_length);
            identifier = i == 0;
            break;
        }
    }
    /* An identifier where a keyword belongs is most often a misspelt one. */
    char hint[256] = "";
    if (identifier) {
        const char *expected[8];
        char buffer[512];
        size_t count = expected_words(text, buffer, sizeof buffer, expected, 8);
        const char *keywords[64];
        size_t keyword_count = 0;
        for (size_t i = 0; i < count; i++)
            if (ln_nest_is_keyword(expected[i]))
                keywords[keyword_count++] = expected[i];
        const char *closest = NULL;
        if (keyword_count)
            closest = ln_closest_name(state->last_token, keywords, keyword_count);
        else if (count == 0)
            closest = ln_closest_name(state->last_token, ln_nest_keywords, ln_nest_keyword_count);
        if (closest)
            snprintf(hint, sizeof hint, "did you mean `%s`?", closest);
        else if (strstr(text, "expecting `;`"))
            snprintf(hint, sizeof hint, "is a `;` missing before it?");
        else if (count == 0)
            snprintf(hint, sizeof hint,
                     "a name needs a keyword before it here (such as `problem`, `arch`, `mapping`)");
    } else if (strncmp(text, "unexpected `problem`", 20) == 0 ||
               strncmp(text, "unexpected `shape`", 18) == 0 || strncmp(text, "unexpected `arch`", 17) == 0 ||
               strncmp(text, "unexpected `mapping`", 20) == 0 ||
               strncmp(text, "unexpected `search`", 19) == 0 ||
               strncmp(text, "unexpected `include`", 20) == 0) {
        /* These only start top-level items, so the block above is open. */
        snprintf(hint, sizeof hint, "is a closing `}` missing above it?");
    } else if (strncmp(text, "unexpected end of file", 22) == 0) {
        snprintf(hint, sizeof hint, "a block is still open: is a closing `}` missing?");
    } else if (strstr(text, "expecting `;`") && location.line > 1) {
        snprintf(hint, sizeof hint, "is a `;` missing at the end of the previous statement?");
    }
    ln_error(state->diagnostics, location, hint[0] ? hint : NULL, "%s", rewritten);
}

/* ------------------------------------------------------------------ */
/* Comments                                                             */
/* ------------------------------------------------------------------ */

typedef struct ln_comment_cursor {
    ln_nest_parse_state *state;
    size_t next;
    /* Line starts of the source, to find blank lines. */
    const char *text;
    size_t length;
    size_t *line_starts;
    size_t line_count;
} ln_comment_cursor;

static bool is_block(const ln_nest_node *node)
{
    switch (node->kind) {
    case LN_NEST_PROGRAM:
    case LN_NEST_SHAPE:
    case LN_NEST_PROBLEM:
    case LN_NEST_ARCH:
    case LN_NEST_COMPONENT:
    case LN_NEST_CONTAINER:
    case LN_NEST_PARALLEL:
    case LN_NEST_NOTHING:
    case LN_NEST_MAPPING:
    case LN_NEST_SEARCH:
    case LN_NEST_SECTION:
    case LN_NEST_COMPONENT_CLASS:
    case LN_NEST_SUBCOMPONENT:
    case LN_NEST_ACTION:
        return true;
    default:
        return false;
    }
}

static bool line_is_blank(const ln_comment_cursor *cursor, uint32_t line)
{
    if (line == 0 || line > cursor->line_count)
        return false;
    size_t start = cursor->line_starts[line - 1];
    size_t end = line < cursor->line_count ? cursor->line_starts[line] : cursor->length;
    for (size_t i = start; i < end; i++)
        if (cursor->text[i] != ' ' && cursor->text[i] != '\t' && cursor->text[i] != '\r' &&
            cursor->text[i] != '\n')
            return false;
    return true;
}

static bool blank_between(const ln_comment_cursor *cursor, uint32_t after, uint32_t before)
{
    for (uint32_t line = after + 1; line < before; line++)
        if (line_is_blank(cursor, line))
            return true;
    return false;
}

static ln_nest_comment *peek(ln_comment_cursor *cursor)
{
    return cursor->next < cursor->state->comment_count ? &cursor->state->comments[cursor->next]
                                                       : NULL;
}

static void attach_block(ln_comment_cursor *cursor, ln_nest_node *block);

static void attach_children(ln_comment_cursor *cursor, ln_nest_node *block, uint32_t start_line)
{
    uint32_t previous_end = start_line;
    for (size_t i = 0; i < block->child_count; i++) {
        ln_nest_node *child = block->children[i];
        uint32_t first_line = child->location.line;
        ln_nest_comment *comment;
        uint32_t first_text_line = first_line;
        bool first_comment = true;
        uint32_t comment_end = 0;
        while ((comment = peek(cursor)) && comment->line < first_line) {
            if (first_comment)
                first_text_line = comment->line;
            /* A blank line inside the leading comments (or between them and
             * the statement) is kept as an empty entry. */
            else if (blank_between(cursor, comment_end, comment->line))
                ln_nest_node_add_comment(child, "");
            first_comment = false;
            ln_nest_node_add_comment(child, comment->text);
            comment_end = comment->last_line;
            cursor->next++;
        }
        if (!first_comment && blank_between(cursor, comment_end, first_line))
            ln_nest_node_add_comment(child, "");
        if (i > 0 && blank_between(cursor, previous_end, first_text_line))
            child->flags |= LN_NEST_BLANK_BEFORE;
        if (is_block(child)) {
            attach_block(cursor, child);
        } else {
            /* Comments in the middle of a statement move before it. */
            while ((comment = peek(cursor)) && comment->line < child->last_line) {
                ln_nest_node_add_comment(child, comment->text);
                cursor->next++;
            }
        }
        comment = peek(cursor);
        bool next_on_same_line = i + 1 < block->child_count &&
                                 block->children[i + 1]->location.line == child->last_line;
        if (comment && !comment->own_line && comment->line == child->last_line &&
            !next_on_same_line && !child->trailing_comment) {
            child->trailing_comment = ln_nest_strdup(comment->text);
            cursor->next++;
        }
        previous_end = child->last_line;
    }
}

static void attach_block(ln_comment_cursor *cursor, ln_nest_node *block)
{
    attach_children(cursor, block, block->location.line);
    ln_nest_comment *comment;
    /* What is left before the closing brace stays at the block's end. A
     * section has no brace: its comments go to whatever follows it. */
    if (block->kind == LN_NEST_SECTION)
        return;
    while ((comment = peek(cursor)) &&
           (block->kind == LN_NEST_PROGRAM || comment->line < block->last_line)) {
        ln_nest_node_add_end_comment(block, comment->text);
        cursor->next++;
    }
}

static void attach_comments(ln_nest_parse_state *state, ln_nest_node *program, const char *text,
                            size_t length)
{
    ln_comment_cursor cursor = {state, 0, text, length, NULL, 0};
    size_t lines = 1;
    for (size_t i = 0; i < length; i++)
        if (text[i] == '\n')
            lines++;
    cursor.line_starts = malloc(lines * sizeof *cursor.line_starts);
    if (!cursor.line_starts) {
        fputs("loopnest: error: out of memory\n", stderr);
        abort();
    }
    cursor.line_starts[cursor.line_count++] = 0;
    for (size_t i = 0; i < length; i++)
        if (text[i] == '\n')
            cursor.line_starts[cursor.line_count++] = i + 1;
    attach_block(&cursor, program);
    free(cursor.line_starts);
}

/* ------------------------------------------------------------------ */
/* Entry points                                                         */
/* ------------------------------------------------------------------ */

ln_nest_node *ln_nest_parse_text(ln_diagnostics *diagnostics, const char *path, const char *text,
                                 size_t length)
{
    const char *stored = path;
    const ln_source_file *source = ln_diagnostics_find_source(diagnostics, path);
    if (!source) {
        stored = ln_diagnostics_add_source(diagnostics, path, text, length);
        source = ln_diagnostics_find_source(diagnostics, stored);
    } else {
        stored = source->path;
    }
    size_t errors_before = diagnostics->error_count;
    ln_nest_parse_state state;
    memset(&state, 0, sizeof state);
    state.diagnostics = diagnostics;
    state.path = stored;
    state.source = source->text;
    state.line = 1;
    state.column = 1;

    yyscan_t scanner;
    if (ln_nest_lex_init_extra(&state, &scanner) != 0) {
        ln_error(diagnostics, ln_location_none(), NULL, "out of memory reading '%s'", path);
        return NULL;
    }
    YY_BUFFER_STATE buffer = ln_nest__scan_bytes(source->text, (int)source->length, scanner);
    int status = ln_nest_parse(scanner, &state);
    ln_nest__delete_buffer(buffer, scanner);
    ln_nest_lex_destroy(scanner);

    ln_nest_node *program = state.program;
    if (status != 0 || diagnostics->error_count != errors_before || !program) {
        if (status != 0 && diagnostics->error_count == errors_before)
            ln_error(diagnostics, ln_nest_location(&state, state.line, state.column), NULL,
                     "cannot parse '%s'", path);
        ln_nest_node_free(program);
        program = NULL;
    } else {
        program->last_line = state.line;
        attach_comments(&state, program, source->text, source->length);
    }
    for (size_t i = 0; i < state.comment_count; i++)
        free(state.comments[i].text);
    free(state.comments);
    return program;
}

ln_nest_node *ln_nest_parse_file(ln_diagnostics *diagnostics, const char *path)
{
    const char *text;
    size_t length;
    const char *stored = ln_read_source_file(diagnostics, path, &text, &length);
    if (!stored)
        return NULL;
    return ln_nest_parse_text(diagnostics, stored, text, length);
}
