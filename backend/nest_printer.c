#include "backend/nest_printer.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct ln_printer {
    FILE *out;
} ln_printer;

static void indent(ln_printer *printer, int depth)
{
    for (int i = 0; i < depth; i++)
        fputs("  ", printer->out);
}

/* A name as the lexer reads it back: backquoted when it is a keyword or
 * not an identifier. */
static void print_name(ln_printer *printer, const char *name)
{
    if (ln_nest_is_plain_identifier(name))
        fputs(name, printer->out);
    else
        fprintf(printer->out, "`%s`", name ? name : "");
}

static void print_string(ln_printer *printer, const char *text)
{
    fputc('"', printer->out);
    for (const char *cursor = text ? text : ""; *cursor; cursor++) {
        switch (*cursor) {
        case '"':
            fputs("\\\"", printer->out);
            break;
        case '\\':
            fputs("\\\\", printer->out);
            break;
        case '\n':
            fputs("\\n", printer->out);
            break;
        case '\t':
            fputs("\\t", printer->out);
            break;
        default:
            fputc(*cursor, printer->out);
            break;
        }
    }
    fputc('"', printer->out);
}

static void print_comments(ln_printer *printer, char *const *comments, size_t count, int depth)
{
    for (size_t i = 0; i < count; i++) {
        /* An empty entry stands for a blank line the source had there. */
        if (comments[i][0])
            indent(printer, depth);
        fprintf(printer->out, "%s\n", comments[i]);
    }
}

/* Ends a statement's line, with its trailing comment. */
static void end_line(ln_printer *printer, const ln_nest_node *node)
{
    if (node->trailing_comment)
        fprintf(printer->out, " %s", node->trailing_comment);
    fputc('\n', printer->out);
}

static void print_name_list(ln_printer *printer, const ln_nest_node *node)
{
    for (size_t i = 0; i < node->child_count; i++) {
        if (i)
            fputs(", ", printer->out);
        print_name(printer, node->children[i]->name);
    }
}

static void print_value(ln_printer *printer, const ln_nest_node *value)
{
    switch ((ln_nest_value_kind)value->detail) {
    case LN_NEST_VALUE_STRING:
        print_string(printer, value->text);
        break;
    case LN_NEST_VALUE_WORD:
        print_name(printer, value->text);
        break;
    case LN_NEST_VALUE_NUMBER:
    case LN_NEST_VALUE_BOOL:
    case LN_NEST_VALUE_NULL:
    case LN_NEST_VALUE_EXPRESSION:
        fputs(value->text ? value->text : "null", printer->out);
        break;
    case LN_NEST_VALUE_LIST:
        fputc('[', printer->out);
        for (size_t i = 0; i < value->child_count; i++) {
            if (i)
                fputs(", ", printer->out);
            print_value(printer, value->children[i]);
        }
        fputc(']', printer->out);
        break;
    case LN_NEST_VALUE_MAP:
        if (value->child_count == 0) {
            fputs("{}", printer->out);
            break;
        }
        fputs("{ ", printer->out);
        for (size_t i = 0; i < value->child_count; i++) {
            const ln_nest_node *entry = value->children[i];
            if (i)
                fputs(", ", printer->out);
            print_name(printer, entry->name);
            fputs(" = ", printer->out);
            if (entry->child_count)
                print_value(printer, entry->children[0]);
        }
        fputs(" }", printer->out);
        break;
    }
}

static void print_access(ln_printer *printer, const ln_nest_node *access)
{
    print_name(printer, access->name);
    for (size_t r = 0; r < access->child_count; r++) {
        const ln_nest_node *index = access->children[r];
        fputc('[', printer->out);
        for (size_t t = 0; t < index->child_count; t++) {
            const ln_nest_node *term = index->children[t];
            if (t)
                fputs(" + ", printer->out);
            /* detail 1: the number was written first (`2*p`). */
            if (term->text && term->detail == 1) {
                fprintf(printer->out, "%s*", term->text);
                print_name(printer, term->name);
            } else {
                print_name(printer, term->name);
                if (term->name2) {
                    fputc('*', printer->out);
                    print_name(printer, term->name2);
                } else if (term->text) {
                    fprintf(printer->out, "*%s", term->text);
                }
            }
        }
        fputc(']', printer->out);
    }
}

