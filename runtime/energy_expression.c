#include "runtime/energy_expression.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Not every C library defines M_PI under strict C17. */
static const double ln_pi = 3.14159265358979323846;
static const double ln_e = 2.71828182845904523536;

enum {
    LN_EXPRESSION_MAX_NODES = 512,
    LN_EXPRESSION_MAX_DEPTH = 64,
    LN_EXPRESSION_MAX_ARGUMENTS = 8,
};

/* ------------------------------------------------------------------ */
/* Values                                                               */
/* ------------------------------------------------------------------ */

ln_energy_value ln_energy_number(double number)
{
    ln_energy_value value = {LN_VALUE_NUMBER, false, number, NULL};
    return value;
}

ln_energy_value ln_energy_string(const char *text)
{
    ln_energy_value value = {LN_VALUE_STRING, false, 0, text};
    return value;
}

ln_energy_value ln_energy_bool(bool boolean)
{
    ln_energy_value value = {LN_VALUE_BOOL, boolean, boolean ? 1 : 0, NULL};
    return value;
}

ln_energy_value ln_energy_none(void)
{
    ln_energy_value value = {LN_VALUE_NULL, false, 0, NULL};
    return value;
}

bool ln_energy_value_number(const ln_energy_value *value, double *number)
{
    if (value->kind == LN_VALUE_NUMBER) {
        *number = value->number;
        return true;
    }
    if (value->kind == LN_VALUE_BOOL) {
        *number = value->boolean ? 1 : 0;
        return true;
    }
    return false;
}

const char *ln_energy_value_text(ln_arena *arena, const ln_energy_value *value)
{
    switch (value->kind) {
    case LN_VALUE_NULL:
        return "None";
    case LN_VALUE_BOOL:
        return value->boolean ? "True" : "False";
    case LN_VALUE_STRING:
        return value->text;
    case LN_VALUE_NUMBER:
        break;
    }
    double number = value->number;
    if (number == floor(number) && fabs(number) < 1e15)
        return ln_arena_printf(arena, "%.0f", number);
    return ln_arena_printf(arena, "%.17g", number);
}

