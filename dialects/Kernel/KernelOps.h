//===- KernelOps.h - kernel dialect ops -===//
#ifndef KILN_DIALECTS_KERNEL_KERNELOPS_H
#define KILN_DIALECTS_KERNEL_KERNELOPS_H

#include "dialects/Kernel/KernelDialect.h"
#include "dialects/Kernel/KernelTraits.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/Kernel/KernelEnums.h.inc"
#define GET_ATTRDEF_CLASSES
#include "dialects/Kernel/KernelAttrs.h.inc"

#define GET_OP_CLASSES
#include "dialects/Kernel/KernelOps.h.inc"

#include <optional>
#include <vector>

namespace kiln::kernel {
/// The data of a constant i16 or i32 operand (inline or a loaded resource
/// blob) as i32, or nullopt when `v` is not a constant or its data is elided.
std::optional<std::vector<int32_t>> constantI32(mlir::Value v);
} // namespace kiln::kernel

#endif
