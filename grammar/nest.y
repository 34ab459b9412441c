/* The .nest grammar (docs/language.md explains the language).
 *
 * Pure and reentrant: the lexer's state and the tree under construction
 * live in ln_nest_parse_state. The parser only builds the syntax tree
 * (ir/nest_ast.h) and checks shape-level rules that need no names; every
 * check that needs to know what a name means is frontend/nest_lower.c's.
 *
 * Error recovery: a statement that does not parse is skipped up to its
 * `;` (or its block's `}`), so one run reports every malformed statement;
 * %destructor frees whatever the skipped part had built. */
%code requires {
#include <stddef.h>

#include "ir/nest_ast.h"
typedef void *yyscan_t;
typedef struct ln_nest_parse_state ln_nest_parse_state;

/* Bison's four fields, and byte offsets so that an expression can be kept
 * as the text it was written as. */
typedef struct ln_nest_span {
    int first_line;
    int first_column;
    int last_line;
    int last_column;
    size_t first_offset;
    size_t last_offset;
} ln_nest_span;

#define YYLLOC_DEFAULT(Current, Rhs, N)                                                  \
    do {                                                                                 \
        if (N) {                                                                         \
            (Current).first_line = YYRHSLOC(Rhs, 1).first_line;                          \
            (Current).first_column = YYRHSLOC(Rhs, 1).first_column;                      \
            (Current).first_offset = YYRHSLOC(Rhs, 1).first_offset;                      \
            (Current).last_line = YYRHSLOC(Rhs, N).last_line;                            \
            (Current).last_column = YYRHSLOC(Rhs, N).last_column;                        \
            (Current).last_offset = YYRHSLOC(Rhs, N).last_offset;                        \
        } else {                                                                         \
            (Current).first_line = (Current).last_line = YYRHSLOC(Rhs, 0).last_line;     \
            (Current).first_column = (Current).last_column = YYRHSLOC(Rhs, 0).last_column; \
            (Current).first_offset = (Current).last_offset = YYRHSLOC(Rhs, 0).last_offset; \
        }                                                                                \
    } while (0)
}

%code provides {
int ln_nest_lex(LN_NEST_STYPE *value, LN_NEST_LTYPE *location, yyscan_t scanner);
}

%code {
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/nest_syntax.h"

static void ln_nest_error(LN_NEST_LTYPE *location, yyscan_t scanner, ln_nest_parse_state *state,
                          const char *message);
static ln_source_location here(const ln_nest_parse_state *state, const LN_NEST_LTYPE *location);
static ln_nest_node *make(ln_nest_parse_state *state, ln_nest_kind kind,
                          const LN_NEST_LTYPE *location);
static ln_nest_node *finish(ln_nest_node *node, const LN_NEST_LTYPE *location);
static ln_nest_node *named(ln_nest_parse_state *state, ln_nest_kind kind,
                           const LN_NEST_LTYPE *location, char *name,
                           const LN_NEST_LTYPE *name_location);
static bool to_integer(ln_nest_parse_state *state, const LN_NEST_LTYPE *location, const char *text,
                       int64_t *value);
static ln_nest_node *value_node(ln_nest_parse_state *state, const LN_NEST_LTYPE *location,
                                ln_nest_value_kind kind, char *text);
static void set_count(ln_nest_parse_state *state, ln_nest_node *node, const LN_NEST_LTYPE *location,
                      char *text, bool mesh);
static ln_nest_node *section_statement(ln_nest_parse_state *state, ln_nest_node *body,
                                       ln_nest_node *statement);
static ln_nest_node *stop_rule(ln_nest_parse_state *state, const LN_NEST_LTYPE *location,
                               char *after, const LN_NEST_LTYPE *after_location, char *count,
                               const LN_NEST_LTYPE *count_location, ln_nest_node *words);
static char *source_text(const ln_nest_parse_state *state, const LN_NEST_LTYPE *location);
static char *written_name(const char *name, const char *range);
static ln_nest_node *expression_node(ln_nest_parse_state *state, const LN_NEST_LTYPE *location);
static ln_nest_node *subcomponent(ln_nest_parse_state *state, const LN_NEST_LTYPE *location,
                                  char *name, char *range, char *component_class,
                                  const LN_NEST_LTYPE *class_location, ln_nest_node *body);
}

%define api.pure full
%define api.prefix {ln_nest_}
%define api.location.type {ln_nest_span}
%define parse.error detailed
%locations
%expect 0
%lex-param {yyscan_t scanner}
%parse-param {yyscan_t scanner} {ln_nest_parse_state *state}

%union {
    char *text;
    ln_nest_node *node;
}

%token <text> IDENT "identifier"
%token <text> STRING "string"
%token <text> INTEGER "integer"
%token <text> FLOAT "number"
%token <text> MESH "mesh size"
%token <text> FLAG "tensor flag"

%token ALGORITHM "`algorithm`" ARCH "`arch`" BYPASS "`bypass`" COEF "`coef`"
%token COMPONENT "`component`" DEFAULT "`default`" DIMS "`dims`" FACTORS "`factors`"
%token FALSE_ "`false`" FOR "`for`" IN "`in`" INCLUDE "`include`" KEEP "`keep`"
%token MAPPING "`mapping`" MAX_OVERBOOKED "`max_overbooked_proportion`"
%token MIN_UTILIZATION "`min_utilization`" MINIMIZE "`minimize`" NOTHING "`nothing`"
%token NULL_ "`null`" ON "`on`" PARALLEL "`parallel`" PROBLEM "`problem`"
%token REMAINDERS "`remainders`" SEARCH "`search`" SET "`set`" SHAPE "`shape`"
%token SPATIAL_FACTORS "`spatial_factors`" SPATIAL_FOR "`spatial_for`"
%token SPATIAL_REMAINDERS "`spatial_remainders`" SPLIT "`split`" STOP "`stop`"
%token TENSORS "`tensors`" THREADS "`threads`" TRUE_ "`true`"

