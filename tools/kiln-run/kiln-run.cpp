//===- kiln-run.cpp - Compile a model and check it on ONNX backend test data -===//
//
//   kiln-run DIR [--target host|host-cuda] [--shape d=N] [--symbolic-dims]
//            [--bind NAME=VALUE] [--atol A --rtol R] [--repeat N --threads T]
//
// DIR holds model.onnx beside test_data_set_N/{input_K.pb, output_K.pb} (the
// ONNX backend test layout). Every data set is checked at its own sizes: the
// symbolic dims are pinned from each set's input shapes (unless --shape pins
// them), so the model is compiled once per distinct size, or once with
// --symbolic-dims (the dims bound from each set's inputs at run time). Inputs
// the importer needs as compile-time constants (a Reshape's shape fed as a
// graph input) are bound from each set's values, one build per distinct value
// (BuildPlan.h). Each build is linked into a shared object with the runtime,
// loaded, run on its sets and unloaded; each output is compared element by
// element by the shared rule (tools/common/compare.h). Each set gets a line,
// the last line counts passed and failed sets and builds. Exit status 1 on any
// mismatch or error.
//
//===----------------------------------------------------------------------===//
#include "compiler/Pipelines/Pipeline.h"
#include "compiler/Pipelines/Registration.h"
#include "compiler/Utils/InstallLayout.h"
#include "kiln/runtime.h"
#include "tools/common/CompileFlags.h"
#include "tools/common/Progress.h"
#include "tools/common/SharedModel.h"
#include "tools/common/TestData.h"
#include "tools/common/compare.h"
#include "tools/kiln-run/BuildPlan.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "onnx/onnx_pb.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>

using namespace llvm;
using kiln::testdata::Tensor;
using namespace kiln::testdata;
using kiln::run::BuildKey;
using kiln::run::DataSet;
using kiln::run::ModelInputs;

static cl::OptionCategory testCategory("Test options");
static cl::opt<std::string> dir(cl::Positional, cl::desc("<test folder>"), cl::Required, cl::cat(testCategory));
static cl::opt<std::string> model("model", cl::desc("Model file inside the folder"), cl::init("model.onnx"),
                                  cl::cat(testCategory));
static cl::opt<double> absTol("atol", cl::desc("Absolute tolerance"), cl::init(1e-4), cl::cat(testCategory));
static cl::opt<double> relTol("rtol", cl::desc("Relative tolerance"), cl::init(1e-3), cl::cat(testCategory));
static cl::opt<double> minCosine(
    "min-cosine",
    cl::desc("Compare float outputs by cosine similarity >= X instead of atol/rtol (quantized builds against "
             "f32 references)"),
    cl::value_desc("X"), cl::init(0), cl::cat(testCategory));
static cl::opt<std::string> workDir(
    "work-dir", cl::desc("Build and keep the compiled library here (default: a temporary folder, removed on exit)"),
    cl::value_desc("DIR"), cl::cat(testCategory));
static cl::OptionCategory runCategory("Run options");
static cl::opt<int> repeat("repeat", cl::desc("Time N runs of the last data set and print min and median"),
                           cl::value_desc("N"), cl::init(0), cl::cat(runCategory));
// Spelled "threads" once LLVM's option of that name is out of the way (main).
static cl::opt<int> threads("kiln-threads", cl::desc("Thread count for the kernels (0: Halide's default)"),
                            cl::value_desc("T"), cl::init(0), cl::cat(runCategory));

