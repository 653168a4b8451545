/*
 * The command table: every subcommand with its synopsis, description and
 * options — the one source of `hvwake --help`, `hvwake help COMMAND` =
 * `hvwake COMMAND --help`, the man page and the bash completion
 * (cli/help.c). A command's parser accepts exactly the options listed here
 * (tests/cli/options.sh checks both directions).
 */
#include "cli/cli.h"

#include "kvm/kvm.h"
#include "scn/value.h"

#include <stddef.h>

/* Shared option groups (cli_scn_arg, cli/cli_scn.c). */
static const cli_opt g_scn[] = {
    {"--set", "K=V", "override a scenario key: section.key=value, section.NAME.key=value, section.*.key=value, "
                     "cost.NAME=time (repeatable, applied in order; also --set=K=V); hvwake keys lists them"},
    {"--seed", "N", "short for --set sim.seed=N (in command-line order with the --set options)"},
    {"--run", "N", "short for --set sim.run=N"},
    {NULL, NULL, NULL},
};
static const cli_opt g_duration[] = {
    {"--duration", "T", "short for --set sim.duration=T, the measured simulated time (e.g. 200ms)"},
    {NULL, NULL, NULL},
};
static const cli_opt g_vary[] = {
    {"--vary", "K=V1,V2", "one variant per value (K=LO..HI[/STEP] for an integer range); several --vary give every "
                          "combination"},
    {"--variant", "NAME:K=V[,K=V]", "a named variant with its own assignments (repeatable; NAME: alone is the base)"},
    {"--replications", "R", "runs per variant, on the runs 0..R-1 of the seed (default [sim] replications)"},
    {NULL, NULL, NULL},
};
static const cli_opt g_output[] = {
    {"--json", NULL, "JSON instead of the text table (docs/metrics.md)"},
    {"--csv", NULL, "CSV instead of the text table (docs/metrics.md)"},
    {"-o", "FILE", "write there instead of standard output"},
    {NULL, NULL, NULL},
};
static const cli_opt g_table[] = {
    {"--metrics", "A,B,...", "show only these metrics, in this order (the table and its statistics; JSON and CSV "
                             "keep every run's metrics)"},
    {"--explain", NULL, "under the text table, what it shows, computed from it: each variant against the one "
                        "before it (and the first), with 95% intervals"},
    {NULL, NULL, NULL},
};
static const cli_opt g_force[] = {
    {"--force", NULL, "replace output files that exist (default: refuse, status 2)"},
    {NULL, NULL, NULL},
};

static const cli_opt o_none[] = {{NULL, NULL, NULL}};

static const cli_opt o_help[] = {
    {"--man", NULL, "the manual page (troff), generated from the command table"},
    {"--completion", NULL, "the bash completion script, generated from the command table"},
    {NULL, NULL, NULL},
};

static const cli_opt o_run[] = {
    {"--trace", "FILE", "the kvm_hv tracepoints as /sys/kernel/tracing/trace prints them; FILE.dat: a trace.dat "
                        "for trace-cmd report and KernelShark"},
    {"--timeline", "FILE", "Chrome/Perfetto trace-event JSON, one track per hardware thread"},
    {"--timeline-window", "T", "trace and timeline only the first T after the warm-up (default 5ms; needs --trace or "
                               "--timeline)"},
    {"--trace-limit", "N", "keep at most N trace records (default 2000000; needs --trace or --timeline); the files, "
                           "stderr and the trace.dropped metric count the dropped ones"},
    {"--kernel", "FILE", "kvm_stat -1 -d (every VM, each VM), debugfs timings per VCPU, XICS debugfs dumps"},
    {"--quiet", NULL, "no progress line on stderr"},
    {NULL, NULL, NULL},
};

static const cli_opt o_compare[] = {
    {"--jobs", "N", "worker processes, one run each (default: the CPUs this process may use); the output is the "
                    "same for any N"},
    {"--quiet", NULL, "no progress line on stderr (runs done, elapsed, time left; shown on a terminal only)"},
    {NULL, NULL, NULL},
};