%token PLUS_EQUALS "`+=`" AT_MOST "`<=`" AT_LEAST "`>=`" ELLIPSIS "`...`"
%token LBRACE "`{`" RBRACE "`}`" LBRACKET "`[`" RBRACKET "`]`" LPAREN "`(`" RPAREN "`)`"
%token SEMICOLON "`;`" COMMA "`,`" COLON "`:`" EQUALS "`=`" STAR "`*`" PLUS "`+`"
%token MINUS "`-`" AT "`@`" QUESTION "`?`"
%token DOTDOT "`..`" EQUALS_EQUALS "`==`" NOT_EQUALS "`!=`" DOT "`.`" SLASH "`/`" PERCENT "`%`"
%token LESS "`<`" GREATER "`>`"

%type <node> items item problem_body problem_statement dim_list dim coef_list coef
%type <node> einsum product access index term name_list name bindings binding_list binding
%type <node> block block_item attribute value value_list value_items map_entries map_items
%type <node> map_entry component_tail section_body statement loop bound factor_list factor
%type <node> parallel_body parallel_item words header
%type <text> signed_integer number subclass primitive_type range scale
%type <node> component_body component_item subcomponent_body action_body action_item
%type <node> arguments argument_list argument expression_value

%destructor { free($$); } <text>
%destructor { ln_nest_node_free($$); } <node>

%%

program
    : items                                 { state->program = $1; }
    ;

items
    : %empty                                { $$ = make(state, LN_NEST_PROGRAM, &@$); }
    | items item                            { $$ = ln_nest_node_append($1, $2); }
    ;

item
    : INCLUDE STRING SEMICOLON              { $$ = named(state, LN_NEST_INCLUDE, &@1, $2, &@2);
                                              finish($$, &@3); }
    | SHAPE IDENT LBRACE problem_body RBRACE
                                            { $$ = named(state, LN_NEST_SHAPE, &@1, $2, &@2);
                                              ln_nest_node_adopt_children($$, $4); finish($$, &@5); }
    | PROBLEM IDENT LBRACE problem_body RBRACE
                                            { $$ = named(state, LN_NEST_PROBLEM, &@1, $2, &@2);
                                              ln_nest_node_adopt_children($$, $4); finish($$, &@5); }
    | PROBLEM IDENT EQUALS IDENT LPAREN bindings RPAREN SEMICOLON
                                            { $$ = named(state, LN_NEST_INSTANCE, &@1, $2, &@2);
                                              $$->name2 = $4; $$->name2_location = here(state, &@4);
                                              ln_nest_node_adopt_children($$, $6); finish($$, &@8); }
    | ARCH IDENT LBRACE block RBRACE        { $$ = named(state, LN_NEST_ARCH, &@1, $2, &@2);
                                              ln_nest_node_adopt_children($$, $4); finish($$, &@5); }
    | MAPPING header LBRACE section_body RBRACE
                                            { $$ = $2; $$->kind = LN_NEST_MAPPING;
                                              $$->location = here(state, &@1);
                                              ln_nest_node_adopt_children($$, $4); finish($$, &@5); }
    | SEARCH header LBRACE section_body RBRACE
                                            { $$ = $2; $$->kind = LN_NEST_SEARCH;
                                              $$->location = here(state, &@1);
                                              ln_nest_node_adopt_children($$, $4); finish($$, &@5); }
    | COMPONENT IDENT primitive_type LBRACE component_body RBRACE
                                            { $$ = $5; $$->kind = LN_NEST_COMPONENT_CLASS;
                                              $$->location = here(state, &@1);
                                              $$->name = $2; $$->name_location = here(state, &@2);
                                              $$->name2 = $3; $$->name2_location = here(state, &@3);
                                              finish($$, &@6); }
    | error RBRACE                          { $$ = NULL; }
    | error SEMICOLON                       { $$ = NULL; }
    | error LBRACE skip RBRACE              { $$ = NULL; }
    ;

header
    : %empty                                { $$ = make(state, LN_NEST_MAPPING, &@$); }
    | header IDENT                          { $$ = $1;
                                              if ($$->name || $$->name2 || $$->name3) {
                                                  ln_error(state->diagnostics, here(state, &@2),
                                                           "write `mapping NAME for PROBLEM on ARCH`",
                                                           "unexpected name `%s`", $2);
                                                  free($2);
                                              } else {
                                                  $$->name = $2; $$->name_location = here(state, &@2);
                                              } }
    | header FOR IDENT                      { $$ = $1; ln_nest_set_text(&$$->name2, $3); free($3);
                                              $$->name2_location = here(state, &@3); }
    | header ON IDENT                       { $$ = $1; ln_nest_set_text(&$$->name3, $3); free($3);
                                              $$->name3_location = here(state, &@3); }
    ;

/* ---- Problems ----------------------------------------------------------- */

problem_body
    : %empty                                { $$ = make(state, LN_NEST_PROGRAM, &@$); }
    | problem_body problem_statement        { $$ = ln_nest_node_append($1, $2); }
    ;

problem_statement
    : DIMS dim_list SEMICOLON               { $$ = $2; $$->location = here(state, &@1); finish($$, &@3); }
    | COEF coef_list SEMICOLON              { $$ = $2; $$->location = here(state, &@1); finish($$, &@3); }
    | TENSORS name_list SEMICOLON           { $$ = $2; $$->kind = LN_NEST_TENSORS;
                                              $$->location = here(state, &@1); finish($$, &@3); }
    | einsum SEMICOLON                      { $$ = finish($1, &@2); }
    | error SEMICOLON                       { $$ = NULL; }
    | error LBRACE skip RBRACE              { $$ = NULL; }
    ;

dim_list
    : dim                                   { $$ = ln_nest_node_append(make(state, LN_NEST_DIMS, &@1), $1); }
    | dim_list COMMA dim                    { $$ = ln_nest_node_append($1, $3); }
    ;

dim
    : IDENT                                 { $$ = named(state, LN_NEST_DIM, &@1, $1, &@1); }
    | IDENT EQUALS INTEGER                  { $$ = named(state, LN_NEST_DIM, &@1, $1, &@1);
                                              if (to_integer(state, &@3, $3, &$$->value))
                                                  $$->flags |= LN_NEST_HAS_VALUE;
                                              $$->value_location = here(state, &@3); free($3); }
    ;