namespace {

int fail(const std::string &msg) {
  errs() << "kiln-run: error: " << msg << "\n";
  return 1;
}

/// The inputs of `names` that are graph inputs and not yet in `bound`.
std::vector<std::string> newBindings(const std::vector<std::string> &names, const ModelInputs &inputs,
                                     const std::set<std::string> &bound) {
  std::vector<std::string> out;
  for (const std::string &n : names)
    if (inputs.indexOf(n) >= 0 && !bound.count(n))
      out.push_back(n);
  return out;
}

/// Import options for one build: the command line's, plus the key's dims and
/// bound values.
kiln::ImportOptions importOptionsFor(const kiln::ImportOptions &base, const BuildKey &key) {
  kiln::ImportOptions io = base;
  io.dimValues.insert(key.dims.begin(), key.dims.end());
  io.boundInputs.insert(key.bound.begin(), key.bound.end());
  return io;
}

/// Finds the inputs the importer needs as constants by importing the model
/// with `set`'s values bound, quietly, until it asks for no new one: found
/// before the first build, they do not print the importer's "--bind" error
/// in a run that then passes. Adds them to `toBind`.
void probeBindings(const std::string &modelPath, const ModelInputs &inputs, const DataSet &set, bool pinDims,
                   const kiln::ImportOptions &base, const std::set<std::string> &given,
                   std::set<std::string> &toBind) {
  mlir::DialectRegistry registry;
  kiln::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  mlir::ScopedDiagnosticHandler quiet(&context, [](mlir::Diagnostic &) { return mlir::success(); });
  // Each round binds at least one more input; the importer stops at the
  // first node that needs one.
  for (size_t round = 0; round <= inputs.names.size(); ++round) {
    BuildKey key;
    std::string err;
    if (!kiln::run::planBuild(inputs, set, pinDims, base.dimValues, toBind, key, err))
      return;
    kiln::ImportReport report;
    if (kiln::importOnnxFile(context, modelPath, importOptionsFor(base, key), err, &report))
      return;
    std::set<std::string> known = toBind;
    known.insert(given.begin(), given.end());
    std::vector<std::string> more = newBindings(report.inputsToBind, inputs, known);
    if (more.empty())
      return; // another error: the build prints it
    toBind.insert(more.begin(), more.end());
  }
}

/// A loaded build and its one context.
struct Build {
  kiln::SharedModel sm;
  kiln_context_t *ctx = nullptr;
  ~Build() {
    if (ctx)
      sm.destroy(ctx);
    kiln::unloadSharedModel(sm);
  }
};

/// Runs `set` on `b`, leaving out the inputs in `bound` (compile-time
/// constants), and prints a line per output. Returns "" when every output
/// matches, else why not; `ran` says whether the model ran, and `in` and
/// `out` keep its tensors for --repeat.
std::string runSet(Build &b, const DataSet &set, const ModelInputs &inputs, const std::set<std::string> &bound,
                   std::vector<Tensor> &inputData, std::vector<Tensor> &results, std::vector<kiln_tensor_t> &in,
                   std::vector<kiln_tensor_t> &out, bool &ran) {
  const kiln_model_t *m = b.sm.model;
  std::vector<Tensor> expected;
  inputData.clear();
  if (std::string err; !loadSet(set.path, "input_", inputData, err) || !loadSet(set.path, "output_", expected, err))
    return err;
  // A set without every output would compare nothing and pass.
  if (expected.size() != (size_t)m->num_outputs)
    return set.name + " has " + std::to_string(expected.size()) + " expected outputs (output_K.pb), the model has " +
           std::to_string(m->num_outputs);
  in.clear();
  for (size_t k = 0; k < inputData.size(); ++k) {
    if (k < inputs.names.size() && bound.count(inputs.names[k]))
      continue;
    Tensor &t = inputData[k];
    in.push_back({(kiln_dtype_t)t.dtype, (int32_t)t.shape.size(), t.shape.data(), t.data.data()});
  }
  // Symbolic dims: the inputs bind them, then the outputs' shapes are known.
  if (std::string err; !runSharedModel(b.sm, b.ctx, in, results, out, err))
    return "run failed: " + err;
  ran = true;
  int bad = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    const Tensor &a = results[i], &e = expected[i];
    if (a.shape != e.shape || a.dtype != e.dtype) {
      outs() << set.name << " output " << i << " '" << a.name << "': " << dtypeName(a.dtype) << " "
             << shapeString(a.shape) << ", expected " << dtypeName(e.dtype) << " " << shapeString(e.shape) << "\n";
      ++bad;
      continue;
    }
    size_t n = numElements(a.shape);
    kiln_compare_result_t r;
    bool ok = kiln_compare(a.dtype, a.data.data(), e.data.data(), n, absTol, relTol, &r);
    if (minCosine > 0 && kiln_compare_is_float(a.dtype)) {
      // Cosine decides; max|a-b| is still reported. NaN fails.
      double cos = kiln_compare_cosine(a.dtype, a.data.data(), e.data.data(), n);
      ok = cos >= minCosine;
      outs() << set.name << " output " << i << " '" << a.name << "': cosine " << format("%.6f", cos) << " (min "
             << format("%g", (double)minCosine) << "), max|a-b| = " << format("%.3g", r.max_err)
             << (ok ? ", ok" : ", MISMATCH") << "\n";
      bad += !ok;
      continue;
    }
    if (!ok)
      outs() << "  first mismatch at flat index " << r.first_bad << ": got " << r.first_got << ", expected "
             << r.first_want << "\n";
    outs() << set.name << " output " << i << " '" << a.name << "': max|a-b| = " << format("%.3g", r.max_err)
           << (ok ? ", ok" : ", MISMATCH in " + std::to_string(r.mismatches) + " of " + std::to_string(n)) << "\n";
    bad += !ok;
  }
  return bad ? std::to_string(bad) + " of " + std::to_string(results.size()) + " outputs differ" : "";
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  kiln::tools::claimOptionName(threads, "threads");
  kiln::tools::parseCommandLine(argc, argv, "Compile an ONNX model and check it against test data\n",
                                {&testCategory, &runCategory});
  if (threads < 0)
    return fail("--threads expects a non-negative integer");
  kiln::CompileOptions opts;
  kiln::tools::CalibrationOptions calibration;
  if (std::string err; !kiln::tools::fillCompileOptions(opts, err) ||
                       !kiln::tools::fillCalibrationOptions(calibration, err))
    return fail(err);
  std::string modelPath = dir + "/" + model;
  std::ifstream mf(modelPath, std::ios::binary);
  onnx::ModelProto proto;
  if (!mf || !proto.ParseFromIstream(&mf))
    return fail("cannot parse " + modelPath);
  const ModelInputs inputs = ModelInputs::of(proto);
  proto.Clear(); // the weights: the compiler reads the file itself

