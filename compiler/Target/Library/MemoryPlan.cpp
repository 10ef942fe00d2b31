//===- MemoryPlan.cpp - Arena offsets for intermediates from liveness -===//
//
// Greedy first-fit in definition order: before placing the tensor a step
// writes, every tensor whose last reader ran before that step is freed. A
// step's inputs are still live while it writes its output, except where the
// caller says the step may write over one of them (`reuse`: a pointwise
// kernel reading that input at the element it writes, its last reader): the
// output then takes that input's slot.
//
//===----------------------------------------------------------------------===//
#include "compiler/Target/Library/LibraryEmitter.h"

#include <algorithm>
#include <map>
#include <numeric>

using namespace kiln;

static int64_t align64(int64_t v) { return (v + 63) & ~int64_t(63); }

std::vector<ArenaSlot> kiln::planArena(const std::vector<int64_t> &sizes, const std::vector<int> &defs,
                                       const std::vector<int> &lastUses, const std::vector<int> &reuse,
                                       int64_t &arenaSize) {
  size_t n = sizes.size();
  std::vector<ArenaSlot> slots(n);
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return defs[a] < defs[b]; });
  std::map<int64_t, int64_t> live; // offset -> size of live blocks
  std::vector<size_t> placed;
  arenaSize = 0;
  for (size_t t : order) {
    // Free what died before this definition.
    for (auto it = placed.begin(); it != placed.end();) {
      if (lastUses[*it] < defs[t]) {
        live.erase(slots[*it].offset);
        it = placed.erase(it);
      } else {
        ++it;
      }
    }
    int64_t need = align64(std::max<int64_t>(sizes[t], 1)), offset = 0;
    int r = reuse.empty() ? -1 : reuse[t];
    auto victim = r < 0 ? placed.end() : std::find(placed.begin(), placed.end(), (size_t)r);
    if (victim != placed.end() && sizes[r] == sizes[t] && lastUses[r] == defs[t]) {
      placed.erase(victim);
      slots[t] = {slots[r].offset, sizes[t]}; // live[offset] keeps the same size
      placed.push_back(t);
      continue;
    }
    for (auto [o, s] : live) {
      if (o - offset >= need)
        break;
      offset = std::max(offset, o + align64(s));
    }
    slots[t] = {offset, sizes[t]};
    live[offset] = need;
    placed.push_back(t);
    arenaSize = std::max(arenaSize, offset + need);
  }
  return slots;
}
