//===- Pipeline.cpp - ONNX file to library: the one pipeline tools and tests use -===//
//
// import (ONNX -> graph) -> convert-graph-to-kernel -> convert-kernel-to-halide
// -> Halide (one object per kernel + runtime) -> libNAME.a + NAME.h.
//
//===----------------------------------------------------------------------===//
#include "compiler/Pipelines/Pipeline.h"
#include "compiler/Conversion/Passes.h"
#include "compiler/Transforms/Passes.h"
#include "compiler/Pipelines/Registration.h"
#include "compiler/Target/Halide/HalideTranslation.h"
#include "compiler/Target/Library/LibraryEmitter.h"
#include "dialects/Graph/GraphOps.h"
#include "dialects/Halide/HalideOps.h"
#include "dialects/Kernel/KernelOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Timer.h"

#include <cstring>
#include <optional>

using namespace mlir;
using namespace kiln;

/// Every model output must be written by a kernel of its own: outputs that are
/// inputs, constants, or returned twice get an identity copy.
static void materializeOutputs(func::FuncOp main) {
  auto ret = cast<func::ReturnOp>(main.getBody().front().getTerminator());
  OpBuilder b(ret);
  llvm::SmallPtrSet<Value, 8> seen;
  for (OpOperand &o : ret->getOpOperands()) {
    Value v = o.get();
    Operation *def = v.getDefiningOp();
    bool fromKernel = def && isa<kernel::KernelDialect>(def->getDialect());
    if (fromKernel && seen.insert(v).second)
      continue;
    auto type = cast<RankedTensorType>(v.getType());
    auto copy = b.create<kernel::ElementwiseOp>(
        ret.getLoc(), type, ValueRange{v},
        ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(type.getRank(), b.getContext())});
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&copy.getBody().front());
    b.create<kernel::YieldOp>(ret.getLoc(), copy.getBody().front().getArgument(0));
    o.set(copy.getResult());
    seen.insert(copy.getResult());
  }
}

static void print(ModuleOp module, llvm::raw_ostream &os) {
  OpPrintingFlags flags;
  flags.elideLargeElementsAttrs(16).elideLargeResourceString(64);
  module->print(os, flags);
  os << "\n";
}

/// The first line of `text` (or its first line mentioning `keyword`).
static std::string firstLine(StringRef text, StringRef keyword = "") {
  SmallVector<StringRef> lines;
  text.trim().split(lines, '\n');
  for (StringRef l : lines)
    if (!keyword.empty() && l.contains(keyword))
      return l.str();
  return lines.empty() ? "" : lines.front().str();
}

LibraryOptions kiln::libraryOptions(const HalideTargetOptions &target, const std::string &outDir,
                                   const std::string &name, const std::string &source) {
  // "no_runtime" is Halide bookkeeping: the library carries one runtime of its own.
  std::string shown = halideTargetString(target);
  if (size_t p = shown.find("-no_runtime"); p != std::string::npos)
    shown.erase(p, strlen("-no_runtime"));
  return {outDir, name, source, shown, target.cuda};
}

