/* hvwake validate — the KVM model against published POWER8 timings. */
#include "base/hv.h"
#include "cli/cli.h"
#include "workload/validate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The cost rows `hvwake validate --fit` adjusts by default: the rows
 * costs.def marks "fitted". */
static const char *const fit_rows_default =
    "xics_ci_load,xics_ci_store,xics_sync,kvm_guest_load,kvm_guest_save,kvm_rm_hcall,kvm_rm_hpte,"
    "kvm_rm_intr";

/* An upper bound a fitted row must respect (docs/validation.md): the two
 * XICS rows are part of the 382 ns by which a host IPI through XICS is
 * slower than by doorbell. */
static double fit_bound(const hw_costs *c, int id)
{
    if (id == HW_COST_xics_ci_load || id == HW_COST_xics_sync || id == HW_COST_xics_ci_store)
        return c->value_ns[HW_COST_ipi_xics_core] - c->value_ns[HW_COST_ipi_doorbell_core];
    if (id == HW_COST_nap_exit)
        return 4000; /* skiboot's advertised nap latency */
    return 1e9;
}

/* The lower bound of a fitted row (docs/validation.md). */
static double fit_floor(int id)
{
    if (id == HW_COST_nap_exit)
        return 1000; /* calibration.md s4: POWER8 nap wakeup 1-4 us */
    return 1;
}

typedef struct fit_state {
    uint64_t seed, run;
    des_time dur;
    int n, ids[HW_COST_COUNT];
    double prior[HW_COST_COUNT];
    int evals;
} fit_state;

/* The fit's objective: the sum of squared relative errors of the six
 * means, plus a small pull towards each row's prior estimate (the problem
 * has more rows than targets). *worst receives the largest |error|. */
static double fit_cost(fit_state *f, const hw_costs *c, double *worst)
{
    validate_row r[VALIDATE_ROWS];
    char err[512];
    f->evals++;
    if (validate_run(c, f->seed, f->run, f->dur, r, err, sizeof err))
        return INFINITY;
    double sum = 0, w = 0;
    for (int i = 0; i < VALIDATE_ROWS; i++) {
        sum += r[i].err * r[i].err;
        if (fabs(r[i].err) > w)
            w = fabs(r[i].err);
    }
    for (int k = 0; k < f->n; k++) {
        double l = log(c->value_ns[f->ids[k]] / f->prior[k]);
        sum += 1e-3 * l * l;
    }
    if (worst)
        *worst = w;
    return sum;
}

/* Coordinate descent in log space: each row in turn is scaled by +-step
 * while that lowers the objective; the step halves when no row moves. */
static int validate_fit(const char *rows, const hw_costs *base, uint64_t seed, uint64_t run,
                        uint64_t ms)
{
    fit_state f = {.seed = seed, .run = run, .dur = DES_MS(ms)};
    hw_costs c = *base;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", rows);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        int id = hw_cost_find(tok);
        if (id < 0) {
            fprintf(stderr, "hvwake validate: --fit: no cost row named '%s'; see hvwake costs\n", tok);
            return HV_EXIT_USAGE;
        }
        f.prior[f.n] = c.value_ns[id];
        f.ids[f.n++] = id;
    }
    double worst = 0, best = fit_cost(&f, &c, &worst);
    printf("fit: start objective %.6f worst %.2f%%\n", best, 100 * worst);
    for (double step = 0.5; step > 0.01; step /= 2) {
        bool moved = true;
        while (moved) {
            moved = false;
            for (int k = 0; k < f.n; k++) {
                int id = f.ids[k];
                for (int dir = -1; dir <= 1; dir += 2) {
                    double old = c.value_ns[id];
                    double nv = round(old * exp(dir * step));
                    if (nv == old || nv > fit_bound(&c, id) || nv < fit_floor(id))
                        continue;
                    hw_costs_set(&c, id, nv);
                    double w, o = fit_cost(&f, &c, &w);
                    if (o < best) {
                        best = o;
                        worst = w;
                        moved = true;
                        printf("fit: %-22s %8.0f -> %8.0f  objective %.6f worst %.2f%%\n",
                               hw_cost_row_get(id)->name, old, nv, best, 100 * worst);
                        fflush(stdout);
                        break;
                    }
                    hw_costs_set(&c, id, old);
                }
            }
        }
    }
    printf("fit: done after %d evaluations, worst %.2f%%; fitted rows:\n", f.evals, 100 * worst);
    for (int k = 0; k < f.n; k++)
        printf("  %-22s %8.0f  (prior %.0f)\n", hw_cost_row_get(f.ids[k])->name,
               c.value_ns[f.ids[k]], f.prior[k]);
    return 0;
}

