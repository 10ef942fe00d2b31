//===- kiln-compile.cpp - ONNX model in, static library and C header out -===//
//
//   kiln-compile model.onnx -o DIR --name NAME --target host|host-cuda|HALIDE-TARGET
//   kiln-compile model.onnx --emit graph|kernel|halide
//   kiln-compile model.onnx --quantize int8-static --calibrate DIR [--report]
//   kiln-compile model.onnx --prune magnitude:90%|nm:2:4|block:4x1:80% [--emit-onnx OUT.onnx]
//
// The options that feed the compiler (--target, --shape, --bind, ...) are
// shared with kiln-run (tools/common/CompileFlags).
//
//===----------------------------------------------------------------------===//
#include "compiler/Pipelines/Pipeline.h"
#include "compiler/Utils/InstallLayout.h"
#include "tools/common/CompileFlags.h"
#include "tools/common/Progress.h"
#include "tools/common/PruneModel.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"

using namespace llvm;

static cl::OptionCategory outputCategory("Output options");
static cl::opt<std::string> input(cl::Positional, cl::desc("<model.onnx>"), cl::Required, cl::cat(outputCategory));
static cl::opt<std::string> outDir("o", cl::desc("Output folder for libNAME.a and NAME.h"), cl::value_desc("DIR"),
                                   cl::init("."), cl::cat(outputCategory));
static cl::opt<std::string> name("name", cl::desc("Model name: prefix of every symbol (default: file stem)"),
                                 cl::cat(outputCategory));
static cl::opt<std::string> emit("emit", cl::desc("Print the module after a stage instead: graph, kernel or halide"),
                                 cl::value_desc("STAGE"), cl::cat(outputCategory));
static cl::opt<bool> printWeights(
    "print-weights", cl::desc("With --emit: print weights in full, a module kiln-opt can run on (default: elided)"),
    cl::cat(outputCategory));
static cl::opt<bool> keepIntermediates(
    "keep-intermediates",
    cl::desc("Keep the objects, the table's C source and the weights blob in their temporary folder (printed)"),
    cl::cat(outputCategory));

// --prune: the model is pruned before anything else (tools/common/PruneModel,
// docs/sparsity.md), then written out or compiled.
static cl::OptionCategory pruneCategory("Pruning options");
static cl::opt<std::string> prune("prune",
                                  cl::desc("Prune the f32 MatMul/Gemm weights first: magnitude:P%, nm:N:M or "
                                           "block:RxC:P% (e.g. magnitude:90%, nm:2:4, block:4x1:80%)"),
                                  cl::value_desc("SPEC"), cl::cat(pruneCategory));
static cl::opt<std::string> emitOnnx("emit-onnx", cl::desc("With --prune: write the pruned model to FILE and stop"),
                                     cl::value_desc("FILE"), cl::cat(pruneCategory));

/// --prune: writes the pruned model to --emit-onnx's file, or to a copy in
/// `tmpDir` that becomes what is compiled (and --report's dense model is the
/// input). Returns 0 when the tool is done, 1 on error, -1 to go on.
static int pruneInput(kiln::CompileOptions &opts, kiln::tools::CalibrationOptions &calibration,
                      SmallString<128> &tmpDir) {
  if (prune.empty()) {
    if (emitOnnx.empty())
      return -1;
    errs() << "error: --emit-onnx writes a pruned model: it needs --prune SPEC\n";
    return 1;
  }
  kiln::tools::PruneSpec spec;
  std::vector<kiln::tools::PrunedWeight> pruned;
  std::string err, out = emitOnnx;
  if (!kiln::tools::parsePruneSpec(prune, spec, err)) {
    errs() << "error: " << err << "\n";
    return 1;
  }
  if (out.empty()) {
    if (sys::fs::createUniqueDirectory("kiln-prune", tmpDir)) {
      errs() << "error: --prune: cannot make a temporary folder\n";
      return 1;
    }
    // The input's file name: the header and table name the model's file.
    out = (tmpDir + "/" + sys::path::stem(opts.input) + ".onnx").str();
  }
  if (!kiln::tools::pruneModelFile(opts.input, out, spec, pruned, err)) {
    errs() << "error: " << err << "\n";
    return 1;
  }
  if (opts.stats)
    kiln::tools::printPruneStats(pruned, errs());
  if (pruned.empty())
    errs() << "kiln: warning: --prune: " << opts.input << " has no f32 MatMul/Gemm weight to prune\n";
  if (!emitOnnx.empty())
    return 0;
  calibration.denseInput = opts.input;
  calibration.prune = spec.text;
  opts.input = out;
  return -1;
}

static std::string identifier(StringRef s) {
  std::string id;
  for (char c : s)
    id += isalnum((unsigned char)c) ? c : '_';
  if (id.empty() || isdigit((unsigned char)id[0]))
    id = "m_" + id;
  return id;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  kiln::tools::parseCommandLine(argc, argv, "Kiln: ONNX to a static library and a C header\n", {&outputCategory, &pruneCategory});
  kiln::CompileOptions opts;
  kiln::tools::CalibrationOptions calibration;
  if (std::string err; !kiln::tools::fillCompileOptions(opts, err) ||
                       !kiln::tools::fillCalibrationOptions(calibration, err)) {
    errs() << "error: " << err << "\n";
    return 1;
  }
  opts.input = input;
  opts.outDir = outDir;
  opts.name = name.empty() ? identifier(sys::path::stem(input)) : std::string(name);
  if (opts.name != identifier(opts.name)) {
    errs() << "error: --name '" << opts.name << "' is not a C identifier\n";
    return 1;
  }
  opts.emit = emit;
  opts.printWeights = printWeights;
  opts.keepIntermediates = keepIntermediates;
  kiln::tools::Progress progress("kiln-compile", kiln::tools::progressMode());
  opts.progress = progress.callback();
  // Installed: <prefix>/lib/libkiln_runtime.a; in the build tree, this build's.
  calibration.runtimeLibrary = kiln::installedPath("lib/libkiln_runtime.a", KILN_RUNTIME_LIBRARY);
  SmallString<128> pruneDir;
  auto removePruned = make_scope_exit([&] {
    if (!pruneDir.empty())
      sys::fs::remove_directories(pruneDir);
  });
  if (int rc = pruneInput(opts, calibration, pruneDir); rc >= 0)
    return rc;
  return kiln::tools::compileWithCalibration(opts, calibration, outs());
}
