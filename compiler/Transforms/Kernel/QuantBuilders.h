//===- QuantBuilders.h - Shared builders of the quantization passes -*- C++ -*-===//
//
// The constants and elementwise ops that kiln-quantize-int8-dynamic and
// kiln-lift-integer-matmul both create.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TRANSFORMS_KERNEL_QUANTBUILDERS_H
#define KILN_TRANSFORMS_KERNEL_QUANTBUILDERS_H

#include "compiler/Utils/ConstantData.h"
#include "dialects/Graph/GraphOps.h"
#include "dialects/Kernel/KernelOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringSet.h"

#include <functional>
#include <string>
#include <vector>

namespace kiln {

/// The ONNX node name a location carries (the importer's NameLoc), or "".
std::string nodeName(mlir::Location loc);

/// The resource key of a constant's data ("weight" when it is inline).
inline std::string constantKey(graph::ConstantOp c) { return resourceKey(c.getValue(), "weight"); }

/// A graph.constant of `shape` and element type `et` holding `data`, stored
/// as the resource `name` (a weight of the library's blob).
template <typename T>
mlir::Value resourceConstant(mlir::OpBuilder &b, mlir::Location loc, llvm::ArrayRef<int64_t> shape,
                             mlir::Type et, llvm::ArrayRef<T> data, const std::string &name) {
  auto type = mlir::RankedTensorType::get(shape, et);
  return b.create<graph::ConstantOp>(loc, type, resourceAttr(type, data, name));
}

/// `like` with element type `et`, keeping its symbolic-shape encoding (a
/// `?` dim's type without it does not verify).
mlir::RankedTensorType withElementType(mlir::RankedTensorType like, mlir::Type et);

/// A kernel.elementwise of `type` over `inputs` read through `maps`, its body
/// built by `body` from one scalar per input.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
                             mlir::ValueRange inputs, llvm::ArrayRef<mlir::AffineMap> maps,
                             llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::ValueRange)> body);

/// The u8 or s8 input of a one-input elementwise `ew` whose body `ops` (its
/// ops before the yield) only converts it: ui8 reaches arith through an
/// unrealized cast to i8 and then `UnsignedOp` (extui, uitofp), i8 goes
/// straight to `SignedOp` (extsi, sitofp). Null otherwise.
template <typename UnsignedOp, typename SignedOp>
mlir::Value eightBitOperand(kernel::ElementwiseOp ew, llvm::ArrayRef<mlir::Operation *> ops) {
  if (!ew || ew.getInputs().size() != 1)
    return {};
  mlir::Type in = llvm::cast<mlir::RankedTensorType>(ew.getInputs()[0].getType()).getElementType();
  if (in.isUnsignedInteger(8) && ops.size() == 2 && llvm::isa<mlir::UnrealizedConversionCastOp>(ops[0]) &&
      llvm::isa<UnsignedOp>(ops[1]))
    return ew.getInputs()[0];
  if (in.isSignlessInteger(8) && ops.size() == 1 && llvm::isa<SignedOp>(ops[0]))
    return ew.getInputs()[0];
  return {};
}

/// s8 activations as the u8 VNNI multiplies: q xor 0x80 (= q + 128), an
/// elementwise of q's shape. The zero point moves by +128 with it.
mlir::Value flipToUnsigned(mlir::OpBuilder &b, mlir::Location loc, mlir::Value q);

/// The s8 weight q [K, N] (row-major) as a constant `<key>_s8`, with its
/// column sums `<key>_s8_colsum` (kernel.qmatmul's b_colsum).
std::pair<mlir::Value, mlir::Value> s8WeightConstants(mlir::OpBuilder &b, mlir::Location loc,
                                                       llvm::ArrayRef<int8_t> q, int64_t K, int64_t N,
                                                       const std::string &key);

/// Erases `v`'s producer and, recursively, its operands' when nothing else
/// reads them (elementwise ops and constants only): a decomposition a
/// quantized kernel replaced.
void eraseDeadChain(mlir::Value v);

/// Whether a quantization scheme may rewrite `op`: a kernel.matmul of an f32
/// A (rank >= 2, static K; rows and batch may be symbolic) by a 2-D f32 constant, with no epilogue or
/// panel yet and an f32 bias if any, whose ONNX node is not in `skipped`.
/// Without `symbolicRows`, A must be static as well.
bool isWeightMatMul(kernel::MatMulOp op, const llvm::StringSet<> &skipped, bool symbolicRows = true);

/// W [K, N] (read through `at(k, n)`) quantized per column, symmetric: q
/// [K, N] row-major s8 (half to even, [-127, 127]), scale [N] = max|w| / 127
/// times alpha (1 for an all-zero column), colsum [N] = sum_k q. The rule of
/// quantizeWeightPerColumn, which kiln-sparsify's int8 form shares.
struct PerColumnInt8 {
  std::vector<int8_t> q;
  std::vector<float> scale;
  std::vector<int32_t> colsum;
};
/// `qmax` 63 gives the 7-bit weights of weightQMax.
PerColumnInt8 quantizePerColumn(int64_t K, int64_t N, const std::function<float(int64_t, int64_t)> &at, float alpha,
                                int qmax = 127);

