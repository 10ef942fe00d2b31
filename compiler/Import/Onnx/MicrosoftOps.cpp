//===- MicrosoftOps.cpp - com.microsoft ops onnxruntime's tools write ------===//
//
// Expects: NodeContexts of the com.microsoft domain. MatMulNBits (the 4-bit
// weight-only matmul onnxruntime's quantizer and optimum write for LLMs)
// becomes graph.matmul_nbits over its constant weight, with the scales and
// zero points normalized to f32 [N, blocks] (zero points unpacked from their
// 4-bit form; 8 when absent, as MatMulNBits defines). accuracy_level is
// ignored: A stays f32, each weight is (q - zero) * scale, as at level 0.
//
//===----------------------------------------------------------------------===//
#include "compiler/Import/Onnx/ImportContext.h"

using namespace mlir;
using namespace llvm;

namespace kiln {
namespace {

LogicalResult matMulNBitsOp(NodeContext &n) {
  if (failed(n.expectInputs(3)))
    return failure();
  int64_t K = n.attrInt("K", -1), N = n.attrInt("N", -1), bits = n.attrInt("bits", 4),
          G = n.attrInt("block_size", -1);
  if (bits != 4)
    return n.unsupported("bits = " + Twine(bits) + " is not supported (4 is)");
  if (K < 1 || N < 1)
    return n.fail("needs attributes K and N >= 1, got K = " + Twine(K) + ", N = " + Twine(N));
  if (G < 16 || (G & (G - 1)))
    return n.fail("block_size must be a power of 2 >= 16, got " + Twine(G));
  if (n.hasInput(4))
    return n.unsupported("g_idx (act-order) is not supported");
  const Operand &a = n.in(0), &b = n.in(1), &scales = n.in(2);
  if (a.dtype() != DType::F32)
    return n.unsupported("A of " + Twine(dtypeName(a.dtype())) + " is not supported (FLOAT is)");
  if (a.rank() < 2 || a.symShape().back() != SymExpr::constant(K))
    return n.fail("A must be [..., K] with K = " + Twine(K) + ", got " + n.str(a.symShape()));
  int64_t blocks = (K + G - 1) / G, blob = G / 2;
  if (!b.isConst() || b.dtype() != DType::UI8)
    return n.unsupported("B must be a UINT8 initializer (a weight computed at run time is not supported)");
  // N from an attribute: bounded by B's size before any product can overflow.
  if (N > b.numElements() || b.numElements() % N || b.numElements() / N != blocks * blob)
    return n.fail("B must hold N x blocks x block_size/2 = " + Twine(N) + " x " + Twine(blocks) + " x " +
                  Twine(blob) + " bytes, got " + shapeString(b.shape()));
  if (!scales.isConst() || scales.dtype() != DType::F32 || scales.numElements() != N * blocks)
    return n.fail("scales must be a FLOAT initializer of N x blocks = " + Twine(N * blocks) + " values, got " +
                  Twine(dtypeName(scales.dtype())) + " " + shapeString(scales.shape()));
  // Zero points: 4-bit packed UINT8 [N, ceil(blocks / 2)], or one FLOAT per block; 8 by default.
  HostTensor zeros = HostTensor::zeros(DType::F32, {N, blocks});
  if (n.hasInput(3)) {
    const Operand &zp = n.in(3);
    if (!zp.isConst())
      return n.unsupported("zero_points computed at run time are not supported");
    int64_t perRow = (blocks + 1) / 2;
    if (zp.dtype() == DType::UI8 && zp.numElements() == N * perRow) {
      for (int64_t i = 0; i < N; ++i)
        for (int64_t j = 0; j < blocks; ++j) {
          int64_t byte = zp.constant->getInt(i * perRow + j / 2);
          zeros.setDouble(i * blocks + j, j % 2 ? (byte >> 4) & 15 : byte & 15);
        }
    } else if (zp.dtype() == DType::F32 && zp.numElements() == N * blocks) {
      for (int64_t i = 0; i < N * blocks; ++i)
        zeros.setDouble(i, zp.constant->getDouble(i));
    } else {
      return n.fail("zero_points must be UINT8 [N x ceil(blocks/2)] (4-bit packed) or FLOAT [N x blocks], got " +
                    Twine(dtypeName(zp.dtype())) + " " + shapeString(zp.shape()));
    }
  } else {
    for (int64_t i = 0; i < N * blocks; ++i)
      zeros.setDouble(i, 8);
  }
  Value bias;
  if (n.hasInput(5)) {
    const Operand &bo = n.in(5);
    if (bo.dtype() != DType::F32 || bo.numElements() != N || bo.rank() != 1)
      return n.fail("bias must be FLOAT [" + Twine(N) + "], got " + shapeString(bo.shape()));
    bias = n.materialize(bo);
  }
  Operand bq = reshapeTo(n, b, ArrayRef<int64_t>{N, blocks, blob});
  Operand sq = reshapeTo(n, scales, ArrayRef<int64_t>{N, blocks});
  SmallVector<SymExpr> shape(a.symShape());
  shape.back() = SymExpr::constant(N);
  Value r = n.create<graph::MatMulNBitsOp>(ArrayRef<SymExpr>(shape), DType::F32, n.materialize(a), n.materialize(bq),
                                           n.materialize(sq), n.materialize(Operand::of(std::move(zeros))), bias,
                                           n.b.getI64IntegerAttr(G));
  return n.set(0, Operand::of(r));
}

} // namespace

void addMicrosoftOpHandlers(StringMap<OpHandler> &h) { h["com.microsoft.MatMulNBits"] = matMulNBitsOp; }

} // namespace kiln
