//===- Conv.cpp - kernel.conv to a halide.kernel -===//
//
// Direct convolution: acc(n, co, o...) = sum over (ci, k...) of
// x(n, g*Cg + ci, o*s - p + k*dil) * w(co, ci, k...), reads outside the
// input (padding) are zero. Patch embeddings (stride = kernel, no padding)
// are the case that matters here; GEMM-style conv comes with fusion work.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"

using namespace mlir;
using namespace kiln;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }
static int64_t at(ArrayAttr a, size_t i) { return cast<IntegerAttr>(a[i]).getInt(); }

LogicalResult kiln::lowerConv(kernel::ConvOp op, KernelBuilder &kb) {
  auto x = tt(op.getInput()), w = tt(op.getWeight()), res = tt(op.getResult());
  Type et = res.getElementType();
  size_t sp = x.getRank() - 2;
  int64_t group = op.getGroup(), cg = w.getDimSize(1), coPerGroup = w.getDimSize(0) / group;
  std::string xn = kb.input(op.getInput()), wn = kb.input(op.getWeight());
  std::string bn = op.getBias() ? kb.input(op.getBias()) : "";
  SmallVector<int64_t> rext{cg};
  for (size_t i = 0; i < sp; ++i)
    rext.push_back(w.getDimSize(2 + i));
  bool padded = llvm::any_of(op.getPads(), [](Attribute a) { return cast<IntegerAttr>(a).getInt() != 0; });

  kb.func("acc", res.getRank(), et, [&](OpBuilder &b, KernelBuilder::Idx) {
    return KernelBuilder::constant(b, et, 0);
  });
  kb.update("acc", res.getRank(), rext, halide::Combine::Add, et,
            [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) -> Value {
              Location l = b.getUnknownLoc();
              auto c = [&](int64_t v) { return KernelBuilder::i32(b, v); };
              // Input channel: group of this output channel * Cg + r0.
              Value g = b.create<arith::FloorDivSIOp>(l, d[1], c(coPerGroup));
              Value ci = b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, g, c(cg)), r[0]);
              SmallVector<Value> xi{d[0], ci}, wi{d[1], r[0]};
              Value inside;
              for (size_t i = 0; i < sp; ++i) {
                Value pos = b.create<arith::AddIOp>(
                    l, b.create<arith::MulIOp>(l, d[2 + i], c(at(op.getStrides(), i))),
                    b.create<arith::MulIOp>(l, r[1 + i], c(at(op.getDilations(), i))));
                pos = b.create<arith::SubIOp>(l, pos, c(at(op.getPads(), i)));
                int64_t size = x.getDimSize(2 + i);
                if (padded) {
                  Value ok = b.create<arith::AndIOp>(
                      l, b.create<arith::CmpIOp>(l, arith::CmpIPredicate::sge, pos, c(0)),
                      b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, pos, c(size)));
                  inside = inside ? b.create<arith::AndIOp>(l, inside, ok).getResult() : ok;
                  pos = b.create<arith::MinSIOp>(l, b.create<arith::MaxSIOp>(l, pos, c(0)), c(size - 1));
                }
                xi.push_back(pos);
                wi.push_back(r[1 + i]);
              }
              Value v = b.create<arith::MulFOp>(l, KernelBuilder::call(b, xn, et, xi),
                                                KernelBuilder::call(b, wn, et, wi));
              if (inside)
                v = b.create<arith::SelectOp>(l, inside, v, KernelBuilder::constant(b, et, 0));
              return v;
            });
  kb.func("out", res.getRank(), et, [&](OpBuilder &b, KernelBuilder::Idx d) -> Value {
    Value v = KernelBuilder::call(b, "acc", et, d);
    if (!bn.empty())
      v = b.create<arith::AddFOp>(b.getUnknownLoc(), v, KernelBuilder::call(b, bn, et, {d[1]}));
    return v;
  });
  kb.output("out", res.getShape());
  kb.recipe(halide::Recipe::Conv);
  return success();
}