/* A subcomponent as written: its name and the range after it as is
 * (`address_generators[0..1]`). */
static void print_ranged_name(ln_printer *printer, const char *written)
{
    const char *open = written ? strchr(written, '[') : NULL;
    if (!open) {
        print_name(printer, written);
        return;
    }
    char base[256];
    snprintf(base, sizeof base, "%.*s", (int)(open - written), written);
    print_name(printer, base);
    fputs(open, printer->out);
}

static void print_arguments(ln_printer *printer, const ln_nest_node *node)
{
    bool any = false;
    for (size_t i = 0; i < node->child_count; i++) {
        const ln_nest_node *argument = node->children[i];
        if (argument->kind != LN_NEST_ARGUMENT)
            continue;
        fputs(any ? ", " : "(", printer->out);
        print_name(printer, argument->name);
        fputs(" = ", printer->out);
        if (argument->child_count)
            print_value(printer, argument->children[0]);
        any = true;
    }
    if (any)
        fputc(')', printer->out);
}

static void print_loop(ln_printer *printer, const ln_nest_node *loop)
{
    fputs(loop->flags & LN_NEST_SPATIAL ? "spatial_for " : "for ", printer->out);
    print_name(printer, loop->name);
    fputs(" in [0:", printer->out);
    switch ((ln_nest_bound_kind)loop->detail) {
    case LN_NEST_BOUND_EXACT:
        fprintf(printer->out, "%" PRId64, loop->value);
        break;
    case LN_NEST_BOUND_RESIDUAL:
        fprintf(printer->out, "%" PRId64 ",%" PRId64, loop->value, loop->value2);
        break;
    case LN_NEST_BOUND_HOLE:
        fputc('?', printer->out);
        break;
    }
    fputc(')', printer->out);
    if (loop->axis == LN_NEST_AXIS_X)
        fputs(" on X", printer->out);
    else if (loop->axis == LN_NEST_AXIS_Y)
        fputs(" on Y", printer->out);
}

static const char *factor_operator(int detail)
{
    switch ((ln_nest_factor_operator)detail) {
    case LN_NEST_FACTOR_AT_MOST:
        return " <= ";
    case LN_NEST_FACTOR_AT_LEAST:
        return " >= ";
    case LN_NEST_FACTOR_EQUAL:
        break;
    }
    return " = ";
}

static void print_node(ln_printer *printer, const ln_nest_node *node, int depth);

/* `{`, the children one level deeper, the end comments, `}`. */
static void print_block(ln_printer *printer, const ln_nest_node *node, int depth)
{
    fputs(" {\n", printer->out);
    for (size_t i = 0; i < node->child_count; i++)
        print_node(printer, node->children[i], depth + 1);
    print_comments(printer, node->end_comments, node->end_comment_count, depth + 1);
    indent(printer, depth);
    fputc('}', printer->out);
}

static bool block_is_empty(const ln_nest_node *node)
{
    return node->child_count == 0 && node->end_comment_count == 0;
}

enum { LN_NEST_LINE_LIMIT = 100 };

static void print_simple(ln_printer *printer, const ln_nest_node *node);

/* A component whose block holds only short statements (attributes,
 * keep, bypass, ...) without comments fits on its line: ` { a = 1; b = 2; }`.
 * Writes it and returns true when it does. */
static bool print_inline_block(ln_printer *printer, const ln_nest_node *node, size_t head_width)
{
    if (node->end_comment_count || node->child_count > 6)
        return false;
    for (size_t i = 0; i < node->child_count; i++) {
        const ln_nest_node *child = node->children[i];
        if (child->comment_count || child->trailing_comment || (child->flags & LN_NEST_BLANK_BEFORE))
            return false;
        switch (child->kind) {
        case LN_NEST_ATTRIBUTE:
        case LN_NEST_KEEP:
        case LN_NEST_BYPASS:
        case LN_NEST_FLAG:
        case LN_NEST_FACTORS:
        case LN_NEST_SPLIT:
        case LN_NEST_MIN_UTILIZATION:
        case LN_NEST_MAX_OVERBOOKED:
        case LN_NEST_REMAINDERS:
            break;
        default:
            return false; /* blocks and loops get lines of their own */
        }
        if (child->kind == LN_NEST_ATTRIBUTE && child->child_count &&
            (child->children[0]->detail == LN_NEST_VALUE_MAP || child->children[0]->detail == LN_NEST_VALUE_LIST))
            return false;
    }
    char *buffer = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&buffer, &size);
    if (!stream)
        return false;
    ln_printer inline_printer = {stream};
    fputs(" {", stream);
    for (size_t i = 0; i < node->child_count; i++) {
        fputc(' ', stream);
        print_simple(&inline_printer, node->children[i]);
        fputc(';', stream);
    }
    fputs(" }", stream);
    bool ok = fclose(stream) == 0;
    if (ok && head_width + size <= LN_NEST_LINE_LIMIT)
        fputs(buffer, printer->out);
    else
        ok = false;
    free(buffer);
    return ok;
}

