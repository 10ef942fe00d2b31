//===- OutlierMatMul.cpp - kernel.outlier_matmul to a halide.kernel -===//
//
//   t[..., m, n]   = sum over k with mask[k] != 0 of a[..., m, k] * f32(w[k, n])
//   out[..., m, n] = acc[..., m, n] + t[..., m, n]
// t's reduction carries the mask as an RDom predicate (halide.update where):
// with k outermost in the schedule, Halide tests it once per k and skips the
// whole row update for the k that are not outliers.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"

using namespace mlir;
using namespace kiln;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

LogicalResult kiln::lowerOutlierMatMul(kernel::OutlierMatMulOp op, KernelBuilder &kb) {
  auto res = tt(op.getResult());
  MLIRContext *ctx = op.getContext();
  Type i32 = IntegerType::get(ctx, 32), f32 = Float32Type::get(ctx), wt = tt(op.getRhs()).getElementType();
  Type u8 = tt(op.getMask()).getElementType();
  size_t rank = res.getRank();
  int64_t K = tt(op.getLhs()).getShape().back();

  std::string a = kb.input(op.getLhs()), bName = kb.input(op.getRhs());
  std::string mask = kb.input(op.getMask()), acc = kb.input(op.getAcc());
  auto c32 = [](OpBuilder &b, int64_t v) { return KernelBuilder::i32(b, v); };

  kb.func("t", rank, f32, [&](OpBuilder &b, KernelBuilder::Idx) {
    return b.create<arith::ConstantOp>(b.getUnknownLoc(), b.getF32FloatAttr(0.0f)).getResult();
  });
  kb.updateWhere("t", rank, {K}, halide::Combine::Add, f32, [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) {
    Location l = b.getUnknownLoc();
    Value k = r[0], n = d[rank - 1];
    SmallVector<Value> ai(d.begin(), d.end() - 1);
    ai.push_back(k);
    Value w = KernelBuilder::call(b, bName, wt, {k, n});
    if (!wt.isF32())
      w = b.create<arith::ExtFOp>(l, f32, w);
    Value v = b.create<arith::MulFOp>(l, KernelBuilder::call(b, a, f32, ai), w);
    Value m = widen(b, KernelBuilder::call(b, mask, u8, {k}), i32);
    Value keep = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::ne, m, c32(b, 0));
    return SmallVector<Value>{v, keep};
  });
  kb.func("out", rank, f32, [&](OpBuilder &b, KernelBuilder::Idx d) {
    Location l = b.getUnknownLoc();
    Value t = KernelBuilder::call(b, "t", f32, d);
    return b.create<arith::AddFOp>(l, KernelBuilder::call(b, acc, f32, d), t).getResult();
  });
  kb.output("out", res);
  kb.recipe(halide::Recipe::OutlierMatMul);
  return success();
}
