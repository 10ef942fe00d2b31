//===- KernelTraits.h - kernel op traits -===//
//
// Kernel ops and their lowerings read int64 sizes, so until the kernel
// dialect takes symbolic dims (step 4 of docs/design-symbolic-shapes.md)
// every kernel op refuses a `?` dim by name instead of miscompiling it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_KERNEL_KERNELTRAITS_H
#define KILN_DIALECTS_KERNEL_KERNELTRAITS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"

namespace kiln::kernel::OpTrait {

template <typename ConcreteType>
class StaticShapes : public mlir::OpTrait::TraitBase<ConcreteType, StaticShapes> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    auto dynamic = [](mlir::Type t) {
      auto r = mlir::dyn_cast<mlir::RankedTensorType>(t);
      return r && !r.hasStaticShape();
    };
    if (llvm::any_of(op->getOperandTypes(), dynamic) || llvm::any_of(op->getResultTypes(), dynamic))
      return op->emitOpError("symbolic dims are not supported by the kernel dialect yet");
    return mlir::success();
  }
};

} // namespace kiln::kernel::OpTrait

#endif
