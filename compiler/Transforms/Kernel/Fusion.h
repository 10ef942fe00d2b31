//===- Fusion.h - Questions the kernel fusion passes share -*- C++ -*-===//
#ifndef KILN_COMPILER_TRANSFORMS_FUSION_H
#define KILN_COMPILER_TRANSFORMS_FUSION_H

#include "dialects/Kernel/KernelOps.h"

namespace kiln {

/// outer(inner(d)): `inner`'s dims, and the symbols both read (the module's;
/// a map takes none or all of them). AffineMap::compose would concatenate the
/// two symbol lists instead.
mlir::AffineMap composeMaps(mlir::AffineMap outer, mlir::AffineMap inner);

/// The matmul (kernel.matmul or kernel.qmatmul) whose epilogue `e` can
/// become (kiln-fuse-matmul-epilogue): `e` reads its result element for
/// element and is its only user; null if none. `reject`, if given, hears each
/// matmul input of `e` that cannot take it, and why.
mlir::Operation *epilogueProducer(
    kernel::ElementwiseOp e,
    llvm::function_ref<void(mlir::Operation *, const llvm::Twine &)> reject = nullptr);

/// True when `e` only moves data: one input, and its body yields that input
/// unchanged (a transpose, reshape, slice or broadcast).
bool isDataMovement(kernel::ElementwiseOp e);

} // namespace kiln

#endif
