//===- MatMul.cpp - kernel.matmul to a halide.kernel -===//
//
// acc(n, m, batch) = sum_k A(k, m, batchA) * B(n, k, batchB), then
// out = alpha * acc (+ bias). The schedules (register tiles on the CPU, see
// compiler/Transforms/Halide/ScheduleCpu.cpp) are written by the
// kiln-schedule-* passes from the matmul / matmul_packed recipes.
//
// Symbolic dims: rows (M) and batch dims may be `?`; K and N may not (they
// are weights' and heads' sizes in every model, and the register tile is
// picked from N).
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"
#include "dialects/Utils/Shape.h"

using namespace mlir;
using namespace kiln;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

/// Row-major batch indices of an operand of rank `rank` whose batch dims
/// broadcast against the result's (size-1 dims read 0).
static SmallVector<Value> batchIndex(OpBuilder &b, ArrayRef<int64_t> shape, size_t resultBatch,
                                     KernelBuilder::Idx d) {
  SmallVector<Value> idx;
  size_t batch = shape.size() - 2, offset = resultBatch - batch;
  for (size_t i = 0; i < batch; ++i)
    idx.push_back(shape[i] == 1 ? KernelBuilder::i32(b, 0) : d[offset + i]);
  return idx;
}

/// x * y and x + y for float or integer accumulators.
static Value mul(OpBuilder &b, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return b.create<arith::MulFOp>(b.getUnknownLoc(), x, y);
  return b.create<arith::MulIOp>(b.getUnknownLoc(), x, y);
}
static Value add(OpBuilder &b, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return b.create<arith::AddFOp>(b.getUnknownLoc(), x, y);
  return b.create<arith::AddIOp>(b.getUnknownLoc(), x, y);
}

/// Names of the epilogue inputs, in order.
static SmallVector<std::string> epilogueInputs(kernel::MatMulOp op, KernelBuilder &kb) {
  SmallVector<std::string> names;
  for (Value in : op.getEpilogueInputs())
    names.push_back(kb.input(in));
  return names;
}

/// Epilogue shared by both forms: alpha * acc (+ bias broadcast to the
/// result), then the fused epilogue region, its inputs read through their maps.
static Value epilogue(OpBuilder &b, kernel::MatMulOp op, StringRef bias, ArrayRef<std::string> inputs, Value v,
                      KernelBuilder::Idx d) {
  Location l = b.getUnknownLoc();
  Type et = v.getType();
  float alpha = op.getAlpha().convertToFloat();
  if (alpha != 1.0f)
    v = b.create<arith::MulFOp>(l, v, KernelBuilder::constant(b, et, alpha));
  return matmulTail(b, op, v, bias, inputs, d);
}

Value kiln::matmulTail(OpBuilder &b, Value v, Value biasOperand, StringRef bias, Region &epilogue,
                       ValueRange epilogueInputs, ArrayAttr epilogueMaps, ArrayRef<std::string> inputs,
                       KernelBuilder::Idx d) {
  if (!bias.empty()) {
    auto bs = tt(biasOperand).getShape();
    SmallVector<Value> bi;
    for (size_t i = 0; i < bs.size(); ++i)
      bi.push_back(bs[i] == 1 ? KernelBuilder::i32(b, 0) : d[d.size() - bs.size() + i]);
    v = ::add(b, v, KernelBuilder::call(b, bias, v.getType(), bi));
  }
  if (epilogue.empty())
    return v;
  return KernelBuilder::inlineBody(b, epilogue.front(), v, epilogueInputs, epilogueMaps, inputs, d);
}

