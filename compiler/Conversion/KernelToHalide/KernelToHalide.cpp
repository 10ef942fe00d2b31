//===- KernelToHalide.cpp - the convert-kernel-to-halide pass -===//
//
// Expects: functions of kernel ops (and graph.constant weights) on static
// tensors; a symbolic type, a map over symbols or a kernel.index_expr
// anywhere is an error naming the op, as the lowerings read int64 sizes (fail
// closed until step 5 of docs/design-symbolic-shapes.md). Leaves: one halide.kernel per kernel op at module level, named
// k<N>_<what>_<dtype>, and in the function a halide.launch of it in place of
// the op. The function itself is the program the library runs, in order.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"
#include "compiler/Conversion/Passes.h"
#include "dialects/Utils/SymShape.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/TypeSwitch.h"

#define DEBUG_TYPE "kiln-kernel-to-halide"

namespace kiln {
#define GEN_PASS_DEF_CONVERTKERNELTOHALIDE
#include "compiler/Conversion/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

/// "f32", "i64", "i1", ... for kernel names.
static std::string typeName(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

/// What an elementwise kernel computes, from its body: "copy" for pure data
/// movement, else the first few op names ("mul_add").
static std::string describe(kernel::ElementwiseOp op) {
  std::string s;
  int n = 0;
  for (Operation &o : op.getBody().front().without_terminator()) {
    if (isa<arith::ConstantOp>(o) || n == 3)
      continue;
    StringRef name = o.getName().stripDialect();
    s += (n++ ? "_" : "") + name.str();
  }
  return s.empty() ? "copy" : s;
}

static std::string kindName(Operation *op) {
  if (auto e = dyn_cast<kernel::ElementwiseOp>(op))
    return describe(e);
  return op->getName().stripDialect().str();
}

/// Whether an attribute of `op` is a map (or a list of maps) over symbols.
static bool hasSymbolicMaps(Operation *op) {
  auto symbolic = [](Attribute a) {
    auto m = dyn_cast<AffineMapAttr>(a);
    return m && m.getValue().getNumSymbols() > 0;
  };
  for (NamedAttribute a : op->getAttrs()) {
    if (symbolic(a.getValue()))
      return true;
    if (auto arr = dyn_cast<ArrayAttr>(a.getValue()); arr && llvm::any_of(arr, symbolic))
      return true;
  }
  return false;
}

/// The first kernel op with symbolic dims that has no symbolic lowering gets
/// the error; nothing is converted.
static LogicalResult refuseSymbolic(ModuleOp module) {
  WalkResult r = module.walk([](Operation *op) {
    if (!op->getDialect() || !isa<kernel::KernelDialect>(op->getDialect()) || isa<kernel::YieldOp>(op))
      return WalkResult::advance();
    Operation *top = op;
    while (top->getParentOp() && isa_and_nonnull<kernel::KernelDialect>(top->getParentOp()->getDialect()))
      top = top->getParentOp();
    // SymbolicDims marks the kernel ops whose lowering takes symbolic dims
    // (design step 5); a lowering may still refuse a form it does not cover.
    if (top->hasTrait<kernel::OpTrait::SymbolicDims>() || (!hasSymbolicTypes(op) && !hasSymbolicMaps(op) && !isa<kernel::IndexExprOp>(op)))
      return WalkResult::advance();
    op->emitOpError("symbolic dims are not supported by convert-kernel-to-halide yet");
    return WalkResult::interrupt();
  });
  return failure(r.wasInterrupted());
}

namespace {
struct ConvertKernelToHalidePass : kiln::impl::ConvertKernelToHalideBase<ConvertKernelToHalidePass> {
  using ConvertKernelToHalideBase::ConvertKernelToHalideBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(refuseSymbolic(module)))
      return signalPassFailure();
    ScheduleOptions options;
    options.vectorBytes = halide::getVectorBytes(module);
    int counter = 0;
    SmallVector<Operation *> work;
    module.walk([&](Operation *op) {
      // Top-level kernel ops only: index_expr and yield live in their bodies.
      bool nested = op->getParentOp() && isa_and_nonnull<kernel::KernelDialect>(op->getParentOp()->getDialect());
      if (op->getDialect() && isa<kernel::KernelDialect>(op->getDialect()) && !nested)
        work.push_back(op);
    });
    for (Operation *op : work) {
      auto type = cast<RankedTensorType>(op->getResult(0).getType());
      std::string name = "k" + std::to_string(counter++) + "_" + kindName(op) + "_" +
                         typeName(type.getElementType());
      if (failed(requireNonEmptyDims(op)))
        return signalPassFailure();
      OpBuilder b(op);
      KernelBuilder kb(b, op->getLoc(), module, name, options);
      LogicalResult r =
          llvm::TypeSwitch<Operation *, LogicalResult>(op)
              .Case([&](kernel::ElementwiseOp o) { return lowerElementwise(o, kb); })
              .Case([&](kernel::MatMulOp o) { return lowerMatMul(o, kb); })
              .Case([&](kernel::QMatMulOp o) { return lowerQMatMul(o, kb); })
              .Case([&](kernel::W4MatMulOp o) { return lowerW4MatMul(o, kb); })
              .Case([&](kernel::SparseMatMulOp o) { return lowerSparseMatMul(o, kb); })
              .Case([&](kernel::SparseQMatMulOp o) { return lowerSparseQMatMul(o, kb); })
              .Case([&](kernel::OutlierMatMulOp o) { return lowerOutlierMatMul(o, kb); })
              .Case([&](kernel::AttentionOp o) { return lowerAttention(o, kb); })
              .Case([&](kernel::ReduceOp o) { return lowerReduce(o, kb); })
              .Case([&](kernel::SoftmaxOp o) { return lowerSoftmax(o, kb); })
              .Case([&](kernel::LayerNormOp o) { return lowerLayerNorm(o, kb); })
              .Case([&](kernel::GatherOp o) { return lowerGather(o, kb); })
              .Case([&](kernel::GatherElementsOp o) { return lowerGatherElements(o, kb); })
              .Case([&](kernel::GatherNDOp o) { return lowerGatherND(o, kb); })
              .Case([&](kernel::ConcatOp o) { return lowerConcat(o, kb); })
              .Case([&](kernel::ConvOp o) { return lowerConv(o, kb); })
              .Case([&](kernel::LogSoftmaxOp o) { return lowerLogSoftmax(o, kb); })
              .Case([&](kernel::RMSNormOp o) { return lowerRMSNorm(o, kb); })
              .Case([&](kernel::ArgReduceOp o) { return lowerArgReduce(o, kb); })
              .Case([&](kernel::ScanOp o) { return lowerScan(o, kb); })
              .Case([&](kernel::TopKOp o) { return lowerTopK(o, kb); })
              .Case([&](kernel::PadOp o) { return lowerPad(o, kb); })
              .Case([&](kernel::TriluOp o) { return lowerTrilu(o, kb); })
              .Case([&](kernel::ScatterNDOp o) { return lowerScatterND(o, kb); })
              .Default([&](Operation *o) { return o->emitOpError("has no Halide lowering"); });
      if (failed(r))
        return signalPassFailure();
      auto launch = b.create<halide::LaunchOp>(op->getLoc(), type,
                                               FlatSymbolRefAttr::get(&getContext(), name),
                                               op->getOperands());
      op->getResult(0).replaceAllUsesWith(launch.getResult());
      op->erase();
    }
  }
};
} // namespace
