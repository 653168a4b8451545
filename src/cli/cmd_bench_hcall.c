/* hvwake bench hcall — the hypercall microbenchmark (workload/hcall.h). */
#include "base/hv.h"
#include "cli/cli.h"
#include "scn/value.h"
#include "workload/hcall.h"

#include <stdio.h>
#include <string.h>

/* kvm.guest_ipi's choices, from the kvm room's list: "targeted|reschedule". */
static const char *const guest_ipis = SCN_ENUM_CHOICES(KVM_GUEST_IPIS);

/* The choices as "a, b or c". */
static const char *choices_or(char *buf, size_t n)
{
    char name[32];
    int count = 0;
    while (scn_enum_name(guest_ipis, count, name, sizeof name) == 0)
        count++;
    size_t at = 0;
    buf[0] = 0;
    for (int i = 0; i < count && at < n; i++) {
        scn_enum_name(guest_ipis, i, name, sizeof name);
        at += (size_t)snprintf(buf + at, n - at, "%s%s", i == 0 ? "" : i + 1 < count ? ", " : " or ", name);
    }
    return buf;
}

int bench_hcall(int argc, char **argv)
{
    int kind = -1;
    uint64_t ms = 20, seed = 1, msgsnd = 1, redirect = 1, vcpus = 0, tpv = 0;
    int h_prod = KVM_H_PROD_FIXED;
    int gipi = KVM_GUEST_IPI_TARGETED;
    const char *cmd = "bench hcall";
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            return cli_help("bench hcall");
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "hvwake %s: option '%s' is unknown or lacks its value; see --help\n", cmd, o);
            return HV_EXIT_USAGE;
        }
        const char *v = argv[++i];
        int rc = 0;
        if (!strcmp(o, "--kind")) {
            kind = -2;
            for (int k = 0; k < HCALL_NKINDS; k++)
                if (!strcmp(v, hcall_kind_name(k)))
                    kind = k;
            if (!strcmp(v, "all"))
                kind = -1;
            if (kind == -2) {
                fprintf(stderr, "hvwake %s: option --kind: '%s' is not valid; expected all", cmd, v);
                for (int k = 0; k < HCALL_NKINDS; k++)
                    fprintf(stderr, ", %s", hcall_kind_name(k));
                fprintf(stderr, "\n");
                return HV_EXIT_USAGE;
            }
        } else if (!strcmp(o, "--duration-ms")) {
            rc = cli_parse_u64(cmd, o, v, 1, 100000, &ms);
        } else if (!strcmp(o, "--seed")) {
            rc = cli_parse_u64(cmd, o, v, 0, UINT64_MAX, &seed);
        } else if (!strcmp(o, "--msgsnd")) {
            rc = cli_parse_u64(cmd, o, v, 0, 1, &msgsnd);
        } else if (!strcmp(o, "--redirect")) {
            rc = cli_parse_u64(cmd, o, v, 0, 1, &redirect);
        } else if (!strcmp(o, "--vcpus")) {
            rc = cli_parse_u64(cmd, o, v, 1, 1024, &vcpus);
        } else if (!strcmp(o, "--threads-per-vcore")) {
            rc = cli_parse_u64(cmd, o, v, 1, 8, &tpv);
            if (!rc && tpv != 1 && tpv != 2 && tpv != 4 && tpv != 8) {
                fprintf(stderr, "hvwake %s: option --threads-per-vcore: '%s' is not valid; expected 1, 2, 4 or 8\n",
                        cmd, v);
                return HV_EXIT_USAGE;
            }
        } else if (!strcmp(o, "--h-prod")) {
            if (!strcmp(v, "fixed")) {
                h_prod = KVM_H_PROD_FIXED;
            } else if (!strcmp(v, "4.6")) {
                h_prod = KVM_H_PROD_4_6;
            } else {
                fprintf(stderr, "hvwake %s: option --h-prod: '%s' is not valid; expected fixed or 4.6\n", cmd, v);
                return HV_EXIT_USAGE;
            }
        } else if (!strcmp(o, "--guest-ipi")) {
            char name[32], any[128];
            gipi = -1;
            for (int g = 0; scn_enum_name(guest_ipis, g, name, sizeof name) == 0; g++)
                if (!strcmp(v, name))
                    gipi = g;
            if (gipi < 0) {
                fprintf(stderr, "hvwake %s: option --guest-ipi: '%s' is not valid; expected %s\n", cmd, v,
                        choices_or(any, sizeof any));
                return HV_EXIT_USAGE;
            }
        } else {
            return cli_unknown_option(cmd, o);
        }
        if (rc)
            return rc;
    }
    if (cli_pairs_once(cmd, argc, argv))
        return HV_EXIT_USAGE;
    for (int k = 0; k < HCALL_NKINDS; k++) {
        hcall_cfg c = hcall_cfg_default();
        c.kind = k;
        c.vcpus = vcpus;
        c.threads_per_vcore = tpv;
        const char *bad = hcall_cfg_check(&c);
        if ((kind < 0 || k == kind) && bad) {
            fprintf(stderr, "hvwake %s: --kind %s with this shape: %s\n", cmd, hcall_kind_name(k), bad);
            return HV_EXIT_USAGE;
        }
    }
    uint64_t vc_shape = vcpus ? (vcpus + (tpv ? tpv : 2) - 1) / (tpv ? tpv : 2) : 2;
    hw_cfg hw = hw_cfg_default();
    hw.chips = 1;
    hw.cores_per_chip = vc_shape + 2 > 4 ? vc_shape + 2 : 4;
    hw.msgsnd = msgsnd;
    host_cfg hc = host_cfg_default();
    kvm_cfg kc = kvm_cfg_default();
    kc.h_ipi_redirect = redirect;
    kc.guest_ipi = gipi;
    kc.h_prod = h_prod;
    char gipi_name[32];
    scn_enum_name(guest_ipis, gipi, gipi_name, sizeof gipi_name);
    char shape_s[96] = "";
    if (vcpus || tpv)
        snprintf(shape_s, sizeof shape_s, ", guest %llu VCPUs x %llu threads/vcore",
                 (unsigned long long)(vcpus ? vcpus : 2), (unsigned long long)(tpv ? tpv : 2));
    printf("hvwake %s bench hcall: seed %llu, %llu ms per kind, msgsnd %llu, h_ipi_redirect %llu, guest_ipi %s, h_prod %s%s\n\n",
           HV_VERSION, (unsigned long long)seed, (unsigned long long)ms, (unsigned long long)msgsnd,
           (unsigned long long)redirect, gipi_name, h_prod == KVM_H_PROD_FIXED ? "fixed" : "4.6", shape_s);
    printf("%-13s %7s %10s %8s %8s %11s %13s\n", "kind", "calls", "mean_ns", "p50_ns", "p99_ns",
           "exits/call", "wake_mean_ns");
    for (int k = 0; k < HCALL_NKINDS; k++) {
        if (kind >= 0 && k != kind)
            continue;
        hcall_cfg c = hcall_cfg_default();
        c.kind = k;
        c.vcpus = vcpus;
        c.threads_per_vcore = tpv;
        hcall_result r;
        const char *e = hcall_bench_run(&hw, &hc, &kc, NULL, &c, seed, 0, DES_MS(ms), &r);
        if (e) {
            fprintf(stderr, "hvwake %s: model check failed (%s): %s\n", cmd, hcall_kind_name(k), e);
            hcall_result_free(&r);
            return HV_EXIT_CHECK;
        }
        printf("%-13s %7llu %10.1f %8llu %8llu %11.3f %13.1f\n", hcall_kind_name(k),
               (unsigned long long)r.calls, des_hist_mean(&r.rtt),
               (unsigned long long)des_hist_quantile(&r.rtt, 0.5),
               (unsigned long long)des_hist_quantile(&r.rtt, 0.99),
               r.calls ? (double)r.exits / (double)r.calls : 0.0, des_hist_mean(&r.wake));
        hcall_result_free(&r);
    }
    return 0;
}