/// B pre-packed as panels [N/NR, K, NR] (kiln-pack-weights). The accumulator
/// lives in panel coordinates acc(batch, no, m, ni), so the hot loop reads B
/// with unit stride and never divides; `out` maps n back to (n / NR, n % NR).
/// CPU: an MR x NR register tile (NR = 1-3 vectors) with the full K loop
/// inside it, unrolled by 4, panels outermost and parallel: the schedule that
/// measured 95-98% of the AVX2 FMA peak in shared/notes/halide-gemm.md.
static LogicalResult lowerPackedMatMul(kernel::MatMulOp op, KernelBuilder &kb) {
  auto res = tt(op.getResult());
  Type et = tt(op.getLhs()).getElementType(), outT = res.getElementType();
  ArrayRef<int64_t> shape = res.getShape();
  size_t rank = shape.size(), batch = rank - 2;
  auto aShape = tt(op.getLhs()).getShape();
  int64_t NR = *op.getBPanel(), K = aShape.back();
  std::string a = kb.input(op.getLhs()), bName = kb.input(op.getRhs());
  std::string bias = op.getBias() ? kb.input(op.getBias()) : "";
  SmallVector<std::string> epi = epilogueInputs(op, kb);

  // acc row-major dims: [batch..., no, m, ni].
  kb.func("acc", rank + 1, et, [&](OpBuilder &b, KernelBuilder::Idx) {
    return KernelBuilder::constant(b, et, 0);
  });
  kb.update("acc", rank + 1, {K}, halide::Combine::Add, et, [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) {
    Value no = d[rank - 2], m = d[rank - 1], ni = d[rank], k = r[0];
    SmallVector<Value> ai = batchIndex(b, aShape, batch, d);
    ai.append({m, k});
    Value x = KernelBuilder::call(b, a, et, ai), y = KernelBuilder::call(b, bName, et, {no, k, ni});
    return ::mul(b, x, y);
  });
  kb.func("out", rank, outT, [&](OpBuilder &b, KernelBuilder::Idx d) {
    Location l = b.getUnknownLoc();
    Value n = d[rank - 1];
    SmallVector<Value> idx(d.begin(), d.begin() + batch);
    idx.push_back(b.create<arith::FloorDivSIOp>(l, n, KernelBuilder::i32(b, NR)));
    idx.push_back(d[rank - 2]);
    idx.push_back(b.create<arith::RemSIOp>(l, n, KernelBuilder::i32(b, NR)));
    return epilogue(b, op, bias, epi, KernelBuilder::call(b, "acc", et, idx), d);
  });
  kb.output("out", res);

  kb.recipe(halide::Recipe::MatMulPacked);
  kb.op().setBPanel(NR);
  return success();
}

LogicalResult kiln::lowerMatMul(kernel::MatMulOp op, KernelBuilder &kb) {
  // K sizes the rdom and N the register tile and the panels: both must be numbers.
  auto aT = tt(op.getLhs()), bT = tt(op.getRhs()), resT = tt(op.getResult());
  int64_t bRank = bT.getRank();
  bool packedSymbolic = op.getBPanel() && !bT.hasStaticShape(); // panels [N/NR, K, NR]
  if (aT.isDynamicDim(aT.getRank() - 1) || resT.isDynamicDim(resT.getRank() - 1) ||
      bT.isDynamicDim(bRank - 1) || bT.isDynamicDim(bRank - 2) || packedSymbolic)
    return op.emitOpError("symbolic K or N is not supported by convert-kernel-to-halide (only rows and batch "
                          "dims may be symbolic)");
  if (op.getBPanel())
    return lowerPackedMatMul(op, kb);
  auto res = tt(op.getResult());
  Type et = tt(op.getLhs()).getElementType(), outT = res.getElementType();
  ArrayRef<int64_t> shape = res.getShape();
  size_t rank = shape.size(), batch = rank - 2;
  auto aShape = tt(op.getLhs()).getShape(), bShape = tt(op.getRhs()).getShape();
  int64_t K = aShape.back();
  bool transB = op.getTransB();
  std::string a = kb.input(op.getLhs()), bName = kb.input(op.getRhs());
  std::string bias = op.getBias() ? kb.input(op.getBias()) : "";
  SmallVector<std::string> epi = epilogueInputs(op, kb);

  kb.func("acc", rank, et, [&](OpBuilder &b, KernelBuilder::Idx) {
    return KernelBuilder::constant(b, et, 0);
  });
  kb.update("acc", rank, {K}, halide::Combine::Add, et, [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) {
    Value m = d[rank - 2], n = d[rank - 1], k = r[0];
    SmallVector<Value> ai = batchIndex(b, aShape, batch, d), bi = batchIndex(b, bShape, batch, d);
    ai.append({m, k});
    if (transB)
      bi.append({n, k});
    else
      bi.append({k, n});
    Value x = KernelBuilder::call(b, a, et, ai), y = KernelBuilder::call(b, bName, et, bi);
    return ::mul(b, x, y);
  });
  kb.func("out", rank, outT, [&](OpBuilder &b, KernelBuilder::Idx d) {
    return epilogue(b, op, bias, epi, KernelBuilder::call(b, "acc", et, d), d);
  });
  kb.output("out", res);

  kb.recipe(halide::Recipe::MatMul);
  kb.op().setTransB(transB);
  return success();
}
