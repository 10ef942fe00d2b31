//===- ExposeMatMulInputs.cpp - Weight matmuls' activations as model outputs -===//
//
// The calibration build of --quantize int8-static: an f32 model whose extra
// outputs `kiln_calib_N` are the activations the static scheme will quantize,
// in the order kiln-quantize-int8-static reads its ranges (both take
// int8WeightMatMuls). The tool runs this build on the calibration data sets
// and turns the outputs into ranges.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Passes.h"
#include "compiler/Transforms/Kernel/QuantBuilders.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#define DEBUG_TYPE "kiln-expose-matmul-inputs"

namespace kiln {
#define GEN_PASS_DEF_EXPOSEMATMULINPUTS
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

struct ExposeMatMulInputsPass : kiln::impl::ExposeMatMulInputsBase<ExposeMatMulInputsPass> {
  using ExposeMatMulInputsBase::ExposeMatMulInputsBase;

  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    if (fn.getBody().empty())
      return;
    auto ret = dyn_cast<func::ReturnOp>(fn.getBody().front().getTerminator());
    if (!ret)
      return;
    SmallVector<Value> values(ret.getOperands());
    SmallVector<Attribute> names;
    if (auto old = fn->getAttrOfType<ArrayAttr>("kiln.output_names"))
      names.assign(old.begin(), old.end());
    names.resize(values.size(), StringAttr::get(&getContext(), ""));
    SmallVector<kernel::MatMulOp> ops = weightMatMuls(fn, skip);
    if (ops.empty())
      return;
    for (auto [i, op] : llvm::enumerate(ops)) {
      values.push_back(op.getLhs());
      names.push_back(StringAttr::get(&getContext(), "kiln_calib_" + std::to_string(i)));
    }
    OpBuilder b(ret);
    b.create<func::ReturnOp>(ret.getLoc(), values);
    ret.erase();
    fn.setFunctionType(FunctionType::get(&getContext(), fn.getArgumentTypes(), ValueRange(values).getTypes()));
    fn->setAttr("kiln.output_names", ArrayAttr::get(&getContext(), names));
  }
};

} // namespace