/* A statement that fits on one line, without its `;`. */
static void print_simple(ln_printer *printer, const ln_nest_node *node)
{
    FILE *out = printer->out;
    switch (node->kind) {
    case LN_NEST_DIMS:
        fputs("dims ", out);
        for (size_t i = 0; i < node->child_count; i++) {
            const ln_nest_node *dim = node->children[i];
            if (i)
                fputs(", ", out);
            print_name(printer, dim->name);
            if (dim->flags & LN_NEST_HAS_VALUE)
                fprintf(out, " = %" PRId64, dim->value);
        }
        break;
    case LN_NEST_COEFS:
        fputs("coef ", out);
        for (size_t i = 0; i < node->child_count; i++) {
            const ln_nest_node *coef = node->children[i];
            if (i)
                fputs(", ", out);
            print_name(printer, coef->name);
            fprintf(out, " = %" PRId64, coef->value);
            if (coef->flags & LN_NEST_HAS_VALUE2)
                fprintf(out, " default %" PRId64, coef->value2);
        }
        break;
    case LN_NEST_TENSORS:
        fputs("tensors ", out);
        print_name_list(printer, node);
        break;
    case LN_NEST_EINSUM:
        for (size_t i = 0; i < node->child_count; i++) {
            if (i == 1)
                fputs(node->flags & LN_NEST_ACCUMULATE ? " += " : " = ", out);
            else if (i > 1)
                fputs(" * ", out);
            print_access(printer, node->children[i]);
        }
        break;
    case LN_NEST_ATTRIBUTE:
        /* The one keyword the grammar also takes as an attribute name. */
        if (node->name && strcmp(node->name, "min_utilization") == 0)
            fputs(node->name, out);
        else
            print_name(printer, node->name);
        fputs(" = ", out);
        if (node->child_count)
            print_value(printer, node->children[0]);
        break;
    case LN_NEST_KEEP:
    case LN_NEST_BYPASS:
        fputs(node->kind == LN_NEST_KEEP ? "keep " : "bypass ", out);
        print_name_list(printer, node);
        break;
    case LN_NEST_FLAG:
        fputs(node->name, out);
        if (node->child_count) {
            fputc(' ', out);
            print_name_list(printer, node);
        }
        break;
    case LN_NEST_FACTORS:
        fputs(node->flags & LN_NEST_SPATIAL ? "spatial_factors " : "factors ", out);
        for (size_t i = 0; i < node->child_count; i++) {
            const ln_nest_node *factor = node->children[i];
            if (i)
                fputs(", ", out);
            print_name(printer, factor->name);
            fprintf(out, "%s%" PRId64, factor_operator(factor->detail), factor->value);
        }
        break;
    case LN_NEST_SPLIT:
        fprintf(out, "split %" PRId64, node->value);
        break;
    case LN_NEST_MIN_UTILIZATION:
        fprintf(out, "min_utilization %s", node->text);
        break;
    case LN_NEST_MAX_OVERBOOKED:
        fprintf(out, "max_overbooked_proportion %s", node->text);
        break;
    case LN_NEST_REMAINDERS:
        fprintf(out, "%s %" PRId64, node->flags & LN_NEST_SPATIAL ? "spatial_remainders" : "remainders",
                node->value);
        break;
    case LN_NEST_MINIMIZE:
        fputs("minimize ", out);
        print_name_list(printer, node);
        break;
    case LN_NEST_ALGORITHM:
        fputs("algorithm ", out);
        print_name(printer, node->name);
        break;
    case LN_NEST_THREADS:
        fprintf(out, "threads %" PRId64, node->value);
        break;
    case LN_NEST_STOP:
        fprintf(out, "stop after %" PRId64 " %s", node->value, node->name);
        break;
    case LN_NEST_SET:
        fputs("set ", out);
        print_name(printer, node->name);
        fputs(" = ", out);
        if (node->child_count)
            print_value(printer, node->children[0]);
        break;
    case LN_NEST_INCLUDE:
        fputs("include ", out);
        print_string(printer, node->name);
        break;
    case LN_NEST_PART:
        print_ranged_name(printer, node->name);
        fputc('.', out);
        print_name(printer, node->name2);
        print_arguments(printer, node);
        if (node->text)
            fprintf(out, " * %s", node->text);
        break;
    default:
        break;
    }
}

