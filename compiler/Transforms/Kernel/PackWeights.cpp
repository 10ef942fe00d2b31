//===- PackWeights.cpp - Pre-pack constant GEMM weights into panels -===//
//
// Expects: kernel ops with graph.constant weights. Leaves: every kernel.matmul
// whose B is a 2-D f32 constant (and whose N divides into SIMD-wide panels)
// reading a new constant packed as [N/NR, K, NR], marked b_panel = NR. The
// packing happens here, once, at compile time; the original constant goes
// when nothing else reads it.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Passes.h"
#include "compiler/Utils/ConstantData.h"
#include "dialects/Graph/GraphOps.h"
#include "dialects/Halide/HalideAttrs.h"
#include "dialects/Kernel/KernelOps.h"


#include <cstring>
#include <map>

#define DEBUG_TYPE "kiln-pack-weights"

namespace kiln {
#define GEN_PASS_DEF_PACKWEIGHTS
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

struct PackWeightsPass : kiln::impl::PackWeightsBase<PackWeightsPass> {
  /// kernel.qmatmul's s8 [K, N] constant as [ceil(N/NR), ceil(K/4), NR, 4]:
  /// 4 consecutive k of one column are one i32 lane of vpdpbusd, NR columns
  /// (4 vectors on AVX-512, 2 on AVX2) one register tile. Zero past K and N.
  void packQuantized(int64_t vectorBytes) {
    std::map<std::pair<Operation *, int64_t>, Value> packed;
    SmallVector<kernel::QMatMulOp> work;
    getOperation().walk([&](kernel::QMatMulOp op) { work.push_back(op); });
    for (kernel::QMatMulOp op : work) {
      auto c = op.getRhs().getDefiningOp<graph::ConstantOp>();
      if (!c || op.getBPanel())
        continue;
      auto b = cast<RankedTensorType>(op.getRhs().getType());
      int64_t K = b.getDimSize(0), N = b.getDimSize(1), W = vectorBytes / 4;
      int64_t NR = vectorBytes >= 64 ? 4 * W : 2 * W;
      for (int64_t v : {4, 2, 1})
        if (v * W <= NR && N % (v * W) == 0) {
          NR = v * W;
          break;
        }
      int64_t panels = (N + NR - 1) / NR, K4 = (K + 3) / 4;
      Value &p = packed[{c, NR}];
      if (!p) {
        std::vector<char> src = constantBytes(c.getValue());
        std::vector<int8_t> dst(panels * K4 * NR * 4, 0);
        for (int64_t q = 0; q < panels; ++q)
          for (int64_t k = 0; k < K; ++k)
            for (int64_t j = 0; j < NR; ++j)
              if (int64_t n = q * NR + j; n < N)
                dst[((q * K4 + k / 4) * NR + j) * 4 + k % 4] = (int8_t)src[k * N + n];
        auto type = RankedTensorType::get({panels, K4, NR, 4}, b.getElementType());
        std::string name = resourceKey(c.getValue(), "packed_qweight") + "_panel" + std::to_string(NR);
        p = OpBuilder(c).create<graph::ConstantOp>(c.getLoc(), type, resourceAttr(type, ArrayRef<int8_t>(dst), name));
      }
      op.getRhsMutable().assign(p);
      op.setBPanelAttr(OpBuilder(op).getI64IntegerAttr(NR));
      if (c->use_empty())
        c.erase();
    }
  }


  void runOnOperation() override {
    auto module = getOperation()->getParentOfType<ModuleOp>();
    halide::TargetAttr target = module ? halide::getTarget(module) : halide::TargetAttr();
    if (target && target.isCuda())
      return;
    int64_t vectorBytes = module ? halide::getVectorBytes(module) : 32;
    packQuantized(vectorBytes);
    std::map<std::tuple<Operation *, int64_t, bool>, Value> packed;
    SmallVector<kernel::MatMulOp> work;
    getOperation().walk([&](kernel::MatMulOp op) { work.push_back(op); });
    for (kernel::MatMulOp op : work) {
      auto c = op.getRhs().getDefiningOp<graph::ConstantOp>();
      auto b = cast<RankedTensorType>(op.getRhs().getType());
      auto a = cast<RankedTensorType>(op.getLhs().getType());
      if (!c || op.getBPanel() || b.getRank() != 2 || !b.getElementType().isF32())
        continue;
      bool trans = op.getTransB();
      int64_t K = trans ? b.getDimSize(1) : b.getDimSize(0), N = trans ? b.getDimSize(0) : b.getDimSize(1);
      // The widest panel (1-3 vectors) that divides N; else pad N with zero
      // columns to whole panels (a vocabulary projection of 50257 columns).
      int64_t W = vectorBytes / 4, NR = N >= 3 * W ? 3 * W : W;
      for (int64_t v : {3, 2, 1})
        if (N >= v * W && N % (v * W) == 0) {
          NR = v * W;
          break;
        }
      int64_t panels = (N + NR - 1) / NR;
      Value &p = packed[{c, NR, trans}];
      if (!p) {
        std::vector<char> src = constantBytes(c.getValue());
        const float *s = reinterpret_cast<const float *>(src.data());
        std::vector<float> dst(panels * K * NR, 0.0f);
        for (int64_t q = 0; q < panels; ++q)
          for (int64_t k = 0; k < K; ++k)
            for (int64_t j = 0; j < NR; ++j) {
              int64_t n = q * NR + j;
              if (n < N)
                dst[(q * K + k) * NR + j] = trans ? s[n * K + k] : s[k * N + n];
            }
        auto type = RankedTensorType::get({panels, K, NR}, b.getElementType());
        std::string name = resourceKey(c.getValue(), "packed_weight") + "_panel" + std::to_string(NR);
        p = OpBuilder(c).create<graph::ConstantOp>(c.getLoc(), type, resourceAttr(type, ArrayRef<float>(dst), name));
      }
      // In place, so that a fused epilogue stays with the op.
      OpBuilder ob(op);
      op.getRhsMutable().assign(p);
      op.setTransB(false);
      op.setBPanelAttr(ob.getI64IntegerAttr(NR));
      if (c->use_empty())
        c.erase();
    }
  }
};

} // namespace
