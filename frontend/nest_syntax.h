/* Internal to the .nest parser (grammar/nest.l, grammar/nest.y and
 * frontend/nest_parser.c): the state the reentrant lexer and parser share.
 * frontend/nest_parser.h is the public interface. */
#ifndef LOOPNEST_FRONTEND_NEST_SYNTAX_H
#define LOOPNEST_FRONTEND_NEST_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/diagnostic.h"
#include "ir/nest_ast.h"

typedef struct ln_nest_comment {
    char *text;
    uint32_t line;
    uint32_t last_line;
    /* Nothing but blanks before it on its line. */
    bool own_line;
} ln_nest_comment;

typedef struct ln_nest_parse_state {
    ln_diagnostics *diagnostics;
    const char *path; /* as registered with the diagnostics */
    ln_nest_node *program;

    /* The text being parsed, for expressions kept as written. */
    const char *source;
    /* Lexer position, 1-based, of the next character, and its byte offset. */
    uint32_t line;
    uint32_t column;
    size_t offset;
    /* The line of the last token returned (not comments). */
    uint32_t last_token_line;
    /* The text of the last token, for "unexpected identifier `x`". */
    char last_token[128];
    /* The last line with a lexical error: a syntax error right after it is
     * its consequence and not reported. */
    uint32_t lexical_error_line;
    size_t syntax_error_count;

    ln_nest_comment *comments;
    size_t comment_count;
    size_t comment_capacity;
} ln_nest_parse_state;

/* A location in the file being parsed. */
static inline ln_source_location ln_nest_location(const ln_nest_parse_state *state, uint32_t line,
                                                  uint32_t column)
{
    ln_source_location location = {state->path, line, column};
    return location;
}

void ln_nest_record_comment(ln_nest_parse_state *state, const char *text, uint32_t line,
                            uint32_t last_line, bool own_line);

/* Bison's message ("syntax error, unexpected identifier, expecting `;`")
 * rewritten for people, with the offending token and a hint. */
void ln_nest_report_syntax_error(ln_nest_parse_state *state, ln_source_location location,
                                 const char *message);

#endif