  std::vector<DataSet> sets = kiln::run::findDataSets(dir);
  if (sets.empty())
    return fail("no test_data_set_N folder in " + dir);
  // Without --symbolic-dims, each set pins the dims --shape leaves open.
  const bool pinDims = !opts.import.symbolicDims;
  std::set<std::string> given; // bound by --bind, the same for every set
  for (const auto &b : opts.import.boundInputs)
    given.insert(b.first);

  SmallString<128> tmp;
  if (!workDir.empty()) {
    tmp = workDir;
  } else if (sys::fs::createUniqueDirectory("kiln-run", tmp)) {
    return fail("cannot make a temporary folder");
  }
  auto cleanup = make_scope_exit([&] {
    if (workDir.empty())
      sys::fs::remove_directories(tmp);
  });
  auto cc = sys::findProgramByName("cc");
  if (!cc)
    return fail("no C compiler (cc) to link the model");
  // Installed: <prefix>/lib/libkiln_runtime.a; in the build tree, this build's.
  std::string runtimeLib = kiln::installedPath("lib/libkiln_runtime.a", KILN_RUNTIME_LIBRARY);
  calibration.runtimeLibrary = runtimeLib;

  outs() << "kiln-run: " << dir << " (" << opts.target << "): " << sets.size() << " data set"
         << (sets.size() == 1 ? "" : "s") << (pinDims ? "" : ", symbolic dims") << "\n";
  if (minCosine > 0)
    outs() << "tolerance: float outputs by cosine >= " << minCosine << ", integers exactly\n";
  else
    outs() << "tolerance: |a-b| <= " << absTol << " + " << relTol << "*|b|\n";

  int passed = 0, failed = 0, builds = 0;
  auto report = [&](const DataSet &set, const std::string &problem, const std::string &build) {
    outs() << set.name << ": " << (problem.empty() ? "PASS" : "FAIL") << " (" << build << ")"
           << (problem.empty() ? "" : ": " + problem) << "\n";
    ++(problem.empty() ? passed : failed);
  };
  std::vector<size_t> pending;
  for (size_t i = 0; i < sets.size(); ++i) {
    if (!sets[i].error.empty())
      report(sets[i], sets[i].error, "not built");
    else
      pending.push_back(i);
  }

  // Inputs bound from each set's values (the importer needs them as constants).
  std::set<std::string> toBind;
  if (!pending.empty())
    probeBindings(modelPath, inputs, sets[pending[0]], pinDims, opts.import, given, toBind);

