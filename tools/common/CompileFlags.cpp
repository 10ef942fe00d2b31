//===- CompileFlags.cpp - The compiler's options, declared once for every tool -===//
#include "tools/common/CompileFlags.h"
#include "compiler/Pipelines/GraphToHalide.h"

#include "llvm/ADT/StringExtras.h"

#include <list>

using namespace llvm;

namespace kiln::tools {

cl::OptionCategory &compileCategory() {
  static cl::OptionCategory category("Compile options");
  return category;
}

cl::OptionCategory &debugCategory() {
  static cl::OptionCategory category("Debugging options");
  return category;
}

namespace {

cl::opt<std::string> target("target", cl::desc("host, host-cuda or a Halide target string"), cl::init("host"), cl::cat(compileCategory()));
cl::opt<std::string> cpu("cpu",
                         cl::desc("LLVM CPU for the int8 kernels (znver4, alderlake, host): VNNI without AVX512-FP16/AMX; "
                                  "default: the host if it has VNNI and no FP16"),
                         cl::value_desc("NAME"), cl::cat(compileCategory()));
cl::list<std::string> shapes("shape", cl::desc("Pin a symbolic dim: --shape batch=2 (repeatable, or a,b lists)"),
                             cl::value_desc("NAME=N"), cl::CommaSeparated, cl::cat(compileCategory()));
cl::list<std::string> binds("bind",
                            cl::desc("Fix a graph input's value at compile time: --bind shape=FILE.pb or "
                                     "--bind axes=0,2 (repeatable)"),
                            cl::value_desc("NAME=VALUE"), cl::cat(compileCategory()));
cl::opt<bool> symbolicDims("symbolic-dims",
                           cl::desc("Keep unpinned named dims symbolic: one build for every size"),
                           cl::cat(compileCategory()));
cl::opt<bool> profile("profile",
                      cl::desc("Build kernels with Halide's profiler: each kernel prints where its time went at exit"),
                      cl::cat(compileCategory()));
cl::opt<std::string> quantize("quantize", cl::desc("Quantize the weight matmuls: none (default), int8-dynamic, int8-static, int8-outlier or w4"),
                              cl::value_desc("SCHEME"), cl::init("none"), cl::cat(compileCategory()));
cl::opt<unsigned> quantizeGroup("quantize-group", cl::desc("w4: weights per scale along K: 16 to 256, a power of 2 (default 32)"),
                                cl::value_desc("N"), cl::init(32), cl::cat(compileCategory()));
cl::list<std::string> quantizeSkip("quantize-skip", cl::desc("ONNX nodes whose matmuls stay in f32 (a,b lists)"),
                                   cl::value_desc("NODE"), cl::CommaSeparated, cl::cat(compileCategory()));
cl::opt<bool> quantizeAttention("quantize-attention",
                                cl::desc("int8-dynamic, int8-static: attention's Q K^T and P V as int8 dot products "
                                         "too where the CPU has VNNI (default true; =false keeps them f32)"),
                                cl::init(true), cl::cat(compileCategory()));
cl::opt<double> outlierThreshold("outlier-threshold",
                                 cl::desc("int8-outlier: activation magnitude from which a column stays f32 (6.0)"),
                                 cl::value_desc("X"), cl::init(6.0), cl::cat(compileCategory()));
// Block-sparse attention (issue 15, XAttention).
cl::opt<double> sparseAttention("sparse-attention",
                                cl::desc("Approximate attention past 512 keys by the key blocks of 128 whose "
                                         "estimated mass reaches THRESHOLD, e.g. 0.95 (default 0: exact)"),
                                cl::value_desc("THRESHOLD"), cl::init(0), cl::cat(compileCategory()));
cl::opt<std::string> calibrate("calibrate",
                              cl::desc("Data sets (test_data_set_N/input_K.pb) for int8-static's ranges and --report"),
                              cl::value_desc("DIR"), cl::cat(compileCategory()));
cl::opt<std::string> calibrateMethod("calibrate-method",
                                    cl::desc("int8-static ranges: minmax (default) or percentile"),
                                    cl::value_desc("M"), cl::init("minmax"), cl::cat(compileCategory()));
cl::opt<double> calibratePercentile("calibrate-percentile",
                                    cl::desc("percentile: keep [100-P, P] of each activation (default 99.99)"),
                                    cl::value_desc("P"), cl::init(99.99), cl::cat(compileCategory()));
cl::opt<bool> report("report",
                     cl::desc("After a quantized or --prune build: cosine and max error per output against the f32 "
                              "(dense) model on the --calibrate sets, and both library sizes"),
                     cl::cat(compileCategory()));

cl::opt<std::string> sparsity("sparsity",
                              cl::desc("Sparse kernels for the weights whose zeros pay: auto (default) or off"),
                              cl::value_desc("MODE"), cl::init("auto"), cl::cat(compileCategory()));

cl::opt<bool> noFuse("no-fuse", cl::desc("Skip the fusion passes: one kernel per op"), cl::cat(debugCategory()));
cl::list<std::string> skipPass("skip-pass",
                               cl::desc("Skip one fusion pass by name (repeatable), e.g. kiln-fuse-attention"),
                               cl::value_desc("PASS"), cl::cat(debugCategory()));
cl::opt<bool> timing("timing", cl::desc("Print the time each stage and pass took"), cl::cat(debugCategory()));
// Spelled "stats" by parseCommandLine (LLVM owns that name too).
cl::opt<bool> stats("kiln-stats", cl::desc("Print how many kernels the model became and each weight's sparsity"), cl::cat(debugCategory()));
cl::opt<Progress::Mode> progress(
    "progress", cl::desc("Show the stage and kernel count on one line while compiling"),
    cl::values(clEnumValN(Progress::Mode::Auto, "auto", "on a terminal, after 2 s (default)"),
               clEnumValN(Progress::Mode::Always, "always", "at once, also when stderr is piped"),
               clEnumValN(Progress::Mode::Never, "never", "never")),
    cl::init(Progress::Mode::Auto), cl::cat(debugCategory()));

} // namespace

Progress::Mode progressMode() { return progress; }

void claimOptionName(cl::Option &ours, StringRef name) {
  // getRegisteredOptions also registers LLVM's lazily created options.
  StringMap<cl::Option *> &registered = cl::getRegisteredOptions();
  auto it = registered.find(name);
  if (it != registered.end() && it->second != &ours) {
    // The option keeps a StringRef to its name: the new one must outlive it.
    static std::list<std::string> renamed;
    it->second->setArgStr(renamed.emplace_back(("llvm-" + name).str()));
  }
  if (ours.ArgStr != name)
    ours.setArgStr(name);
}

void parseCommandLine(int argc, char **argv, StringRef overview, ArrayRef<const cl::OptionCategory *> categories) {
  claimOptionName(stats, "stats");
  SmallVector<const cl::OptionCategory *> shown(categories.begin(), categories.end());
  shown.push_back(&compileCategory());
  shown.push_back(&debugCategory());
  cl::HideUnrelatedOptions(shown);
  cl::ParseCommandLineOptions(argc, argv, overview);
}

bool fillCompileOptions(CompileOptions &opts, std::string &error) {
  opts.target = target;
  opts.cpu = cpu;
  opts.timing = timing;
  opts.stats = stats;
  opts.profile = profile;
  opts.fuse = !noFuse;
  opts.skipPasses.assign(skipPass.begin(), skipPass.end());
  if (!llvm::is_contained(quantizationSchemes(), StringRef(quantize))) {
    error = "--quantize: unknown scheme '" + quantize + "' (expected " +
            llvm::join(quantizationSchemes(), ", ") + ")";
    return false;
  }
  opts.quantize = quantize;
  if (sparsity != "auto" && sparsity != "off") {
    error = "--sparsity: expected auto or off, got '" + sparsity + "'";
    return false;
  }
  opts.sparsity = sparsity;
  if (quantizeGroup < 16 || quantizeGroup > 256 || (quantizeGroup & (quantizeGroup - 1))) {
    error = "--quantize-group: " + std::to_string(quantizeGroup) + " is not a power of 2 from 16 to 256";
    return false;
  }
  opts.quantizeGroup = quantizeGroup;
  if (!(outlierThreshold > 0)) {
    error = "--outlier-threshold: " + std::to_string(outlierThreshold) + " is not > 0";
    return false;
  }
  opts.quantizeThreshold = outlierThreshold;
  if (!(sparseAttention >= 0 && sparseAttention <= 1)) {
    error = "--sparse-attention: " + std::to_string(sparseAttention) + " is not a threshold in [0, 1]";
    return false;
  }
  opts.sparseAttention = sparseAttention;
  opts.quantizeSkip.assign(quantizeSkip.begin(), quantizeSkip.end());
  opts.quantizeAttention = quantizeAttention;
  opts.import.symbolicDims = symbolicDims;
  for (const std::string &s : shapes) {
    auto [k, v] = StringRef(s).split('=');
    int64_t dim;
    // 0 is a size too: a KV cache's past is empty on the first call.
    if (k.empty() || v.getAsInteger(10, dim) || dim < 0) {
      error = "--shape expects name=N with N >= 0, got '" + s + "'";
      return false;
    }
    opts.import.dimValues[k.str()] = dim;
  }
  for (const std::string &s : binds) {
    auto [k, v] = StringRef(s).split('=');
    if (k.empty() || v.empty()) {
      error = "--bind expects name=FILE.pb or name=1,2,3, got '" + s + "'";
      return false;
    }
    opts.import.boundInputs[k.str()] = v.str();
  }
  return true;
}

bool fillCalibrationOptions(CalibrationOptions &c, std::string &error) {
  c.dataDir = calibrate;
  c.method = calibrateMethod;
  c.percentile = calibratePercentile;
  c.report = report;
  if (c.method != "minmax" && c.method != "percentile") {
    error = "--calibrate-method: '" + c.method + "' is not minmax or percentile";
    return false;
  }
  if (!(c.percentile > 50 && c.percentile <= 100)) {
    error = "--calibrate-percentile: " + std::to_string(c.percentile) + " is not in (50, 100]";
    return false;
  }
  return true;
}

bool shapeGiven(StringRef dim) {
  return llvm::any_of(shapes, [&](const std::string &s) { return StringRef(s).split('=').first == dim; });
}

} // namespace kiln::tools