coef_list
    : coef                                  { $$ = ln_nest_node_append(make(state, LN_NEST_COEFS, &@1), $1); }
    | coef_list COMMA coef                  { $$ = ln_nest_node_append($1, $3); }
    ;

coef
    : IDENT EQUALS signed_integer           { $$ = named(state, LN_NEST_COEF, &@1, $1, &@1);
                                              to_integer(state, &@3, $3, &$$->value);
                                              $$->value_location = here(state, &@3); free($3); }
    | IDENT EQUALS signed_integer DEFAULT signed_integer
                                            { $$ = named(state, LN_NEST_COEF, &@1, $1, &@1);
                                              to_integer(state, &@3, $3, &$$->value);
                                              if (to_integer(state, &@5, $5, &$$->value2))
                                                  $$->flags |= LN_NEST_HAS_VALUE2;
                                              $$->value_location = here(state, &@3);
                                              free($3); free($5); }
    ;

signed_integer
    : INTEGER                               { $$ = $1; }
    | MINUS INTEGER                         { size_t length = strlen($2);
                                              $$ = malloc(length + 2);
                                              if (!$$) abort();
                                              $$[0] = '-'; memcpy($$ + 1, $2, length + 1); free($2); }
    ;

einsum
    : access PLUS_EQUALS product            { $$ = make(state, LN_NEST_EINSUM, &@1);
                                              $$->flags |= LN_NEST_ACCUMULATE;
                                              ln_nest_node_append($$, $1); ln_nest_node_adopt_children($$, $3); }
    | access EQUALS product                 { $$ = make(state, LN_NEST_EINSUM, &@1);
                                              ln_nest_node_append($$, $1); ln_nest_node_adopt_children($$, $3); }
    ;

product
    : access                                { $$ = ln_nest_node_append(make(state, LN_NEST_PROGRAM, &@1), $1); }
    | product STAR access                   { $$ = ln_nest_node_append($1, $3); }
    ;

access
    : IDENT                                 { $$ = named(state, LN_NEST_ACCESS, &@1, $1, &@1); }
    | access LBRACKET index RBRACKET        { $$ = ln_nest_node_append($1, $3); finish($$, &@4); }
    ;

index
    : term                                  { $$ = ln_nest_node_append(make(state, LN_NEST_INDEX, &@1), $1); }
    | index PLUS term                       { $$ = ln_nest_node_append($1, $3); }
    ;

term
    : IDENT                                 { $$ = named(state, LN_NEST_TERM, &@1, $1, &@1); }
    | IDENT STAR IDENT                      { $$ = named(state, LN_NEST_TERM, &@1, $1, &@1);
                                              $$->name2 = $3; $$->name2_location = here(state, &@3); }
    | number STAR IDENT                     { $$ = named(state, LN_NEST_TERM, &@3, $3, &@3);
                                              $$->text = $1; $$->value_location = here(state, &@1);
                                              $$->location = here(state, &@1); $$->detail = 1; }
    | IDENT STAR number                     { $$ = named(state, LN_NEST_TERM, &@1, $1, &@1);
                                              $$->text = $3; $$->value_location = here(state, &@3); }
    ;

bindings
    : %empty                                { $$ = make(state, LN_NEST_PROGRAM, &@$); }
    | binding_list                          { $$ = $1; }
    ;

binding_list
    : binding                               { $$ = ln_nest_node_append(make(state, LN_NEST_PROGRAM, &@1), $1); }
    | binding_list COMMA binding            { $$ = ln_nest_node_append($1, $3); }
    ;

binding
    : IDENT EQUALS signed_integer           { $$ = named(state, LN_NEST_BINDING, &@1, $1, &@1);
                                              to_integer(state, &@3, $3, &$$->value);
                                              $$->value_location = here(state, &@3); free($3); }
    ;

/* ---- Architectures ------------------------------------------------------ */

block
    : %empty                                { $$ = make(state, LN_NEST_PROGRAM, &@$); }
    | block block_item                      { $$ = ln_nest_node_append($1, $2); }
    ;

block_item
    : attribute                             { $$ = $1; }
    | IDENT COLON IDENT subclass component_tail
                                            { $$ = named(state, LN_NEST_COMPONENT, &@1, $1, &@1);
                                              $$->name2 = $3; $$->name2_location = here(state, &@3);
                                              $$->name3 = $4; $$->name3_location = here(state, &@4);
                                              ln_nest_node_adopt_children($$, $5); finish($$, &@5); }
    | IDENT LBRACKET INTEGER RBRACKET COLON IDENT subclass component_tail
                                            { $$ = named(state, LN_NEST_COMPONENT, &@1, $1, &@1);
                                              set_count(state, $$, &@3, $3, false);
                                              $$->name2 = $6; $$->name2_location = here(state, &@6);
                                              $$->name3 = $7; $$->name3_location = here(state, &@7);
                                              ln_nest_node_adopt_children($$, $8); finish($$, &@8); }
    | IDENT LBRACKET MESH RBRACKET COLON IDENT subclass component_tail
                                            { $$ = named(state, LN_NEST_COMPONENT, &@1, $1, &@1);
                                              set_count(state, $$, &@3, $3, true);
                                              $$->name2 = $6; $$->name2_location = here(state, &@6);
                                              $$->name3 = $7; $$->name3_location = here(state, &@7);
                                              ln_nest_node_adopt_children($$, $8); finish($$, &@8); }
    | IDENT LBRACE block RBRACE             { $$ = named(state, LN_NEST_CONTAINER, &@1, $1, &@1);
                                              ln_nest_node_adopt_children($$, $3); finish($$, &@4); }
    | IDENT LBRACKET INTEGER RBRACKET LBRACE block RBRACE
                                            { $$ = named(state, LN_NEST_CONTAINER, &@1, $1, &@1);
                                              set_count(state, $$, &@3, $3, false);
                                              ln_nest_node_adopt_children($$, $6); finish($$, &@7); }
    | IDENT LBRACKET MESH RBRACKET LBRACE block RBRACE
                                            { $$ = named(state, LN_NEST_CONTAINER, &@1, $1, &@1);
                                              set_count(state, $$, &@3, $3, true);
                                              ln_nest_node_adopt_children($$, $6); finish($$, &@7); }
    | PARALLEL LBRACE parallel_body RBRACE  { $$ = $3; $$->location = here(state, &@1); finish($$, &@4); }
    | statement                             { $$ = $1; }
    ;