const ln_energy_binding *ln_energy_scope_find(const ln_energy_scope *scope, const char *name)
{
    for (; scope; scope = scope->parent)
        for (uint32_t i = scope->count; i-- > 0;)
            if (strcmp(scope->bindings[i].name, name) == 0)
                return &scope->bindings[i];
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Parsing into a node pool                                             */
/* ------------------------------------------------------------------ */

typedef enum ln_node_kind {
    NODE_NUMBER,
    NODE_STRING,
    NODE_NAME,
    NODE_CONSTANT, /* True / False / None: value in the node */
    NODE_CALL,
    NODE_UNARY,    /* op: '-', '+', 'n' (not) */
    NODE_BINARY,   /* op: + - * / F(//) % P(**) */
    NODE_AND,
    NODE_OR,
    NODE_COMPARE,  /* chain: children[0] op[0] children[1] op[1] ... */
    NODE_CONDITIONAL, /* children: value, condition, alternative */
} ln_node_kind;

typedef struct ln_node {
    ln_node_kind kind;
    char op;
    size_t offset;
    size_t length; /* names, strings */
    double number;
    ln_energy_value constant;
    uint16_t child_count;
    uint16_t children[LN_EXPRESSION_MAX_ARGUMENTS + 1];
    char compare_ops[LN_EXPRESSION_MAX_ARGUMENTS]; /* '<' 'l'(<=) '>' 'g'(>=) '=' '!' */
} ln_node;

typedef struct ln_parser {
    const char *text;
    size_t position;
    ln_node *nodes;
    uint32_t node_count;
    unsigned depth;
    ln_expression_failure *failure;
} ln_parser;

static bool fail(ln_expression_failure *failure, ln_expression_status status, size_t offset, const char *hint,
                 const char *format, ...) __attribute__((format(printf, 5, 6)));

static bool fail(ln_expression_failure *failure, ln_expression_status status, size_t offset, const char *hint,
                 const char *format, ...)
{
    if (failure->status != LN_EXPRESSION_OK)
        return false; /* keep the first, innermost, failure */
    failure->status = status;
    failure->offset = offset;
    failure->hint = hint;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(failure->message, sizeof failure->message, format, arguments);
    va_end(arguments);
    return false;
}

static void skip_space(ln_parser *parser)
{
    while (parser->text[parser->position] == ' ' || parser->text[parser->position] == '\t' ||
           parser->text[parser->position] == '\n' || parser->text[parser->position] == '\r')
        parser->position++;
}

static bool is_name_start(char c)
{
    return isalpha((unsigned char)c) || c == '_';
}

static bool is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* True when the text at the cursor is the keyword `word` (not a prefix of a
 * longer name); consumes it. */
static bool accept_keyword(ln_parser *parser, const char *word)
{
    skip_space(parser);
    size_t length = strlen(word);
    if (strncmp(parser->text + parser->position, word, length) != 0 ||
        is_name_char(parser->text[parser->position + length]))
        return false;
    parser->position += length;
    return true;
}

static bool accept(ln_parser *parser, const char *symbol)
{
    skip_space(parser);
    size_t length = strlen(symbol);
    if (strncmp(parser->text + parser->position, symbol, length) != 0)
        return false;
    parser->position += length;
    return true;
}

static int new_node(ln_parser *parser, ln_node_kind kind, size_t offset)
{
    if (parser->node_count >= LN_EXPRESSION_MAX_NODES) {
        fail(parser->failure, LN_EXPRESSION_LIMIT, offset, "split the computation over several attributes",
             "the expression is too long (more than %d terms)", LN_EXPRESSION_MAX_NODES);
        return -1;
    }
    ln_node *node = &parser->nodes[parser->node_count];
    memset(node, 0, sizeof *node);
    node->kind = kind;
    node->offset = offset;
    return (int)parser->node_count++;
}

static bool enter(ln_parser *parser)
{
    if (++parser->depth > LN_EXPRESSION_MAX_DEPTH)
        return fail(parser->failure, LN_EXPRESSION_LIMIT, parser->position,
                    "split the computation over several attributes",
                    "the expression is nested too deeply (more than %d levels)", LN_EXPRESSION_MAX_DEPTH);
    return true;
}

static int parse_expression(ln_parser *parser);

static const char *const reserved_words[] = {"and", "or", "not", "if", "else", "lambda", "in", "is",
                                             "for", "import", "yield", "await", "del", "def", NULL};

static int parse_atom(ln_parser *parser)
{
    skip_space(parser);
    size_t start = parser->position;
    char c = parser->text[start];
    if (c == '\0')
        return fail(parser->failure, LN_EXPRESSION_SYNTAX, start, "complete the expression",
                    "the expression ends where a value was expected"), -1;
    if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)parser->text[start + 1]))) {
        char *end;
        errno = 0;
        double number = strtod(parser->text + start, &end);
        size_t length = (size_t)(end - (parser->text + start));
        /* strtod also reads hex and "inf"; Python literals here are decimal. */
        for (size_t i = 0; i < length; i++) {
            char d = parser->text[start + i];
            if (!(isdigit((unsigned char)d) || d == '.' || d == 'e' || d == 'E' || d == '+' || d == '-'))
                return fail(parser->failure, LN_EXPRESSION_SYNTAX, start, "write numbers in decimal",
                            "malformed number"), -1;
        }
        if (is_name_char(parser->text[start + length]))
            return fail(parser->failure, LN_EXPRESSION_SYNTAX, start,
                        "quote text such as \"45nm\"; expressions combine numbers and names with operators",
                        "a number runs into a name"), -1;
        int index = new_node(parser, NODE_NUMBER, start);
        if (index < 0)
            return -1;
        parser->nodes[index].number = number;
        parser->position = start + length;
        return index;
    }
    if (c == '"' || c == '\'') {
        size_t at = start + 1;
        while (parser->text[at] && parser->text[at] != c)
            at++;
        if (!parser->text[at])
            return fail(parser->failure, LN_EXPRESSION_SYNTAX, start, "close the quote",
                        "a quoted text is never closed"), -1;
        int index = new_node(parser, NODE_STRING, start + 1);
        if (index < 0)
            return -1;
        parser->nodes[index].length = at - start - 1;
        parser->position = at + 1;
        return index;
    }
    if (c == '(') {
        parser->position++;
        int inner = parse_expression(parser);
        if (inner < 0)
            return -1;
        if (!accept(parser, ")"))
            return fail(parser->failure, LN_EXPRESSION_SYNTAX, parser->position, "add the missing ')'",
                        "expected ')'"), -1;
        return inner;
    }
    if (is_name_start(c)) {
        size_t end = start;
        while (is_name_char(parser->text[end]))
            end++;
        size_t length = end - start;
        parser->position = end;
        for (size_t i = 0; reserved_words[i]; i++)
            if (strlen(reserved_words[i]) == length && strncmp(parser->text + start, reserved_words[i], length) == 0)
                return fail(parser->failure, LN_EXPRESSION_SYNTAX, start, NULL,
                            "'%s' cannot start a value", reserved_words[i]), -1;
        static const struct {
            const char *word;
            int kind; /* 0 none, 1 true, 2 false */
        } constants[] = {{"True", 1}, {"true", 1}, {"False", 2}, {"false", 2}, {"None", 0}};
        for (size_t i = 0; i < sizeof constants / sizeof *constants; i++) {
            if (strlen(constants[i].word) == length && strncmp(parser->text + start, constants[i].word, length) == 0) {
                int index = new_node(parser, NODE_CONSTANT, start);
                if (index < 0)
                    return -1;
                parser->nodes[index].constant = constants[i].kind == 0 ? ln_energy_none()
                                                                       : ln_energy_bool(constants[i].kind == 1);
                return index;
            }
        }
        skip_space(parser);
        if (parser->text[parser->position] == '(') {
            parser->position++;
            int index = new_node(parser, NODE_CALL, start);
            if (index < 0)
                return -1;
            parser->nodes[index].length = length;
            if (!accept(parser, ")")) {
                for (;;) {
                    if (parser->nodes[index].child_count == LN_EXPRESSION_MAX_ARGUMENTS)
                        return fail(parser->failure, LN_EXPRESSION_LIMIT, parser->position, NULL,
                                    "a call takes at most %d arguments", LN_EXPRESSION_MAX_ARGUMENTS), -1;
                    int argument = parse_expression(parser);
                    if (argument < 0)
                        return -1;
                    ln_node *call = &parser->nodes[index];
                    call->children[call->child_count++] = (uint16_t)argument;
                    if (accept(parser, ")"))
                        break;
                    if (!accept(parser, ","))
                        return fail(parser->failure, LN_EXPRESSION_SYNTAX, parser->position,
                                    "separate arguments with ',' and close the call with ')'",
                                    "expected ',' or ')' in the call of '%.*s'", (int)length,
                                    parser->text + start), -1;
                }
            }
            return index;
        }
        int index = new_node(parser, NODE_NAME, start);
        if (index < 0)
            return -1;
        parser->nodes[index].length = length;
        return index;
    }
    return fail(parser->failure, LN_EXPRESSION_SYNTAX, start,
                "expressions use numbers, names, quoted text, operators and calls such as max(a, b)",
                "unexpected '%c'", c), -1;
}

