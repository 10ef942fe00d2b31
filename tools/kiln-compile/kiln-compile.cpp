//===- kiln-compile.cpp - ONNX model in, static library and C header out -===//
//
//   kiln-compile model.onnx -o DIR --name NAME --target host|host-cuda
//   kiln-compile model.onnx --emit graph|kernel|halide
//
//===----------------------------------------------------------------------===//
#include "compiler/Pipelines/Pipeline.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"

using namespace llvm;

static cl::opt<bool> profile("profile", cl::desc("Build kernels with Halide's profiler: each kernel prints where its time went at exit"));
static cl::opt<bool> noFuse("no-fuse", cl::desc("Skip the fusion passes: one kernel per op"));
static cl::list<std::string> skipPass("skip-pass", cl::desc("Skip one fusion pass by name (repeatable), e.g. kiln-fuse-attention"));
static cl::opt<std::string> input(cl::Positional, cl::desc("<model.onnx>"), cl::Required);
static cl::opt<std::string> outDir("o", cl::desc("Output folder for libNAME.a and NAME.h"),
                                   cl::init("."));
static cl::opt<std::string> name("name", cl::desc("Model name: prefix of every symbol (default: file stem)"));
static cl::opt<std::string> target("target", cl::desc("host, host-cuda or a Halide target string"), cl::init("host"));
static cl::opt<std::string> emit("emit", cl::desc("Print the module after a stage: graph, kernel or halide"));
static cl::opt<bool> printWeights("print-weights", cl::desc("With --emit: print weights in full, a module kiln-opt can run on (default: elided)"));
static cl::list<std::string> shapes("shape", cl::desc("Pin a symbolic dim: --shape batch=2 (repeatable, or a,b lists)"),
                                    cl::CommaSeparated);
static cl::list<std::string> binds("bind", cl::desc("Fix a graph input's value at compile time: --bind shape=FILE.pb or --bind axes=0,2 (repeatable)"));
static cl::opt<bool> symbolicDims("symbolic-dims", cl::desc("Keep unpinned named dims symbolic: compile once for every size (in progress: the graph stage, --emit graph, only)"));
static cl::opt<bool> keepIntermediates("keep-intermediates", cl::desc("Keep the objects, the table's C source and the weights blob in their temporary folder (printed) instead of removing them"));
static cl::opt<bool> timing("timing", cl::desc("Print the time each stage took"));

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
  // LLVM owns "-stats" (its statistics); ours prints kernel counts, so take it out first.
  bool stats = false;
  std::vector<const char *> args;
  for (int i = 0; i < argc; ++i) {
    if (i > 0 && (StringRef(argv[i]) == "--stats" || StringRef(argv[i]) == "-stats"))
      stats = true;
    else
      args.push_back(argv[i]);
  }
  cl::ParseCommandLineOptions(args.size(), args.data(),
                              "Kiln: ONNX to a static library and a C header\n\n"
                              "  --stats   print how many kernels the model became\n");
  kiln::CompileOptions opts;
  opts.input = input;
  opts.outDir = outDir;
  opts.name = name.empty() ? identifier(sys::path::stem(input)) : std::string(name);
  if (opts.name != identifier(opts.name)) {
    errs() << "error: --name '" << opts.name << "' is not a C identifier\n";
    return 1;
  }
  opts.target = target;
  opts.emit = emit;
  opts.printWeights = printWeights;
  opts.timing = timing;
  opts.keepIntermediates = keepIntermediates;
  opts.stats = stats;
  opts.fuse = !noFuse;
  opts.skipPasses.assign(skipPass.begin(), skipPass.end());
  opts.profile = profile;
  opts.import.symbolicDims = symbolicDims;
  for (const std::string &s : shapes) {
    auto [k, v] = StringRef(s).split('=');
    int64_t dim;
    if (k.empty() || v.getAsInteger(10, dim) || dim <= 0) {
      errs() << "error: --shape expects name=positive-integer, got '" << s << "'\n";
      return 1;
    }
    opts.import.dimValues[k.str()] = dim;
  }
  for (const std::string &s : binds) {
    auto [k, v] = StringRef(s).split('=');
    if (k.empty() || v.empty()) {
      errs() << "error: --bind expects name=FILE.pb or name=1,2,3, got '" << s << "'\n";
      return 1;
    }
    opts.import.boundInputs[k.str()] = v.str();
  }
  return kiln::compileModel(opts, outs());
}