subclass
    : %empty                                { $$ = NULL; }
    | LPAREN IDENT RPAREN                   { $$ = $2; }
    ;

component_tail
    : LBRACE block RBRACE                   { $$ = finish($2, &@3); }
    | SEMICOLON                             { $$ = make(state, LN_NEST_PROGRAM, &@1); }
    ;

parallel_body
    : %empty                                { $$ = make(state, LN_NEST_PARALLEL, &@$); }
    | parallel_body parallel_item           { $$ = ln_nest_node_append($1, $2); }
    ;

parallel_item
    : IDENT COLON IDENT subclass component_tail
                                            { $$ = named(state, LN_NEST_COMPONENT, &@1, $1, &@1);
                                              $$->name2 = $3; $$->name2_location = here(state, &@3);
                                              $$->name3 = $4; $$->name3_location = here(state, &@4);
                                              ln_nest_node_adopt_children($$, $5); finish($$, &@5); }
    | NOTHING component_tail                { $$ = make(state, LN_NEST_NOTHING, &@1);
                                              ln_nest_node_adopt_children($$, $2); finish($$, &@2); }
    | error SEMICOLON                       { $$ = NULL; }
    | error LBRACE skip RBRACE              { $$ = NULL; }
    ;

attribute
    : IDENT EQUALS value SEMICOLON          { $$ = named(state, LN_NEST_ATTRIBUTE, &@1, $1, &@1);
                                              ln_nest_node_append($$, $3); finish($$, &@4); }
    /* Timeloop's storage attribute of the same name as the constraint. */
    | MIN_UTILIZATION EQUALS value SEMICOLON
                                            { $$ = named(state, LN_NEST_ATTRIBUTE, &@1,
                                                         ln_nest_strdup("min_utilization"), &@1);
                                              ln_nest_node_append($$, $3); finish($$, &@4); }
    ;

value
    : STRING                                { $$ = value_node(state, &@1, LN_NEST_VALUE_STRING, $1); }
    | number                                { $$ = value_node(state, &@1, LN_NEST_VALUE_NUMBER, $1); }
    | MINUS number                          { size_t length = strlen($2);
                                              char *text = malloc(length + 2);
                                              if (!text) abort();
                                              text[0] = '-'; memcpy(text + 1, $2, length + 1); free($2);
                                              $$ = value_node(state, &@1, LN_NEST_VALUE_NUMBER, text); }
    | TRUE_                                 { $$ = value_node(state, &@1, LN_NEST_VALUE_BOOL, ln_nest_strdup("true")); }
    | FALSE_                                { $$ = value_node(state, &@1, LN_NEST_VALUE_BOOL, ln_nest_strdup("false")); }
    | NULL_                                 { $$ = value_node(state, &@1, LN_NEST_VALUE_NULL, ln_nest_strdup("null")); }
    | IDENT                                 { $$ = value_node(state, &@1, LN_NEST_VALUE_WORD, $1); }
    | LBRACKET value_list RBRACKET          { $$ = $2; $$->location = here(state, &@1); finish($$, &@3); }
    | LBRACE map_entries RBRACE             { $$ = $2; $$->location = here(state, &@1); finish($$, &@3); }
    ;

number
    : INTEGER                               { $$ = $1; }
    | FLOAT                                 { $$ = $1; }
    ;

value_list
    : %empty                                { $$ = value_node(state, &@$, LN_NEST_VALUE_LIST, NULL); }
    | value_items                           { $$ = $1; }
    ;

value_items
    : value                                 { $$ = ln_nest_node_append(value_node(state, &@1, LN_NEST_VALUE_LIST, NULL), $1); }
    | value_items COMMA value               { $$ = ln_nest_node_append($1, $3); }
    ;

map_entries
    : %empty                                { $$ = value_node(state, &@$, LN_NEST_VALUE_MAP, NULL); }
    | map_items                             { $$ = $1; }
    ;

map_items
    : map_entry                             { $$ = ln_nest_node_append(value_node(state, &@1, LN_NEST_VALUE_MAP, NULL), $1); }
    | map_items COMMA map_entry             { $$ = ln_nest_node_append($1, $3); }
    ;

map_entry
    : IDENT EQUALS value                    { $$ = named(state, LN_NEST_ATTRIBUTE, &@1, $1, &@1);
                                              ln_nest_node_append($$, $3); }
    ;

/* ---- Mappings, searches and constraints --------------------------------- */

/* A flat list of statements that `@LEVEL` splits into sections; search
 * settings stay with the search wherever they are written. */
section_body
    : %empty                                { $$ = make(state, LN_NEST_PROGRAM, &@$); }
    | section_body AT IDENT                 { $$ = ln_nest_node_append($1,
                                                  named(state, LN_NEST_SECTION, &@2, $3, &@3)); }
    | section_body statement                { $$ = section_statement(state, $1, $2); }
    | section_body MINIMIZE name_list SEMICOLON
                                            { $3->kind = LN_NEST_MINIMIZE; $3->location = here(state, &@2);
                                              $$ = ln_nest_node_append($1, finish($3, &@4)); }
    | section_body ALGORITHM IDENT SEMICOLON
                                            { $$ = ln_nest_node_append($1,
                                                  finish(named(state, LN_NEST_ALGORITHM, &@2, $3, &@3), &@4)); }
    | section_body THREADS INTEGER SEMICOLON
                                            { ln_nest_node *node = make(state, LN_NEST_THREADS, &@2);
                                              to_integer(state, &@3, $3, &node->value);
                                              node->value_location = here(state, &@3); free($3);
                                              $$ = ln_nest_node_append($1, finish(node, &@4)); }
    | section_body STOP IDENT INTEGER words SEMICOLON
                                            { $$ = ln_nest_node_append($1,
                                                  finish(stop_rule(state, &@2, $3, &@3, $4, &@4, $5), &@6)); }
    | section_body SET IDENT EQUALS value SEMICOLON
                                            { ln_nest_node *node = named(state, LN_NEST_SET, &@2, $3, &@3);
                                              ln_nest_node_append(node, $5);
                                              $$ = ln_nest_node_append($1, finish(node, &@6)); }
    ;

