/* Results files: the writer and the checksum; see results.h. */
#include "report/results.h"

#include "base/hv.h"

#include <stdlib.h>
#include <string.h>

uint32_t rep_crc32(uint32_t crc, const void *p, size_t n)
{
    static uint32_t table[256];
    if (!table[1])
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    const unsigned char *b = p;
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ b[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

void rep_results_file_name(char *buf, size_t n, unsigned shard_i, unsigned shard_n)
{
    snprintf(buf, n, "shard-%04u-of-%04u.csv", shard_i, shard_n);
}

/* Text is built in memory first so that its checksum is known. */
typedef struct mem {
    char *buf;
    size_t len;
    FILE *f;
} mem;

static void mem_open(mem *m)
{
    m->buf = NULL;
    m->len = 0;
    m->f = open_memstream(&m->buf, &m->len);
    if (!m->f)
        HV_DIE("open_memstream failed (out of memory)");
}

/* Close m, append it to the file, add it to the file's checksum. */
static void emit(rep_results_writer *w, mem *m)
{
    if (fclose(m->f))
        HV_DIE("open_memstream write failed (out of memory)");
    fwrite(m->buf, 1, m->len, w->f);
    w->crc = rep_crc32(w->crc, m->buf, m->len);
    free(m->buf);
}

int rep_results_begin(rep_results_writer *w, FILE *f, const rep_header *h, size_t replications,
                      scn_shard shard, const scn_variants *vs, const rep_stream *streams)
{
    w->f = f;
    w->crc = 0;
    w->jobs = 0;
    mem m;
    mem_open(&m);
    fprintf(m.f, "%s\n# hvwake %s\n# source %s\n# scenario %s\n# seed %llu\n# replications %zu\n# shard %u/%u\n",
            REP_RESULTS_MAGIC, h->version ? h->version : "?", rep_header_source(h), h->scenario ? h->scenario : "",
            (unsigned long long)h->seed, replications, shard.i, shard.n);
    char t[4096];
    for (size_t v = 0; v < vs->n; v++) {
        fprintf(m.f, "# variant %zu %s\n", v, rep_text_oneline(vs->v[v].name, t, sizeof t));
        fprintf(m.f, "# stream %zu %llu %llu\n", v, (unsigned long long)streams[v].seed,
                (unsigned long long)streams[v].run0);
        for (size_t k = 0; k < vs->v[v].nsets; k++)
            fprintf(m.f, "# set %zu %s\n", v, rep_text_oneline(vs->v[v].sets[k], t, sizeof t));
    }
    if (h->config)
        for (size_t i = 0; i < h->config->n; i++)
            fprintf(m.f, "# config %s=%s (%s)\n", h->config->v[i].name,
                    rep_text_oneline(h->config->v[i].text, t, sizeof t), h->config->v[i].origin);
    fputs("variant,run,metric,value\n", m.f);
    emit(w, &m);
    return ferror(f) ? HV_EIO : 0;
}

int rep_results_job(rep_results_writer *w, size_t variant, size_t run, const rep_metrics *m)
{
    char num[64];
    mem rows;
    mem_open(&rows);
    size_t nflat = rep_metrics_nflat(m);
    for (size_t i = 0; i < nflat; i++) {
        char name[300];
        double value;
        rep_metrics_flat(m, i, name, sizeof name, &value);
        fprintf(rows.f, "%zu,%zu,", variant, run);
        rep_csv_field(rows.f, name);
        rep_json_number(value, num, sizeof num);
        fprintf(rows.f, ",%s\n", strcmp(num, "null") ? num : "");
    }
    fflush(rows.f);
    uint32_t crc = rep_crc32(0, rows.buf, rows.len);
    emit(w, &rows);
    mem end;
    mem_open(&end);
    fprintf(end.f, "# job %zu %zu rows %zu crc32 %08x\n", variant, run, nflat, (unsigned)crc);
    emit(w, &end);
    w->jobs++;
    return ferror(w->f) ? HV_EIO : 0;
}

int rep_results_end(rep_results_writer *w)
{
    fprintf(w->f, "# end jobs %zu crc32 %08x\n", w->jobs, (unsigned)w->crc);
    return ferror(w->f) ? HV_EIO : 0;
}
