//===- plan.c - Arena offsets for intermediates from liveness (plan.h) ----===//
//
// Greedy first-fit in definition order: before placing the tensor a step
// writes, every tensor whose last reader ran before that step is freed. A
// step's inputs are still live while it writes its output, except where the
// caller says the step may write over one of them (`reuse`): the output then
// takes that input's slot. n is a few hundred to a few thousand, so the
// quadratic lists below cost microseconds and need no allocation.
//
//===----------------------------------------------------------------------===//
#include "plan.h"

typedef struct plan_scratch_s {
  int32_t *order;   // tensors by definition step (stable)
  int32_t *placed;  // live tensors, in placement order
  int64_t *live_at; // live blocks by ascending offset: offsets ...
  int64_t *live_sz; // ... and their aligned sizes
  int64_t *other;   // the second plan's offsets
} plan_scratch_t;

static plan_scratch_t carve(int32_t n, void *scratch) {
  size_t m = n > 0 ? (size_t)n : 0;
  int64_t *p64 = scratch;
  plan_scratch_t s;
  s.live_at = p64;
  s.live_sz = p64 + m;
  s.other = p64 + 2 * m;
  s.order = (int32_t *)(p64 + 3 * m);
  s.placed = s.order + m;
  return s;
}

size_t kiln_plan_arena_scratch_size(int32_t n) {
  size_t m = n > 0 ? (size_t)n : 1;
  return m * (3 * sizeof(int64_t) + 2 * sizeof(int32_t));
}

static int64_t align_up(int64_t v) {
  return (v + (KILN_PLAN_ALIGNMENT - 1)) & ~(int64_t)(KILN_PLAN_ALIGNMENT - 1);
}

static void live_remove(plan_scratch_t *s, int32_t *num_live, int64_t offset) {
  for (int32_t i = 0; i < *num_live; ++i) {
    if (s->live_at[i] != offset)
      continue;
    for (int32_t j = i + 1; j < *num_live; ++j) {
      s->live_at[j - 1] = s->live_at[j];
      s->live_sz[j - 1] = s->live_sz[j];
    }
    --*num_live;
    return;
  }
}

static void live_insert(plan_scratch_t *s, int32_t *num_live, int64_t offset, int64_t size) {
  int32_t i = *num_live;
  while (i > 0 && s->live_at[i - 1] > offset) {
    s->live_at[i] = s->live_at[i - 1];
    s->live_sz[i] = s->live_sz[i - 1];
    --i;
  }
  s->live_at[i] = offset;
  s->live_sz[i] = size;
  ++*num_live;
}

static int plan_once(int32_t n, const int64_t *sizes, const int32_t *defs, const int32_t *last_uses,
                     const int32_t *reuse, plan_scratch_t *s, int64_t *offsets,
                     int64_t *out_arena_size) {
  int32_t num_placed = 0, num_live = 0;
  int64_t arena = 0;
  for (int32_t k = 0; k < n; ++k) {
    int32_t t = s->order[k];
    // Free what died before this definition (keeping the placement order).
    int32_t kept = 0;
    for (int32_t i = 0; i < num_placed; ++i) {
      int32_t p = s->placed[i];
      if (last_uses[p] < defs[t])
        live_remove(s, &num_live, offsets[p]);
      else
        s->placed[kept++] = p;
    }
    num_placed = kept;

    if (sizes[t] < 0 || sizes[t] > INT64_MAX - KILN_PLAN_ALIGNMENT)
      return -1;
    int64_t need = align_up(sizes[t] > 0 ? sizes[t] : 1);
    int32_t r = reuse ? reuse[t] : -1;
    int32_t victim = -1;
    for (int32_t i = 0; r >= 0 && r < n && i < num_placed && victim < 0; ++i)
      if (s->placed[i] == r)
        victim = i;
    if (victim >= 0 && sizes[r] == sizes[t] && last_uses[r] == defs[t]) {
      // Same bytes, same slot: the live block keeps its offset and size.
      for (int32_t i = victim + 1; i < num_placed; ++i)
        s->placed[i - 1] = s->placed[i];
      s->placed[num_placed - 1] = t;
      offsets[t] = offsets[r];
      continue;
    }
    int64_t offset = 0;
    for (int32_t i = 0; i < num_live; ++i) {
      if (s->live_at[i] - offset >= need)
        break;
      int64_t end = s->live_at[i] + align_up(s->live_sz[i]);
      offset = end > offset ? end : offset;
    }
    if (offset > INT64_MAX - need)
      return -1;
    offsets[t] = offset;
    live_insert(s, &num_live, offset, need);
    s->placed[num_placed++] = t;
    if (offset + need > arena)
      arena = offset + need;
  }
  *out_arena_size = arena;
  return 0;
}

int kiln_plan_arena(int32_t n, const int64_t *sizes, const int32_t *defs, const int32_t *last_uses,
                    const int32_t *reuse, void *scratch, int64_t *out_offsets,
                    int64_t *out_arena_size) {
  *out_arena_size = 0;
  if (n <= 0)
    return 0;
  plan_scratch_t s = carve(n, scratch);
  // Stable insertion sort by definition step: tables list intermediates
  // nearly in step order, so this is linear in practice.
  for (int32_t i = 0; i < n; ++i) {
    int32_t j = i;
    while (j > 0 && defs[s.order[j - 1]] > defs[i]) {
      s.order[j] = s.order[j - 1];
      --j;
    }
    s.order[j] = i;
  }
  int64_t with_reuse = 0, separate = 0;
  if (plan_once(n, sizes, defs, last_uses, reuse, &s, out_offsets, &with_reuse) != 0)
    return -1;
  if (reuse) {
    if (plan_once(n, sizes, defs, last_uses, NULL, &s, s.other, &separate) != 0)
      return -1;
    if (separate < with_reuse) {
      for (int32_t i = 0; i < n; ++i)
        out_offsets[i] = s.other[i];
      with_reuse = separate;
    }
  }
  *out_arena_size = with_reuse;
  return 0;
}
