/* nn-plan.h — static memory plan: place buffers with known lifetimes in one arena.
 *
 * Each buffer lives from step `first` to step `last` (inclusive). Two buffers whose lifetimes
 * intersect never overlap in the arena; others may share bytes. Offsets are 64-byte aligned.
 */
#pragma once

#include <stddef.h>

#define NN_PLAN_ALIGN 64

typedef struct {
  const char *name; /* for diagnostics only */
  size_t bytes;
  int first, last;  /* inclusive step range in which the buffer holds live data */
  size_t offset;    /* set by nn_plan_place */
} NnPlanBuffer;

#define NN_PLAN_MAX_BUFFERS 64

/* Assigns every buffer an offset (greedy first fit, largest buffers first) and returns the
 * arena size needed, a multiple of NN_PLAN_ALIGN. Deterministic for a given input. Returns 0
 * (placing nothing) when count exceeds NN_PLAN_MAX_BUFFERS. */
size_t nn_plan_place (NnPlanBuffer *bufs, int count);