static const cli_opt o_sweep[] = {
    {"--out", "DIR", "the results directory (created)"},
    {"--jobs", "N", "worker processes, one job each (default: the CPUs this process may use)"},
    {"--shard", "I/N", "run only the jobs j with j mod N == I-1 (a cluster runs the N shards)"},
    {"--quiet", NULL, "no progress line on stderr (jobs done, elapsed, time left; shown on a terminal only)"},
    {"--emit-slurm", "DIR", "run nothing: write the sweep as a Slurm job array into DIR (sweep.sbatch, one task per "
                            "shard; merge.sbatch, after them; submit.sh; the frozen scenario.ini; a copy of this "
                            "binary), results into --out (docs/cluster.md)"},
    {"--shards", "N", "(--emit-slurm) array tasks, one shard each (default: one per job, at most 1000)"},
    {"--cpus-per-task", "N", "(--emit-slurm) CPUs of each task, the workers of its shard (default 1)"},
    {"--partition", "P", "(--emit-slurm) the Slurm partition of the jobs (default: the cluster's)"},
    {"--time", "T", "(--emit-slurm) each job's time limit, as sbatch --time takes it: MINUTES, HH:MM:SS, "
                    "DAYS-HH:MM... (default: the partition's)"},
    {NULL, NULL, NULL},
};

static const cli_opt o_plot[] = {
    {"--kind", "bars|curve|cdf", "bars: one bar per variant, mean with 95% CI (default); curve: the metric against a "
                                 "varied key, one line per value of the others; cdf: the cumulative distribution of "
                                 "a histogram per variant"},
    {"--metric", "NAME", "the metric (bars, curve; default: the first) or the histogram such as wake.latency_ns "
                         "(cdf; default: the first)"},
    {"--x", "KEY", "the x axis of a curve (default: the last numeric varied key; only with --kind curve)"},
    {"-o", "FILE.svg|FILE.png", "the image (required); FILE.gp and FILE.dat are written next to it"},
    {NULL, NULL, NULL},
};

static const cli_opt o_kvm_stat[] = {
    {"--event", "vmexit|hcall", "only that table (default: both)"},
    {"--vcpu", "N", "only the events of VCPU N (the VCPU of each thread's first kvm_guest_enter)"},
    {"--key", "sample|time", "sort by sample (count, default) or time (average)"},
    {NULL, NULL, NULL},
};

static const cli_opt o_report[] = {
    {"-o", "FILE.html", "the page (required)"},
    {NULL, NULL, NULL},
};

static const cli_opt o_merge[] = {
    {"--json", NULL, "JSON: statistics, and every run's metrics and histograms (docs/metrics.md)"},
    {"--csv", NULL, "tidy CSV: one row per variant, run and metric, one column per varied key"},
    {"-o", "FILE", "write there instead of standard output (not one of the inputs)"},
    {NULL, NULL, NULL},
};

static const cli_opt o_show_config[] = {
    {"--json", NULL, "the configuration as the JSON header of run outputs (config and origin)"},
    {NULL, NULL, NULL},
};

static const cli_opt o_validate[] = {
    {"--seed", "N", "seed (default 1)"},
    {"--run", "N", "run number (default 0)"},
    {"--duration-ms", "N", "simulated time per setting (default 50)"},
    {"--tolerance", "PCT", "allowed |error| (default 10); status 1 beyond it"},
    {"--cost", "ROW=NS", "run with a cost row changed (repeatable; see hvwake costs)"},
    {"--fit", "ROWS|default", "refit: coordinate descent over the named cost rows (comma-separated; default = the "
                              "rows costs.def marks fitted) to the six published means; prints the values"},
    {NULL, NULL, NULL},
};

static const cli_opt o_bench_hcall[] = {
    {"--kind", "K", "null, ipi_running, ipi_ceded, ipi_sleeping, prod_ceded, cede_timer, or all (default all)"},
    {"--duration-ms", "N", "simulated time per kind (default 20)"},
    {"--seed", "N", "seed (default 1)"},
    {"--msgsnd", "0|1", "hw.msgsnd (default 1)"},
    {"--redirect", "0|1", "kvm.h_ipi_redirect, M1 (default 1)"},
    {"--guest-ipi", SCN_ENUM_CHOICES(KVM_GUEST_IPIS), "kvm.guest_ipi, M2 (default targeted)"},
    {"--h-prod", SCN_ENUM_CHOICES(KVM_H_PRODS), "kvm.h_prod: fixed (Linux 4.11) or 4.6 (4.6-4.10) (default fixed)"},
    {"--vcpus", "N", "the guest's VCPUs (default 2)"},
    {"--threads-per-vcore", "N", "its VCPUs per vcore, 1, 2, 4 or 8 (default 2; ipi_sleeping 1); e.g. the "
                                 "published guest: --vcpus 32 --threads-per-vcore 8"},
    {NULL, NULL, NULL},
};

