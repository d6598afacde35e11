/* bench/match: rank resource suggestions for every open need of a city at
 * once — 10,000 needs against 100,000 resources — with the matching index of
 * src/domain/matching.c, and compare with a full scan of the same data.
 *
 * The data are generated deterministically (a fixed seed): 2,000 community
 * centroids clustered around 8 town centres in a 90 × 100 km box (惠州-like),
 * resources and needs placed at community centroids, kinds, quantities,
 * units, availability windows (some over), weekday masks, statuses and each
 * unit's track record drawn at random. Prints the index build time, the total
 * ranking time (one thread) with per-need mean and p99, and the ratio
 * against the full scan of a sample of needs (scaled), whose answers must be
 * the very same suggestions in the same order — else it exits 1.
 *
 * The ranking is run ROUNDS times (default 3) over the same index; the
 * median round counts and the range is shown, since a burst of other work
 * on a shared machine would otherwise land on one figure.
 *
 * usage: match [--needs N] [--resources N] [--k K] [--sample N] [--rounds N] */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/lists.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

/* splitmix64: small, fast and the same on every machine. */
static uint64_t next(void)
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double uniform(void) { return (next() >> 11) * (1.0 / 9007199254740992.0); }
static int below(int n) { return (int)(uniform() * n); }
static double gauss(void)
{
    double u = uniform() + 1e-12, v = uniform();
    return sqrt(-2 * log(u)) * cos(2 * 3.14159265358979 * v);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#define N_COMMUNITIES 2000
#define N_ORGS 5000
#define TODAY 20532 /* 2026-03-20 */

static const char *units[TX_KIND__COUNT] = {"平方米", "元", "人", "人次", "件", "次", "项"};
/* Volunteers and services are offered most, funding least. */
static const int kind_weight[TX_KIND__COUNT] = {15, 10, 25, 15, 15, 15, 5};

static tx_list_kind some_kind(void)
{
    int x = below(100), k = 0;
    while (x >= kind_weight[k])
        x -= kind_weight[k++];
    return (tx_list_kind)k;
}

int main(int argc, char **argv)
{
    int n_needs = 10000, n_res = 100000, k = 5, sample = 500, rounds = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--needs"))
            n_needs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--resources"))
            n_res = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--k"))
            k = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--sample"))
            sample = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--rounds"))
            rounds = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "usage: %s [--needs N] [--resources N] [--k K] [--sample N] [--rounds N]\n", argv[0]);
            return 2;
        }
    }
    if (n_needs < 1 || n_res < 1 || k < 1 || sample < 1 || rounds < 1 || rounds > 99) {
        fprintf(stderr, "match: counts must be positive\n");
        return 2;
    }
    if (sample > n_needs)
        sample = n_needs;

    /* ---- the city ---- */
    static double clat[N_COMMUNITIES], clon[N_COMMUNITIES];
    double tlat[8], tlon[8];
    for (int t = 0; t < 8; t++)
        tlat[t] = 22.6 + 0.8 * uniform(), tlon[t] = 114.0 + 1.0 * uniform();
    for (int c = 0; c < N_COMMUNITIES; c++) {
        if (below(5) == 0) { /* villages, anywhere */
            clat[c] = 22.6 + 0.8 * uniform();
            clon[c] = 114.0 + 1.0 * uniform();
        } else { /* town communities, within a few km of their centre */
            int t = below(8);
            clat[c] = fmin(fmax(tlat[t] + gauss() * 0.04, 22.6), 23.4);
            clon[c] = fmin(fmax(tlon[t] + gauss() * 0.045, 114.0), 115.0);
        }
    }
    static int32_t org_offered[N_ORGS], org_delivered[N_ORGS];
    for (int o = 0; o < N_ORGS; o++) {
        org_offered[o] = below(5) == 0 ? 0 : 1 + below(40);
        org_delivered[o] = (int32_t)(org_offered[o] * (0.5 + 0.5 * uniform()));
    }

    tx_match_resource *res = calloc((size_t)n_res, sizeof *res);
    tx_match_need *needs = calloc((size_t)n_needs, sizeof *needs);
    tx_match_suggestion *out = calloc((size_t)k, sizeof *out), *ref = calloc((size_t)k, sizeof *ref);
    double *per = calloc((size_t)n_needs * rounds, sizeof *per), totals[99];
    if (!res || !needs || !out || !ref || !per) {
        fprintf(stderr, "match: out of memory\n");
        return 1;
    }
    for (int i = 0; i < n_res; i++) {
        tx_match_resource *r = &res[i];
        int c = below(N_COMMUNITIES), o = below(N_ORGS), w = below(10);
        r->id = i + 1;
        r->kind = some_kind();
        r->status = below(10) == 0 ? (tx_resource_status)(1 + below(3)) : TX_RESOURCE_AVAILABLE;
        r->available = 1 + below(200);
        r->unit = r->kind == TX_KIND_FUNDING && below(10) == 0 ? "万元" : units[r->kind];
        r->org_id = o + 1;
        r->area_id = c + 1;
        r->lat = clat[c];
        r->lon = clon[c];
        if (w < 4) { /* one window, starting within the month past or the coming three */
            int32_t from = TODAY - 30 + below(120);
            r->windows[0] = (tx_day_range){from, from + 7 + below(180)};
            r->n_windows = 1;
        } else if (w == 4) { /* over */
            r->windows[0] = (tx_day_range){TODAY - 200, TODAY - 1 - below(100)};
            r->n_windows = 1;
        } else if (w == 5) { /* two windows */
            r->windows[0] = (tx_day_range){TODAY + below(30), TODAY + 30 + below(30)};
            r->windows[1] = (tx_day_range){TODAY + 90 + below(30), TODAY + 150 + below(60)};
            r->n_windows = 2;
        }
        r->weekdays = below(5) == 0 ? 0x60 : below(5) == 0 ? 0x1f : 0; /* weekends, weekdays, any day */
        r->offered = org_offered[o];
        r->delivered = org_delivered[o];
    }
    for (int i = 0; i < n_needs; i++) {
        tx_match_need *nd = &needs[i];
        int c = below(N_COMMUNITIES);
        nd->id = i + 1;
        nd->kind = some_kind();
        nd->quantity = below(10) == 0 ? 0 : 1 + below(300);
        nd->unit = units[nd->kind];
        nd->area_id = c + 1;
        nd->lat = clat[c];
        nd->lon = clon[c];
        nd->wanted_by = below(5) == 0 ? 0 : TODAY + below(90);
        nd->urgency = (tx_urgency)below(TX_URGENCY__COUNT);
    }

    /* ---- the index, then every need ---- */
    tx_match_index *ix;
    double t0 = now_ms();
    if (tx_match_index_build(res, n_res, &ix) < 0) {
        fprintf(stderr, "match: tx_match_index_build failed\n");
        return 1;
    }
    double build_ms = now_ms() - t0;
    long suggestions = 0;
    double checksum = 0;
    for (int round = 0; round < rounds; round++) {
        suggestions = 0, checksum = 0;
        t0 = now_ms();
        for (int i = 0; i < n_needs; i++) {
            double s = now_ms();
            int m = tx_match_rank(&needs[i], res, n_res, ix, TODAY, out, k);
            per[(size_t)round * n_needs + i] = now_ms() - s;
            if (m < 0) {
                fprintf(stderr, "match: tx_match_rank failed for need %d\n", i + 1);
                return 1;
            }
            suggestions += m;
            for (int j = 0; j < m; j++)
                checksum += out[j].score;
        }
        totals[round] = now_ms() - t0;
    }
    qsort(totals, (size_t)rounds, sizeof *totals, cmp_double);
    double total_ms = totals[rounds / 2];
    size_t np = (size_t)n_needs * rounds;
    double mean = 0;
    for (size_t i = 0; i < np; i++)
        mean += per[i];
    mean /= np;
    qsort(per, np, sizeof *per, cmp_double);
    double p50 = per[np / 2], p99 = per[(size_t)(np * 0.99)], pmax = per[np - 1];

    /* ---- the full scan of a sample, which must agree exactly ---- */
    int stride = n_needs / sample, mismatches = 0, scanned = 0;
    double scan_ms = 0;
    for (int i = 0; i < n_needs && scanned < sample; i += stride, scanned++) {
        double s = now_ms();
        int m0 = tx_match_rank(&needs[i], res, n_res, NULL, TODAY, ref, k);
        scan_ms += now_ms() - s;
        int m1 = tx_match_rank(&needs[i], res, n_res, ix, TODAY, out, k);
        int same = m0 == m1;
        for (int j = 0; same && j < m0; j++)
            same = ref[j].resource_id == out[j].resource_id && ref[j].score == out[j].score;
        if (!same && mismatches++ < 3)
            fprintf(stderr, "match: need %d: the index and the full scan disagree\n", i + 1);
    }
    double scan_total = scan_ms / scanned * n_needs;

    int ok = total_ms < 1000;
    printf("data: %d needs, %d resources (%d communities, %d units), top %d, one thread\n", n_needs, n_res,
           N_COMMUNITIES, N_ORGS, k);
    printf("index build: %.1f ms\n", build_ms);
    printf("match: %d needs x %d resources in %.0f ms (target < 1000 ms): %s; median of %d rounds (%.0f-%.0f ms)\n",
           n_needs, n_res, total_ms, ok ? "ok" : "BELOW TARGET", rounds, totals[0], totals[rounds - 1]);
    printf("per need: mean %.1f us, p50 %.1f us, p99 %.1f us, max %.1f us (timer included); %ld suggestions "
           "(checksum %.3f)\n",
           mean * 1e3, p50 * 1e3, p99 * 1e3, pmax * 1e3, suggestions, checksum);
    printf("full scan, %d needs sampled: %.0f us per need, %.0f ms for all %d (scaled); ratio index/full scan %.4f "
           "(%.0fx faster); answers identical: %s\n",
           scanned, scan_ms * 1e3 / scanned, scan_total, n_needs, total_ms / scan_total, scan_total / total_ms,
           mismatches ? "NO" : "yes");
    tx_match_index_free(ix);
    free(res), free(needs), free(out), free(ref), free(per);
    return mismatches ? 1 : 0;
}