static int parse_factor(ln_parser *parser);

static int parse_power(ln_parser *parser)
{
    int base = parse_atom(parser);
    if (base < 0)
        return -1;
    skip_space(parser);
    size_t offset = parser->position;
    if (accept(parser, "**")) {
        if (!enter(parser))
            return -1;
        int exponent = parse_factor(parser); /* right-associative, binds unary minus */
        parser->depth--;
        if (exponent < 0)
            return -1;
        int index = new_node(parser, NODE_BINARY, offset);
        if (index < 0)
            return -1;
        parser->nodes[index].op = 'P';
        parser->nodes[index].child_count = 2;
        parser->nodes[index].children[0] = (uint16_t)base;
        parser->nodes[index].children[1] = (uint16_t)exponent;
        return index;
    }
    return base;
}

static int parse_factor(ln_parser *parser)
{
    skip_space(parser);
    size_t offset = parser->position;
    char c = parser->text[offset];
    if ((c == '-' || c == '+') && parser->text[offset + 1] != '=') {
        parser->position++;
        if (!enter(parser))
            return -1;
        int operand = parse_factor(parser);
        parser->depth--;
        if (operand < 0)
            return -1;
        int index = new_node(parser, NODE_UNARY, offset);
        if (index < 0)
            return -1;
        parser->nodes[index].op = c;
        parser->nodes[index].child_count = 1;
        parser->nodes[index].children[0] = (uint16_t)operand;
        return index;
    }
    return parse_power(parser);
}

static int binary(ln_parser *parser, char op, int left, int right, size_t offset)
{
    int index = new_node(parser, NODE_BINARY, offset);
    if (index < 0)
        return -1;
    parser->nodes[index].op = op;
    parser->nodes[index].child_count = 2;
    parser->nodes[index].children[0] = (uint16_t)left;
    parser->nodes[index].children[1] = (uint16_t)right;
    return index;
}

static int parse_term(ln_parser *parser)
{
    int left = parse_factor(parser);
    while (left >= 0) {
        skip_space(parser);
        size_t offset = parser->position;
        char op;
        if (accept(parser, "//"))
            op = 'F';
        else if (parser->text[offset] == '*' && parser->text[offset + 1] != '*' && accept(parser, "*"))
            op = '*';
        else if (accept(parser, "/"))
            op = '/';
        else if (accept(parser, "%"))
            op = '%';
        else
            break;
        int right = parse_factor(parser);
        if (right < 0)
            return -1;
        left = binary(parser, op, left, right, offset);
    }
    return left;
}

static int parse_arith(ln_parser *parser)
{
    int left = parse_term(parser);
    while (left >= 0) {
        skip_space(parser);
        size_t offset = parser->position;
        char c = parser->text[offset];
        if ((c != '+' && c != '-') || parser->text[offset + 1] == '=')
            break;
        parser->position++;
        int right = parse_term(parser);
        if (right < 0)
            return -1;
        left = binary(parser, c, left, right, offset);
    }
    return left;
}

