//===- CausalMask.h - Proves an attention's score region causal -*- C++ -*-===//
#ifndef KILN_COMPILER_TRANSFORMS_KERNEL_CAUSALMASK_H
#define KILN_COMPILER_TRANSFORMS_KERNEL_CAUSALMASK_H

#include "dialects/Kernel/KernelOps.h"

#include <optional>

namespace kiln {

/// The past P (keys = P + rows) when `att`'s score region, evaluated over its
/// constant score inputs, provably sends every key j > i + P of row i to a
/// score whose exp vanishes once the row's max is taken, and leaves key
/// i + P with a score that is not: the `causal` attribute's promise. Raw
/// scores are assumed finite and below 2^64 in magnitude (a float-lowest mask
/// is exact only so: lowest - m underflows for every m above lowest + 104).
/// nullopt when a score input is not a constant, the shape is symbolic, the
/// region does something the interval evaluation does not model, or a
/// masked score might not vanish (an additive -1e4).
std::optional<int64_t> provenCausalPast(kernel::AttentionOp att);

} // namespace kiln

#endif
