//===- Pipeline.cpp - ONNX file to library: the one pipeline tools and tests use -===//
//
// import (ONNX -> graph) -> kiln-graph-to-halide (GraphToHalide.cpp: one pass
// pipeline) -> emitModelLibrary (Halide objects, libNAME.a + NAME.h).
//
//===----------------------------------------------------------------------===//
#include "compiler/Pipelines/Pipeline.h"
#include "compiler/Pipelines/GraphToHalide.h"
#include "compiler/Pipelines/Registration.h"
#include "compiler/Target/Halide/HalideTranslation.h"
#include "compiler/Target/Library/ModelLibrary.h"
#include "dialects/Halide/HalideOps.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/Path.h"

#include <optional>

using namespace mlir;
using namespace kiln;

static void print(ModuleOp module, llvm::raw_ostream &os, bool weights) {
  OpPrintingFlags flags;
  if (!weights)
    flags.elideLargeElementsAttrs(16).elideLargeResourceString(64);
  module->print(os, flags);
  os << "\n";
}

namespace {
/// Names the pass that is running, so a failure names the pass it came from.
struct CurrentPass : PassInstrumentation {
  std::string &stage;
  explicit CurrentPass(std::string &stage) : stage(stage) {}
  void runBeforePass(Pass *pass, Operation *) override {
    if (!pass->getArgument().empty())
      stage = pass->getArgument().str();
  }
};
} // namespace

int kiln::compileModel(const CompileOptions &opts, llvm::raw_ostream &os, CompileStatus *status) {
  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // With a status to fill: remember the first error and still print it.
  std::string stage = "options", firstError;
  // MLIR drops warnings no handler takes (it prints only errors): passes warn
  // about slow choices (kiln-quantize-int8-dynamic on a target without VNNI).
  ScopedDiagnosticHandler warnings(&context, [](Diagnostic &d) {
    if (d.getSeverity() != DiagnosticSeverity::Warning)
      return failure();
    llvm::errs() << "warning: " << d.str() << "\n";
    return success();
  });
  std::optional<ScopedDiagnosticHandler> capture;
  if (status)
    capture.emplace(&context, [&](Diagnostic &d) {
      if (d.getSeverity() == DiagnosticSeverity::Error && firstError.empty())
        firstError = StringRef(d.str()).trim().split('\n').first.str();
      return failure();
    });
  auto fail = [&](CompileFailure kind = CompileFailure::Error) {
    if (status) {
      status->failure = kind;
      status->stage = stage;
      status->message = firstError;
    }
    return 1;
  };
  auto report = [&](StringRef name) {
    stage = name.str();
    if (opts.progress)
      opts.progress(name, 0, 0);
  };
  DefaultTimingManager timing;
  timing.setEnabled(opts.timing);
  TimingScope root = timing.getRootScope();

  if (!opts.emit.empty() && opts.emit != "graph" && opts.emit != "kernel" && opts.emit != "halide") {
    llvm::errs() << "error: unknown --emit '" << opts.emit << "' (expected graph, kernel or halide)\n";
    firstError = "unknown --emit '" + opts.emit + "'";
    return fail();
  }
  // Resolved once: the pipeline gets the concrete string ("host" names this machine).
  std::string targetError, target = resolveHalideTarget(opts.target, opts.profile, targetError);
  if (target.empty()) {
    llvm::errs() << "error: " << targetError << "\n";
    firstError = targetError;
    return fail();
  }

  std::string cpuName, cpuFeatures;
  if (!resolveHalideCpu(opts.target, opts.cpu, cpuName, cpuFeatures, targetError)) {
    llvm::errs() << "error: --cpu: " << targetError << "\n";
    firstError = targetError;
    return fail();
  }

  report("import");
  std::string error;
  ImportReport imported;
  OwningOpRef<ModuleOp> module;
  {
    TimingScope t = root.nest("import");
    module = importOnnxFile(context, opts.input, opts.import, error, &imported);
  }
  if (status)
    status->inputsToBind = imported.inputsToBind;
  if (!module) {
    llvm::errs() << error;
    if (!error.empty() && error.back() != '\n')
      llvm::errs() << "\n";
    // The importer says which errors are Kiln's gaps rather than bad models.
    bool unsupported = !imported.firstUnsupported.empty();
    firstError = StringRef(unsupported ? imported.firstUnsupported : error).trim().split('\n').first.str();
    return fail(unsupported ? CompileFailure::Unsupported : CompileFailure::Error);
  }
  if (opts.emit == "graph") {
    print(*module, os, opts.printWeights);
    return 0;
  }

  report("passes");
  PassManager pm(&context);
  pm.addInstrumentation(std::make_unique<CurrentPass>(stage));
  TimingScope passTiming = root.nest("passes");
  if (opts.timing)
    pm.enableTiming(passTiming);
  GraphToHalideOptions pipeline;
  pipeline.target = target; // profile, if asked, is one of its features
  pipeline.cpu = cpuName;
  pipeline.cpuFeatures = cpuFeatures;
  pipeline.fuse = opts.fuse;
  pipeline.skip = opts.skipPasses;
  pipeline.quantize = opts.quantize;
  pipeline.quantizeSkip = opts.quantizeSkip;
  pipeline.quantizeGroup = opts.quantizeGroup;
  pipeline.quantizeAttention = opts.quantizeAttention;
  pipeline.sparsity = opts.sparsity;
  pipeline.sparsityReport = opts.stats;
  pipeline.quantizeRanges = opts.quantizeRanges;
  pipeline.quantizeThreshold = opts.quantizeThreshold;
  pipeline.calibrationOutputs = opts.calibrationOutputs;
  pipeline.sparseAttention = opts.sparseAttention;
  buildGraphToHalidePipeline(pm, pipeline, opts.emit == "kernel" ? PipelineEnd::Kernel : PipelineEnd::Halide);
  // The pass manager verifies the module after each pass.
  if (failed(pm.run(*module)))
    return fail();
  if (opts.emit == "kernel") {
    print(*module, os, opts.printWeights);
    return 0;
  }
  if (opts.stats) {
    // Launches are the kernels a run executes; kiln-dedup-kernels leaves one
    // compiled function per distinct body.
    int launches = 0, distinct = 0;
    module->walk([&](halide::LaunchOp) { ++launches; });
    module->walk([&](halide::KernelOp) { ++distinct; });
    llvm::errs() << "kiln: " << launches << " kernels (" << distinct << " distinct, each compiled once)\n";
  }
  if (opts.emit == "halide") {
    print(*module, os, opts.printWeights);
    return 0;
  }

  ModelLibraryOptions lib;
  lib.outDir = opts.outDir;
  lib.name = opts.name;
  // The file name alone: two machines building one model write the same bytes.
  lib.source = llvm::sys::path::filename(opts.input).str();
  lib.halideRuntime = opts.halideRuntime;
  lib.keepIntermediates = opts.keepIntermediates;
  lib.progress = [&](StringRef name, unsigned done, unsigned total) {
    stage = name.str();
    if (opts.progress)
      opts.progress(name, done, total);
  };
  if (failed(emitModelLibrary(*module, lib, root)))
    return fail();
  return 0;
}
