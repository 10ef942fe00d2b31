//===- plan.h - Arena offsets for intermediates from liveness -------------===//
//
// One planner for both sides: kiln-compile plans static models with it
// (compiler/Transforms/Halide/ArenaPlanner.cpp) and the runtime re-plans symbolic
// models with it whenever their sizes change (resolve.c), so the two plans
// can never drift apart. Plain C, no allocation: the caller passes scratch.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_PLAN_H
#define KILN_RUNTIME_PLAN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Every block is placed at a multiple of this many bytes.
#define KILN_PLAN_ALIGNMENT 64

/// Bytes of scratch kiln_plan_arena needs for `n` tensors.
size_t kiln_plan_arena_scratch_size(int32_t n);

/// Places `n` tensors in one arena. Tensor i has `sizes[i]` bytes, is written
/// by step `defs[i]` and last read by step `last_uses[i]` (>= defs[i]).
/// `reuse[i]` (NULL: none) is -1 or the index j of a tensor that step
/// defs[i] reads last at exactly the element it writes, so i may take j's
/// slot when both have the same size. Greedy first fit in definition order
/// (stable), 64-byte aligned blocks of at least 64 bytes; the plan is made
/// with and without reuse and the smaller arena is kept (with reuse on a tie),
/// as writing in place can fragment the packing.
///
/// Writes `out_offsets[i]` and `*out_arena_size`; `scratch` holds
/// kiln_plan_arena_scratch_size(n) bytes, 8-byte aligned. Returns 0, or -1
/// (outputs unspecified) if a size is negative or the arena overflows int64.
int kiln_plan_arena(int32_t n, const int64_t *sizes, const int32_t *defs, const int32_t *last_uses,
                    const int32_t *reuse, void *scratch, int64_t *out_offsets,
                    int64_t *out_arena_size);

#ifdef __cplusplus
}
#endif
#endif // KILN_RUNTIME_PLAN_H