words
    : IDENT                                 { $$ = ln_nest_node_append(make(state, LN_NEST_PROGRAM, &@1),
                                                                      named(state, LN_NEST_NAME, &@1, $1, &@1)); }
    | words IDENT                           { $$ = ln_nest_node_append($1, named(state, LN_NEST_NAME, &@2, $2, &@2)); }
    ;

statement
    : loop                                  { $$ = $1; }
    | ELLIPSIS                              { $$ = make(state, LN_NEST_ELLIPSIS, &@1); }
    | KEEP name_list SEMICOLON              { $$ = $2; $$->kind = LN_NEST_KEEP; $$->location = here(state, &@1);
                                              finish($$, &@3); }
    | BYPASS name_list SEMICOLON            { $$ = $2; $$->kind = LN_NEST_BYPASS; $$->location = here(state, &@1);
                                              finish($$, &@3); }
    | FLAG SEMICOLON                        { $$ = named(state, LN_NEST_FLAG, &@1, $1, &@1); finish($$, &@2); }
    | FLAG name_list SEMICOLON              { $$ = $2; $$->kind = LN_NEST_FLAG; $$->location = here(state, &@1);
                                              $$->name = $1; $$->name_location = here(state, &@1); finish($$, &@3); }
    | FACTORS factor_list SEMICOLON         { $$ = $2; $$->location = here(state, &@1); finish($$, &@3); }
    | SPATIAL_FACTORS factor_list SEMICOLON { $$ = $2; $$->flags |= LN_NEST_SPATIAL;
                                              $$->location = here(state, &@1); finish($$, &@3); }
    | SPLIT INTEGER SEMICOLON               { $$ = make(state, LN_NEST_SPLIT, &@1);
                                              to_integer(state, &@2, $2, &$$->value);
                                              $$->value_location = here(state, &@2); free($2); finish($$, &@3); }
    | MIN_UTILIZATION number SEMICOLON      { $$ = make(state, LN_NEST_MIN_UTILIZATION, &@1);
                                              $$->text = $2; $$->value_location = here(state, &@2); finish($$, &@3); }
    | MAX_OVERBOOKED number SEMICOLON       { $$ = make(state, LN_NEST_MAX_OVERBOOKED, &@1);
                                              $$->text = $2; $$->value_location = here(state, &@2); finish($$, &@3); }
    | REMAINDERS INTEGER SEMICOLON          { $$ = make(state, LN_NEST_REMAINDERS, &@1);
                                              to_integer(state, &@2, $2, &$$->value);
                                              $$->value_location = here(state, &@2); free($2); finish($$, &@3); }
    | SPATIAL_REMAINDERS INTEGER SEMICOLON  { $$ = make(state, LN_NEST_REMAINDERS, &@1);
                                              $$->flags |= LN_NEST_SPATIAL;
                                              to_integer(state, &@2, $2, &$$->value);
                                              $$->value_location = here(state, &@2); free($2); finish($$, &@3); }
    | SEMICOLON                             { $$ = NULL; }
    | error SEMICOLON                       { $$ = NULL; }
    | error LBRACE skip RBRACE              { $$ = NULL; }
    ;

loop
    : FOR IDENT IN LBRACKET INTEGER COLON bound RPAREN
                                            { $$ = $7; $$->location = here(state, &@1);
                                              ln_nest_set_text(&$$->name, $2); free($2);
                                              $$->name_location = here(state, &@2);
                                              int64_t start = 0;
                                              if (to_integer(state, &@5, $5, &start) && start != 0)
                                                  ln_error(state->diagnostics, here(state, &@5),
                                                           "write the loop as `for k in [0:N)`",
                                                           "a loop starts at 0, not %" PRId64, start);
                                              free($5); finish($$, &@8); }
    | SPATIAL_FOR IDENT IN LBRACKET INTEGER COLON bound RPAREN
                                            { $$ = $7; $$->location = here(state, &@1); $$->flags |= LN_NEST_SPATIAL;
                                              ln_nest_set_text(&$$->name, $2); free($2);
                                              $$->name_location = here(state, &@2);
                                              int64_t start = 0;
                                              if (to_integer(state, &@5, $5, &start) && start != 0)
                                                  ln_error(state->diagnostics, here(state, &@5),
                                                           "write the loop as `spatial_for k in [0:N)`",
                                                           "a loop starts at 0, not %" PRId64, start);
                                              free($5); finish($$, &@8); }
    | SPATIAL_FOR IDENT IN LBRACKET INTEGER COLON bound RPAREN ON IDENT
                                            { $$ = $7; $$->location = here(state, &@1); $$->flags |= LN_NEST_SPATIAL;
                                              ln_nest_set_text(&$$->name, $2); free($2);
                                              $$->name_location = here(state, &@2);
                                              int64_t start = 0;
                                              if (to_integer(state, &@5, $5, &start) && start != 0)
                                                  ln_error(state->diagnostics, here(state, &@5),
                                                           "write the loop as `spatial_for k in [0:N)`",
                                                           "a loop starts at 0, not %" PRId64, start);
                                              free($5);
                                              if (strcmp($10, "X") == 0 || strcmp($10, "x") == 0)
                                                  $$->axis = LN_NEST_AXIS_X;
                                              else if (strcmp($10, "Y") == 0 || strcmp($10, "y") == 0)
                                                  $$->axis = LN_NEST_AXIS_Y;
                                              else
                                                  ln_error(state->diagnostics, here(state, &@10),
                                                           "write `on X` or `on Y`",
                                                           "a spatial loop goes on the X or the Y axis, not `%s`", $10);
                                              $$->name3_location = here(state, &@10);
                                              free($10); finish($$, &@10); }
    ;