static const cli_opt o_bench_phold[] = {
    {"--lps", "N", "logical processes (default 1024)"},
    {"--events", "E", "initial events per LP (default 1)"},
    {"--end", "T", "simulated end time in time units of 1 s (default 1000)"},
    {"--seed", "S", "xoshiro256** seed (default 1)"},
    {"--remote", "P", "fraction of events sent to a random LP, else to self (default 1.0)"},
    {"--grid", "G", "round every delay to a multiple of G ns; 0 = off (default 0)"},
    {"--sampler", "log|zig", "exponential sampler: log (as the reference programs) or zig (default log)"},
    {NULL, NULL, NULL},
};

static const cli_opt o_live[] = {
    {"--stress", NULL, "run the stress validator instead of the measurements"},
    {"--cores", "N", "host cores, one thread each (measure: twice the CPUs this process may use, at least 4; "
                     "stress 4)"},
    {"--senders", "N", "H_IPI senders, one thread each (measure: the CPUs, at least 2; stress 2)"},
    {"--targets", "N", "target VCPUs, one thread each (measure: twice the measure's senders; stress 4)"},
    {"--pin", NULL, "pin every thread round-robin to the allowed CPUs"},
    {"--guest-pct", "P", "% of host-core wakeups followed by a guest phase, before and after the IPI (measure 0: "
                         "cores stay free; stress 25)"},
    {"--guest-len", "N", "mean guest phase in yields (8)"},
    {"--seed", "S", "seed of the per-thread streams (1)"},
    {"--watchdog-ms", "T", "bound for 'eventually' (no lost wakeup) (10000)"},
    {"--ms", "T", "measure: milliseconds per table row (150)"},
    {"--json", NULL, "measure: JSON instead of tables"},
    {"--iterations", "N", "stress: H_IPIs per sender per VM (2000)"},
    {"--epochs", "N", "stress: VM lifetimes (4)"},
    {"--signal", "futex|spin", "stress: how a redirect is signalled (futex)"},
    {"--yield-pct", "P", "stress: % chance of a yield at each protocol point (10)"},
    {"--no-redirect", NULL, "stress: h_ipi_redirect = 0 (every raise takes the fallback)"},
    {"--bug", "B", "stress: inject none, no-drain, release-order, relaxed-ack"},
    {NULL, NULL, NULL},
};

#define G_SCN CLI_G_SCN
#define G_DURATION CLI_G_DURATION
#define G_VARY CLI_G_VARY
#define G_OUTPUT CLI_G_OUTPUT
#define G_FORCE CLI_G_FORCE
#define G_TABLE CLI_G_TABLE

const cli_opt *const cli_groups[CLI_NGROUPS] = {g_scn, g_duration, g_vary, g_output, g_force, g_table};

