/*
 * report/compare_story.h — the paragraph printed under a compare table
 * (`hvwake compare --explain`): what the numbers show, computed from them,
 * never canned text.
 *
 * For each variant after the first, against the variant before it (a
 * step: baseline -> M2 -> M2 + M1 reads as what each mechanism adds) and,
 * from the third variant on, against the first: each metric's change in
 * percent and in its unit with the 95% interval of the difference
 * (rep_compare_diff: paired t when the two variants ran on the same random
 * streams, as compare runs them, else Welch; the paragraph names the test),
 * "significant" when the interval excludes 0; then one sentence per step
 * naming the significant changes, or saying there is none.
 */
#ifndef HV_REPORT_COMPARE_STORY_H
#define HV_REPORT_COMPARE_STORY_H

#include <stdio.h>

#include "report/compare.h"

/* 0, or -1 if writing failed. */
int rep_compare_write_story(FILE *f, const rep_compare *c);

#endif
