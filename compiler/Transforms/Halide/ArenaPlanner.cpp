//===- ArenaPlanner.cpp - Arena offsets for intermediates from liveness -===//
//
// A thin wrapper: the algorithm is runtime/src/plan.c, compiled into both the
// compiler and the runtime so that static plans (made here) and symbolic ones
// (made by the runtime per size) are one algorithm.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Halide/MemoryPlanning.h"
#include "runtime/src/plan.h"

using namespace kiln;

std::optional<std::vector<ArenaSlot>> kiln::planArena(const std::vector<int64_t> &sizes,
                                                      const std::vector<int> &defs,
                                                      const std::vector<int> &lastUses,
                                                      const std::vector<int> &reuse,
                                                      int64_t &arenaSize) {
  int32_t n = (int32_t)sizes.size();
  std::vector<int32_t> d(defs.begin(), defs.end()), l(lastUses.begin(), lastUses.end()),
      r(reuse.begin(), reuse.end());
  std::vector<int64_t> offsets(sizes.size());
  std::vector<uint64_t> scratch((kiln_plan_arena_scratch_size(n) + 7) / 8);
  if (kiln_plan_arena(n, sizes.data(), d.data(), l.data(), r.empty() ? nullptr : r.data(),
                      scratch.data(), offsets.data(), &arenaSize) != 0)
    return std::nullopt;
  std::vector<ArenaSlot> slots(sizes.size());
  for (size_t i = 0; i < sizes.size(); ++i)
    slots[i] = {offsets[i], sizes[i]};
  return slots;
}