const cli_cmd cli_commands[] = {
    {"run", cmd_run, "[NAME|FILE]", "run a scenario and report it (table, JSON, CSV, traces, kernel text)",
     "Builds the model the scenario describes (a preset NAME or a FILE; default: the 'default' preset), runs its "
     "warm-up and then its measured duration, and prints every metric: a summary table (default), JSON or CSV, "
     "headed by the version, source revision, seed, run and the effective configuration with provenance.",
     G_SCN | G_DURATION | G_OUTPUT | G_FORCE, o_run,
     "Every file is written whole or not at all: a failed run or write leaves the previous file unchanged."},
    {"compare", cmd_compare, "[NAME|FILE]", "one scenario under several settings, side by side with 95% CIs",
     "Runs the scenario under every variant (all combinations of the --vary keys, or the named variants), R "
     "replications each on the same seed and runs (common random numbers), and prints each metric's mean and 95% "
     "confidence interval per variant and, for the variants after the first, the difference to the first with its "
     "95% interval (a paired t interval, as the runs share their random streams; Welch for a variant that changes "
     "the seed or the runs), the ratio, and * when significant. Every variant is built and validated before "
     "anything runs.",
     G_SCN | G_VARY | G_OUTPUT | G_TABLE | G_FORCE, o_compare,
     "The runs go to worker processes as sweep's jobs do. Example: hvwake compare --vary kvm.h_ipi_redirect=1,0 "
     "--replications 3"},
    {"sweep", cmd_sweep, "[NAME|FILE] --out DIR", "every variant x replication in parallel processes or shards (then merge)",
     "The jobs of compare (job = variant x R + run) in worker processes on this machine, or only the jobs of one "
     "shard (a Slurm job array, GNU parallel or a Kubernetes indexed Job runs the shards on a cluster), written to "
     "DIR/shard-I-of-N.csv (src/report/results.h) only when every job of the shard succeeded; hvwake merge DIR "
     "prints the table. A failed shard is re-run alone with its --shard I/N into the same DIR. --emit-slurm writes "
     "the job array and its merge for sbatch instead (docs/cluster.md).",
     G_SCN | G_VARY | G_FORCE, o_sweep,
     "Exit status: 0 success, 1 a job failed a model check, 2 bad input, 3 an output could not be written or a "
     "worker was killed by a signal."},
    {"merge", cmd_merge, "RESULTS...", "join sharded sweep results into one table",
     "Joins the result files of a sweep (DIR/shard-I-of-N.csv) and prints the comparison, as compare does; it "
     "shows one output of run, compare or merge (--json or --csv) the same way. Fails "
     "(status 2), naming the file and line, if a file is damaged or truncated (every job and file carries a "
     "checksum), if the files are of different experiments (the first difference), if a job appears twice or a "
     "file is given twice, or if a shard is missing (with the variants it holds).",
     G_TABLE | G_FORCE, o_merge, NULL},
    {"report", cmd_report, "RESULTS...", "one self-contained HTML page of results: tables, CDFs, figures, checks",
     "RESULTS: a results directory or the shard files of a sweep, or one output of run, compare or merge (--json or "
     "--csv). Writes one self-contained HTML page (inline SVG and CSS, nothing loaded from the network): the "
     "experiment and its provenance, the distributions (CDFs of the histograms), per-variant bars and curves with "
     "95% CI error bars, the significant differences with their test, every metric by group, the checks that ran "
     "and the configuration.",
     G_FORCE, o_report, NULL},
    {"plot", cmd_plot, "RESULTS...", "plot results with gnuplot (svg, png)",
     "RESULTS as for report. Writes FILE.gp (a gnuplot script) and FILE.dat (its data) next to FILE, then runs "
     "gnuplot if it is installed; otherwise prints the command that renders the plot.",
     G_FORCE, o_plot, NULL},
    {"validate", cmd_validate, "", "the KVM model against published POWER8 timings",
     "Runs the boot-like calibration mix (32 VCPUs, 8 threads per vcore) with hw.msgsnd = 0 and 1 and prints the "
     "model's real-mode timing means against the published POWER8 figures (commit 66feed61cdf6).",
     0, o_validate, NULL},
    {"bench hcall", bench_hcall, "", "the hypercall microbenchmark",
     "A guest VCPU loops issuing one hypercall and times the round trip as the guest sees it (like "
     "kvm-unit-tests), on a 1-chip POWER8 with default costs and two cores more than the guest has vcores (at "
     "least 4). Prints per kind: calls, round trip "
     "mean/p50/p99 (ns), whole-core exits per call, and the target VCPU's wakeup latency (raise -> back in the "
     "guest).",
     0, o_bench_hcall, NULL},
    {"bench phold", cmd_bench_phold, "", "the engine's PHOLD benchmark",
     "PHOLD, the standard DES benchmark (definition in docs/performance.md). Prints one RESULT line: the "
     "configuration, then events (committed), init_s and loop_s (wall seconds of set-up and of the event loop), "
     "ev_per_s (events / loop_s), peak_pending, bytes_per_event (engine bytes per pool slot) and chk (checksum of "
     "the per-LP counts; equal to the reference programs' for the same options with --sampler log).",
     0, o_bench_phold, NULL},
    {"bench model", cmd_bench_model, "[NAME|FILE]", "the whole model's speed and memory on a scenario",
     "Runs the scenario as hvwake run does, drops its reports, and prints one RESULT line: the scenario, its VMs, "
     "VCPUs, cores and hardware threads, the simulated time (warm-up + duration), events run, build_s and loop_s "
     "(wall seconds of building the model and of its event loop), ev_per_s (events / loop_s), peak_pending and "
     "engine_bytes_per_event (the engine's own accounting, sim.engine_event_bytes), heap_base, heap_built and "
     "heap_end (bytes of heap in use before the model, once it is built and when its event loop ends; -1 where "
     "the C library does not tell) and rss_peak_kb (the process's peak resident set, getrusage). Wall-clock and "
     "memory figures vary from run to run: bench/scale.sh measures in interleaved rounds (docs/performance.md).",
     G_SCN | G_DURATION, o_none, NULL},
    {"live", cmd_live, "", "M1 and the wake handshakes on real threads: measure, or --stress validate",
     "Runs M1 (reserve a free host core by CAS, publish rm_data, RM_HOST_ACTION message, IPI, demux, kick, "
     "release), guest entry/exit of the host cores, VM destroy with kick_all_cpus_sync, and the XICS ICP word "
     "under real concurrency (one thread per host core, per sender and per target VCPU; docs/verification.md). "
     "Measure (default) prints two tables, each row a run of --ms: paths (sender-side cost of a redirect, futex "
     "or spin, against the fallback that wakes the target with a futex in the sender's thread, and the end-to-end "
     "wake latency) and scan (kvm_hc_find cost, cores probed, CAS failure and no-free-core rates as senders and "
     "cores double). --stress runs the stress validator instead.",
     0, o_live,
     "Exit status: 0 success, 1 an invariant broke (the message says which), 2 bad options. Timings are "
     "wall-clock and vary from run to run."},
    {"kvm-stat", cmd_kvm_stat, "FILE", "perf kvm stat report from a kvm_hv trace: the model's or a real host's",
     "What `perf kvm stat report` prints on a POWER (Book3S HV) host, from a trace of the kvm_hv tracepoints: "
     "exits (VM-EXIT: kvm_guest_exit to the next kvm_guest_enter of the thread) and hypercalls handled in the host "
     "(HCALL-EVENT: kvm_hcall_enter to kvm_hcall_exit), per reason: samples, %, min, max, average time; then "
     "hvwake's wakeup figures (kvmppc_vcore_wakeup, blocked runner to guest entry). FILE is hvwake's trace (run "
     "--trace F, or --trace F.dat), or one recorded on a real host: a trace.dat of `trace-cmd record -e kvm_hv` "
     "(read with `trace-cmd report`, which must be installed), the output of `trace-cmd report`, or "
     "/sys/kernel/tracing/trace; - reads text from standard input.",
     0, o_kvm_stat,
     "Exit status: 0 success, 2 bad input (a line that is no ftrace event, a trace with no kvm_hv events, "
     "trace-cmd missing for a trace.dat), 3 the output could not be written."},
    {"costs", cmd_costs, "", "the cost table with sources",
     "Prints every row of the cost table: name, mean (ns), distribution, Q (quoted) / D (derived) / E (estimate), "
     "and source. Scenario [cost] keys override rows by name. Sources: docs/costs.md.",
     0, o_none, NULL},
    {"keys", cmd_keys, "[SECTION]", "every scenario key: type, default, range, unit, help",
     "Every scenario key: name, type, default, allowed range or choices, unit and help; SECTION limits the list. "
     "Types: bool, uint, int, double, percent (50% or 0.5), time (needs a unit ns, us, ms or s), ns (integer ns, "
     "unit optional), enum, string. See docs/scenarios.md.",
     0, o_none, NULL},
    {"scenarios", cmd_scenarios, "[NAME]", "the preset scenarios built in (and their files)",
     "Without NAME, the presets built into the binary with their descriptions; with NAME, the preset's file, a "
     "starting point for your own (hvwake scenarios default > my.ini).",
     0, o_none, NULL},
    {"show-config", cmd_show_config, "[NAME|FILE]", "the effective configuration and where each value came from",
     "Builds the scenario (preset NAME or FILE, default: the 'default' preset), applies the --set options, "
     "validates it, and prints every key's effective value with where it came from (default, FILE:LINE, "
     "preset:NAME:LINE, --set). The text form is itself a scenario file.",
     G_SCN, o_show_config, NULL},
    {"help", cmd_help, "[COMMAND]", "this list, or a command's help (= hvwake COMMAND --help)",
     "Without COMMAND, every command; with COMMAND (e.g. run, bench hcall), its usage and options, as hvwake "
     "COMMAND --help prints them. hvwake help --man prints the manual page and hvwake help --completion the bash "
     "completion, both generated from this table (cmake --install installs them).",
     0, o_help, NULL},
};

const size_t cli_ncommands = sizeof cli_commands / sizeof cli_commands[0];