static bool accept_compare(ln_parser *parser, char *op)
{
    skip_space(parser);
    static const struct {
        const char *symbol;
        char op;
    } ops[] = {{"==", '='}, {"!=", '!'}, {"<=", 'l'}, {">=", 'g'}, {"<", '<'}, {">", '>'}};
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
        if (accept(parser, ops[i].symbol)) {
            *op = ops[i].op;
            return true;
        }
    }
    return false;
}

static int parse_comparison(ln_parser *parser)
{
    int first = parse_arith(parser);
    if (first < 0)
        return -1;
    size_t offset = parser->position;
    char op;
    if (!accept_compare(parser, &op))
        return first;
    int index = new_node(parser, NODE_COMPARE, offset);
    if (index < 0)
        return -1;
    parser->nodes[index].children[0] = (uint16_t)first;
    parser->nodes[index].child_count = 1;
    do {
        ln_node *node = &parser->nodes[index];
        if (node->child_count > LN_EXPRESSION_MAX_ARGUMENTS)
            return fail(parser->failure, LN_EXPRESSION_LIMIT, parser->position, NULL,
                        "too many chained comparisons"), -1;
        node->compare_ops[node->child_count - 1] = op;
        int next = parse_arith(parser);
        if (next < 0)
            return -1;
        node = &parser->nodes[index];
        node->children[node->child_count++] = (uint16_t)next;
    } while (accept_compare(parser, &op));
    return index;
}

static int parse_not(ln_parser *parser)
{
    skip_space(parser);
    size_t offset = parser->position;
    if (accept_keyword(parser, "not")) {
        if (!enter(parser))
            return -1;
        int operand = parse_not(parser);
        parser->depth--;
        if (operand < 0)
            return -1;
        int index = new_node(parser, NODE_UNARY, offset);
        if (index < 0)
            return -1;
        parser->nodes[index].op = 'n';
        parser->nodes[index].child_count = 1;
        parser->nodes[index].children[0] = (uint16_t)operand;
        return index;
    }
    return parse_comparison(parser);
}

static int parse_logic(ln_parser *parser, bool is_or)
{
    int left = is_or ? parse_logic(parser, false) : parse_not(parser);
    while (left >= 0) {
        skip_space(parser);
        size_t offset = parser->position;
        if (!accept_keyword(parser, is_or ? "or" : "and"))
            break;
        int right = is_or ? parse_logic(parser, false) : parse_not(parser);
        if (right < 0)
            return -1;
        int index = new_node(parser, is_or ? NODE_OR : NODE_AND, offset);
        if (index < 0)
            return -1;
        parser->nodes[index].child_count = 2;
        parser->nodes[index].children[0] = (uint16_t)left;
        parser->nodes[index].children[1] = (uint16_t)right;
        left = index;
    }
    return left;
}

static int parse_expression(ln_parser *parser)
{
    if (!enter(parser))
        return -1;
    int value = parse_logic(parser, true);
    if (value >= 0) {
        skip_space(parser);
        size_t offset = parser->position;
        if (accept_keyword(parser, "if")) {
            int condition = parse_logic(parser, true);
            if (condition < 0) {
                parser->depth--;
                return -1;
            }
            if (!accept_keyword(parser, "else")) {
                parser->depth--;
                return fail(parser->failure, LN_EXPRESSION_SYNTAX, parser->position,
                            "write `a if condition else b`", "expected 'else'"), -1;
            }
            int alternative = parse_expression(parser);
            if (alternative < 0) {
                parser->depth--;
                return -1;
            }
            int index = new_node(parser, NODE_CONDITIONAL, offset);
            if (index >= 0) {
                parser->nodes[index].child_count = 3;
                parser->nodes[index].children[0] = (uint16_t)value;
                parser->nodes[index].children[1] = (uint16_t)condition;
                parser->nodes[index].children[2] = (uint16_t)alternative;
            }
            value = index;
        }
    }
    parser->depth--;
    return value;
}

/* ------------------------------------------------------------------ */
/* Evaluation                                                           */
/* ------------------------------------------------------------------ */

typedef struct ln_evaluator {
    const ln_parser *parser;
    const ln_energy_scope *scope;
    ln_arena *arena;
    ln_expression_failure *failure;
    unsigned depth;
} ln_evaluator;

static bool truthy(const ln_energy_value *value)
{
    switch (value->kind) {
    case LN_VALUE_NULL:
        return false;
    case LN_VALUE_BOOL:
        return value->boolean;
    case LN_VALUE_NUMBER:
        return value->number != 0;
    case LN_VALUE_STRING:
        return value->text[0] != '\0';
    }
    return false;
}

