/*
 * report/tracedat.c — the kvm_hv events as a trace.dat, version 6
 * (trace-cmd.dat.v6(5)): what `trace-cmd record -e kvm_hv` writes on a
 * little-endian ppc64 host with 64 KiB pages, so that `trace-cmd report`
 * and KernelShark read it. See ktrace.h.
 *
 * Layout, every number little-endian:
 *   "\027\010Dtracing" "6\0", endian 0, long size 8, page size (u32)
 *   "header_page\0" u64 size + events/header_page (ring_buffer_print_page_header)
 *   "header_event\0" u64 size + events/header_event (ring_buffer_print_entry_header)
 *   u32 0 ftrace formats
 *   u32 1 system: "kvm_hv\0", u32 events, per event u64 size + its format file
 *   u32 0 kallsyms, u32 0 printk formats
 *   u64 size + saved_cmdlines ("pid comm\n" per VCPU thread)
 *   u32 CPUs (every hardware thread), "flyrecord\0", per CPU u64 offset + u64 size
 *   zero padding to a page boundary, then each CPU's ring-buffer pages.
 * A page: u64 timestamp (its first event's), u64 commit (data bytes), data.
 * An event: a u32 header {type_len: 5 low bits, time_delta: 27} then
 * type_len * 4 bytes of raw entry (ktrace.h rep_kev_raw, zero-padded); a
 * delta that does not fit in 27 bits is carried by a time-extend event
 * (type_len 30: low 27 bits in the header, the rest in the next u32).
 * Sizes are computed before anything is written, so the file streams (it
 * may be standard output); write errors surface at the caller's rep_out
 * close.
 */
#include "report/ktrace.h"

#include "base/hv.h"

#include <stdlib.h>
#include <string.h>

enum {
    PAGE = 65536,           /* PAGE_SIZE of a ppc64 host kernel (64K pages) */
    PAGE_HDR = 16,          /* u64 time_stamp + local_t commit */
    TS_BITS = 27,           /* time_delta width */
    TYPE_TIME_EXTEND = 30,  /* RINGBUF_TYPE_TIME_EXTEND */
};

static void u16le(FILE *f, uint32_t v)
{
    fputc((int)(v & 0xff), f);
    fputc((int)((v >> 8) & 0xff), f);
}
static void u32le(FILE *f, uint32_t v)
{
    u16le(f, v & 0xffff);
    u16le(f, v >> 16);
}
static void u64le(FILE *f, uint64_t v)
{
    u32le(f, (uint32_t)v);
    u32le(f, (uint32_t)(v >> 32));
}

/* A text section: its size as u64, or u32 for the 4-byte-size ones. */
static void blob(FILE *f, const char *s, size_t n, bool size64)
{
    if (size64)
        u64le(f, n);
    else
        u32le(f, (uint32_t)n);
    fwrite(s, 1, n, f);
}

/* ---- packing events into pages ------------------------------------------------ */

typedef struct packer {
    FILE *f;          /* NULL: count pages only */
    uint8_t *page;    /* PAGE bytes */
    size_t used;      /* data bytes in the current page; 0 = no page open */
    des_time last;    /* time of the previous event */
    uint64_t pages;
} packer;

static void flush_page(packer *p)
{
    if (!p->used)
        return;
    if (p->f) {
        for (int i = 0; i < 8; i++)
            p->page[8 + i] = (uint8_t)((uint64_t)p->used >> (8 * i));
        fwrite(p->page, 1, PAGE, p->f);
    }
    p->pages++;
    p->used = 0;
}

static void put32(uint8_t *q, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        q[i] = (uint8_t)(v >> (8 * i));
}

static void pack(packer *p, const rep_kev *e)
{
    uint8_t raw[REP_KEV_RAW_MAX];
    size_t len = rep_kev_raw(e, raw);
    size_t words = (len + 3) / 4; /* type_len: at most 28 words, so no length word */
    HV_CHECK_U64(words, <=, 28);
    uint64_t delta = p->used ? e->ts - p->last : 0;
    size_t need = 4 + words * 4 + (delta >> TS_BITS ? 8 : 0);
    if (p->used && p->used + need > PAGE - PAGE_HDR) {
        flush_page(p);
        delta = 0;
        need = 4 + words * 4;
    }
    if (!p->used) {
        memset(p->page, 0, PAGE);
        for (int i = 0; i < 8; i++)
            p->page[i] = (uint8_t)(e->ts >> (8 * i));
    }
    uint8_t *q = p->page + PAGE_HDR + p->used;
    if (delta >> TS_BITS) {
        put32(q, TYPE_TIME_EXTEND | (uint32_t)((delta & ((1u << TS_BITS) - 1)) << 5));
        put32(q + 4, (uint32_t)(delta >> TS_BITS));
        q += 8;
        delta = 0;
    }
    put32(q, (uint32_t)words | (uint32_t)(delta << 5));
    memcpy(q + 4, raw, len);
    p->used += need;
    p->last = e->ts;
}

/* Pack (or, with f NULL, count the pages of) every event of one CPU, in
 * emission order (which is time order). */