  const DataSet &timed = sets.back();
  std::string timing;
  bool timingFailed = false;
  bool printedTarget = false;
  int retries = 0;
  while (!pending.empty()) {
    const DataSet &lead = sets[pending[0]];
    BuildKey key;
    std::string err;
    if (!kiln::run::planBuild(inputs, lead, pinDims, opts.import.dimValues, toBind, key, err)) {
      report(lead, err, "not built");
      pending.erase(pending.begin());
      continue;
    }
    // The sets that share this build; the rest wait for theirs.
    std::vector<size_t> group{pending[0]}, rest;
    for (size_t j = 1; j < pending.size(); ++j) {
      BuildKey other;
      bool same = kiln::run::planBuild(inputs, sets[pending[j]], pinDims, opts.import.dimValues, toBind, other,
                                       err) &&
                  other.key == key.key;
      (same ? group : rest).push_back(pending[j]);
    }
    ++builds;
    std::string what = pinDims ? key.description
                               : "symbolic dims" + (key.description.empty() ? "" : "; " + key.description);
    if (!given.empty())
      what += (what.empty() ? "" : "; ") + ("--bind " + join(given, ", "));
    std::string buildName = "build " + std::to_string(builds) + (what.empty() ? "" : ": ") + what;
    std::string names;
    for (size_t j : group)
      names += (names.empty() ? "" : ", ") + sets[j].name;
    outs() << buildName << " for " << names << "\n";

    kiln::CompileOptions bopts = opts;
    bopts.import = importOptionsFor(opts.import, key);
    bopts.input = modelPath;
    // --work-dir keeps the first build in DIR itself (where scripts look for
    // it), the others in DIR/build-N; temporary builds go when unloaded.
    bopts.outDir = !workDir.empty() && builds == 1 ? std::string(tmp)
                                                   : std::string(tmp) + "/build-" + std::to_string(builds);
    bopts.name = "kiln_run_model";
    kiln::CompileStatus status;
    int rc;
    {
      kiln::tools::Progress progress("kiln-run", kiln::tools::progressMode());
      bopts.progress = progress.callback();
      rc = kiln::tools::compileWithCalibration(bopts, calibration, outs(), &status);
    }
    if (rc != 0) {
      std::set<std::string> known = toBind;
      known.insert(given.begin(), given.end());
      std::vector<std::string> more = newBindings(status.inputsToBind, inputs, known);
      // The importer may need more constants at these sizes than the probe saw.
      if (status.failure == kiln::CompileFailure::Unsupported && !more.empty() && retries++ < 8) {
        outs() << "kiln-run: binding " << join(more, ", ") << " from each data set and compiling again\n";
        toBind.insert(more.begin(), more.end());
        --builds;
        continue;
      }
      for (size_t j : group)
        report(sets[j], "compilation failed in " + status.stage + (status.message.empty() ? "" : ": " + status.message),
               buildName);
      pending = rest;
      continue;
    }
    auto removeBuild = make_scope_exit([&] {
      if (workDir.empty())
        sys::fs::remove_directories(bopts.outDir);
    });
    Build b;
    std::string linkError;
    if (!kiln::loadSharedModel(*cc, bopts.outDir, bopts.name, runtimeLib, b.sm, linkError)) {
      for (size_t j : group)
        report(sets[j], linkError, buildName);
      pending = rest;
      continue;
    }
    kiln_context_options_t copts{threads};
    if (b.sm.create(b.sm.model, &copts, &b.ctx) != KILN_OK) {
      for (size_t j : group)
        report(sets[j], std::string("context: ") + b.sm.lastError(nullptr), buildName);
      pending = rest;
      continue;
    }
    if (!printedTarget) {
      outs() << "target: " << b.sm.model->target << "\n";
      printedTarget = true;
    }
    std::set<std::string> bound = given;
    for (const auto &kv : key.bound)
      bound.insert(kv.first);
    for (size_t j : group) {
      std::vector<Tensor> inputData, results;
      std::vector<kiln_tensor_t> in, out;
      bool ran = false;
      std::string problem = runSet(b, sets[j], inputs, bound, inputData, results, in, out, ran);
      report(sets[j], problem, buildName);
      // --repeat times the last set, whatever its comparison gave, if it ran.
      if (repeat > 0 && &sets[j] == &timed && ran) {
        std::vector<double> ms;
        kiln_status_t st = KILN_OK;
        for (int r = 0; r < repeat && st == KILN_OK; ++r) {
          auto t0 = std::chrono::steady_clock::now();
          st = b.sm.run(b.ctx, in.data(), in.size(), out.data(), out.size());
          ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        std::sort(ms.begin(), ms.end());
        if (st != KILN_OK) {
          timing = std::string("timing: a timed run failed: ") + b.sm.lastError(b.ctx);
          timingFailed = true;
        } else
          raw_string_ostream(timing) << "timing: " << repeat << " runs, threads " << threads << ": min "
                                   << format("%.3f", ms[0]) << " ms, median " << format("%.3f", ms[ms.size() / 2])
                                   << " ms (" << timed.name << ", build " << builds << ")";
      }
    }
    pending = rest;
  }

  if (repeat > 0)
    outs() << (timing.empty() ? "timing: not measured, " + timed.name + " did not run" : timing) << "\n";
  outs() << (failed || timingFailed ? "FAIL" : "PASS") << ": " << passed << " data set" << (passed == 1 ? "" : "s") << " passed, "
         << failed << " failed, " << builds << " build" << (builds == 1 ? "" : "s") << "\n";
  return failed || timingFailed ? 1 : 0;
}
