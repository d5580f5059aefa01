/* nn-plan.c — greedy first-fit placement of buffers by lifetime (see nn-plan.h). */
#include "nn-plan.h"

#include <stdbool.h>

/* Rounds n up to the arena alignment. */
static size_t
align_up (size_t n)
{
  return (n + NN_PLAN_ALIGN - 1) / NN_PLAN_ALIGN * NN_PLAN_ALIGN;
}

/* True when the lifetimes of a and b share a step. */
static bool
lifetimes_meet (const NnPlanBuffer *a, const NnPlanBuffer *b)
{
  return a->first <= b->last && b->first <= a->last;
}

/* See nn-plan.h. Buffers are visited largest first (ties by index); each takes the lowest
 * aligned offset that overlaps no already-placed buffer alive at the same time. The loop
 * restarts the scan whenever a candidate collides, so it ends at a free gap. */
size_t
nn_plan_place (NnPlanBuffer *bufs, int count)
{
  bool placed[NN_PLAN_MAX_BUFFERS] = { false };
  size_t arena = 0;
  if (count > NN_PLAN_MAX_BUFFERS)
    return 0;
  for (int round = 0; round < count; round++)
    {
      int pick = -1;
      for (int i = 0; i < count; i++)
        if (!placed[i] && (pick < 0 || bufs[i].bytes > bufs[pick].bytes))
          pick = i;
      NnPlanBuffer *b = &bufs[pick];
      size_t offset = 0;
      bool moved = true;
      while (moved)
        {
          moved = false;
          for (int j = 0; j < count; j++)
            {
              if (!placed[j] || !lifetimes_meet (b, &bufs[j]))
                continue;
              const size_t end_j = bufs[j].offset + align_up (bufs[j].bytes);
              if (offset < end_j && bufs[j].offset < offset + align_up (b->bytes))
                {
                  offset = end_j;
                  moved = true;
                }
            }
        }
      b->offset = offset;
      placed[pick] = true;
      if (offset + align_up (b->bytes) > arena)
        arena = offset + align_up (b->bytes);
    }
  return arena;
}
