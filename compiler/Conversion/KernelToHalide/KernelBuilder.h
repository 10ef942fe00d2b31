//===- KernelBuilder.h - Build halide.kernel ops in row-major terms -===//
//
// Kernel ops speak row-major (ONNX) shapes; Halide speaks innermost-first
// dims. This builder is the one place that reverses them: callers give and
// receive row-major index lists, and the vars of a rank-R func are named
// d0 (outermost) .. d<R-1> (innermost), listed innermost first in Halide.
// Reduction vars are r0 (innermost) ... as the translation names them.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_CONVERSION_KERNELTOHALIDE_KERNELBUILDER_H
#define KILN_COMPILER_CONVERSION_KERNELTOHALIDE_KERNELBUILDER_H

#include "dialects/Halide/HalideOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include <functional>

namespace kiln {

/// Options that pick default schedules.
struct ScheduleOptions {
  int64_t vectorBytes = 32; ///< 32 for AVX2, 64 for AVX-512
};

class KernelBuilder {
public:
  using Idx = llvm::ArrayRef<mlir::Value>;
  using BodyFn = std::function<mlir::Value(mlir::OpBuilder &, Idx)>;
  using UpdateFn = std::function<mlir::Value(mlir::OpBuilder &, Idx vars, Idx rvars)>;
  using TupleBodyFn = std::function<llvm::SmallVector<mlir::Value>(mlir::OpBuilder &, Idx)>;
  using TupleUpdateFn = std::function<llvm::SmallVector<mlir::Value>(mlir::OpBuilder &, Idx vars, Idx rvars)>;

  KernelBuilder(mlir::OpBuilder &b, mlir::Location loc, mlir::ModuleOp module, llvm::StringRef name,
                const ScheduleOptions &options);

  halide::KernelOp op() { return kernel; }
  /// Declares halide.param @s<k> for every symbol `e` uses.
  static void declareParams(halide::KernelOp kernel, mlir::AffineExpr e);
  const ScheduleOptions &options() const { return opts; }

  /// Declares the next input from a tensor; returns its symbol ("in0", ...).
  std::string input(mlir::Value tensor);
  /// Declares a func with a pure definition over row-major `shape`.
  void func(llvm::StringRef name, size_t rank, mlir::Type type, const BodyFn &body);
  /// An update `name(vars) <combine>= body` over an RDom of row-major `extents`.
  void update(llvm::StringRef name, size_t rank, llvm::ArrayRef<int64_t> extents,
              halide::Combine combine, mlir::Type type, const UpdateFn &body);
  /// update, visiting only the reduction points where a predicate holds: the
  /// body returns {value, i1 predicate of the reduction vars} (RDom::where).
  void updateWhere(llvm::StringRef name, size_t rank, llvm::ArrayRef<int64_t> extents, halide::Combine combine,
                   mlir::Type type, const TupleUpdateFn &body);
  /// A tuple func of `n` values of `type` per point, and its `set` update
  /// (the body may read the func at the same vars: a recurrence over the RDom).
  void tupleFunc(llvm::StringRef name, size_t rank, mlir::Type type, unsigned n, const TupleBodyFn &body);
  void tupleUpdate(llvm::StringRef name, size_t rank, llvm::ArrayRef<int64_t> extents, mlir::Type type,
                   const TupleUpdateFn &body);
  /// The same over row-major extents that may be symbolic (dims()).
  void update(llvm::StringRef name, size_t rank, llvm::ArrayRef<mlir::AffineExpr> extents,
              halide::Combine combine, mlir::Type type, const UpdateFn &body);
  void tupleUpdate(llvm::StringRef name, size_t rank, llvm::ArrayRef<mlir::AffineExpr> extents,
                   mlir::Type type, const TupleUpdateFn &body);
  void output(llvm::StringRef name, llvm::ArrayRef<int64_t> shape);
  /// The output with the dims of `type` (symbolic dims as the kernel's params).
  void output(llvm::StringRef name, mlir::RankedTensorType type);
  /// Evaluates func `name` with IEEE float semantics: for values that must
  /// stay -inf or NaN (masks, NaN guards), which Halide's fast-math may drop.
  void strictFloat(llvm::StringRef name);
  /// Marks func `name` of `type` as the output; a kernel with no other
  /// recipe is scheduled pointwise.
  void pointwiseOutput(llvm::StringRef name, mlir::RankedTensorType type);

