//===- Schedules.h - what the kiln-schedule-* passes share -===//
//
// The default schedules of one func (pointwise on the CPU, gpu_tile'd on
// CUDA), and what a recipe's schedule reads back from its halide.kernel: the
// output's row-major shape, the funcs marked `root`. Vars are named as
// KernelBuilder names them: d0 (outermost) .. d<R-1>, r0 for the reduction.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_TRANSFORMS_HALIDE_SCHEDULES_H
#define KILN_COMPILER_TRANSFORMS_HALIDE_SCHEDULES_H

#include "dialects/Halide/HalideOps.h"

#include "mlir/IR/Builders.h"

#include <string>

namespace kiln::schedule {

/// Var name of row-major dim d.
inline std::string var(size_t d) { return "d" + std::to_string(d); }
/// A static dim, or `assume` for a symbolic one.
int64_t staticOr(int64_t dim, int64_t assume);

/// Row-major shape of `extents` (innermost first), kDynamic where symbolic.
llvm::SmallVector<int64_t> rowMajorShape(mlir::AffineMap extents);
/// The kernel's halide.output and the func it names.
halide::OutputOp outputOf(halide::KernelOp kernel);
halide::FuncOp funcNamed(halide::KernelOp kernel, llvm::StringRef name);

/// The funcs marked `root`, in the order their schedules go: body order;
/// for row_sums each sum's `_part` right before it.
llvm::SmallVector<halide::FuncOp> rootFuncs(halide::KernelOp kernel, halide::Recipe recipe);
/// The row-major shape a func marked root was computed over.
llvm::ArrayRef<int64_t> rootShape(halide::FuncOp f);

/// A builder at the end of `kernel`'s region for `target`, appended to the
/// body when there is none.
mlir::OpBuilder scheduleRegion(halide::KernelOp kernel, halide::ScheduleTarget target);
/// Whether `kernel` already has a region for `target`.
bool hasSchedule(halide::KernelOp kernel, halide::ScheduleTarget target);

/// An attention or attention_blocked kernel as its schedules see it: the
/// numbers its lowering recorded, which optional funcs it built, and its
/// canonical result [batch..., rows, E]. With merged heads (a func `fin`,
/// the canonical result) out is [outer..., rows, heads * E].
struct AttentionLayout {
  // kin: K^T of the real keys, which kt pads; vt: V as P V reads it; rsum:
  // 1 / the row sum; sparse: block-sparse (keep, the chosen blocks; the
  // block funcs over explicit row tiles). See Attention.cpp.
  // int8: Q K^T and P V as u8 x s8 dot products (attention_int8); qparts:
  // its row max of |q| goes through vector-wide partials.
  bool blocked, merged, probs, parts, kin, vt, rsum, sparse, int8, qparts;
  size_t nb; // batch dims, heads included
  llvm::SmallVector<int64_t> shape;
  // Kp: the padded keys, kDynamic when symbolic; KB: keys per block, 0
  // unless blocked.
  int64_t rows, D, E, W, Kp, KB;
  explicit AttentionLayout(halide::KernelOp kernel);
};

/// Vectorize the innermost dim when it holds a full vector, parallel over
/// the outermost dim with more than one iteration (and the same for the
/// update when `hasUpdate`) unless the kernel is static with fewer than
/// `minParallel` elements.

void cpuPointwise(mlir::OpBuilder &s, llvm::StringRef f, llvm::ArrayRef<int64_t> shape, mlir::Type type,
                  int64_t vectorBytes, int64_t minParallel, bool hasUpdate = false);

/// The product of `dims`, saturating at `cap`: the work a parallel loop is
/// worth waking the pool for. A dynamic dim counts as 1, its likely size in
/// serving (batch 1, one decode row); its static dims decide.
int64_t cappedProduct(llvm::ArrayRef<int64_t> dims, int64_t cap);
/// The constant extent of the first update of func `f` in `kernel` (a
/// matmul's K); 0 when it has none or it is symbolic.
int64_t reductionExtent(kiln::halide::KernelOp kernel, llvm::StringRef f);
/// The row-major shape of `kernel`'s input `name` ("in1"); empty when there
/// is no such input.
llvm::SmallVector<int64_t> inputShape(kiln::halide::KernelOp kernel, llvm::StringRef name);
/// One thread per point: gpu_tile over the two innermost dims.
void cudaPointwise(mlir::OpBuilder &s, llvm::StringRef f, llvm::ArrayRef<int64_t> shape, bool hasUpdate = false);

} // namespace kiln::schedule

#endif
