//===- EmptyDims.cpp - run-time constraints for kernels that need an element -===//
//
// A symbol may be 0 at run time (a KV cache's past on the first call). A
// kernel with an empty output is skipped by the runtime, and one that only
// copies (concat) or sums (the ONNX identity: sum 0, prod 1) takes an empty
// dim as it is. A few have no value over an empty dim while their output is
// not empty: a softmax over no keys, a mean, max, min or arg max over nothing,
// a gather from an empty axis (ONNX: index out of range). For those, @main's
// kiln.constraints gets (n - 1) * elements(out) >= 0, which holds exactly when
// the dim n is at least 1 or the output is empty, and the runtime refuses
// other sizes before any kernel runs, naming the input dim that is 0.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"
#include "dialects/Utils/SymShape.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace kiln;

static SmallVector<SymExpr> shapeOf(Value v) { return dimExprs(cast<RankedTensorType>(v.getType())); }

/// Appends (n - 1) * elements(out) >= 0 unless it always holds.
static LogicalResult require(Operation *op, const SymExpr &n, StringRef what) {
  auto one = SymExpr::constant(1);
  std::optional<SymExpr> nm1 = sub(n, one);
  if (nm1 && nm1->decideGE0() == std::optional<bool>(true))
    return success();
  auto main = op->getParentOfType<func::FuncOp>();
  auto syms = main ? main->getAttrOfType<ArrayAttr>("kiln.symbols") : nullptr;
  // Without kiln.symbols (hand-written kernel IR) there is no table to check
  // it: the library emitter refuses such a function.
  if (!syms)
    return success();
  if (!nm1)
    return op->emitOpError("cannot bound the empty dim ") << n.str();
  std::optional<SymExpr> count = numElementsExpr(shapeOf(op->getResult(0)));
  std::optional<SymExpr> e = count ? mul(*nm1, *count) : std::nullopt;
  // A product that overflows int64 falls back to n >= 1 (refuses more, never less).
  if (!e)
    e = nm1;
  if (e->decideGE0() == std::optional<bool>(true))
    return success();
  SmallVector<std::string> names;
  for (Attribute a : syms)
    if (auto d = dyn_cast<DictionaryAttr>(a); d && d.getAs<StringAttr>("name"))
      names.push_back(d.getAs<StringAttr>("name").str());
  // No node name: locations do not survive every path to this pass (kiln-opt
  // on printed IR), and the table must be the same either way.
  std::string text =
      what.str() + " " + n.str(names) + " (" + op->getName().getStringRef().str() + ") has no value when it is 0";
  MLIRContext *ctx = op->getContext();
  auto map = AffineMapAttr::get(AffineMap::get(0, syms.size(), e->toAffine(ctx, syms.size())));
  SmallVector<Attribute> conds;
  if (auto old = main->getAttrOfType<ArrayAttr>("kiln.constraints"))
    conds.assign(old.begin(), old.end());
  Builder b(ctx);
  auto cond = b.getDictionaryAttr({b.getNamedAttr("expr", map), b.getNamedAttr("kind", b.getStringAttr("ge0")),
                                   b.getNamedAttr("what", b.getStringAttr(text))});
  // One per expression: every layer's attention over the same keys says the same.
  if (llvm::none_of(conds, [&](Attribute c) {
        auto d = dyn_cast<DictionaryAttr>(c);
        return d && d.get("expr") == map;
      }))
    conds.push_back(cond);
  main->setAttr("kiln.constraints", b.getArrayAttr(conds));
  return success();
}

LogicalResult kiln::requireNonEmptyDims(Operation *op) {
  if (!hasSymbolicTypes(op))
    return success();
  using K = kernel::ReduceKind;
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](kernel::AttentionOp o) { return require(op, o.keyLen(), "a softmax over the keys"); })
      .Case([&](kernel::ReduceOp o) {
        K k = o.getKind();
        // Sums (and prod) start from the ONNX identity; these have none.
        if (k != K::Mean && k != K::Max && k != K::Min && k != K::LogSumExp)
          return success();
        SmallVector<SymExpr> in = shapeOf(o.getInput());
        SymExpr n = SymExpr::constant(1);
        for (Attribute a : o.getAxes())
          if (auto p = mul(n, in[cast<IntegerAttr>(a).getInt()]))
            n = *p;
        return require(op, n, "a reduce " + kernel::stringifyReduceKind(k).str() + " over");
      })
      .Case([&](kernel::ArgReduceOp o) {
        return require(op, shapeOf(o.getInput())[o.getAxis()], "an arg reduce over");
      })
      .Case([&](kernel::GatherOp o) {
        return require(op, shapeOf(o.getData())[o.getAxis()], "a gather from an axis of");
      })
      .Default([](Operation *) { return success(); });
}
