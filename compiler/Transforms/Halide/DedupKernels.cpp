//===- DedupKernels.cpp - One halide.kernel per distinct body -------------===//
//
// The key of a kernel is its printed body (generic form, no locations): two
// kernels with the same key compile to the same function up to its name, so
// the later one is dropped and its launches retargeted. Halide code
// generation dominates compile time, and a transformer's layers repeat.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Passes.h"
#include "dialects/Halide/HalideOps.h"

#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

namespace kiln {
#define GEN_PASS_DEF_DEDUPKERNELS
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

std::string bodyKey(halide::KernelOp kernel) {
  std::string key;
  llvm::raw_string_ostream os(key);
  OpPrintingFlags flags;
  flags.printGenericOpForm().useLocalScope();
  for (Operation &op : kernel.getBody().front())
    op.print(os, flags);
  return key;
}

struct DedupKernelsPass : kiln::impl::DedupKernelsBase<DedupKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::StringMap<halide::KernelOp> first;
    SmallVector<halide::KernelOp> duplicates;
    for (auto kernel : module.getOps<halide::KernelOp>()) {
      auto [it, inserted] = first.try_emplace(bodyKey(kernel), kernel);
      if (inserted)
        continue;
      if (failed(SymbolTable::replaceAllSymbolUses(kernel.getSymNameAttr(), it->second.getSymNameAttr(),
                                                   module))) {
        kernel.emitError("kiln-dedup-kernels: cannot retarget the launches of @") << kernel.getSymName();
        return signalPassFailure();
      }
      duplicates.push_back(kernel);
    }
    for (halide::KernelOp kernel : duplicates)
      kernel.erase();
  }
};

} // namespace
