//===- MemoryPlanning.h - What -kiln-plan-memory decides with -===//
#ifndef KILN_COMPILER_TRANSFORMS_HALIDE_MEMORYPLANNING_H
#define KILN_COMPILER_TRANSFORMS_HALIDE_MEMORYPLANNING_H

#include "dialects/Halide/HalideOps.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace kiln {

/// A tensor's storage in the arena: [offset, offset + size).
struct ArenaSlot {
  int64_t offset = 0, size = 0;
};

/// True when `kernel` reads its input `j` only at the index of the output
/// element it computes, so the output may be written over it (in place).
bool readsPointwise(halide::KernelOp kernel, size_t j);

/// Liveness-based first-fit placement of intermediates: runtime/src/plan.h's
/// kiln_plan_arena, the planner the runtime uses for symbolic models. `sizes[i]`,
/// `defs[i]` and `lastUses[i]` give each tensor's bytes, defining step and last
/// reading step; two tensors share bytes only when one is dead before the other
/// is written, or when `reuse[i]` names the input tensor i may overwrite (-1:
/// none). Returns the slots and sets `arenaSize`; nullopt if the sizes overflow.
std::optional<std::vector<ArenaSlot>> planArena(const std::vector<int64_t> &sizes,
                                                const std::vector<int> &defs,
                                                const std::vector<int> &lastUses,
                                                const std::vector<int> &reuse, int64_t &arenaSize);

} // namespace kiln

#endif