static uint64_t cpu_pages(const kvm_sys *s, const des_trace *tr, const size_t *idx, size_t n, uint8_t *page,
                          FILE *f)
{
    packer p = {f, page, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        rep_kev e;
        HV_CHECK(rep_kev_from(s, &tr->recs[idx[i]], &e));
        pack(&p, &e);
    }
    flush_page(&p);
    return p.pages;
}

/* ---- the file ------------------------------------------------------------------- */

/* Everything before the per-CPU offset table (a fixed text). */
static void header(const kvm_sys *s, FILE *f)
{
    fwrite("\027\010Dtracing", 1, 10, f);
    fwrite("6", 1, 2, f); /* the version, NUL-terminated */
    fputc(0, f);          /* little endian */
    fputc(8, f);          /* sizeof(long) */
    u32le(f, PAGE);
    char hp[512];
    int hn = snprintf(hp, sizeof hp,
                      "\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
                      "\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
                      "\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
                      "\tfield: char data;\toffset:16;\tsize:%d;\tsigned:0;\n", /* char is unsigned on ppc */
                      PAGE - PAGE_HDR);
    fwrite("header_page", 1, 12, f);
    blob(f, hp, (size_t)hn, true);
    static const char he[] = "# compressed entry header\n"
                             "\ttype_len    :    5 bits\n"
                             "\ttime_delta  :   27 bits\n"
                             "\tarray       :   32 bits\n\n"
                             "\tpadding     : type == 29\n"
                             "\ttime_extend : type == 30\n"
                             "\tdata max type_len  == 28\n";
    fwrite("header_event", 1, 13, f);
    blob(f, he, sizeof he - 1, true);
    u32le(f, 0); /* ftrace event formats */
    u32le(f, 1); /* event systems */
    fwrite("kvm_hv", 1, 7, f);
    u32le(f, REP_KEV_COUNT);
    for (int id = 0; id < REP_KEV_COUNT; id++) {
        char *text = NULL;
        size_t n = 0;
        FILE *m = open_memstream(&text, &n);
        HV_CHECK(m != NULL);
        rep_kev_format(id, m);
        HV_CHECK(fclose(m) == 0);
        blob(f, text, n, true);
        free(text);
    }
    u32le(f, 0); /* kallsyms */
    u32le(f, 0); /* printk formats */
    char *cmd = NULL;
    size_t cmdn = 0;
    FILE *m = open_memstream(&cmd, &cmdn);
    HV_CHECK(m != NULL);
    for (uint32_t i = 0; i < s->n_vms; i++)
        for (uint32_t k = 0; k < s->vms[i]->n_vcpus; k++)
            fprintf(m, "%u CPU %u/KVM\n", s->vms[i]->vcpus[k].pid, k);
    HV_CHECK(fclose(m) == 0);
    blob(f, cmd, cmdn, true);
    free(cmd);
    u32le(f, s->hw->ncpus);
    fwrite("flyrecord", 1, 10, f);
}

void rep_kvm_tracedat(const kvm_sys *s, const des_trace *tr, FILE *f)
{
    uint32_t ncpu = s->hw->ncpus;
    /* the tracepoint records of each CPU, in emission order */
    size_t *count = hv_xcalloc(ncpu, sizeof *count), *start = hv_xcalloc(ncpu + 1, sizeof *start);
    rep_kev e;
    for (size_t i = 0; i < tr->n; i++)
        if (rep_kev_from(s, &tr->recs[i], &e))
            count[e.cpu]++;
    for (uint32_t c = 0; c < ncpu; c++)
        start[c + 1] = start[c] + count[c];
    size_t *idx = hv_xcalloc(start[ncpu] + 1, sizeof *idx), *fill = hv_xcalloc(ncpu, sizeof *fill);
    for (size_t i = 0; i < tr->n; i++)
        if (rep_kev_from(s, &tr->recs[i], &e))
            idx[start[e.cpu] + fill[e.cpu]++] = i;

    char *hdr = NULL;
    size_t hn = 0;
    FILE *m = open_memstream(&hdr, &hn);
    HV_CHECK(m != NULL);
    header(s, m);
    HV_CHECK(fclose(m) == 0);
    fwrite(hdr, 1, hn, f);
    free(hdr);
    /* each CPU's pages from the page boundary after the offset table */
    uint64_t pos = hn + 16ull * ncpu, data = (pos + PAGE - 1) / PAGE * PAGE, off = data;
    uint8_t *page = hv_xcalloc(PAGE, 1);
    uint64_t *pages = hv_xcalloc(ncpu, sizeof *pages);
    for (uint32_t c = 0; c < ncpu; c++) {
        pages[c] = cpu_pages(s, tr, idx + start[c], count[c], page, NULL);
        u64le(f, off);
        u64le(f, pages[c] * PAGE);
        off += pages[c] * PAGE;
    }
    for (uint64_t i = pos; i < data; i++)
        fputc(0, f);
    for (uint32_t c = 0; c < ncpu; c++)
        HV_CHECK_U64(cpu_pages(s, tr, idx + start[c], count[c], page, f), ==, pages[c]);
    free(pages);
    free(page);
    free(fill);
    free(idx);
    free(start);
    free(count);
}
