/*===- replan_model.c - The runtime re-plans a static model as kiln-compile did -===*
 *
 * kiln-compile plans a static model's arena and also writes each intermediate's
 * liveness (def_step, last_step, reuse) into the table; the runtime plans
 * symbolic models from those fields with the same planner (runtime/src/plan.c).
 * Fed the table's sizes and liveness, kiln_plan_arena must reproduce every
 * offset and the arena size the compiler wrote. Built once per model with
 * -DKILN_MODEL_FN=NAME_model; exits 0 when the plans agree.
 *===----------------------------------------------------------------------===*/
#include <kiln/runtime.h>

#include "plan.h" // runtime/src

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const kiln_model_t *KILN_MODEL_FN(void);

/// The independent check described above; prints what is wrong, returns 0 if valid.
static int check_plan(const kiln_model_t *m) {
  int32_t nt = m->num_tensors, bad = 0;
  int32_t *first = malloc(sizeof(int32_t) * (size_t)(nt + 1)), *last = malloc(sizeof(int32_t) * (size_t)(nt + 1));
  if (!first || !last)
    return 1;
  for (int32_t i = 0; i < nt; ++i)
    first[i] = last[i] = -1;
  for (int32_t s = 0; s < m->num_steps; ++s)
    for (int32_t a = 0; a < m->steps[s].num_args; ++a) {
      int32_t id = m->steps[s].args[a];
      if (id < 0)
        continue; // a symbol
      if (first[id] < 0)
        first[id] = s;
      last[id] = s;
    }
  int64_t peak = 0;
  for (int32_t s = 0; s < m->num_steps; ++s) {
    int64_t live = 0;
    for (int32_t i = 0; i < nt; ++i) {
      const kiln_abi_tensor_t *t = &m->tensors[i];
      int32_t r = t->reuse; // written in place over r at this step: one slot for both
      int shared = r >= 0 && first[i] == s && last[r] == s && m->tensors[r].offset == t->offset;
      if (t->kind == KILN_TENSOR_INTERMEDIATE && first[i] <= s && s <= last[i] && !shared)
        live += t->nbytes;
    }
    peak = live > peak ? live : peak;
  }
  for (int32_t i = 0; i < nt; ++i) {
    const kiln_abi_tensor_t *a = &m->tensors[i];
    if (a->kind != KILN_TENSOR_INTERMEDIATE)
      continue;
    if (first[i] < 0) {
      printf("%s: intermediate %d '%s' is named by no step\n", m->name, i, a->name);
      bad = 1;
      continue;
    }
    if (a->offset < 0 || a->offset % 64 || a->offset + a->nbytes > m->arena_size) {
      printf("%s: intermediate %d '%s' at [%lld, +%lld) is misaligned or outside the arena (%lld)\n",
             m->name, i, a->name, (long long)a->offset, (long long)a->nbytes, (long long)m->arena_size);
      bad = 1;
    }
    for (int32_t j = i + 1; j < nt; ++j) {
      const kiln_abi_tensor_t *b = &m->tensors[j];
      if (b->kind != KILN_TENSOR_INTERMEDIATE || first[j] < 0)
        continue;
      int bytes = a->offset < b->offset + b->nbytes && b->offset < a->offset + a->nbytes;
      int alive = first[i] <= last[j] && first[j] <= last[i];
      if (!bytes || !alive)
        continue;
      int in_place = a->offset == b->offset && a->nbytes == b->nbytes &&
                     ((b->reuse == i && last[i] == first[j]) || (a->reuse == j && last[j] == first[i]));
      if (!in_place) {
        printf("%s: '%s' (steps %d..%d) and '%s' (steps %d..%d) share arena bytes while both alive\n",
               m->name, a->name, first[i], last[i], b->name, first[j], last[j]);
        bad = 1;
      }
    }
  }
  if (m->arena_size < peak) {
    printf("%s: arena %lld is smaller than the %lld bytes alive at one step\n", m->name,
           (long long)m->arena_size, (long long)peak);
    bad = 1;
  }
  printf("%s: plan checked against step-derived lifetimes: %s (arena %lld, peak live %lld)\n", m->name,
         bad ? "INVALID" : "valid", (long long)m->arena_size, (long long)peak);
  free(first);
  free(last);
  return bad;
}

