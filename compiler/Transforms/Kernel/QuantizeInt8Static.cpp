//===- QuantizeInt8Static.cpp - Weight matmuls to kernel.qmatmul, calibrated -===//
//
// Expects: kernel ops from convert-graph-to-kernel, before fusion, and one
// calibrated range per weight matmul (the order kiln-expose-matmul-inputs
// gives them). Leaves: each such kernel.matmul as one elementwise op that
// quantizes its activation by constants (fusion can fold it into the
// producer) feeding a kernel.qmatmul with a per-column symmetric int8 weight.
// See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Passes.h"
#include "compiler/Transforms/Kernel/QuantBuilders.h"
#include "dialects/Kernel/KernelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cmath>

#define DEBUG_TYPE "kiln-quantize-int8-static"

namespace kiln {
#define GEN_PASS_DEF_QUANTIZEINT8STATIC
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

struct QuantizeInt8StaticPass : kiln::impl::QuantizeInt8StaticBase<QuantizeInt8StaticPass> {
  using QuantizeInt8StaticBase::QuantizeInt8StaticBase;

  void runOnOperation() override {
    SmallVector<kernel::MatMulOp> work = int8WeightMatMuls(getOperation(), skip, "int8-static");
    // A count that does not match means the calibration build saw another
    // graph (other flags): every range would land on the wrong matmul.
    if (ranges.size() != 2 * work.size()) {
      getOperation().emitError() << "kiln-quantize-int8-static: " << work.size()
                                 << " weight matmuls to quantize, but " << ranges.size() / 2
                                 << " calibrated ranges (" << ranges.size() << " values) were given";
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    for (auto [i, op] : llvm::enumerate(work)) {
      double lo = ranges[2 * i], hi = ranges[2 * i + 1];
      if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi) {
        op.emitError() << "kiln-quantize-int8-static: calibrated range " << i << " [" << lo << ", " << hi
                       << "] is not a finite interval";
        return signalPassFailure();
      }
      // u8 with zero exactly representable, as QuantizeLinear's asymmetric
      // rule: range [min(0, lo), max(0, hi)] over 255 steps.
      float mn = std::min(lo, 0.0), mx = std::max(hi, 0.0);
      float scale = (mx - mn) / 255.0f, zero = 0;
      if (scale > 0)
        zero = std::clamp(std::nearbyint(-mn / scale), 0.0f, 255.0f);
      else
        scale = 1; // all zeros: any scale quantizes them to the zero point
      float inv = 1.0f / scale;
      OpBuilder b(op);
      Location loc = op.getLoc();
      auto xt = cast<RankedTensorType>(op.getLhs().getType());
      auto qType = withElementType(xt, IntegerType::get(ctx, 8, IntegerType::Unsigned));
      AffineMap id = AffineMap::getMultiDimIdentityMap(xt.getRank(), ctx);
      // round(x * (1 / scale)) + zero, clamped: a multiply by a constant, so
      // the op is cheap enough to fuse into whatever produced x.
      Value q = buildElementwise(b, loc, qType, {op.getLhs()}, {id}, [&](OpBuilder &bb, ValueRange a) {
        ScalarBuilder s{bb, loc};
        return s.toU8(s.clamp(s.add(s.round(s.mul(a[0], s.f(inv))), s.f(zero)), 0, 255));
      });
      auto scalar = [&](Type t, Attribute v) -> Value {
        return b.create<graph::ConstantOp>(loc, RankedTensorType::get({}, t),
                                           DenseElementsAttr::get(RankedTensorType::get({}, t), v));
      };
      Value aScale = scalar(b.getF32Type(), b.getF32FloatAttr(scale));
      Value aZero = scalar(b.getI32Type(), b.getI32IntegerAttr((int32_t)zero));
      replaceWithQMatMul(op, q, aScale, aZero);
    }
  }
};

} // namespace
