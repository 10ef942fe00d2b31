//===- QuantizeW4.cpp - Weight matmuls to kernel.w4matmul -===//
//
// Expects: kernel ops from convert-graph-to-kernel, before fusion. Leaves:
// every kernel.matmul with a 2-D f32 constant B (not skipped; A's rows may be symbolic) as a
// kernel.w4matmul whose weight is 4-bit per block of group-size k and column,
// packed in the kernel's layout. See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Kernel/QuantBuilders.h"
#include "compiler/Transforms/Passes.h"
#include "compiler/Utils/ConstantData.h"
#include "dialects/Graph/GraphOps.h"
#include "dialects/Halide/HalideAttrs.h"
#include "dialects/Kernel/KernelOps.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>

#define DEBUG_TYPE "kiln-quantize-w4"

namespace kiln {
#define GEN_PASS_DEF_QUANTIZEW4
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

struct W4Weight {
  Value packed, scale, zero;
};

W4Weight quantizeWeight(OpBuilder &b, Location loc, graph::ConstantOp c, bool trans, float alpha, int64_t G,
                        int64_t NR) {
  auto wt = cast<RankedTensorType>(c.getType());
  int64_t K = trans ? wt.getDimSize(1) : wt.getDimSize(0), N = trans ? wt.getDimSize(0) : wt.getDimSize(1);
  int64_t KB = (K + G - 1) / G, P = (N + NR - 1) / NR, KH = KB * G / 2;
  std::vector<char> bytes = constantBytes(c.getValue());
  const float *w = reinterpret_cast<const float *>(bytes.data());
  auto at = [&](int64_t k, int64_t n) { return trans ? w[n * K + k] : w[k * N + n]; };
  // Scales are stored in f16 (and zero points in u8): a decode step reads
  // 0.59 bytes per weight instead of 0.75. Each block is quantized with its
  // f16-rounded scale, so the stored scale is the one the rounding used. A
  // weight whose scales f16 cannot hold keeps f32 scales.
  // Each block's min(0, lo) and scale, once; f16 for all of them or none.
  std::vector<float> blockLo(N * KB, 0.0f), blockScale(N * KB);
  std::vector<uint16_t> blockHalf(N * KB, 0);
  bool half = alpha == 1.0f;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t kb = 0; kb < KB; ++kb) {
      float lo = 0, hi = 0;
      for (int64_t k = kb * G; k < std::min(K, kb * G + G); ++k) {
        lo = std::min(lo, at(k, n));
        hi = std::max(hi, at(k, n));
      }
      float s = (hi - lo) / 15.0f;
      std::optional<uint16_t> h = toHalf(s);
      half = half && (s == 0 || h);
      blockLo[n * KB + kb] = lo;
      blockScale[n * KB + kb] = s;
      blockHalf[n * KB + kb] = h.value_or(0);
    }
  std::vector<uint8_t> packed(P * KH * NR, 0), zero(P * KB * NR, 0);
  std::vector<float> scale(P * KB * NR, 0.0f);
  std::vector<uint16_t> scale16(P * KB * NR, 0);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t kb = 0; kb < KB; ++kb) {
      float lo = blockLo[n * KB + kb], s = blockScale[n * KB + kb], z = 0;
      uint16_t h = blockHalf[n * KB + kb];
      if (s > 0 && half)
        s = fromHalf(h);
      if (s > 0)
        z = std::clamp(std::nearbyint(-lo / s), 0.0f, 15.0f);
      else {
        s = 1;
        h = 0x3C00; // f16 1.0
      }
      for (int64_t k = kb * G; k < std::min(K, kb * G + G); ++k) {
        auto q = (uint8_t)std::clamp(std::nearbyint(at(k, n) / s) + z, 0.0f, 15.0f);
        uint8_t &byte = packed[((n / NR) * KH + k / 2) * NR + n % NR];
        byte |= k % 2 ? q << 4 : q;
      }
      int64_t i = ((n / NR) * KB + kb) * NR + n % NR;
      scale[i] = s * alpha;
      scale16[i] = half ? h : 0;
      zero[i] = (uint8_t)z;
    }
  std::string name = constantKey(c);
  MLIRContext *ctx = b.getContext();
  Type u8 = IntegerType::get(ctx, 8, IntegerType::Unsigned);
  Value sv = half ? resourceConstant<uint16_t>(b, loc, {P, KB, NR}, Float16Type::get(ctx), scale16,
                                               name + "_w4_scale16")
                  : resourceConstant<float>(b, loc, {P, KB, NR}, Float32Type::get(ctx), scale, name + "_w4_scale");
  return {resourceConstant<uint8_t>(b, loc, {P, KH, NR}, u8, packed, name + "_w4"), sv,
          resourceConstant<uint8_t>(b, loc, {P, KB, NR}, u8, zero, name + "_w4_zero")};
}

struct QuantizeW4Pass : kiln::impl::QuantizeW4Base<QuantizeW4Pass> {
  using QuantizeW4Base::QuantizeW4Base;

  void runOnOperation() override {
    if (groupSize < 2 || groupSize % 2) {
      getOperation().emitError("kiln-quantize-w4: group-size must be even and >= 2, got ") << groupSize;
      return signalPassFailure();
    }
    llvm::StringSet<> skipped;
    for (const std::string &s : skip)
      skipped.insert(s);
    // Four f32 vectors of columns per panel (the kernel's register tile).
    auto module = getOperation()->getParentOfType<ModuleOp>();
    int64_t NR = 4 * ((module ? halide::getVectorBytes(module) : 32) / 4);
    SmallVector<kernel::MatMulOp> work;
    getOperation().walk([&](kernel::MatMulOp op) { work.push_back(op); });
    for (kernel::MatMulOp op : work) {
      if (!isWeightMatMul(op, skipped))
        continue;
      auto c = op.getRhs().getDefiningOp<graph::ConstantOp>();
      auto r = tt(op.getResult());
      W4Weight qw;
      {
        OpBuilder cb(c);
        qw = quantizeWeight(cb, c.getLoc(), c, op.getTransB(), op.getAlpha().convertToFloat(), groupSize, NR);
      }
      OpBuilder b(op);
      auto qm = b.create<kernel::W4MatMulOp>(op.getLoc(), r, op.getLhs(), qw.packed, qw.scale, qw.zero,
                                             op.getBias(), ValueRange(), b.getI64IntegerAttr(groupSize),
                                             b.getI64IntegerAttr(NR), ArrayAttr());
      op.getResult().replaceAllUsesWith(qm.getResult());
      op.erase();
      if (c->use_empty())
        c.erase();
    }
  }
};

} // namespace