bound
    : INTEGER                               { $$ = make(state, LN_NEST_LOOP, &@1);
                                              $$->detail = LN_NEST_BOUND_EXACT;
                                              to_integer(state, &@1, $1, &$$->value);
                                              $$->value2 = $$->value;
                                              $$->value_location = here(state, &@1); free($1); }
    | INTEGER COMMA INTEGER                 { $$ = make(state, LN_NEST_LOOP, &@1);
                                              $$->detail = LN_NEST_BOUND_RESIDUAL;
                                              to_integer(state, &@1, $1, &$$->value);
                                              to_integer(state, &@3, $3, &$$->value2);
                                              $$->value_location = here(state, &@1); free($1); free($3); }
    | QUESTION                              { $$ = make(state, LN_NEST_LOOP, &@1);
                                              $$->detail = LN_NEST_BOUND_HOLE;
                                              $$->value_location = here(state, &@1); }
    ;

factor_list
    : factor                                { $$ = ln_nest_node_append(make(state, LN_NEST_FACTORS, &@1), $1); }
    | factor_list COMMA factor              { $$ = ln_nest_node_append($1, $3); }
    ;

factor
    : IDENT EQUALS INTEGER                  { $$ = named(state, LN_NEST_FACTOR, &@1, $1, &@1);
                                              $$->detail = LN_NEST_FACTOR_EQUAL;
                                              to_integer(state, &@3, $3, &$$->value);
                                              $$->value_location = here(state, &@3); free($3); }
    | IDENT AT_MOST INTEGER                 { $$ = named(state, LN_NEST_FACTOR, &@1, $1, &@1);
                                              $$->detail = LN_NEST_FACTOR_AT_MOST;
                                              to_integer(state, &@3, $3, &$$->value);
                                              $$->value_location = here(state, &@3); free($3); }
    | IDENT AT_LEAST INTEGER                { $$ = named(state, LN_NEST_FACTOR, &@1, $1, &@1);
                                              $$->detail = LN_NEST_FACTOR_AT_LEAST;
                                              to_integer(state, &@3, $3, &$$->value);
                                              $$->value_location = here(state, &@3); free($3); }
    ;

name_list
    : name                                  { $$ = ln_nest_node_append(make(state, LN_NEST_PROGRAM, &@1), $1); }
    | name_list COMMA name                  { $$ = ln_nest_node_append($1, $3); }
    ;

name
    : IDENT                                 { $$ = named(state, LN_NEST_NAME, &@1, $1, &@1); }
    ;

/* ---- Compound components ------------------------------------------------ */

primitive_type
    : %empty                                { $$ = NULL; }
    | COLON IDENT                           { $$ = $2; }
    ;

component_body
    : %empty                                { $$ = make(state, LN_NEST_COMPONENT_CLASS, &@$); }
    | component_body component_item         { $$ = ln_nest_node_append($1, $2); }
    ;

component_item
    : IDENT EQUALS expression_value SEMICOLON
                                            { $$ = named(state, LN_NEST_ATTRIBUTE, &@1, $1, &@1);
                                              ln_nest_node_append($$, $3); finish($$, &@4); }
    | IDENT range COLON IDENT SEMICOLON     { $$ = subcomponent(state, &@1, $1, $2, $4, &@4, NULL);
                                              finish($$, &@5); }
    | IDENT range COLON IDENT LBRACE subcomponent_body RBRACE
                                            { $$ = subcomponent(state, &@1, $1, $2, $4, &@4, $6);
                                              finish($$, &@7); }
    | IDENT arguments LBRACE action_body RBRACE
                                            { $$ = $4; $$->kind = LN_NEST_ACTION; $$->location = here(state, &@1);
                                              $$->name = $1; $$->name_location = here(state, &@1);
                                              if ($2) {
                                                  /* Arguments first, then the body's statements. */
                                                  ln_nest_node *body = $$;
                                                  $$ = $2; $$->kind = LN_NEST_ACTION; $$->location = body->location;
                                                  $$->name = body->name; body->name = NULL;
                                                  $$->name_location = body->name_location;
                                                  ln_nest_node_adopt_children($$, body);
                                              }
                                              finish($$, &@5); }
    | SEMICOLON                             { $$ = NULL; }
    | error SEMICOLON                       { $$ = NULL; }
    | error LBRACE skip RBRACE              { $$ = NULL; }
    ;

range
    : %empty                                { $$ = NULL; }
    | LBRACKET range_tokens RBRACKET        { $$ = source_text(state, &@2); }
    ;

range_tokens
    : range_token
    | range_tokens range_token
    ;

range_token
    : expression_token
    | DOTDOT
    ;

subcomponent_body
    : %empty                                { $$ = make(state, LN_NEST_SUBCOMPONENT, &@$); }
    | subcomponent_body IDENT EQUALS expression_value SEMICOLON
                                            { ln_nest_node *attribute = named(state, LN_NEST_ATTRIBUTE, &@2, $2, &@2);
                                              ln_nest_node_append(attribute, $4);
                                              $$ = ln_nest_node_append($1, finish(attribute, &@5)); }
    | subcomponent_body error SEMICOLON     { $$ = $1; }
    ;

arguments
    : %empty                                { $$ = NULL; }
    | LPAREN RPAREN                         { $$ = make(state, LN_NEST_ACTION, &@1); }
    | LPAREN argument_list RPAREN           { $$ = $2; }
    ;

argument_list
    : argument                              { $$ = ln_nest_node_append(make(state, LN_NEST_ACTION, &@1), $1); }
    | argument_list COMMA argument          { $$ = ln_nest_node_append($1, $3); }
    ;

argument
    : IDENT EQUALS expression_value         { $$ = named(state, LN_NEST_ARGUMENT, &@1, $1, &@1);
                                              ln_nest_node_append($$, $3); }
    ;