static const char *kind_name(const ln_energy_value *value)
{
    switch (value->kind) {
    case LN_VALUE_NULL:
        return "None";
    case LN_VALUE_BOOL:
        return "a truth value";
    case LN_VALUE_NUMBER:
        return "a number";
    case LN_VALUE_STRING:
        return "a text";
    }
    return "a value";
}

static bool evaluate_node(ln_evaluator *evaluator, int index, ln_energy_value *result);

static bool number_of(ln_evaluator *evaluator, const ln_node *node, const ln_energy_value *value,
                      const char *what, double *number)
{
    if (ln_energy_value_number(value, number))
        return true;
    const char *shown = value->kind == LN_VALUE_STRING ? value->text : kind_name(value);
    return fail(evaluator->failure, LN_EXPRESSION_DOMAIN, node->offset,
                "quoted text cannot take part in arithmetic; check the attribute's value",
                "%s needs a number, not %s%s%s", what, value->kind == LN_VALUE_STRING ? "the text '" : "", shown,
                value->kind == LN_VALUE_STRING ? "'" : "");
}

static bool finite_result(ln_evaluator *evaluator, const ln_node *node, double number, ln_energy_value *result)
{
    if (!isfinite(number))
        return fail(evaluator->failure, LN_EXPRESSION_DOMAIN, node->offset, "check the operands' sizes",
                    "the result is not a finite number");
    *result = ln_energy_number(number);
    return true;
}

/* Python's round(): halves go to the even neighbour. */
static double round_half_even(double value)
{
    double floor_value = floor(value);
    double difference = value - floor_value;
    if (difference > 0.5)
        return floor_value + 1;
    if (difference < 0.5)
        return floor_value;
    return fmod(floor_value, 2) == 0 ? floor_value : floor_value + 1;
}

static bool call_function(ln_evaluator *evaluator, const ln_node *node, ln_energy_value *result)
{
    const char *name = evaluator->parser->text + node->offset;
    size_t length = node->length;
    ln_energy_value arguments[LN_EXPRESSION_MAX_ARGUMENTS];
    double numbers[LN_EXPRESSION_MAX_ARGUMENTS] = {0};
    uint16_t count = node->child_count;
    for (uint16_t i = 0; i < count; i++)
        if (!evaluate_node(evaluator, node->children[i], &arguments[i]))
            return false;
#define LN_IS(word) (length == sizeof(word) - 1 && strncmp(name, word, length) == 0)
    int minimum = 1, maximum = 1;
    if (LN_IS("max") || LN_IS("min"))
        maximum = LN_EXPRESSION_MAX_ARGUMENTS;
    else if (LN_IS("log") || LN_IS("round"))
        maximum = 2;
    else if (LN_IS("pow"))
        minimum = maximum = 2;
    else if (!(LN_IS("ceil") || LN_IS("floor") || LN_IS("abs") || LN_IS("int") || LN_IS("float") ||
               LN_IS("log2") || LN_IS("log10") || LN_IS("sqrt") || LN_IS("exp"))) {
        size_t copied = length < sizeof evaluator->failure->name - 1 ? length : sizeof evaluator->failure->name - 1;
        if (evaluator->failure->status == LN_EXPRESSION_OK) {
            memcpy(evaluator->failure->name, name, copied);
            evaluator->failure->name[copied] = '\0';
        }
        return fail(evaluator->failure, LN_EXPRESSION_UNKNOWN_NAME, node->offset,
                    "the functions are max min ceil floor round abs int float log log2 log10 sqrt exp pow",
                    "unknown function '%.*s'", (int)length, name);
    }
    if (count < minimum || count > maximum)
        return fail(evaluator->failure, LN_EXPRESSION_SYNTAX, node->offset, NULL,
                    "%.*s() takes %s%d argument%s, not %u", (int)length, name,
                    minimum == maximum ? "" : (count < minimum ? "at least " : "at most "),
                    count < minimum ? minimum : maximum, (count < minimum ? minimum : maximum) == 1 ? "" : "s",
                    count);
    /* int() and float() also read a quoted number, as Python's do. */
    if ((LN_IS("int") || LN_IS("float")) && arguments[0].kind == LN_VALUE_STRING) {
        char *end;
        double parsed = strtod(arguments[0].text, &end);
        if (end == arguments[0].text || *end != '\0' || !isfinite(parsed))
            return fail(evaluator->failure, LN_EXPRESSION_DOMAIN, node->offset, NULL,
                        "%.*s() cannot read '%s' as a number", (int)length, name, arguments[0].text);
        arguments[0] = ln_energy_number(parsed);
    }
    for (uint16_t i = 0; i < count; i++) {
        char what[48];
        snprintf(what, sizeof what, "%.*s()", (int)length, name);
        if (!number_of(evaluator, &evaluator->parser->nodes[node->children[i]], &arguments[i], what, &numbers[i]))
            return false;
    }
    double x = numbers[0];
    double value;
    if (LN_IS("max") || LN_IS("min")) {
        value = x;
        for (uint16_t i = 1; i < count; i++)
            value = LN_IS("max") ? fmax(value, numbers[i]) : fmin(value, numbers[i]);
    } else if (LN_IS("ceil")) {
        value = ceil(x);
    } else if (LN_IS("floor")) {
        value = floor(x);
    } else if (LN_IS("abs")) {
        value = fabs(x);
    } else if (LN_IS("int")) {
        value = trunc(x);
    } else if (LN_IS("float")) {
        value = x;
    } else if (LN_IS("round")) {
        if (count == 2) {
            /* Python rounds the exact binary value: 2.675 is 2.67499..., so
             * round(2.675, 2) is 2.67; printf rounds the same way. */
            double digits = trunc(numbers[1]);
            if (digits > 17)
                digits = 17;
            if (digits >= 0) {
                char text[400];
                snprintf(text, sizeof text, "%.*f", (int)digits, x);
                value = strtod(text, NULL);
            } else {
                double scale = pow(10, -digits);
                value = round_half_even(x / scale) * scale;
            }
        } else {
            value = round_half_even(x);
        }
    } else if (LN_IS("pow")) {
        if (x == 0 && numbers[1] < 0)
            return fail(evaluator->failure, LN_EXPRESSION_DOMAIN, node->offset, NULL,
                        "pow(0, %g) divides by zero", numbers[1]);
        if (x < 0 && numbers[1] != floor(numbers[1]))
            return fail(evaluator->failure, LN_EXPRESSION_DOMAIN, node->offset, NULL,
                        "pow() of a negative number to a fractional power");
        value = pow(x, numbers[1]);
    } else if (LN_IS("sqrt")) {
        if (x < 0)
            return fail(evaluator->failure, LN_EXPRESSION_DOMAIN, node->offset, NULL, "sqrt() of %g", x);
        value = sqrt(x);
    } else if (LN_IS("exp")) {
        value = exp(x);
    } else {
        /* log, log2, log10 */
        if (x <= 0)
            return fail(evaluator->failure, LN_EXPRESSION_DOMAIN, node->offset,
                        "guard it, e.g. `log2(depth) if depth >= 1 else 0`", "%.*s() of %g is undefined",
                        (int)length, name, x);
        if (LN_IS("log2")) {
            value = log2(x);
        } else if (LN_IS("log10")) {
            value = log10(x);
        } else if (count == 2) {
            if (numbers[1] <= 0 || numbers[1] == 1)
                return fail(evaluator->failure, LN_EXPRESSION_DOMAIN, node->offset, NULL,
                            "log() to the base %g is undefined", numbers[1]);
            value = log(x) / log(numbers[1]);
        } else {
            value = log(x);
        }
    }
#undef LN_IS
    return finite_result(evaluator, node, value, result);
}