static void print_header(ln_printer *printer, const char *keyword, const ln_nest_node *node)
{
    fputs(keyword, printer->out);
    if (node->name) {
        fputc(' ', printer->out);
        print_name(printer, node->name);
    }
    if (node->name2) {
        fputs(" for ", printer->out);
        print_name(printer, node->name2);
    }
    if (node->name3) {
        fputs(" on ", printer->out);
        print_name(printer, node->name3);
    }
}

static void print_count(ln_printer *printer, const ln_nest_node *node)
{
    if (!(node->flags & LN_NEST_HAS_COUNT))
        return;
    if (node->value2)
        fprintf(printer->out, "[%" PRId64 " x %" PRId64 "]", node->value, node->value2);
    else
        fprintf(printer->out, "[%" PRId64 "]", node->value);
}

static void write_component_head(ln_printer *printer, const ln_nest_node *node)
{
    print_name(printer, node->name);
    print_count(printer, node);
    fputs(" : ", printer->out);
    print_name(printer, node->name2);
    if (node->name3) {
        fputc('(', printer->out);
        print_name(printer, node->name3);
        fputc(')', printer->out);
    }
}

static void write_subcomponent_head(ln_printer *printer, const ln_nest_node *node)
{
    print_ranged_name(printer, node->name);
    fputs(" : ", printer->out);
    print_name(printer, node->name2);
}

/* A head, then `;`, the block on the same line when it fits, or the block
 * below. The head goes through a buffer to know how much room is left. */
static void print_headed_block(ln_printer *printer, const ln_nest_node *node, int depth,
                               void (*write_head)(ln_printer *, const ln_nest_node *))
{
    char *head = NULL;
    size_t head_size = 0;
    FILE *stream = open_memstream(&head, &head_size);
    if (!stream)
        return;
    ln_printer head_printer = {stream};
    write_head(&head_printer, node);
    if (fclose(stream) != 0) {
        free(head);
        return;
    }
    fputs(head, printer->out);
    free(head);
    if (block_is_empty(node))
        fputc(';', printer->out);
    else if (!print_inline_block(printer, node, 2 * (size_t)depth + head_size))
        print_block(printer, node, depth);
}