action_body
    : %empty                                { $$ = make(state, LN_NEST_ACTION, &@$); }
    | action_body action_item               { $$ = ln_nest_node_append($1, $2); }
    ;

action_item
    : IDENT range DOT IDENT arguments scale SEMICOLON
                                            { $$ = named(state, LN_NEST_PART, &@1, NULL, &@1);
                                              $$->name = $2 ? written_name($1, $2) : $1;
                                              if ($2) free($1);
                                              free($2);
                                              $$->name2 = $4; $$->name2_location = here(state, &@4);
                                              $$->text = $6; $$->value_location = here(state, &@6);
                                              if ($5) ln_nest_node_adopt_children($$, $5);
                                              finish($$, &@7); }
    | IDENT EQUALS expression_value SEMICOLON
                                            { $$ = named(state, LN_NEST_ATTRIBUTE, &@1, $1, &@1);
                                              ln_nest_node_append($$, $3); finish($$, &@4); }
    | error SEMICOLON                       { $$ = NULL; }
    ;

scale
    : %empty                                { $$ = NULL; }
    | STAR expression                       { $$ = source_text(state, &@2); }
    ;

/* An expression is kept as the text it was written as: the energy
 * estimator evaluates it (Accelergy's arithmetic, functions, `a if c else
 * b`). The grammar only finds where it ends: at a `,`, `;` or closing
 * bracket outside any parentheses. */
expression_value
    : expression                            { $$ = expression_node(state, &@1); }
    ;

expression
    : expression_item
    | expression expression_item
    ;

expression_item
    : expression_token
    | LPAREN nested_tokens RPAREN
    | LBRACKET nested_tokens RBRACKET
    ;

nested_tokens
    : %empty
    | nested_tokens expression_item
    | nested_tokens COMMA
    | nested_tokens DOTDOT
    ;

expression_token
    : IDENT { free($1); } | STRING { free($1); } | INTEGER { free($1); } | FLOAT { free($1); }
    | TRUE_ | FALSE_ | NULL_ | IN | FOR
    | PLUS | MINUS | STAR | SLASH | PERCENT | LESS | GREATER | AT_MOST | AT_LEAST
    | EQUALS_EQUALS | NOT_EQUALS | DOT
    ;

/* ---- Error recovery ------------------------------------------------------ */

/* What follows a syntax error up to the end of its block: any tokens with
 * braces balanced, so that recovery skips a whole `{ ... }` instead of
 * stopping at its first `;`. */
skip
    : %empty
    | skip skip_token
    | skip LBRACE skip RBRACE
    ;

skip_token
    : IDENT { free($1); } | STRING { free($1); } | INTEGER { free($1); } | FLOAT { free($1); }
    | MESH { free($1); } | FLAG { free($1); }
    | ALGORITHM | ARCH | BYPASS | COEF | COMPONENT | DEFAULT | DIMS | FACTORS | FALSE_ | FOR | IN
    | INCLUDE | KEEP | MAPPING | MAX_OVERBOOKED | MIN_UTILIZATION | MINIMIZE | NOTHING | NULL_ | ON
    | PARALLEL | PROBLEM | REMAINDERS | SEARCH | SET | SHAPE | SPATIAL_FACTORS | SPATIAL_FOR
    | SPATIAL_REMAINDERS | SPLIT | STOP | TENSORS | THREADS | TRUE_
    | PLUS_EQUALS | AT_MOST | AT_LEAST | ELLIPSIS | LBRACKET | RBRACKET | LPAREN | RPAREN
    | SEMICOLON | COMMA | COLON | EQUALS | STAR | PLUS | MINUS | AT | QUESTION
    | DOTDOT | EQUALS_EQUALS | NOT_EQUALS | DOT | SLASH | PERCENT | LESS | GREATER
    ;

%%

static ln_source_location here(const ln_nest_parse_state *state, const LN_NEST_LTYPE *location)
{
    return ln_nest_location(state, (uint32_t)location->first_line, (uint32_t)location->first_column);
}

static ln_nest_node *make(ln_nest_parse_state *state, ln_nest_kind kind,
                          const LN_NEST_LTYPE *location)
{
    ln_nest_node *node = ln_nest_node_new(kind, here(state, location));
    node->last_line = (uint32_t)location->last_line;
    return node;
}

static ln_nest_node *finish(ln_nest_node *node, const LN_NEST_LTYPE *location)
{
    if ((uint32_t)location->last_line > node->last_line)
        node->last_line = (uint32_t)location->last_line;
    return node;
}

static ln_nest_node *named(ln_nest_parse_state *state, ln_nest_kind kind,
                           const LN_NEST_LTYPE *location, char *name,
                           const LN_NEST_LTYPE *name_location)
{
    ln_nest_node *node = make(state, kind, location);
    node->name = name;
    node->name_location = here(state, name_location);
    return finish(node, name_location);
}

static bool to_integer(ln_nest_parse_state *state, const LN_NEST_LTYPE *location, const char *text,
                       int64_t *value)
{
    const char *digits = text[0] == '-' ? text + 1 : text;
    uint64_t number = 0;
    for (const char *cursor = digits; *cursor; cursor++) {
        unsigned digit = (unsigned)(*cursor - '0');
        if (number > ((uint64_t)INT64_MAX - digit) / 10) {
            ln_error(state->diagnostics, here(state, location), "use a smaller number",
                     "integer %s is too large", text);
            *value = 0;
            return false;
        }
        number = number * 10 + digit;
    }
    *value = text[0] == '-' ? -(int64_t)number : (int64_t)number;
    return true;
}

static ln_nest_node *value_node(ln_nest_parse_state *state, const LN_NEST_LTYPE *location,
                                ln_nest_value_kind kind, char *text)
{
    ln_nest_node *node = make(state, LN_NEST_VALUE, location);
    node->detail = (int)kind;
    node->text = text;
    return node;
}

