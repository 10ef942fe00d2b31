//===- QuantBuilders.cpp - Shared builders of the quantization passes -----===//
#include "compiler/Transforms/Kernel/QuantBuilders.h"
#include "dialects/Kernel/KernelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

std::string kiln::nodeName(Location loc) {
  if (auto n = dyn_cast<NameLoc>(loc))
    return n.getName().str();
  if (auto f = dyn_cast<FusedLoc>(loc))
    for (Location l : f.getLocations())
      if (std::string s = nodeName(l); !s.empty())
        return s;
  return "";
}

Value kiln::buildElementwise(OpBuilder &b, Location loc, RankedTensorType type, ValueRange inputs,
                             ArrayRef<AffineMap> maps, function_ref<Value(OpBuilder &, ValueRange)> body) {
  auto op = b.create<kernel::ElementwiseOp>(loc, type, inputs, maps);
  Block &blk = op.getBody().front();
  OpBuilder bb = OpBuilder::atBlockEnd(&blk);
  bb.create<kernel::YieldOp>(loc, body(bb, blk.getArguments()));
  return op.getResult();
}

Value kiln::flipToUnsigned(OpBuilder &b, Location loc, Value q) {
  auto qt = tt(q);
  Type u8 = IntegerType::get(b.getContext(), 8, IntegerType::Unsigned);
  AffineMap id = AffineMap::getMultiDimIdentityMap(qt.getRank(), b.getContext());
  return buildElementwise(b, loc, RankedTensorType::get(qt.getShape(), u8), {q}, {id}, [&](OpBuilder &bb, ValueRange a) {
    Value f = bb.create<arith::XOrIOp>(loc, a[0], bb.create<arith::ConstantIntOp>(loc, -128, 8));
    return bb.create<UnrealizedConversionCastOp>(loc, u8, f).getResult(0);
  });
}

std::pair<Value, Value> kiln::s8WeightConstants(OpBuilder &b, Location loc, ArrayRef<int8_t> q, int64_t K, int64_t N,
                                                const std::string &key) {
  std::vector<int32_t> colsum(N, 0);
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n)
      colsum[n] += q[k * N + n];
  MLIRContext *ctx = b.getContext();
  return {resourceConstant<int8_t>(b, loc, {K, N}, IntegerType::get(ctx, 8), q, key + "_s8"),
          resourceConstant<int32_t>(b, loc, {N}, IntegerType::get(ctx, 32), ArrayRef<int32_t>(colsum),
                                    key + "_s8_colsum")};
}

void kiln::eraseDeadChain(Value v) {
  Operation *d = v.getDefiningOp();
  if (!d || !d->use_empty() || !isa<kernel::ElementwiseOp, graph::ConstantOp>(d))
    return;
  SmallVector<Value> ins(d->getOperands());
  d->erase();
  for (Value in : ins)
    eraseDeadChain(in);
}

bool kiln::isWeightMatMul(kernel::MatMulOp op, const llvm::StringSet<> &skipped) {
  auto c = op.getRhs().getDefiningOp<graph::ConstantOp>();
  auto a = tt(op.getLhs()), w = tt(op.getRhs()), r = tt(op.getResult());
  if (!c || w.getRank() != 2 || !w.getElementType().isF32() || !a.getElementType().isF32() ||
      !r.getElementType().isF32() || op.hasEpilogue() || op.getBPanel() || a.getRank() < 2 || !a.hasStaticShape() ||
      skipped.contains(nodeName(op.getLoc())))
    return false;
  return !op.getBias() || tt(op.getBias()).getElementType().isF32();
}
