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

const kiln_model_t *KILN_MODEL_FN(void);

int main(void) {
  const kiln_model_t *m = KILN_MODEL_FN();
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
  return same ? 0 : 1;
}