/* --cost ROW=NS: one cost row's mean in ns, once per row. */
static int cost_override(const char *o, const char *v, hw_costs *c, bool (*set)[HW_COST_COUNT])
{
    const char *eq = strchr(v, '=');
    char name[64];
    if (!eq || eq == v || (size_t)(eq - v) >= sizeof name) {
        fprintf(stderr, "hvwake validate: option %s: '%s' is not ROW=NS; expected a cost row name, '=', a number of ns\n", o, v);
        return HV_EXIT_USAGE;
    }
    memcpy(name, v, (size_t)(eq - v));
    name[eq - v] = 0;
    int id = hw_cost_find(name);
    if (id < 0) {
        fprintf(stderr, "hvwake validate: option %s: no cost row named '%s'; expected a row of hvwake costs\n", o, name);
        return HV_EXIT_USAGE;
    }
    if ((*set)[id]) {
        fprintf(stderr, "hvwake validate: option %s: row '%s' given twice; expected it once\n", o, name);
        return HV_EXIT_USAGE;
    }
    double ns;
    int rc = cli_parse_double("validate", o, eq + 1, 0, 1e12, &ns);
    if (rc)
        return rc;
    (*set)[id] = true;
    hw_costs_set(c, id, ns);
    return 0;
}

int cmd_validate(int argc, char **argv)
{
    uint64_t seed = 1, run = 0, ms = 50;
    double tol = 10.0;
    const char *fit = NULL;
    hw_costs costs;
    hw_costs_init(&costs);
    bool set[HW_COST_COUNT] = {false};
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            return cli_help("validate");
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "hvwake validate: option '%s' is unknown or lacks its value; see --help\n", o);
            return HV_EXIT_USAGE;
        }
        const char *v = argv[++i];
        int rc;
        if (!strcmp(o, "--seed"))
            rc = cli_parse_u64("validate", o, v, 0, UINT64_MAX, &seed);
        else if (!strcmp(o, "--run"))
            rc = cli_parse_u64("validate", o, v, 0, UINT64_MAX, &run);
        else if (!strcmp(o, "--duration-ms"))
            rc = cli_parse_u64("validate", o, v, 1, 100000, &ms);
        else if (!strcmp(o, "--tolerance"))
            rc = cli_parse_double("validate", o, v, 0, 100, &tol);
        else if (!strcmp(o, "--fit")) {
            fit = strcmp(v, "default") ? v : fit_rows_default;
            rc = 0;
        } else if (!strcmp(o, "--cost"))
            rc = cost_override(o, v, &costs, &set);
        else {
            rc = cli_unknown_option("validate", o);
        }
        if (rc)
            return rc;
    }
    if (cli_pairs_once_but("validate", argc, argv, "--cost"))
        return HV_EXIT_USAGE;
    if (fit)
        return validate_fit(fit, &costs, seed, run, ms);
    validate_row r[VALIDATE_ROWS];
    char err[512];
    const char *e = validate_run(&costs, seed, run, DES_MS(ms), r, err, sizeof err);
    if (e) {
        fprintf(stderr, "hvwake validate: model check failed: %s\n", e);
        return HV_EXIT_CHECK;
    }
    printf("hvwake %s validate: seed %llu run %llu, %llu ms per setting\n", HV_VERSION,
           (unsigned long long)seed, (unsigned long long)run, (unsigned long long)ms);
    printf("published: POWER8, 32-VCPU guest, 8 threads/vcore, Fedora 20 boot (66feed61cdf6)\n\n");
    printf("%-9s %-7s %14s %12s %9s %10s\n", "timing", "msgsnd", "published_ns", "model_ns", "error", "samples");
    int bad = 0;
    for (int i = 0; i < VALIDATE_ROWS; i++) {
        bool out = fabs(r[i].err) * 100 > tol;
        bad |= out;
        printf("%-9s %-7s %14.1f %12.1f %+8.1f%% %10llu%s\n", r[i].name, r[i].msgsnd ? "on" : "off",
               r[i].published, r[i].model, 100 * r[i].err, (unsigned long long)r[i].count,
               out ? "  OUT OF TOLERANCE" : "");
    }
    printf("\nmsgsnd delta (published / model): rm_entry %.1f / %.1f, rm_exit %.1f / %.1f, "
           "rm_intr %.1f / %.1f ns\n",
           r[0].published - r[3].published, r[0].model - r[3].model, r[1].published - r[4].published,
           r[1].model - r[4].model, r[2].published - r[5].published, r[2].model - r[5].model);
    return bad ? HV_EXIT_CHECK : 0;
}