/// A weight matmul's B quantized per column, symmetric: q [K, N] s8
/// (half to even, [-127, 127]), scales [N] = max|w| / 127 times alpha (1 for
/// an all-zero column) and the column sums [N], as `<key>_q8*` constants.
/// The weight schemes int8-dynamic and int8-static share it.
struct QuantizedWeight {
  mlir::Value q, scale, colsum;
};
QuantizedWeight quantizeWeightPerColumn(mlir::OpBuilder &b, mlir::Location loc, graph::ConstantOp c, bool trans,
                                        float alpha, int qmax = 127);

/// The largest |q| of the weight schemes' int8 weights for the module's
/// target: 63 (7 bits, onnxruntime's reduce_range) on an AVX2 x86 target
/// without an int8 dot product, where the qmatmul kernel's u8 x s7 pairs
/// (vpmaddubsw) cannot saturate int16; else 127.
int weightQMax(mlir::ModuleOp module);

/// The matmuls of `fn` a scheme rewrites (isWeightMatMul, ONNX node not in
/// `skip`), in walk order: the order calibrated ranges come in.
llvm::SmallVector<kernel::MatMulOp> weightMatMuls(mlir::func::FuncOp fn, llvm::ArrayRef<std::string> skip,
                                                  bool symbolicRows = true);

/// weightMatMuls, for an int8 scheme. Warns once on `fn` when there are some and
/// the target has no int8 dot product (AVX512-VNNI, AVX-VNNI) nor AVX2 for
/// the 7-bit pairs: there the kernels widen to 16 bits and run slower than fp32.
llvm::SmallVector<kernel::MatMulOp> int8WeightMatMuls(mlir::func::FuncOp fn, llvm::ArrayRef<std::string> skip,
                                                      llvm::StringRef scheme);

/// Replaces the weight matmul `op` by a kernel.qmatmul of the u8 activation
/// `q` (with its scale and zero point, per tensor or per row) by its weight
/// quantized per column (to weightQMax); alpha folds into the weight scales,
/// a bias stays.
/// Returns the qmatmul and its weight's constants.
std::pair<kernel::QMatMulOp, QuantizedWeight> replaceWithQMatMul(kernel::MatMulOp op, mlir::Value q,
                                                                 mlir::Value aScale, mlir::Value aZero);

/// Per-row DynamicQuantizeLinear of x [..., M, K] (Kiln's int8-dynamic rule:
/// round(x * (1 / scale)) + zero): (q ui8, scale f32 [..., M, 1], zero i32
/// [..., M, 1]), as reductions and elementwise kernel ops.
std::tuple<mlir::Value, mlir::Value, mlir::Value> quantizeRows(mlir::OpBuilder &b, mlir::Location loc,
                                                               mlir::Value x);

/// `v` rounded to f16 (its bits), or nullopt when f16 cannot hold it: a
/// nonzero value under f16's smallest subnormal, or one past 65504.
std::optional<uint16_t> toHalf(float v);
float fromHalf(uint16_t bits);

/// Scalar arith for the bodies of quantization elementwise ops (f32).
struct ScalarBuilder {
  mlir::OpBuilder &b;
  mlir::Location l;
  mlir::Value f(double v);
  mlir::Value min(mlir::Value x, mlir::Value y);
  mlir::Value max(mlir::Value x, mlir::Value y);
  mlir::Value lt(mlir::Value x, mlir::Value y);
  mlir::Value isZero(mlir::Value x);
  mlir::Value clamp(mlir::Value x, double lo, double hi) { return min(max(x, f(lo)), f(hi)); }
  mlir::Value round(mlir::Value x);
  mlir::Value div(mlir::Value x, mlir::Value y);
  mlir::Value mul(mlir::Value x, mlir::Value y);
  mlir::Value add(mlir::Value x, mlir::Value y);
  /// f32 in [0, 255] to ui8 (through i8 and an unrealized cast, as the
  /// kernel dialect spells unsigned types).
  mlir::Value toU8(mlir::Value x);

  /// int8-dynamic's per-row rule, from the row's min `lo` and max `hi`, shared
  /// by quantizeRows and the qmatmul kernel that quantizes its rows itself:
  /// scale = (max(hi, 0) - min(lo, 0)) / 255;
  mlir::Value rowScale(mlir::Value lo, mlir::Value hi);
  /// zero = clamp(round(-min(lo, 0) / scale), 0, 255), 0 for a zero scale (as f32);
  mlir::Value rowZero(mlir::Value lo, mlir::Value scale);
  /// 1 / scale, 0 for a zero scale (an all-zero row quantizes to the zero point);
  mlir::Value rowInverse(mlir::Value scale);
  /// q = clamp(round(x * inverse) + zero, 0, 255), as f32.
  mlir::Value quantizeU8(mlir::Value x, mlir::Value inverse, mlir::Value zero);
};

} // namespace kiln

#endif
