//===- FuseMatMulEpilogue.cpp - Elementwise consumers into matmul epilogues -===//
//
// Runs after kiln-fuse-elementwise, so a matmul's consumer chain is already
// one kernel.elementwise; that op's body moves into the matmul's epilogue
// region, which the Halide lowering applies in the output stage, on values
// still in registers.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Explain.h"
#include "compiler/Transforms/Kernel/Fusion.h"
#include "compiler/Transforms/Passes.h"
#include "dialects/Kernel/KernelOps.h"

#include "mlir/IR/IRMapping.h"

#define DEBUG_TYPE "kiln-fuse-matmul-epilogue"

namespace kiln {
#define GEN_PASS_DEF_FUSEMATMULEPILOGUE
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

/// The matmul `m` again, with `e` as its epilogue: same operands and
/// attributes, `e`'s other inputs as epilogue inputs. Returns its epilogue
/// region (empty) and the element type the region's first argument takes.
std::pair<Operation *, Region *> refuse(OpBuilder &b, kernel::ElementwiseOp e, Operation *m, ValueRange inputs,
                                        ArrayAttr maps, Type &acc) {
  Type type = e.getResult().getType();
  if (auto mm = dyn_cast<kernel::MatMulOp>(m)) {
    auto f = b.create<kernel::MatMulOp>(e.getLoc(), type, mm.getLhs(), mm.getRhs(), mm.getBias(), inputs,
                                        mm.getTransBAttr(), mm.getAlphaAttr(), mm.getBPanelAttr(), maps);
    acc = cast<RankedTensorType>(mm.getLhs().getType()).getElementType();
    return {f, &f.getEpilogue()};
  }
  if (auto w = dyn_cast<kernel::W4MatMulOp>(m)) {
    auto f = b.create<kernel::W4MatMulOp>(e.getLoc(), type, w.getLhs(), w.getRhs(), w.getScale(), w.getZero(),
                                          w.getBias(), inputs, w.getGroupSizeAttr(), w.getBPanelAttr(), maps);
    acc = b.getF32Type();
    return {f, &f.getEpilogue()};
  }
  if (auto sp = dyn_cast<kernel::SparseMatMulOp>(m)) {
    auto f = b.create<kernel::SparseMatMulOp>(e.getLoc(), type, sp.getLhs(), sp.getValues(), sp.getIndices(),
                                              sp.getOffsets(), sp.getBias(), inputs, sp.getBlockKAttr(),
                                              sp.getBlockNAttr(), sp.getMaxBlocksAttr(), maps,
                                              sp.getGroupAttr(), sp.getChunkAttr());
    acc = b.getF32Type();
    return {f, &f.getEpilogue()};
  }
  if (auto sq = dyn_cast<kernel::SparseQMatMulOp>(m)) {
    auto f = b.create<kernel::SparseQMatMulOp>(e.getLoc(), type, sq.getLhs(), sq.getValues(), sq.getIndices(),
                                               sq.getOffsets(), sq.getAScale(), sq.getAZero(), sq.getBScale(),
                                               sq.getBColsum(), sq.getBias(), inputs, sq.getBlockKAttr(),
                                               sq.getBlockNAttr(), sq.getMaxBlocksAttr(), maps);
    acc = b.getF32Type(); // the dequantized value
    return {f, &f.getEpilogue()};
  }
  auto q = cast<kernel::QMatMulOp>(m);
  auto f = b.create<kernel::QMatMulOp>(e.getLoc(), type, q.getLhs(), q.getRhs(), q.getAScale(), q.getAZero(),
                                       q.getBScale(), q.getBColsum(), q.getBias(), q.getNormScale(), q.getNormBias(), inputs,
                                       q.getBPanelAttr(), maps, q.getNormEpsilonAttr());
  acc = b.getF32Type(); // the dequantized value
  return {f, &f.getEpilogue()};
}

void fuse(kernel::ElementwiseOp e, Operation *m) {
  Value product = m->getResult(0);
  SmallVector<Value> inputs;
  SmallVector<Attribute> maps;
  for (auto [i, in] : llvm::enumerate(e.getInputs()))
    if (in != product) {
      inputs.push_back(in);
      maps.push_back(e.getMaps()[i]);
    }
  OpBuilder b(e);
  Type accType;
  auto [fused, region] = refuse(b, e, m, inputs, b.getArrayAttr(maps), accType);
  Block &src = e.getBody().front();
  Block *body = b.createBlock(region);
  Value acc = body->addArgument(accType, e.getLoc());
  IRMapping mapping;
  for (auto [i, in] : llvm::enumerate(e.getInputs()))
    mapping.map(src.getArgument(i),
                in == product ? acc : body->addArgument(src.getArgument(i).getType(), e.getLoc()));
  for (Operation &op : src)
    b.clone(op, mapping);
  e.getResult().replaceAllUsesWith(fused->getResult(0));
  e.erase();
  m->erase();
}

struct FuseMatMulEpiloguePass : kiln::impl::FuseMatMulEpilogueBase<FuseMatMulEpiloguePass> {
  using FuseMatMulEpilogueBase::FuseMatMulEpilogueBase;
  void runOnOperation() override {
    SmallVector<kernel::ElementwiseOp> work;
    getOperation().walk([&](kernel::ElementwiseOp e) { work.push_back(e); });
    for (kernel::ElementwiseOp e : work) {
      auto reject = [&](Operation *m, const Twine &why) {
        (void)missed(m, DEBUG_TYPE, explain, "no epilogue fused: " + why);
      };
      if (Operation *m = epilogueProducer(e, reject))
        fuse(e, m);
    }
  }
};

} // namespace
