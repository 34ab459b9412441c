#include "ir/nest_ast.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ln_nest_keywords[] = {
    "algorithm", "arch",        "bypass",          "coef",
    "component", "default",     "dims",            "factors",
    "false",     "for",         "in",              "include",
    "keep",      "mapping",     "max_overbooked_proportion", "min_utilization",
    "minimize",  "no_coalesce", "no_link_transfer", "no_multicast",
    "no_temporal_reuse", "nothing", "null",       "on",
    "parallel",  "problem",     "remainders",      "rmw_first_update",
    "search",    "set",         "shape",           "spatial_factors",
    "spatial_for", "spatial_remainders", "split",  "stop",
    "tensors",   "threads",     "true",
};
const size_t ln_nest_keyword_count = sizeof ln_nest_keywords / sizeof *ln_nest_keywords;

static void *checked(void *pointer)
{
    if (!pointer) {
        fputs("loopnest: error: out of memory\n", stderr);
        abort();
    }
    return pointer;
}

char *ln_nest_strdup(const char *text)
{
    if (!text)
        return NULL;
    size_t length = strlen(text);
    char *copy = checked(malloc(length + 1));
    memcpy(copy, text, length + 1);
    return copy;
}

void ln_nest_set_text(char **field, const char *text)
{
    char *copy = ln_nest_strdup(text);
    free(*field);
    *field = copy;
}

ln_nest_node *ln_nest_node_new(ln_nest_kind kind, ln_source_location location)
{
    ln_nest_node *node = checked(calloc(1, sizeof *node));
    node->kind = kind;
    node->location = location;
    node->name_location = location;
    node->last_line = location.line;
    return node;
}

static void free_strings(char **items, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(items[i]);
    free(items);
}

void ln_nest_node_free(ln_nest_node *node)
{
    if (!node)
        return;
    for (size_t i = 0; i < node->child_count; i++)
        ln_nest_node_free(node->children[i]);
    free(node->children);
    free(node->name);
    free(node->name2);
    free(node->name3);
    free(node->text);
    free_strings(node->comments, node->comment_count);
    free_strings(node->end_comments, node->end_comment_count);
    free(node->trailing_comment);
    free(node);
}

ln_nest_node *ln_nest_node_append(ln_nest_node *node, ln_nest_node *child)
{
    if (!child)
        return node;
    if (node->child_count == node->child_capacity) {
        size_t capacity = node->child_capacity ? node->child_capacity * 2 : 4;
        node->children = checked(realloc(node->children, capacity * sizeof *node->children));
        node->child_capacity = capacity;
    }
    node->children[node->child_count++] = child;
    if (child->last_line > node->last_line)
        node->last_line = child->last_line;
    return node;
}

void ln_nest_node_adopt_children(ln_nest_node *node, ln_nest_node *from)
{
    if (!from)
        return;
    for (size_t i = 0; i < from->child_count; i++)
        ln_nest_node_append(node, from->children[i]);
    from->child_count = 0;
    ln_nest_node_free(from);
}

static void push_string(char ***items, size_t *count, const char *text)
{
    *items = checked(realloc(*items, (*count + 1) * sizeof **items));
    (*items)[(*count)++] = ln_nest_strdup(text);
}

void ln_nest_node_add_comment(ln_nest_node *node, const char *comment)
{
    push_string(&node->comments, &node->comment_count, comment);
}

void ln_nest_node_add_end_comment(ln_nest_node *node, const char *comment)
{
    push_string(&node->end_comments, &node->end_comment_count, comment);
}

const ln_nest_node *ln_nest_find_child(const ln_nest_node *node, ln_nest_kind kind)
{
    for (size_t i = 0; node && i < node->child_count; i++)
        if (node->children[i]->kind == kind)
            return node->children[i];
    return NULL;
}

bool ln_nest_is_keyword(const char *word)
{
    for (size_t i = 0; i < ln_nest_keyword_count; i++)
        if (strcmp(word, ln_nest_keywords[i]) == 0)
            return true;
    return false;
}

bool ln_nest_is_plain_identifier(const char *word)
{
    if (!word || !(isalpha((unsigned char)word[0]) || word[0] == '_'))
        return false;
    for (const char *cursor = word + 1; *cursor; cursor++)
        if (!isalnum((unsigned char)*cursor) && *cursor != '_')
            return false;
    return !ln_nest_is_keyword(word);
}