static bool compare_values(ln_evaluator *evaluator, const ln_node *node, char op, const ln_energy_value *left,
                           const ln_energy_value *right, bool *outcome)
{
    double a, b;
    bool numbers = ln_energy_value_number(left, &a) && ln_energy_value_number(right, &b);
    if (op == '=' || op == '!') {
        bool equal;
        if (numbers)
            equal = a == b;
        else if (left->kind == LN_VALUE_STRING && right->kind == LN_VALUE_STRING)
            equal = strcmp(left->text, right->text) == 0;
        else
            equal = left->kind == LN_VALUE_NULL && right->kind == LN_VALUE_NULL;
        *outcome = op == '=' ? equal : !equal;
        return true;
    }
    int order;
    if (numbers) {
        order = a < b ? -1 : a > b ? 1 : 0;
    } else if (left->kind == LN_VALUE_STRING && right->kind == LN_VALUE_STRING) {
        order = strcmp(left->text, right->text);
    } else {
        return fail(evaluator->failure, LN_EXPRESSION_DOMAIN, node->offset, NULL, "cannot order %s and %s",
                    kind_name(left), kind_name(right));
    }
    switch (op) {
    case '<':
        *outcome = order < 0;
        break;
    case 'l':
        *outcome = order <= 0;
        break;
    case '>':
        *outcome = order > 0;
        break;
    default:
        *outcome = order >= 0;
        break;
    }
    return true;
}