/// The checker must catch a broken plan: two intermediates that one step
/// reads and writes, moved onto the same bytes.
static int checker_catches_overlap(const kiln_model_t *m) {
  kiln_model_t copy = *m;
  kiln_abi_tensor_t *t = malloc(sizeof *t * (size_t)m->num_tensors);
  if (!t)
    return 0;
  for (int32_t i = 0; i < m->num_tensors; ++i)
    t[i] = m->tensors[i];
  copy.tensors = t;
  int moved = 0;
  for (int32_t s = 0; s < m->num_steps && !moved; ++s) {
    const kiln_abi_step_t *st = &m->steps[s];
    for (int32_t a = 0; a < st->num_args && !moved; ++a)
      for (int32_t b = a + 1; b < st->num_args && !moved; ++b) {
        int32_t x = st->args[a], y = st->args[b];
        if (x >= 0 && y >= 0 && x != y && t[x].kind == KILN_TENSOR_INTERMEDIATE &&
            t[y].kind == KILN_TENSOR_INTERMEDIATE && t[y].reuse != x && t[x].reuse != y) {
          t[y].offset = t[x].offset;
          moved = 1;
        }
      }
  }
  printf("self-test: %s\n", moved ? "two intermediates of one step moved onto the same bytes"
                                    : "no step reads two intermediates");
  int caught = moved && check_plan(&copy) != 0;
  free(t);
  return caught;
}

int main(int argc, char **argv) {
  const kiln_model_t *m = KILN_MODEL_FN();
  if (argc > 1 && !strcmp(argv[1], "--self-test"))
    return checker_catches_overlap(m) ? 0 : 1;
  if (m->abi_version != KILN_MODEL_ABI_VERSION || m->num_symbols != 0) {
    printf("%s: not a static ABI v%u table\n", m->name, KILN_MODEL_ABI_VERSION);
    return 1;
  }
  size_t cap = (size_t)m->num_tensors + 1;
  int32_t *ids = calloc(cap, sizeof *ids), *defs = calloc(cap, sizeof *defs),
          *last = calloc(cap, sizeof *last), *reuse = calloc(cap, sizeof *reuse);
  int64_t *sizes = calloc(cap, sizeof *sizes), *offsets = calloc(cap, sizeof *offsets);
  void *scratch = malloc(kiln_plan_arena_scratch_size((int32_t)cap));
  if (!ids || !defs || !last || !reuse || !sizes || !offsets || !scratch)
    return 1;
  int32_t n = 0, candidates = 0;
  for (int32_t i = 0; i < m->num_tensors; ++i) {
    const kiln_abi_tensor_t *t = &m->tensors[i];
    for (int32_t d = 0; d < KILN_MAX_RANK; ++d)
      if (t->dim_expr[d] != -1) {
        printf("%s: tensor %d has dim_expr[%d] = %d in a static model\n", m->name, i, d,
               t->dim_expr[d]);
        return 1;
      }
    if (t->kind != KILN_TENSOR_INTERMEDIATE)
      continue;
    ids[n] = i;
    sizes[n] = t->nbytes;
    defs[n] = t->def_step;
    last[n] = t->last_step;
    reuse[n] = -1;
    for (int32_t j = 0; j < n; ++j)
      if (ids[j] == t->reuse)
        reuse[n] = j;
    candidates += t->reuse >= 0;
    ++n;
  }
  int64_t arena = -1;
  int rc = kiln_plan_arena(n, sizes, defs, last, reuse, scratch, offsets, &arena);
  int same = rc == 0 && arena == m->arena_size;
  for (int32_t j = 0; j < n && same; ++j)
    if (offsets[j] != m->tensors[ids[j]].offset) {
      printf("%s: tensor %d at %lld, the compiler put it at %lld\n", m->name, ids[j],
             (long long)offsets[j], (long long)m->tensors[ids[j]].offset);
      same = 0;
    }
  printf("%s: %d intermediates (%d may write in place), arena %lld, replanned %lld: %s\n", m->name,
         (int)n, (int)candidates, (long long)m->arena_size, (long long)arena,
         same ? "same plan" : "DIFFERENT");
  int valid = check_plan(m) == 0;
  /* All freed, so that a leak check (scripts/test-sanitized.sh) reports only Kiln's. */
  free(ids);
  free(defs);
  free(last);
  free(reuse);
  free(sizes);
  free(offsets);
  free(scratch);
  return same && valid ? 0 : 1;
}
