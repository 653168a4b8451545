/* hvwake live — the lock-free protocols on real threads (live/live.h):
 * measurements on this machine, or the stress validator (--stress). */
#include "cli/cli.h"

#include "base/hv.h"
#include "live/live.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *cmd = "live";

typedef struct opts {
    live_cfg cfg;
    bool stress, json, set_cores, set_senders, set_targets, set_guest_pct, stress_only, set_ms;
    uint64_t ms;
} opts;

static int parse(int argc, char **argv, opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        uint64_t u = 0;
        int rc = 0;
        if (!strcmp(a, "--stress")) {
            o->stress = true;
            continue;
        }
        if (!strcmp(a, "--pin")) {
            o->cfg.pin = true;
            continue;
        }
        if (!strcmp(a, "--json")) {
            o->json = true;
            continue;
        }
        if (!strcmp(a, "--no-redirect")) {
            o->cfg.redirect = false;
            o->stress_only = true;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "hvwake %s: option '%s' is unknown or lacks its value; see hvwake live --help\n",
                    cmd, a);
            return HV_EXIT_USAGE;
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--cores")) {
            rc = cli_parse_u64(cmd, a, v, 1, LIVE_MAX_THREADS, &u);
            o->cfg.cores = (unsigned)u, o->set_cores = true;
        } else if (!strcmp(a, "--senders")) {
            rc = cli_parse_u64(cmd, a, v, 1, LIVE_MAX_THREADS, &u);
            o->cfg.senders = (unsigned)u, o->set_senders = true;
        } else if (!strcmp(a, "--targets")) {
            rc = cli_parse_u64(cmd, a, v, 1, LIVE_MAX_THREADS, &u);
            o->cfg.targets = (unsigned)u, o->set_targets = true;
        } else if (!strcmp(a, "--guest-pct")) {
            rc = cli_parse_u64(cmd, a, v, 0, 100, &u);
            o->cfg.guest_pct = (unsigned)u, o->set_guest_pct = true;
        } else if (!strcmp(a, "--guest-len")) {
            rc = cli_parse_u64(cmd, a, v, 1, 1000000, &u);
            o->cfg.guest_len = (unsigned)u;
        } else if (!strcmp(a, "--seed")) {
            rc = cli_parse_u64(cmd, a, v, 0, UINT64_MAX, &o->cfg.seed);
        } else if (!strcmp(a, "--watchdog-ms")) {
            rc = cli_parse_u64(cmd, a, v, 1, 3600000, &u);
            o->cfg.watchdog_ns = u * 1000000ull;
        } else if (!strcmp(a, "--ms")) {
            rc = cli_parse_u64(cmd, a, v, 1, 3600000, &o->ms);
            o->set_ms = true;
        } else if (!strcmp(a, "--iterations")) {
            rc = cli_parse_u64(cmd, a, v, 1, UINT32_MAX, &o->cfg.iterations);
            o->stress_only = true;
        } else if (!strcmp(a, "--epochs")) {
            rc = cli_parse_u64(cmd, a, v, 1, 1000000, &u);
            o->cfg.epochs = (unsigned)u, o->stress_only = true;
        } else if (!strcmp(a, "--yield-pct")) {
            rc = cli_parse_u64(cmd, a, v, 0, 100, &u);
            o->cfg.yield_pct = (unsigned)u, o->stress_only = true;
        } else if (!strcmp(a, "--signal")) {
            int k = live_signal_parse(v);
            if (k < 0) {
                fprintf(stderr, "hvwake %s: option --signal: '%s' is not valid; expected futex or spin\n",
                        cmd, v);
                return HV_EXIT_USAGE;
            }
            o->cfg.signal = (live_signal)k, o->stress_only = true;
        } else if (!strcmp(a, "--bug")) {
            int k = live_bug_parse(v);
            if (k < 0) {
                fprintf(stderr, "hvwake %s: option --bug: '%s' is not valid; expected none, no-drain, "
                        "release-order or relaxed-ack\n", cmd, v);
                return HV_EXIT_USAGE;
            }
            o->cfg.bug = (live_bug)k, o->stress_only = true;
        } else {
            return cli_unknown_option(cmd, a);
        }
        if (rc)
            return rc;
    }
    if (o->stress && (o->json || o->set_ms)) {
        fprintf(stderr, "hvwake %s: --json and --ms are for measurements; expected them without --stress\n",
                cmd);
        return HV_EXIT_USAGE;
    }
    if (!o->stress && o->stress_only) {
        fprintf(stderr, "hvwake %s: --iterations, --epochs, --signal, --yield-pct, --no-redirect and "
                "--bug are for the stress validator; expected them with --stress\n", cmd);
        return HV_EXIT_USAGE;
    }
    return 0;
}