static bool evaluate_binary(ln_evaluator *evaluator, const ln_node *node, ln_energy_value *result)
{
    ln_energy_value left, right;
    if (!evaluate_node(evaluator, node->children[0], &left) || !evaluate_node(evaluator, node->children[1], &right))
        return false;
    if (node->op == '+' && left.kind == LN_VALUE_STRING && right.kind == LN_VALUE_STRING) {
        *result = ln_energy_string(ln_arena_printf(evaluator->arena, "%s%s", left.text, right.text));
        return true;
    }
    double a, b;
    static const char *const names[] = {"'+'", "'-'", "'*'", "'/'", "'//'", "'%'", "'**'"};
    const char *what = names[0];
    switch (node->op) {
    case '-': what = names[1]; break;
    case '*': what = names[2]; break;
    case '/': what = names[3]; break;
    case 'F': what = names[4]; break;
    case '%': what = names[5]; break;
    case 'P': what = names[6]; break;
    default: break;
    }
    if (!number_of(evaluator, node, &left, what, &a) || !number_of(evaluator, node, &right, what, &b))
        return false;
    double value;
    switch (node->op) {
    case '+':
        value = a + b;
        break;
    case '-':
        value = a - b;
        break;
    case '*':
        value = a * b;
        break;
    case '/':
    case 'F':
    case '%':
        if (b == 0)
            return fail(evaluator->failure, LN_EXPRESSION_DOMAIN, node->offset,
                        "guard the divisor, e.g. `a / b if b != 0 else 0`", "division by zero");
        if (node->op == '/')
            value = a / b;
        else if (node->op == 'F')
            value = floor(a / b);
        else
            value = a - b * floor(a / b);
        break;
    default: /* power */
        if (a == 0 && b < 0)
            return fail(evaluator->failure, LN_EXPRESSION_DOMAIN, node->offset, NULL,
                        "0 to a negative power divides by zero");
        if (a < 0 && b != floor(b))
            return fail(evaluator->failure, LN_EXPRESSION_DOMAIN, node->offset, NULL,
                        "a negative number to a fractional power is not a real number");
        value = pow(a, b);
        break;
    }
    return finite_result(evaluator, node, value, result);
}

static bool evaluate_node(ln_evaluator *evaluator, int index, ln_energy_value *result)
{
    const ln_node *node = &evaluator->parser->nodes[index];
    /* A tree of N nodes is at most N deep, so this only guards the pool's
     * invariant; the parser already bounded nesting. */
    if (++evaluator->depth > LN_EXPRESSION_MAX_NODES)
        return fail(evaluator->failure, LN_EXPRESSION_LIMIT, node->offset, NULL,
                    "the expression is nested too deeply");
    bool ok = true;
    switch (node->kind) {
    case NODE_NUMBER:
        *result = ln_energy_number(node->number);
        break;
    case NODE_STRING:
        *result = ln_energy_string(
            ln_arena_strndup(evaluator->arena, evaluator->parser->text + node->offset, node->length));
        break;
    case NODE_CONSTANT:
        *result = node->constant;
        break;
    case NODE_NAME: {
        char name[128];
        size_t length = node->length < sizeof name - 1 ? node->length : sizeof name - 1;
        memcpy(name, evaluator->parser->text + node->offset, length);
        name[length] = '\0';
        const ln_energy_binding *binding = ln_energy_scope_find(evaluator->scope, name);
        if (binding) {
            *result = binding->value;
        } else if (strcmp(name, "pi") == 0) {
            *result = ln_energy_number(ln_pi);
        } else if (strcmp(name, "e") == 0) {
            *result = ln_energy_number(ln_e);
        } else {
            if (evaluator->failure->status == LN_EXPRESSION_OK) {
                size_t room = sizeof evaluator->failure->name - 1;
                size_t copied = length < room ? length : room;
                memcpy(evaluator->failure->name, name, copied);
                evaluator->failure->name[copied] = '\0';
            }
            ok = fail(evaluator->failure, LN_EXPRESSION_UNKNOWN_NAME, node->offset, NULL,
                      "unknown name '%s'", name);
        }
        break;
    }
    case NODE_CALL:
        ok = call_function(evaluator, node, result);
        break;
    case NODE_UNARY: {
        ln_energy_value operand;
        ok = evaluate_node(evaluator, node->children[0], &operand);
        if (!ok)
            break;
        if (node->op == 'n') {
            *result = ln_energy_bool(!truthy(&operand));
        } else {
            double number;
            ok = number_of(evaluator, node, &operand, node->op == '-' ? "unary '-'" : "unary '+'", &number);
            if (ok)
                *result = ln_energy_number(node->op == '-' ? -number : number);
        }
        break;
    }
    case NODE_BINARY:
        ok = evaluate_binary(evaluator, node, result);
        break;
    case NODE_AND:
    case NODE_OR:
        ok = evaluate_node(evaluator, node->children[0], result);
        if (ok && (truthy(result) == (node->kind == NODE_AND)))
            ok = evaluate_node(evaluator, node->children[1], result);
        break;
    case NODE_COMPARE: {
        ln_energy_value left, right;
        ok = evaluate_node(evaluator, node->children[0], &left);
        bool all = true;
        for (uint16_t i = 1; ok && i < node->child_count && all; i++) {
            ok = evaluate_node(evaluator, node->children[i], &right);
            if (ok)
                ok = compare_values(evaluator, node, node->compare_ops[i - 1], &left, &right, &all);
            left = right;
        }
        if (ok)
            *result = ln_energy_bool(all);
        break;
    }
    case NODE_CONDITIONAL: {
        ln_energy_value condition;
        ok = evaluate_node(evaluator, node->children[1], &condition);
        if (ok)
            ok = evaluate_node(evaluator, truthy(&condition) ? node->children[0] : node->children[2], result);
        break;
    }
    }
    evaluator->depth--;
    return ok;
}

