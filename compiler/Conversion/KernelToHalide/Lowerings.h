//===- Lowerings.h - kernel op to halide.kernel, one function per op family -===//
#ifndef KILN_COMPILER_CONVERSION_KERNELTOHALIDE_LOWERINGS_H
#define KILN_COMPILER_CONVERSION_KERNELTOHALIDE_LOWERINGS_H

#include "compiler/Conversion/KernelToHalide/KernelBuilder.h"
#include "dialects/Kernel/KernelOps.h"

namespace kiln {

/// Each fills `kb` (a fresh halide.kernel) with the algorithm of `op` and
/// the recipe its schedules are written from (kiln-schedule-cpu/cuda). The kernel's inputs are the op's
/// operands in order; its output is named "out".
/// Records on @main's kiln.constraints the sizes at which `op` would need an
/// element of an empty symbolic dim (EmptyDims.cpp); the runtime refuses them.
mlir::LogicalResult requireNonEmptyDims(mlir::Operation *op);

mlir::LogicalResult lowerElementwise(kernel::ElementwiseOp op, KernelBuilder &kb);
mlir::LogicalResult lowerMatMul(kernel::MatMulOp op, KernelBuilder &kb);
mlir::LogicalResult lowerQMatMul(kernel::QMatMulOp op, KernelBuilder &kb);
mlir::LogicalResult lowerW4MatMul(kernel::W4MatMulOp op, KernelBuilder &kb);
mlir::LogicalResult lowerSparseMatMul(kernel::SparseMatMulOp op, KernelBuilder &kb);
/// Whether a sparse op's tables are constants, which its verifier checked.
bool checkedSparseTables(mlir::Value indices, mlir::Value offsets);
/// A sparse op's table read index: only promised in [0, hi] (bounds
/// inference, no run-time clamp) when `checked`, clamped otherwise.
mlir::Value sparseTableIndex(mlir::OpBuilder &b, mlir::Value v, int64_t hi, bool checked);
/// Entry p of a sparse op's `indices` table (input `idx`, i16 or i32) as i32.
mlir::Value sparseRow(mlir::OpBuilder &b, llvm::StringRef idx, mlir::Value indices, mlir::Value p);
mlir::LogicalResult lowerSparseQMatMul(kernel::SparseQMatMulOp op, KernelBuilder &kb);
mlir::LogicalResult lowerOutlierMatMul(kernel::OutlierMatMulOp op, KernelBuilder &kb);
mlir::LogicalResult lowerAttention(kernel::AttentionOp op, KernelBuilder &kb);
mlir::LogicalResult lowerReduce(kernel::ReduceOp op, KernelBuilder &kb);
mlir::LogicalResult lowerSoftmax(kernel::SoftmaxOp op, KernelBuilder &kb);
mlir::LogicalResult lowerLayerNorm(kernel::LayerNormOp op, KernelBuilder &kb);
mlir::LogicalResult lowerGather(kernel::GatherOp op, KernelBuilder &kb);
mlir::LogicalResult lowerGatherElements(kernel::GatherElementsOp op, KernelBuilder &kb);
mlir::LogicalResult lowerGatherND(kernel::GatherNDOp op, KernelBuilder &kb);
mlir::LogicalResult lowerConcat(kernel::ConcatOp op, KernelBuilder &kb);
mlir::LogicalResult lowerConv(kernel::ConvOp op, KernelBuilder &kb);
mlir::LogicalResult lowerLogSoftmax(kernel::LogSoftmaxOp op, KernelBuilder &kb);
mlir::LogicalResult lowerRMSNorm(kernel::RMSNormOp op, KernelBuilder &kb);
mlir::LogicalResult lowerArgReduce(kernel::ArgReduceOp op, KernelBuilder &kb);
mlir::LogicalResult lowerScan(kernel::ScanOp op, KernelBuilder &kb);
mlir::LogicalResult lowerTopK(kernel::TopKOp op, KernelBuilder &kb);
mlir::LogicalResult lowerPad(kernel::PadOp op, KernelBuilder &kb);
mlir::LogicalResult lowerTrilu(kernel::TriluOp op, KernelBuilder &kb);
mlir::LogicalResult lowerScatterND(kernel::ScatterNDOp op, KernelBuilder &kb);

// Scalar helpers for bodies (Normalization.cpp).
/// The tail every matmul kind (matmul, qmatmul, w4matmul) applies to its
/// value `v` at result index `d`: + the bias named `bias` (if any, broadcast
/// from the result's trailing dims), then the op's epilogue region, whose
/// inputs the kernel names `inputs`.
mlir::Value matmulTail(mlir::OpBuilder &b, mlir::Value v, mlir::Value biasOperand, llvm::StringRef bias,
                       mlir::Region &epilogue, mlir::ValueRange epilogueInputs, mlir::ArrayAttr epilogueMaps,
                       llvm::ArrayRef<std::string> inputs, KernelBuilder::Idx d);
template <typename MatMulOpT>
mlir::Value matmulTail(mlir::OpBuilder &b, MatMulOpT op, mlir::Value v, llvm::StringRef bias,
                       llvm::ArrayRef<std::string> inputs, KernelBuilder::Idx d) {
  return matmulTail(b, v, op.getBias(), bias, op.getEpilogue(), op.getEpilogueInputs(),
                    op.getEpilogueMaps().value_or(mlir::ArrayAttr()), inputs, d);
}

/// The type a reduction accumulates in: f16 in f32, 8-bit integers in i32
/// (sums and products wrap to the same low bits), the rest in their own type.
mlir::Type accumulatorType(mlir::Type elementType);
/// `v` in accumulator type `acc`; unsigned integers go through their signless
/// twin (arith takes signless integers only) and are zero-extended.
mlir::Value widen(mlir::OpBuilder &b, mlir::Value v, mlir::Type acc);
/// The inverse of widen (truncating).
mlir::Value narrow(mlir::OpBuilder &b, mlir::Value v, mlir::Type elementType);
/// The identity of `combine` (add, mul, max, min) in `t`.
double combineIdentity(halide::Combine combine, mlir::Type t);
/// A constant `v` of any element type (unsigned ones through a cast, integer
/// extremes exact).
mlir::Value typedConstant(mlir::OpBuilder &b, mlir::Type t, double v);

/// Builds `name`(kept dims) = combine over the dims in `reduced` of `type`
/// of value(full row-major index), computed at root (Normalization.cpp). A
/// reduced dim may be symbolic (the rdom's extent is then the kernel's param).
void buildReduction(KernelBuilder &kb, llvm::StringRef name, mlir::RankedTensorType shapeOf,
                    llvm::ArrayRef<bool> reduced, halide::Combine combine, mlir::Type type,
                    double init,
                    const std::function<mlir::Value(mlir::OpBuilder &, KernelBuilder::Idx)> &value);
/// `name`(row) = combine over j < n of value(row, j), row being `rank` dims.
/// When n is a multiple of W above W it goes through `name`_part(row, lane)
/// (j = r * W + lane): partial results a whole vector wide, so the pass over
/// the row vectorizes, then one short scalar reduction. Returns whether the
/// part exists (its lane var is var(rank), to vectorize). Not scheduled.
bool buildLastAxisReduction(KernelBuilder &kb, llvm::StringRef name, size_t rank, int64_t n, int64_t W,
                            halide::Combine combine, mlir::Type type,
                            const std::function<mlir::Value(mlir::OpBuilder &, KernelBuilder::Idx, mlir::Value)> &value);
/// Marks func `name` of row-major `shape`, which has one update, as computed
/// at root (the root_update recipe): its update parallel over its outermost
/// dim on the CPU, gpu_tile'd on CUDA.
void scheduleRootWithUpdate(KernelBuilder &kb, llvm::StringRef name, llvm::ArrayRef<int64_t> shape);
/// kernel.layer_norm's formula, shared by its kernel and by the qmatmul that
/// normalizes its rows itself (so a folded LayerNorm computes the same
/// values): 1 / std = rsqrt(sqSum / count + eps), and the normalized value
/// (x - mean) * rstd * scale (+ bias; a null bias is none).
mlir::Value layerNormRstd(mlir::OpBuilder &b, mlir::Value sqSum, int64_t count, float eps);
mlir::Value layerNormValue(mlir::OpBuilder &b, mlir::Value centered, mlir::Value rstd, mlir::Value scale,
                           mlir::Value bias);
/// Picks the kept dims out of a full row-major index.
llvm::SmallVector<mlir::Value> kept(KernelBuilder::Idx full, llvm::ArrayRef<bool> reduced);

} // namespace kiln

#endif