int kiln::compileModel(const CompileOptions &opts, llvm::raw_ostream &os, CompileStatus *status) {
  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // With a status to fill: remember the first error and still print it.
  std::string stage = "options", firstError;
  std::optional<ScopedDiagnosticHandler> capture;
  if (status)
    capture.emplace(&context, [&](Diagnostic &d) {
      if (d.getSeverity() == DiagnosticSeverity::Error && firstError.empty())
        firstError = firstLine(d.str());
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
  auto failWith = [&](const std::string &msg) {
    llvm::errs() << "error: " << msg << "\n";
    firstError = msg;
    return fail();
  };
  llvm::TimerGroup timers("kiln", "kiln-compile time per stage");
  auto timed = [&](StringRef name) {
    auto *t = new llvm::Timer(name, name, timers);
    return t;
  };
  std::vector<std::unique_ptr<llvm::Timer>> owned;
  auto start = [&](StringRef name) -> llvm::Timer * {
    if (!opts.timing)
      return nullptr;
    owned.emplace_back(timed(name));
    owned.back()->startTimer();
    return owned.back().get();
  };
  auto enter = [&](StringRef name) {
    stage = name.str();
    if (opts.progress)
      opts.progress(name, 0, 0);
  };
  auto stop = [](llvm::Timer *t) {
    if (t)
      t->stopTimer();
  };

  if (opts.target != "host" && opts.target != "host-cuda") {
    llvm::errs() << "error: unknown --target '" << opts.target << "' (expected host or host-cuda)\n";
    firstError = "unknown target '" + opts.target + "'";
    return fail();
  }
  HalideTargetOptions targetOpts;
  targetOpts.cuda = opts.target == "host-cuda";
  targetOpts.profile = opts.profile;
  std::string targetString = halideTargetString(targetOpts);

  enter("import");
  llvm::Timer *t = start("import");
  std::string error;
  ImportReport report;
  OwningOpRef<ModuleOp> module = importOnnxFile(context, opts.input, opts.import, error, &report);
  if (status)
    status->inputsToBind = report.inputsToBind;
  stop(t);
  if (!module) {
    llvm::errs() << error;
    if (!error.empty() && error.back() != '\n')
      llvm::errs() << "\n";
    StringRef e(error);
    StringRef why = e.contains("supported")            ? "supported"
                    : e.contains("must be a constant") ? "must be a constant"
                                                       : "";
    firstError = firstLine(e, why);
    return fail(why.empty() ? CompileFailure::Error : CompileFailure::Unsupported);
  }
  if (opts.emit == "graph") {
    print(*module, os);
    return 0;
  }

  enter("graph-to-kernel");
  t = start("graph-to-kernel");
  PassManager pm(&context);
  auto fusion = [&](std::unique_ptr<Pass> p) {
    if (opts.fuse && !llvm::is_contained(opts.skipPasses, p->getArgument()))
      pm.addNestedPass<func::FuncOp>(std::move(p));
  };
  fusion(createRecognizePatterns());
  fusion(createMergeProjections());
  pm.addPass(createConvertGraphToKernel());
  fusion(createFuseElementwise());
  fusion(createFuseMatMulEpilogue());
  fusion(createFuseAttention());
  int64_t vectorBytes = targetString.find("avx512") != std::string::npos ? 64 : 32;
  if (!targetOpts.cuda) {
    PackWeightsOptions packOpts;
    packOpts.vectorBytes = vectorBytes;
    pm.addNestedPass<func::FuncOp>(createPackWeights(packOpts));
  }
  if (failed(pm.run(*module)))
    return fail();
  if (auto main = module->lookupSymbol<func::FuncOp>("main"))
    materializeOutputs(main);
  stop(t);
  if (opts.emit == "kernel") {
    print(*module, os);
    return 0;
  }

  enter("kernel-to-halide");
  t = start("kernel-to-halide");
  PassManager pm2(&context);
  ConvertKernelToHalideOptions khOpts;
  khOpts.vectorBytes = vectorBytes;
  pm2.addPass(createConvertKernelToHalide(khOpts));
  // Layers that repeat become one kernel each: compiled once, launched per layer.
  pm2.addPass(createDedupKernels());
  if (failed(pm2.run(*module)) || failed(verify(*module)))
    return fail();
  stop(t);
  if (opts.stats) {
    // Launches are the kernels a run executes; kiln-dedup-kernels leaves one
    // compiled function per distinct body.
    int launches = 0, distinct = 0;
    module->walk([&](halide::LaunchOp) { ++launches; });
    module->walk([&](halide::KernelOp) { ++distinct; });
    llvm::errs() << "kiln: " << launches << " kernels (" << distinct << " distinct, each compiled once)\n";
  }
  if (opts.emit == "halide") {
    print(*module, os);
    return 0;
  }
  if (!opts.emit.empty()) {
    llvm::errs() << "error: unknown --emit '" << opts.emit << "' (expected graph, kernel or halide)\n";
    firstError = "unknown --emit '" + opts.emit + "'";
    return fail();
  }

  // Intermediates are built in a temporary folder; only libNAME.a and NAME.h
  // reach the output folder, and only once both exist, so a failed build
  // writes nothing there.
  enter("halide-codegen");
  llvm::SmallString<128> work;
  if (auto ec = llvm::sys::fs::createUniqueDirectory("kiln-compile", work))
    return failWith("cannot make a temporary folder: " + ec.message());
  std::string workDir(work);
  auto cleanup = llvm::make_scope_exit([&] {
    if (opts.keepIntermediates)
      llvm::errs() << "kiln-compile: intermediates kept in " << workDir << "\n";
    else
      llvm::sys::fs::remove_directories(workDir);
  });
  t = start("halide-codegen");
  std::vector<std::string> objects;
  if (failed(emitHalideObjects(*module, targetOpts, workDir, opts.name, objects,
                               /*withRuntime=*/opts.halideRuntime.empty(), [&](unsigned done, unsigned total) {
                                 if (opts.progress)
                                   opts.progress("halide-codegen", done, total);
                               })))
    return fail();
  stop(t);
  enter("library");
  t = start("library");
  // The file name alone: two machines building one model write the same bytes.
  LibraryOptions lib = libraryOptions(targetOpts, workDir, opts.name,
                                      llvm::sys::path::filename(opts.input).str());
  std::vector<std::string> archived = objects;
  if (!opts.halideRuntime.empty())
    archived.push_back(opts.halideRuntime);
  if (failed(emitLibrary(*module, lib, archived)))
    return fail();
  stop(t);
  if (auto ec = llvm::sys::fs::create_directories(opts.outDir))
    return failWith("cannot create " + opts.outDir + ": " + ec.message());
  for (const std::string &file : {"lib" + opts.name + ".a", opts.name + ".h"}) {
    std::string from = workDir + "/" + file, to = opts.outDir + "/" + file;
    // rename() within one file system; a copy across them (/tmp is often tmpfs).
    std::error_code ec = llvm::sys::fs::rename(from, to);
    if (ec)
      ec = llvm::sys::fs::copy_file(from, to);
    if (ec)
      return failWith("cannot write " + to + ": " + ec.message());
  }
  if (opts.timing)
    timers.print(llvm::errs());
  return 0;
}