/* `[16]` (one number) or `[14 x 12]` (a mesh). */
static void set_count(ln_nest_parse_state *state, ln_nest_node *node, const LN_NEST_LTYPE *location,
                      char *text, bool mesh)
{
    node->flags |= LN_NEST_HAS_COUNT;
    node->value_location = here(state, location);
    if (!mesh) {
        to_integer(state, location, text, &node->value);
        free(text);
        return;
    }
    char *cursor = text;
    while (*cursor >= '0' && *cursor <= '9')
        cursor++;
    char *second = cursor;
    while (*second == ' ' || *second == '\t' || *second == 'x')
        second++;
    *cursor = '\0';
    to_integer(state, location, text, &node->value);
    to_integer(state, location, second, &node->value2);
    free(text);
}

static ln_nest_node *section_statement(ln_nest_parse_state *state, ln_nest_node *body,
                                       ln_nest_node *statement)
{
    if (!statement)
        return body;
    ln_nest_node *section = NULL;
    for (size_t i = body->child_count; i-- > 0;)
        if (body->children[i]->kind == LN_NEST_SECTION) {
            section = body->children[i];
            break;
        }
    if (!section) {
        /* Statements before any @LEVEL: kept in an unnamed section, which
         * the lowering reports. */
        LN_NEST_LTYPE where = {(int)statement->location.line, (int)statement->location.column,
                               (int)statement->location.line, (int)statement->location.column, 0, 0};
        section = make(state, LN_NEST_SECTION, &where);
        ln_nest_node_append(body, section);
    }
    ln_nest_node_append(section, statement);
    if (section->last_line > body->last_line)
        body->last_line = section->last_line;
    return body;
}

static ln_nest_node *stop_rule(ln_nest_parse_state *state, const LN_NEST_LTYPE *location,
                               char *after, const LN_NEST_LTYPE *after_location, char *count,
                               const LN_NEST_LTYPE *count_location, ln_nest_node *words)
{
    static const char *const usage =
        "write `stop after N without improvement;`, `stop after N invalid;` or "
        "`stop after N mappings;`";
    ln_nest_node *node = make(state, LN_NEST_STOP, location);
    if (strcmp(after, "after") != 0)
        ln_error(state->diagnostics, here(state, after_location), usage,
                 "expected `after`, not `%s`", after);
    to_integer(state, count_location, count, &node->value);
    node->value_location = here(state, count_location);
    char rule[64] = "";
    size_t used = 0;
    for (size_t i = 0; i < words->child_count && used < sizeof rule; i++)
        used += (size_t)snprintf(rule + used, sizeof rule - used, "%s%s", i ? " " : "",
                                 words->children[i]->name);
    if (strcmp(rule, "without improvement") != 0 && strcmp(rule, "invalid") != 0 &&
        strcmp(rule, "mappings") != 0)
        ln_error(state->diagnostics, words->location, usage, "unknown stopping rule `%s`", rule);
    node->name = ln_nest_strdup(rule);
    node->name_location = words->location;
    ln_nest_node_free(words);
    free(after);
    free(count);
    return node;
}

static void ln_nest_error(LN_NEST_LTYPE *location, yyscan_t scanner, ln_nest_parse_state *state,
                          const char *message)
{
    (void)scanner;
    ln_nest_report_syntax_error(state, here(state, location), message);
}

/* The source between a span's first and last byte. */
static char *source_text(const ln_nest_parse_state *state, const LN_NEST_LTYPE *location)
{
    size_t length = location->last_offset > location->first_offset
                        ? location->last_offset - location->first_offset
                        : 0;
    char *text = malloc(length + 1);
    if (!text)
        abort();
    memcpy(text, state->source + location->first_offset, length);
    text[length] = '\0';
    return text;
}

static char *written_name(const char *name, const char *range)
{
    size_t length = strlen(name) + strlen(range) + 3;
    char *text = malloc(length);
    if (!text)
        abort();
    snprintf(text, length, "%s[%s]", name, range);
    return text;
}

/* A lone string is a quoted value (Accelergy takes it literally); anything
 * else an expression. */
static ln_nest_node *expression_node(ln_nest_parse_state *state, const LN_NEST_LTYPE *location)
{
    char *text = source_text(state, location);
    size_t length = strlen(text);
    /* The expression is kept as written, so a comment in it would become
     * part of it. */
    bool in_string = false;
    for (size_t i = 0; i + 1 < length; i++) {
        if (text[i] == '"' && (i == 0 || text[i - 1] != '\\'))
            in_string = !in_string;
        if (!in_string && text[i] == '/' && (text[i + 1] == '/' || text[i + 1] == '*')) {
            ln_error(state->diagnostics, here(state, location),
                     "move the comment before or after the statement",
                     "a comment inside an expression");
            break;
        }
    }
    bool lone_string = length >= 2 && text[0] == '"';
    for (size_t i = 1; lone_string && i < length; i++) {
        if (text[i] == '\\') {
            i++;
        } else if (text[i] == '"') {
            lone_string = i == length - 1;
            break;
        }
    }
    if (!lone_string)
        return value_node(state, location, LN_NEST_VALUE_EXPRESSION, text);
    char *unescaped = malloc(length);
    if (!unescaped)
        abort();
    size_t used = 0;
    for (size_t i = 1; i + 1 < length; i++) {
        if (text[i] == '\\' && i + 2 < length) {
            i++;
            unescaped[used++] = text[i] == 'n' ? '\n' : text[i] == 't' ? '\t' : text[i];
        } else {
            unescaped[used++] = text[i];
        }
    }
    unescaped[used] = '\0';
    free(text);
    return value_node(state, location, LN_NEST_VALUE_STRING, unescaped);
}

static ln_nest_node *subcomponent(ln_nest_parse_state *state, const LN_NEST_LTYPE *location,
                                  char *name, char *range, char *component_class,
                                  const LN_NEST_LTYPE *class_location, ln_nest_node *body)
{
    ln_nest_node *node = body ? body : make(state, LN_NEST_SUBCOMPONENT, location);
    node->kind = LN_NEST_SUBCOMPONENT;
    node->location = here(state, location);
    node->name_location = node->location;
    node->name = range ? written_name(name, range) : name;
    if (range)
        free(name);
    free(range);
    node->name2 = component_class;
    node->name2_location = here(state, class_location);
    return node;
}