ln_expression_status ln_expression_evaluate(const char *text, const ln_energy_scope *scope, ln_arena *arena,
                                            ln_energy_value *value, ln_expression_failure *failure)
{
    memset(failure, 0, sizeof *failure);
    if (!text) {
        fail(failure, LN_EXPRESSION_SYNTAX, 0, "give a value", "the expression is empty");
        return failure->status;
    }
    ln_node *nodes = malloc(LN_EXPRESSION_MAX_NODES * sizeof *nodes);
    if (!nodes) {
        fail(failure, LN_EXPRESSION_LIMIT, 0, NULL, "out of memory");
        return failure->status;
    }
    ln_parser parser = {text, 0, nodes, 0, 0, failure};
    int root = parse_expression(&parser);
    if (root >= 0) {
        skip_space(&parser);
        if (text[parser.position] != '\0') {
            fail(failure, LN_EXPRESSION_SYNTAX, parser.position,
                 "combine values with operators; quote text such as \"LPDDR4\"",
                 "unexpected '%s' after a complete expression", text + parser.position);
            root = -1;
        }
    }
    if (root >= 0) {
        ln_evaluator evaluator = {&parser, scope, arena, failure, 0};
        evaluate_node(&evaluator, root, value);
    } else if (failure->status == LN_EXPRESSION_OK) {
        fail(failure, LN_EXPRESSION_SYNTAX, parser.position, NULL, "malformed expression");
    }
    free(nodes);
    return failure->status;
}

/* ------------------------------------------------------------------ */
/* Reporting                                                            */
/* ------------------------------------------------------------------ */

ln_source_location ln_expression_location_at(const ln_expression *expression, size_t offset)
{
    ln_source_location location = expression->location;
    if (location.line == 0 || !expression->text)
        return location;
    /* A quoted scalar's location is its opening quote. */
    if (expression->quoted)
        location.column++;
    for (size_t i = 0; i < offset && expression->text[i]; i++) {
        if (expression->text[i] == '\n') {
            location.line++;
            location.column = 1;
        } else {
            location.column++;
        }
    }
    return location;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return (size_t)-1;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t previous = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t saved = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = previous + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            previous = saved;
        }
    }
    return row[lb];
}

const char *ln_expression_closest_name(const char *name, const char *const *candidates, size_t count)
{
    const char *closest = NULL;
    size_t best = (size_t)-1;
    for (size_t i = 0; i < count; i++) {
        size_t distance = edit_distance(name, candidates[i]);
        if (distance < best) {
            best = distance;
            closest = candidates[i];
        }
    }
    size_t limit = strlen(name) > 4 ? 2 : 1;
    return closest && best > 0 && best <= limit ? closest : NULL;
}

void ln_expression_report(ln_diagnostics *diagnostics, const ln_expression *expression,
                          const ln_expression_failure *failure, const ln_energy_scope *scope,
                          const char *context)
{
    ln_source_location location = ln_expression_location_at(expression, failure->offset);
    if (failure->status == LN_EXPRESSION_UNKNOWN_NAME && failure->hint == NULL) {
        const char *closest = NULL;
        size_t best = (size_t)-1;
        for (const ln_energy_scope *s = scope; s; s = s->parent) {
            for (uint32_t i = 0; i < s->count; i++) {
                size_t distance = edit_distance(failure->name, s->bindings[i].name);
                if (distance < best) {
                    best = distance;
                    closest = s->bindings[i].name;
                }
            }
        }
        size_t length = strlen(failure->name);
        if (closest && best > 0 && best <= (length > 4 ? 2u : 1u)) {
            char hint[160];
            snprintf(hint, sizeof hint, "did you mean '%s'?", closest);
            ln_error(diagnostics, location, hint, "%s: %s", context, failure->message);
        } else {
            ln_error(diagnostics, location,
                     "define it as an attribute of the class, give it in the architecture, "
                     "or quote the value if it is text",
                     "%s: %s", context, failure->message);
        }
        return;
    }
    ln_error(diagnostics, location, failure->hint, "%s: %s in '%s'", context, failure->message,
             expression->text ? expression->text : "");
}