  /// Records which schedule the kiln-schedule-* passes write for the kernel.
  void recipe(halide::Recipe r) { kernel.setRecipe(r); }
  /// Marks func `name`, of row-major `shape`, as computed at root by its recipe.
  void markRoot(llvm::StringRef name, llvm::ArrayRef<int64_t> shape);

  /// Row-major dims of `type` over the module's symbols: constants for static
  /// dims, the encoding's polynomials for `?` dims.
  static llvm::SmallVector<mlir::AffineExpr> dims(mlir::RankedTensorType type);
  /// A static dim, or `assume` for a symbolic one: schedules pick tiles for
  /// symbolic dims as if they were large, and splits of them are guarded.
  static int64_t staticOr(int64_t dim, int64_t assume) {
    return mlir::ShapedType::isDynamic(dim) ? assume : dim;
  }
  /// Symbol k (halide.sym @s<k>) in a body of this kernel; declares the
  /// kernel's halide.param @s<k> on first use.
  static mlir::Value sym(mlir::OpBuilder &b, unsigned k);
  /// Dim d of `type` as an i32 value (a constant, or arithmetic on symbols).
  static mlir::Value dimSize(mlir::OpBuilder &b, mlir::RankedTensorType type, unsigned d);

  /// Var name of row-major dim d of a rank-R func.
  static std::string var(size_t d) { return "d" + std::to_string(d); }

  // Scalar helpers for bodies (i32 index arithmetic).
  static mlir::Value call(mlir::OpBuilder &b, llvm::StringRef callee, mlir::Type type, Idx idx);
  /// Element `k` of tuple func `callee` at `idx`.
  static mlir::Value callElement(mlir::OpBuilder &b, llvm::StringRef callee, mlir::Type type, Idx idx, unsigned k);
  static mlir::Value i32(mlir::OpBuilder &b, int64_t v);
  static mlir::Value constant(mlir::OpBuilder &b, mlir::Type type, double v);
  /// Evaluates an affine expression of `dims` as i32 arithmetic.
  static mlir::Value affine(mlir::OpBuilder &b, mlir::AffineExpr e, Idx dims);
  /// The indices `map` gives for output index `dims` into a tensor of
  /// `shape`. Indices with floordiv or mod (reshapes, composed maps) are
  /// clamped into the tensor: they are in range, but Halide's interval bounds
  /// of `x - (x floordiv k) * k` style terms are not tight enough to prove it.
  static llvm::SmallVector<mlir::Value> mapIndices(mlir::OpBuilder &b, mlir::AffineMap map, Idx dims,
                                                   mlir::RankedTensorType type);
  static llvm::SmallVector<mlir::Value> mapIndices(mlir::OpBuilder &b, mlir::AffineMap map, Idx dims,
                                                   llvm::ArrayRef<int64_t> shape);
  /// Clones a scalar region ending in kernel.yield (a kernel.elementwise body,
  /// a matmul epilogue) for output index `dims`: its first arguments take
  /// `leading`, the rest read `inputs` (kernel inputs `names`) through `maps`.
  /// Returns the yielded value.
  static mlir::Value inlineBody(mlir::OpBuilder &b, mlir::Block &body, mlir::ValueRange leading,
                                mlir::ValueRange inputs, mlir::ArrayAttr maps,
                                llvm::ArrayRef<std::string> names, Idx dims);
  /// Converts an integer index value (any width) to i32, clamped to [0, size-1],
  /// with ONNX's negative indices counting from the end.
  static mlir::Value index(mlir::OpBuilder &b, mlir::Value v, int64_t size);
  /// The same for a size that is an i32 value (a symbolic dim).
  static mlir::Value index(mlir::OpBuilder &b, mlir::Value v, mlir::Value size);
  /// An i32 index clamped to [0, size-1] (no negative-index wrap).
  static mlir::Value clampToSize(mlir::OpBuilder &b, mlir::Value v, int64_t size);

private:
  mlir::Location loc;
  halide::KernelOp kernel;
  mlir::OpBuilder body;
  ScheduleOptions opts;
  int numInputs = 0;
};

} // namespace kiln

#endif
