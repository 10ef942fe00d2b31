//===- FourBitMatMul.cpp - MatMul/Gemm by a blocked 4-bit weight -----------===//
//
// Expects: the FourBitWeight that QuantOps.cpp attaches to DequantizeLinear
// of an INT4/UINT4 constant blocked along K: the form exporters write for
// 4-bit LLM weights (q [K, N] blocked along axis 0 for MatMul, q [N, K] along
// axis 1 for Gemm with transB).
// Produces: a graph.matmul_nbits of A by the 4-bit values, which
// convert-graph-to-kernel packs for kernel.w4matmul, so the library holds the
// weight in 4 bits. The weight is written in MatMulNBits' layout: per column,
// k consecutive, two per byte (even k in the low nibble), blocks zero-padded.
// kernel.w4matmul's nibbles are unsigned: INT4 values and zero points move by
// +8, which leaves q - zero unchanged. A zero point that is absent is 0, as in
// DequantizeLinear (MatMulNBits' default, 8, does not apply). Gemm's alpha
// scales the scales; the product is then the same sum of (q - zero) * scale
// * a, rounded in another order than the f32 matmul of the folded weight.
//
//===----------------------------------------------------------------------===//
#include "compiler/Import/Onnx/ImportContext.h"

using namespace mlir;
using namespace llvm;

namespace kiln {

std::optional<Operand> fourBitMatMul(NodeContext &n, const Operand &a, const FourBitWeight &w, bool transB,
                                     float alpha, Value bias) {
  int64_t kAxis = transB ? 1 : 0;
  if (a.dtype() != DType::F32 || a.rank() < 2 || w.axis != kAxis || w.q.shape.size() != 2)
    return std::nullopt;
  int64_t K = w.q.shape[kAxis], N = w.q.shape[1 - kAxis], G = w.blockSize;
  if (a.symShape().back() != SymExpr::constant(K))
    return std::nullopt;
  int64_t KB = (K + G - 1) / G, GH = G / 2;
  int64_t offset = w.q.dtype == DType::I4 ? 8 : 0;
  // Element (k, n) of q, or of the per-block scales and zero points.
  auto at = [&](int64_t k, int64_t col, int64_t rows) { return transB ? col * rows + k : k * N + col; };
  HostTensor packed = HostTensor::zeros(DType::UI8, {N, KB, GH});
  HostTensor scales = HostTensor::zeros(DType::F32, {N, KB}), zeros = HostTensor::zeros(DType::F32, {N, KB});
  auto *bytes = reinterpret_cast<uint8_t *>(packed.data->data());
  for (int64_t col = 0; col < N; ++col) {
    for (int64_t k = 0; k < K; ++k)
      bytes[col * KB * GH + k / 2] |= uint8_t(w.q.getInt(at(k, col, K)) + offset) << (k % 2 ? 4 : 0);
    for (int64_t kb = 0; kb < KB; ++kb) {
      scales.setDouble(col * KB + kb, float(w.scale.getDouble(at(kb, col, KB))) * alpha);
      zeros.setDouble(col * KB + kb, double((w.zero ? w.zero->getInt(at(kb, col, KB)) : 0) + offset));
    }
  }
  packed.name = w.q.name;
  scales.name = w.q.name + "_scale";
  zeros.name = w.q.name + "_zero";
  SmallVector<SymExpr> shape = a.symShape();
  shape.back() = SymExpr::constant(N);
  Value r = n.create<graph::MatMulNBitsOp>(ArrayRef<SymExpr>(shape), DType::F32, n.materialize(a),
                                           n.materialize(Operand::of(std::move(packed))),
                                           n.materialize(Operand::of(std::move(scales))),
                                           n.materialize(Operand::of(std::move(zeros))), bias,
                                           n.b.getI64IntegerAttr(G));
  return Operand::of(r);
}

} // namespace kiln