static int stress(const live_cfg *cfg)
{
    live_result r;
    live_result_init(&r);
    int rc = live_run(cfg, &r);
    printf("live stress: cores %u, senders %u, targets %u, %u VMs x %llu H_IPIs per sender, seed %llu, "
           "signal %s, redirect %s, yields %u%%, bug %s\n", cfg->cores, cfg->senders, cfg->targets,
           cfg->epochs, (unsigned long long)cfg->iterations, (unsigned long long)cfg->seed,
           live_signal_name(cfg->signal), cfg->redirect ? "on" : "off", cfg->yield_pct,
           live_bug_name(cfg->bug));
    printf("h_ipi %llu  raises %llu  redirected %llu  fallback %llu  handled %llu  reserved_left_host(R5) %llu\n"
           "guest entries %llu (left on a host IPI %llu)  accepts %llu  wakeups %llu  drains %llu\n"
           "kvm_hc_find %llu (probes %llu)  CAS %llu (failed %llu)  ICP CAS retries %llu\n",
           (unsigned long long)r.hipi, (unsigned long long)r.raises,
           (unsigned long long)r.redirected, (unsigned long long)r.fallback,
           (unsigned long long)r.handled, (unsigned long long)r.reserved_left_host,
           (unsigned long long)r.guest_entries, (unsigned long long)r.guest_ipi_exits,
           (unsigned long long)r.accepts, (unsigned long long)r.wakeups,
           (unsigned long long)r.drains, (unsigned long long)r.finds,
           (unsigned long long)r.probes, (unsigned long long)r.cas_tries,
           (unsigned long long)r.cas_fails, (unsigned long long)r.icp_cas_fails);
    if (rc == HV_OK)
        printf("invariants: ok\n");
    else
        printf("invariants: BROKEN (%llu): %s\n", (unsigned long long)r.violations, r.violation);
    live_result_free(&r);
    if (fflush(stdout) || ferror(stdout)) {
        fprintf(stderr, "hvwake %s: writing the output failed\n", cmd);
        return HV_EXIT_USAGE;
    }
    return rc == HV_OK ? 0 : rc == HV_EINVAL ? HV_EXIT_USAGE : HV_EXIT_CHECK;
}

static double pct(uint64_t a, uint64_t b) { return b ? 100.0 * (double)a / (double)b : 0; }
static unsigned long long q(const des_hist *h, double p) { return h->n ? (unsigned long long)des_hist_quantile(h, p) : 0; }

/* The sender-side histogram of a paths row: redirects, or the fallback. */
static const des_hist *sender_hist(const live_row *w)
{
    return w->cfg.redirect ? &w->r.send_ns : &w->r.direct_ns;
}

static void print_table(const live_row *rows, size_t n, const live_cfg *b, uint64_t ms)
{
    printf("hvwake live: %u CPUs; paths: %u host cores, %u senders, %u targets, closed load; "
           "guest phases %u%%; %llu ms per row, seed %llu%s\n\n", rows[0].r.cpus, b->cores,
           b->senders, b->targets, b->guest_pct, (unsigned long long)ms,
           (unsigned long long)b->seed, b->pin ? ", pinned" : "");
    printf("%-9s %-6s %9s %10s %9s %10s %10s %9s %9s %9s %9s\n", "path", "signal", "h_ipi/s",
           "redirected", "fallback", "sender_p50", "sender_p99", "wake_p50", "wake_p90",
           "wake_p99", "cas_fail%");
    for (size_t i = 0; i < n; i++) {
        const live_row *w = &rows[i];
        if (strcmp(w->table, "paths"))
            continue;
        const des_hist *h = sender_hist(w);
        printf("%-9s %-6s %9.0f %10llu %9llu %8lluns %8lluns %7.1fus %7.1fus %7.1fus %9.2f\n",
               w->cfg.redirect ? "redirect" : "fallback", live_signal_name(w->cfg.signal),
               (double)w->r.hipi / w->r.elapsed_s, (unsigned long long)w->r.redirected,
               (unsigned long long)w->r.fallback, q(h, 0.5), q(h, 0.99),
               q(&w->r.wake_ns, 0.5) / 1e3, q(&w->r.wake_ns, 0.9) / 1e3,
               q(&w->r.wake_ns, 0.99) / 1e3, pct(w->r.cas_fails, w->r.cas_tries));
    }
    printf("\nscan (closed load, futex): kvm_hc_find as senders and cores grow\n\n");
    printf("%7s %5s %10s %11s %12s %12s %9s %8s\n", "senders", "cores", "finds", "probes/find",
           "find_ns_p50", "find_ns_p99", "cas_fail%", "no_core%");
    for (size_t i = 0; i < n; i++) {
        const live_row *w = &rows[i];
        if (strcmp(w->table, "scan"))
            continue;
        printf("%7u %5u %10llu %11.2f %12llu %12llu %9.2f %8.2f\n", w->cfg.senders, w->cfg.cores,
               (unsigned long long)w->r.finds,
               w->r.finds ? (double)w->r.probes / (double)w->r.finds : 0.0, q(&w->r.find_ns, 0.5),
               q(&w->r.find_ns, 0.99), pct(w->r.cas_fails, w->r.cas_tries),
               pct(w->r.finds - w->r.redirected, w->r.finds));
    }
}