static void print_node(ln_printer *printer, const ln_nest_node *node, int depth)
{
    FILE *out = printer->out;
    if (node->flags & LN_NEST_BLANK_BEFORE)
        fputc('\n', out);
    print_comments(printer, node->comments, node->comment_count, depth);
    switch (node->kind) {
    case LN_NEST_SECTION:
        /* `@LEVEL` on its own line; its statements one level deeper. */
        if (node->name) {
            indent(printer, depth);
            fputc('@', out);
            print_name(printer, node->name);
            end_line(printer, node);
        }
        for (size_t i = 0; i < node->child_count; i++)
            print_node(printer, node->children[i], node->name ? depth + 1 : depth);
        if (!node->name && node->trailing_comment) {
            indent(printer, depth);
            fprintf(out, "%s\n", node->trailing_comment);
        }
        return;
    case LN_NEST_LOOP:
        indent(printer, depth);
        print_loop(printer, node);
        end_line(printer, node);
        return;
    case LN_NEST_ELLIPSIS:
        indent(printer, depth);
        fputs("...", out);
        end_line(printer, node);
        return;
    default:
        break;
    }
    indent(printer, depth);
    switch (node->kind) {
    case LN_NEST_SHAPE:
    case LN_NEST_PROBLEM:
        fputs(node->kind == LN_NEST_SHAPE ? "shape " : "problem ", out);
        print_name(printer, node->name);
        print_block(printer, node, depth);
        break;
    case LN_NEST_INSTANCE:
        fputs("problem ", out);
        print_name(printer, node->name);
        fputs(" = ", out);
        print_name(printer, node->name2);
        fputc('(', out);
        for (size_t i = 0; i < node->child_count; i++) {
            const ln_nest_node *binding = node->children[i];
            if (i)
                fputs(", ", out);
            print_name(printer, binding->name);
            fprintf(out, " = %" PRId64, binding->value);
        }
        fputs(");", out);
        break;
    case LN_NEST_ARCH:
        fputs("arch ", out);
        print_name(printer, node->name);
        print_block(printer, node, depth);
        break;
    case LN_NEST_MAPPING:
    case LN_NEST_SEARCH:
        print_header(printer, node->kind == LN_NEST_MAPPING ? "mapping" : "search", node);
        print_block(printer, node, depth);
        break;
    case LN_NEST_COMPONENT:
        print_headed_block(printer, node, depth, write_component_head);
        break;
    case LN_NEST_CONTAINER:
        print_name(printer, node->name);
        print_count(printer, node);
        print_block(printer, node, depth);
        break;
    case LN_NEST_COMPONENT_CLASS:
        fputs("component ", out);
        print_name(printer, node->name);
        if (node->name2) {
            fputs(" : ", out);
            print_name(printer, node->name2);
        }
        print_block(printer, node, depth);
        break;
    case LN_NEST_SUBCOMPONENT:
        print_headed_block(printer, node, depth, write_subcomponent_head);
        break;
    case LN_NEST_ACTION: {
        print_name(printer, node->name);
        print_arguments(printer, node);
        /* The block holds the parts and the scale, not the arguments. */
        ln_nest_node body = *node;
        ln_nest_node *statements[256];
        body.child_count = 0;
        body.children = statements;
        for (size_t i = 0; i < node->child_count && body.child_count < 256; i++)
            if (node->children[i]->kind != LN_NEST_ARGUMENT)
                statements[body.child_count++] = node->children[i];
        print_block(printer, &body, depth);
        break;
    }
    case LN_NEST_PARALLEL:
        fputs("parallel", out);
        print_block(printer, node, depth);
        break;
    case LN_NEST_NOTHING:
        fputs("nothing", out);
        if (block_is_empty(node))
            fputc(';', out);
        else if (!print_inline_block(printer, node, 2 * (size_t)depth + 7))
            print_block(printer, node, depth);
        break;
    default:
        print_simple(printer, node);
        fputc(';', out);
        break;
    }
    end_line(printer, node);
}

bool ln_nest_print(FILE *out, const ln_nest_node *program)
{
    ln_printer printer = {out};
    for (size_t i = 0; i < program->child_count; i++) {
        const ln_nest_node *item = program->children[i];
        /* One blank line between items; consecutive includes stay together
         * unless the source separated them. */
        bool both_includes = i > 0 && item->kind == LN_NEST_INCLUDE &&
                             program->children[i - 1]->kind == LN_NEST_INCLUDE;
        if (i > 0 && (!both_includes || (item->flags & LN_NEST_BLANK_BEFORE)))
            fputc('\n', out);
        print_comments(&printer, item->comments, item->comment_count, 0);
        ln_nest_node copy = *item;
        /* The blank line is already written; comments too. */
        copy.flags &= ~(uint32_t)LN_NEST_BLANK_BEFORE;
        copy.comment_count = 0;
        print_node(&printer, &copy, 0);
    }
    if (program->end_comment_count) {
        if (program->child_count)
            fputc('\n', out);
        print_comments(&printer, program->end_comments, program->end_comment_count, 0);
    }
    return !ferror(out);
}

char *ln_nest_print_to_string(const ln_nest_node *program, size_t *length)
{
    char *buffer = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&buffer, &size);
    if (!stream)
        return NULL;
    bool ok = ln_nest_print(stream, program);
    if (fclose(stream) != 0)
        ok = false;
    if (!ok) {
        free(buffer);
        return NULL;
    }
    if (length)
        *length = size;
    return buffer;
}
