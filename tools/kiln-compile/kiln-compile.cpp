//===- kiln-compile.cpp - ONNX model in, static library and C header out -===//
//
//   kiln-compile model.onnx -o DIR --name NAME --target host|host-cuda|HALIDE-TARGET
//   kiln-compile model.onnx --emit graph|kernel|halide
//   kiln-compile model.onnx --quantize int8-static --calibrate DIR [--report]
//
// The options that feed the compiler (--target, --shape, --bind, ...) are
// shared with kiln-run (tools/common/CompileFlags).
//
//===----------------------------------------------------------------------===//
#include "compiler/Pipelines/Pipeline.h"
#include "compiler/Utils/InstallLayout.h"
#include "tools/common/CompileFlags.h"
#include "tools/common/Progress.h"

#include "llvm/Support/CommandLine.h"
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
  kiln::tools::parseCommandLine(argc, argv, "Kiln: ONNX to a static library and a C header\n", {&outputCategory});
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
  return kiln::tools::compileWithCalibration(opts, calibration, outs());
}
