//===- Fusion.h - Questions the kernel fusion passes share -*- C++ -*-===//
#ifndef KILN_COMPILER_TRANSFORMS_FUSION_H
#define KILN_COMPILER_TRANSFORMS_FUSION_H

#include "dialects/Kernel/KernelOps.h"

namespace kiln {

/// outer(inner(d)): `inner`'s dims, and the symbols both read (the module's;
/// a map takes none or all of them). AffineMap::compose would concatenate the
/// two symbol lists instead.
mlir::AffineMap composeMaps(mlir::AffineMap outer, mlir::AffineMap inner);

/// The matmul whose epilogue `e` can become (kiln-fuse-matmul-epilogue): `e`
/// reads its result element for element and is its only user; null if none.
kernel::MatMulOp epilogueProducer(kernel::ElementwiseOp e);

/// True when `e` only moves data: one input, and its body yields that input
/// unchanged (a transpose, reshape, slice or broadcast).
bool isDataMovement(kernel::ElementwiseOp e);

} // namespace kiln

#endif
