/* Chrome/Perfetto trace-event JSON; see timeline.h. */
#include "report/timeline.h"

#include "base/hv.h"
#include "report/output.h"

#include <stdlib.h>
#include <string.h>

typedef struct open_span {
    uint32_t track;
    int open;
    des_time t;
    const char *name;
} open_span;

static void ts(FILE *f, des_time t) { fprintf(f, "%llu.%03llu", (unsigned long long)(t / 1000), (unsigned long long)(t % 1000)); }

static void comma(FILE *f, int *first)
{
    if (!*first)
        fputs(",\n", f);
    *first = 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void close_span(FILE *f, int *first, open_span *s, des_time end)
{
    if (!s->open)
        return;
    comma(f, first);
    fputs("{\"ph\":\"X\",\"pid\":1,\"tid\":", f);
    fprintf(f, "%u,\"name\":", s->track);
    rep_json_string(f, s->name);
    fputs(",\"ts\":", f);
    ts(f, s->t);
    fputs(",\"dur\":", f);
    ts(f, end - s->t);
    fputc('}', f);
    s->open = 0;
}

int rep_timeline_write(FILE *f, const des_trace *tr, const rep_timeline_spec *spec, des_time end)
{
    /* Collect the tracks (sorted, unique). */
    uint32_t *tracks = hv_xmalloc((tr->n + 1) * sizeof *tracks);
    size_t nt = 0;
    for (size_t i = 0; i < tr->n; i++)
        tracks[nt++] = tr->recs[i].track;
    qsort(tracks, nt, sizeof *tracks, cmp_u32);
    size_t u = 0;
    for (size_t i = 0; i < nt; i++)
        if (u == 0 || tracks[u - 1] != tracks[i])
            tracks[u++] = tracks[i];
    nt = u;
    open_span *spans = hv_xcalloc(nt + 1, sizeof *spans);
    for (size_t i = 0; i < nt; i++)
        spans[i].track = tracks[i];

    if (end > tr->win_end)
        end = tr->win_end;
    int first = 1;
    fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"records\":", f);
    fprintf(f, "%zu,\"dropped\":%llu},\n\"traceEvents\":[\n", tr->n, (unsigned long long)tr->dropped);
    comma(f, &first);
    fputs("{\"ph\":\"M\",\"pid\":1,\"name\":\"process_name\",\"args\":{\"name\":\"hvwake\"}}", f);
    for (size_t i = 0; i < nt; i++) {
        char name[128];
        spec->track_name(tracks[i], name, sizeof name, spec->ctx);
        comma(f, &first);
        fprintf(f, "{\"ph\":\"M\",\"pid\":1,\"tid\":%u,\"name\":\"thread_name\",\"args\":{\"name\":", tracks[i]);
        rep_json_string(f, name);
        fputs("}}", f);
        comma(f, &first);
        fprintf(f, "{\"ph\":\"M\",\"pid\":1,\"tid\":%u,\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":%zu}}",
                tracks[i], i);
    }
    for (size_t i = 0; i < tr->n; i++) {
        const des_trace_rec *r = &tr->recs[i];
        uint32_t *tp = bsearch(&r->track, tracks, nt, sizeof *tracks, cmp_u32);
        HV_CHECK(tp != NULL);
        open_span *s = &spans[tp - tracks];
        rep_tl_class c = spec->classify(r, spec->ctx);
        const char *nm = c == REP_TL_IGNORE ? NULL : spec->name(r, spec->ctx);
        switch (c) {
        case REP_TL_IGNORE:
            break;
        case REP_TL_STATE:
            close_span(f, &first, s, r->t);
            s->open = 1;
            s->t = r->t;
            s->name = nm;
            break;
        case REP_TL_INSTANT:
            comma(f, &first);
            fprintf(f, "{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":%u,\"name\":", r->track);
            rep_json_string(f, nm);
            fputs(",\"ts\":", f);
            ts(f, r->t);
            fprintf(f, ",\"args\":{\"a0\":%llu,\"a1\":%llu}}", (unsigned long long)r->a[0],
                    (unsigned long long)r->a[1]);
            break;
        case REP_TL_FLOW_OUT:
        case REP_TL_FLOW_IN:
            comma(f, &first);
            fprintf(f, "{\"ph\":\"%s\",%s\"cat\":\"flow\",\"pid\":1,\"tid\":%u,\"id\":%llu,\"name\":",
                    c == REP_TL_FLOW_OUT ? "s" : "f", c == REP_TL_FLOW_IN ? "\"bp\":\"e\"," : "",
                    r->track, (unsigned long long)r->a[0]);
            rep_json_string(f, nm);
            fputs(",\"ts\":", f);
            ts(f, r->t);
            fputc('}', f);
            break;
        }
    }
    for (size_t i = 0; i < nt; i++)
        close_span(f, &first, &spans[i], end > spans[i].t ? end : spans[i].t);
    fputs("\n]}\n", f);
    free(tracks);
    free(spans);
    return ferror(f) ? HV_EIO : 0;
}