static void print_hist(const char *name, const des_hist *h)
{
    printf("\"%s\": {\"n\": %llu, \"p50\": %llu, \"p90\": %llu, \"p99\": %llu, \"max\": %llu}", name,
           (unsigned long long)h->n, q(h, 0.5), q(h, 0.9), q(h, 0.99),
           (unsigned long long)(h->n ? h->max : 0));
}

static void print_json(const live_row *rows, size_t n, const live_cfg *b, uint64_t ms)
{
    printf("{\"command\": \"live\", \"version\": \"%s\", \"cpus\": %u, \"seed\": %llu, "
           "\"ms_per_row\": %llu, \"pin\": %s, \"guest_pct\": %u, \"guest_len\": %u, \"rows\": [\n",
           HV_VERSION, rows[0].r.cpus, (unsigned long long)b->seed, (unsigned long long)ms,
           b->pin ? "true" : "false", b->guest_pct, b->guest_len);
    for (size_t i = 0; i < n; i++) {
        const live_row *w = &rows[i];
        const live_result *r = &w->r;
        printf("  {\"table\": \"%s\", \"path\": \"%s\", \"signal\": \"%s\", \"load\": \"%s\", "
               "\"cores\": %u, \"senders\": %u, \"targets\": %u, \"elapsed_s\": %.6f, "
               "\"h_ipi\": %llu, \"raises\": %llu, \"redirected\": %llu, \"fallback\": %llu, "
               "\"handled\": %llu, \"reserved_left_host\": %llu, \"finds\": %llu, \"probes\": %llu, "
               "\"cas_tries\": %llu, \"cas_fails\": %llu, \"guest_entries\": %llu, "
               "\"accepts\": %llu, \"icp_cas_fails\": %llu, ", w->table,
               w->cfg.redirect ? "redirect" : "fallback", live_signal_name(w->cfg.signal),
               live_load_name(w->cfg.load), w->cfg.cores, w->cfg.senders, w->cfg.targets,
               r->elapsed_s, (unsigned long long)r->hipi, (unsigned long long)r->raises,
               (unsigned long long)r->redirected, (unsigned long long)r->fallback,
               (unsigned long long)r->handled, (unsigned long long)r->reserved_left_host,
               (unsigned long long)r->finds, (unsigned long long)r->probes,
               (unsigned long long)r->cas_tries, (unsigned long long)r->cas_fails,
               (unsigned long long)r->guest_entries, (unsigned long long)r->accepts,
               (unsigned long long)r->icp_cas_fails);
        print_hist("redirect_sender_ns", &r->send_ns);
        printf(", ");
        print_hist("fallback_sender_ns", &r->direct_ns);
        printf(", ");
        print_hist("find_ns", &r->find_ns);
        printf(", ");
        print_hist("wake_ns", &r->wake_ns);
        printf("}%s\n", i + 1 < n ? "," : "");
    }
    printf("]}\n");
}

static int measure(const live_cfg *b, uint64_t ms, bool json)
{
    live_row *rows;
    size_t n;
    int rc = live_measure(b, ms * 1000000ull, &rows, &n);
    if (rc != HV_OK) {
        /* Right or refused: nothing printed but the reason. */
        fprintf(stderr, "hvwake %s: %s\n", cmd, n ? rows[n - 1].r.violation : "no run");
        live_rows_free(rows, n);
        return rc == HV_EINVAL ? HV_EXIT_USAGE : HV_EXIT_CHECK;
    }
    if (json)
        print_json(rows, n, b, ms);
    else
        print_table(rows, n, b, ms);
    live_rows_free(rows, n);
    if (fflush(stdout) || ferror(stdout)) {
        fprintf(stderr, "hvwake %s: writing the output failed\n", cmd);
        return HV_EXIT_USAGE;
    }
    return 0;
}

int cmd_live(int argc, char **argv)
{
    unsigned cpus = live_cpus();
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return cli_help("live");
    opts o = {.cfg = live_cfg_default(), .ms = 150};
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc;
    if (o.stress) {
        const char *bad = live_cfg_check(&o.cfg);
        if (bad) {
            fprintf(stderr, "hvwake %s: %s\n", cmd, bad);
            return HV_EXIT_USAGE;
        }
        return stress(&o.cfg);
    }
    live_cfg c = o.cfg;
    unsigned s = cpus < 2 ? 2 : cpus;
    if (!o.set_cores)
        c.cores = 2 * cpus < 4 ? 4 : 2 * cpus;
    if (!o.set_senders)
        c.senders = s;
    if (!o.set_targets)
        c.targets = 2 * s;
    if (!o.set_guest_pct)
        c.guest_pct = 0;
    if (c.cores > LIVE_MAX_THREADS || c.senders > LIVE_MAX_THREADS || c.targets > LIVE_MAX_THREADS) {
        fprintf(stderr, "hvwake %s: %u CPUs give more than %u threads of a kind; expected --cores, "
                "--senders and --targets set\n", cmd, cpus, LIVE_MAX_THREADS);
        return HV_EXIT_USAGE;
    }
    return measure(&c, o.ms, o.json);
}
