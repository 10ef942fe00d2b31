//===- Lowerings.h - kernel op to halide.kernel, one function per op family -===//
#ifndef KILN_COMPILER_CONVERSION_KERNELTOHALIDE_LOWERINGS_H
#define KILN_COMPILER_CONVERSION_KERNELTOHALIDE_LOWERINGS_H

#include "compiler/Conversion/KernelToHalide/KernelBuilder.h"
#include "dialects/Kernel/KernelOps.h"

namespace kiln {

/// Each fills `kb` (a fresh halide.kernel) with the algorithm of `op` and its
/// default "cpu" and "cuda" schedules. The kernel's inputs are the op's
/// operands in order; its output is named "out".
mlir::LogicalResult lowerElementwise(kernel::ElementwiseOp op, KernelBuilder &kb);
mlir::LogicalResult lowerMatMul(kernel::MatMulOp op, KernelBuilder &kb);
mlir::LogicalResult lowerReduce(kernel::ReduceOp op, KernelBuilder &kb);
mlir::LogicalResult lowerSoftmax(kernel::SoftmaxOp op, KernelBuilder &kb);
mlir::LogicalResult lowerLayerNorm(kernel::LayerNormOp op, KernelBuilder &kb);
mlir::LogicalResult lowerGather(kernel::GatherOp op, KernelBuilder &kb);
mlir::LogicalResult lowerGatherElements(kernel::GatherElementsOp op, KernelBuilder &kb);
mlir::LogicalResult lowerGatherND(kernel::GatherNDOp op, KernelBuilder &kb);
mlir::LogicalResult lowerConcat(kernel::ConcatOp op, KernelBuilder &kb);
mlir::LogicalResult lowerConv(kernel::ConvOp op, KernelBuilder &kb);

} // namespace kiln

#endif
