/*
 * results_tool — writes shard files of a made-up experiment with the real
 * results writer (report/results.h), for the shell tests of merge and plot:
 * exact values to check the statistics against, and shards of another
 * hvwake version or source revision, which no real sweep can produce.
 *
 *   results_tool DIR N R [--version V] [--source S] [--config K=V]...
 *                [--skip I] VARIANT[:K=V]... < ROWS
 *
 * writes DIR/shard-I-of-N.csv for I = 1..N (but --skip I) with R
 * replications and the given variants (NAME or NAME:ASSIGNMENT); ROWS are
 * "variant,run,metric,value" lines, each job's rows together, and each
 * shard gets the jobs it owns (j = variant * R + run, j mod N = I - 1).
 */
#include "report/results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct row {
    size_t v, r;
    char name[200];
    double value;
} row;

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: results_tool DIR N R [--version V] [--source S] [--config K=V]... [--skip I] "
                        "VARIANT[:K=V]... < ROWS\n");
        return 2;
    }
    const char *dir = argv[1], *version = "0.1.0", *source = "test";
    unsigned n = (unsigned)atoi(argv[2]), skip = 0;
    size_t reps = (size_t)atoi(argv[3]);
    rep_config cfg;
    rep_config_init(&cfg);
    scn_variant vv[64];
    char *sets[64];
    size_t nv = 0;
    for (int i = 4; i < argc; i++) {
        if (!strcmp(argv[i], "--version") && i + 1 < argc)
            version = argv[++i];
        else if (!strcmp(argv[i], "--source") && i + 1 < argc)
            source = argv[++i];
        else if (!strcmp(argv[i], "--skip") && i + 1 < argc)
            skip = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--config") && i + 1 < argc) {
            char *eq = strchr(argv[++i], '=');
            if (!eq)
                return 2;
            *eq = 0;
            rep_config_add(&cfg, argv[i], eq + 1, NULL, "test");
        } else if (nv < 64) {
            char *colon = strchr(argv[i], ':');
            if (colon)
                *colon = 0;
            sets[nv] = colon ? colon + 1 : NULL;
            vv[nv] = (scn_variant){argv[i], "test", &sets[nv], NULL, colon ? 1 : 0};
            nv++;
        }
    }
    row *rows = NULL;
    size_t nr = 0;
    char line[512];
    while (fgets(line, sizeof line, stdin)) {
        rows = realloc(rows, (nr + 1) * sizeof *rows);
        if (!rows || sscanf(line, "%zu,%zu,%199[^,],%lf", &rows[nr].v, &rows[nr].r, rows[nr].name, &rows[nr].value) != 4)
            return 2;
        nr++;
    }
    scn_variants vs = {vv, nv};
    rep_header h = {version, "default", 1, 0, &cfg, source};
    for (unsigned i = 1; i <= n; i++) {
        if (i == skip)
            continue;
        char name[64], path[4200];
        rep_results_file_name(name, sizeof name, i, n);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "w");
        if (!f)
            return 1;
        rep_results_writer w;
        rep_stream *st = calloc(nv + 1, sizeof *st);
        for (size_t v = 0; v < nv; v++)
            st[v] = (rep_stream){1, 0}; /* every variant on the same streams, as sweep runs them */
        rep_results_begin(&w, f, &h, reps, (scn_shard){i, n}, &vs, st);
        free(st);
        for (size_t j = 0; j < nv * reps; j++) {
            if (!scn_shard_owns((scn_shard){i, n}, j))
                continue;
            rep_metrics m;
            rep_metrics_init(&m);
            char why[400];
            for (size_t k = 0; k < nr; k++)
                if (rows[k].v * reps + rows[k].r == j && rep_metrics_add_flat(&m, rows[k].name, rows[k].value, why,
                                                                              sizeof why)) {
                    fprintf(stderr, "results_tool: %s\n", why);
                    return 2;
                }
            rep_results_job(&w, j / reps, j % reps, &m);
            rep_metrics_free(&m);
        }
        if (rep_results_end(&w) | fclose(f))
            return 1;
    }
    free(rows);
    rep_config_free(&cfg);
    return 0;
}
