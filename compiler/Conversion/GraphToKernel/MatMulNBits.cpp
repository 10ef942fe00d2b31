//===- MatMulNBits.cpp - graph.matmul_nbits to kernel.w4matmul -===//
//
// MatMulNBits stores each column's k consecutively ([N, blocks, G/2] bytes);
// kernel.w4matmul wants NR columns side by side per byte row ([ceil(N/NR),
// blocks * G/2, NR]) so that one vector load feeds NR columns. The constant
// weight is repacked here, at compile time, with the nibbles as they are (the
// even k in the low nibble in both); scales and zero points go to the same
// panels, [ceil(N/NR), blocks, NR]. NR is four f32 vectors of the module's target.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/GraphToKernel/Patterns.h"
#include "compiler/Utils/ConstantData.h"
#include "dialects/Halide/HalideAttrs.h"

#include <cmath>

using namespace mlir;
using namespace kiln;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

namespace {

template <typename T>
Value blobConstant(PatternRewriter &rewriter, Location loc, ArrayRef<int64_t> shape, Type et, ArrayRef<T> data,
                   const std::string &name) {
  auto type = RankedTensorType::get(shape, et);
  return rewriter.create<graph::ConstantOp>(loc, type, resourceAttr(type, data, name));
}

std::string keyOf(graph::ConstantOp c) { return resourceKey(c.getValue(), "nbits"); }

struct MatMulNBitsPattern : OpRewritePattern<graph::MatMulNBitsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::MatMulNBitsOp op, PatternRewriter &rewriter) const override {
    auto bc = op.getB().getDefiningOp<graph::ConstantOp>();
    auto sc = op.getScales().getDefiningOp<graph::ConstantOp>();
    auto zc = op.getZeros().getDefiningOp<graph::ConstantOp>();
    if (!bc || !sc || !zc)
      return rewriter.notifyMatchFailure(op, "the weight, scales and zero points must be constants");
    auto module = op->getParentOfType<ModuleOp>();
    int64_t NR = 4 * ((module ? halide::getVectorBytes(module) : 32) / 4);
    auto bt = tt(op.getB());
    int64_t N = bt.getDimSize(0), KB = bt.getDimSize(1), GH = bt.getDimSize(2), P = (N + NR - 1) / NR;
    std::vector<char> src = constantBytes(bc.getValue()), sBytes = constantBytes(sc.getValue()),
                      zBytes = constantBytes(zc.getValue());
    const auto *s = reinterpret_cast<const float *>(sBytes.data());
    const auto *z = reinterpret_cast<const float *>(zBytes.data());
    std::vector<uint8_t> packed(P * KB * GH * NR, 0);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t kk = 0; kk < KB * GH; ++kk)
        packed[((n / NR) * KB * GH + kk) * NR + n % NR] = (uint8_t)src[n * KB * GH + kk];
    std::vector<float> scale(P * KB * NR, 0.0f), zero(P * KB * NR, 0.0f);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t b = 0; b < KB; ++b) {
        scale[((n / NR) * KB + b) * NR + n % NR] = s[n * KB + b];
        zero[((n / NR) * KB + b) * NR + n % NR] = z[n * KB + b];
      }
    Location loc = op.getLoc();
    std::string key = keyOf(bc);
    Value q = blobConstant<uint8_t>(rewriter, loc, {P, KB * GH, NR}, bt.getElementType(), packed,
                                    key + "_panel" + std::to_string(NR));
    Value sv = blobConstant<float>(rewriter, loc, {P, KB, NR}, rewriter.getF32Type(), scale, keyOf(sc) + "_panels");
    // Integer zero points (the packed 4-bit form, or the default 8) as u8:
    // a quarter of the bytes a memory-bound step reads for them.
    bool integral = llvm::all_of(zero, [](float v) { return v >= 0 && v <= 255 && v == std::nearbyint(v); });
    Value zv;
    if (integral) {
      std::vector<uint8_t> zero8(zero.begin(), zero.end());
      zv = blobConstant<uint8_t>(rewriter, loc, {P, KB, NR}, IntegerType::get(getContext(), 8, IntegerType::Unsigned),
                                 zero8, keyOf(zc) + "_panels_u8");
    } else {
      zv = blobConstant<float>(rewriter, loc, {P, KB, NR}, rewriter.getF32Type(), zero, keyOf(zc) + "_panels");
    }
    rewriter.replaceOpWithNewOp<kernel::W4MatMulOp>(op, tt(op.getResult()), op.getA(), q, sv, zv, op.getBias(),
                                                    ValueRange(), op.getBlockSizeAttr(),
                                                    rewriter.getI64IntegerAttr(NR), ArrayAttr());
    return success();
  }
};

} // namespace

void kiln::populateMatMulNBitsToKernelPatterns(RewritePatternSet &patterns) {
  patterns.add<MatMulNBitsPattern>(patterns.getContext());
}
