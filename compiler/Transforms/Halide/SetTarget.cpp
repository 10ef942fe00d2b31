//===- SetTarget.cpp - the kiln-set-target pass -===//
#include "compiler/Transforms/Passes.h"
#include "dialects/Halide/HalideAttrs.h"

namespace kiln {
#define GEN_PASS_DEF_SETTARGET
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {
struct SetTargetPass : kiln::impl::SetTargetBase<SetTargetPass> {
  using SetTargetBase::SetTargetBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto attr = halide::TargetAttr::getChecked([&] { return module.emitError("kiln-set-target: "); },
                                               &getContext(), llvm::StringRef(target.getValue()));
    if (!attr)
      return signalPassFailure();
    module->setAttr(halide::kTargetAttrName, attr);
    if (cpu.empty())
      return;
    // Resolved features always turn FP16 off: none means the CPU was unknown.
    if (cpuFeatures.empty()) {
      module.emitError("kiln-set-target: cpu '") << cpu << "' has no features (not an LLVM x86 CPU name?)";
      return signalPassFailure();
    }
    auto cpuAttr = halide::CpuAttr::getChecked([&] { return module.emitError("kiln-set-target: "); }, &getContext(),
                                               llvm::StringRef(cpu.getValue()), llvm::StringRef(cpuFeatures.getValue()));
    if (!cpuAttr)
      return signalPassFailure();
    module->setAttr(halide::kCpuAttrName, cpuAttr);
  }
};
} // namespace
