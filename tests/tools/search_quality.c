/* Compares the mapping loopnest search found with the one timeloop-mapper
 * found, under the case's metrics:
 *
 *   search_quality MODE REFERENCE.stats.txt LOOPNEST.json LOOPNEST.search.json
 *
 * MODE is `same` (cycles equal, energy within 1%), `delay-energy` (at
 * least as good: fewer cycles, or cycles within Timeloop's 0.1% tolerance
 * and energy at most 1% above) or `edp` (energy x cycles at most 1% above).
 * Prints both, the ratio, and when the search first reached the reference's
 * quality (from the improvements in LOOPNEST.search.json). Exit status 0
 * when the check holds, 1 when not, 2 on unreadable input. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_text(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    fseek(file, 0, SEEK_END);
    long length = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *text = malloc((size_t)length + 1);
    if (text && fread(text, 1, (size_t)length, file) != (size_t)length) {
        free(text);
        text = NULL;
    }
    if (text)
        text[length] = '\0';
    fclose(file);
    return text;
}

/* The number after `key` (searched from `from`), or NAN. */
static double number_after(const char *from, const char *key)
{
    const char *at = from ? strstr(from, key) : NULL;
    if (!at)
        return NAN;
    at += strlen(key);
    while (*at == ' ' || *at == ':' || *at == '=' || *at == '"')
        at++;
    return strtod(at, NULL);
}

typedef struct figures {
    double cycles;
    double energy; /* pJ */
} figures;

static bool at_least_as_good(const char *mode, figures ours, figures reference)
{
    if (strcmp(mode, "same") == 0)
        return ours.cycles == reference.cycles && fabs(ours.energy - reference.energy) <= 0.01 * reference.energy;
    if (strcmp(mode, "delay-energy") == 0) {
        if (ours.cycles < reference.cycles * (1 - 0.001))
            return true;
        return ours.cycles <= reference.cycles * (1 + 0.001) && ours.energy <= reference.energy * 1.01;
    }
    return ours.energy * ours.cycles <= reference.energy * reference.cycles * 1.01;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fputs("usage: search_quality same|delay-energy|edp REFERENCE.stats.txt LOOPNEST.json "
              "LOOPNEST.search.json\n",
              stderr);
        return 2;
    }
    const char *mode = argv[1];
    char *reference_text = read_text(argv[2]), *ours_text = read_text(argv[3]), *search_text = read_text(argv[4]);
    if (!reference_text || !ours_text || !search_text) {
        fprintf(stderr, "search_quality: cannot read the inputs\n");
        return 2;
    }
    /* Timeloop's summary: "Cycles: N", "Computes = N" and the total
     * "fJ/Compute" line. */
    figures reference, ours;
    reference.cycles = number_after(strstr(reference_text, "Summary Stats"), "Cycles:");
    double computes = number_after(strstr(reference_text, "Summary Stats"), "Computes =");
    const char *per_compute = strstr(reference_text, "fJ/Compute");
    reference.energy = computes * number_after(per_compute ? strstr(per_compute, "Total ") : NULL, "Total") / 1000;
    const char *summary = strstr(ours_text, "\"summary\"");
    ours.cycles = number_after(summary, "\"cycles\"");
    ours.energy = number_after(summary, "\"energy_pj\"");
    if (isnan(reference.cycles) || isnan(reference.energy) || isnan(ours.cycles) || isnan(ours.energy)) {
        fprintf(stderr, "search_quality: the reports lack the summary figures\n");
        return 2;
    }
    bool good = at_least_as_good(mode, ours, reference);
    printf("reference: %.0f cycles, %.6g pJ, EDP %.6g J*cycle\n", reference.cycles, reference.energy,
           reference.energy * reference.cycles * 1e-12);
    printf("loopnest:  %.0f cycles, %.6g pJ, EDP %.6g J*cycle (%.3fx the reference's EDP)\n", ours.cycles,
           ours.energy, ours.energy * ours.cycles * 1e-12,
           ours.energy * ours.cycles / (reference.energy * reference.cycles));
    /* When the best first reached the reference's quality: improvements
     * carry cycles and energy only as metrics, so re-check each with the
     * metrics the search ran with. */
    const char *improvement = strstr(search_text, "\"improvements\"");
    const char *metrics_list = strstr(search_text, "\"metrics\"");
    const char *first_metric = metrics_list ? strchr(metrics_list, '[') : NULL;
    while (first_metric && *first_metric && *first_metric != '"')
        first_metric++;
    bool delay_first = first_metric && strncmp(first_metric, "\"delay\"", 7) == 0;
    double reached = NAN;
    while (improvement && (improvement = strstr(improvement, "\"seconds\"")) != NULL) {
        double seconds = number_after(improvement, "\"seconds\"");
        const char *values = strchr(strstr(improvement, "\"metrics\""), '[');
        double first = strtod(values + 1, NULL);
        const char *comma = strchr(values, ',');
        const char *close = strchr(values, ']');
        double second = comma && comma < close ? strtod(comma + 1, NULL) : NAN;
        figures at;
        if (delay_first) {
            at.cycles = first;
            at.energy = second;
        } else {
            at.cycles = 1;
            at.energy = first;
        }
        figures bound = reference;
        if (!delay_first) {
            bound.energy = reference.energy * reference.cycles;
            bound.cycles = 1;
        }
        if (at_least_as_good(strcmp(mode, "same") == 0 ? "delay-energy" : mode, at, bound)) {
            reached = seconds;
            break;
        }
        improvement++;
    }
    if (!isnan(reached))
        printf("reached the reference's quality after %.3f s\n", reached);
    printf("%s\n", good ? "at least as good as the reference" : "WORSE than the reference");
    free(reference_text);
    free(ours_text);
    free(search_text);
    return good ? 0 : 1;
}
