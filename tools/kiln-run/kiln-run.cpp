//===- kiln-run.cpp - Compile a model and check it on ONNX backend test data -===//
//
//   kiln-run DIR [--target host|host-cuda] [--shape d=N] [--symbolic-dims]
//            [--atol A --rtol R] [--repeat N --threads T]
//
// DIR holds model.onnx beside test_data_set_N/{input_K.pb, output_K.pb} (the
// ONNX backend test layout). Symbolic dims are pinned from the first data
// set's inputs (unless --shape pins them or --symbolic-dims keeps them). The
// model is compiled, linked into a shared object with the runtime, loaded,
// run on every data set and compared element by element by the shared rule
// (tools/common/compare.h). Exit status 1 on any mismatch or error.
//
//===----------------------------------------------------------------------===//
#include "compiler/Pipelines/Pipeline.h"
#include "compiler/Utils/InstallLayout.h"
#include "kiln/runtime.h"
#include "tools/common/CompileFlags.h"
#include "tools/common/Progress.h"
#include "tools/common/SharedModel.h"
#include "tools/common/TestData.h"
#include "tools/common/compare.h"

#include "onnx/onnx_pb.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <dlfcn.h>
#include <fstream>

using namespace llvm;
using kiln::testdata::Tensor;
using namespace kiln::testdata;

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
static cl::opt<int> repeat("repeat", cl::desc("Time N runs and print min and median"), cl::value_desc("N"),
                           cl::init(0), cl::cat(runCategory));
// Spelled "threads" once LLVM's option of that name is out of the way (main).
static cl::opt<int> threads("kiln-threads", cl::desc("Thread count for the kernels (0: Halide's default)"),
                            cl::value_desc("T"), cl::init(0), cl::cat(runCategory));

namespace {

int fail(const std::string &msg) {
  errs() << "kiln-run: error: " << msg << "\n";
  return 1;
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

  // Data sets, in order.
  std::vector<std::string> sets;
  std::error_code ec;
  for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec))
    if (sys::path::filename(it->path()).starts_with("test_data_set_"))
      sets.push_back(it->path());
  std::sort(sets.begin(), sets.end());
  if (sets.empty())
    return fail("no test_data_set_N folder in " + dir);

  // Pin symbolic dims from the first data set's input shapes, unless --shape
  // pins them or --symbolic-dims keeps them; the values are read after
  // compiling, so that a model Kiln cannot take is refused by the importer,
  // with its message, before any data is decoded.
  std::vector<Tensor> first;
  if (std::string err; !loadSet(sets[0], "input_", first, err, /*withData=*/false))
    return fail(err);
  std::set<std::string> inits;
  for (auto &i : proto.graph().initializer())
    inits.insert(i.name());
  int k = 0;
  for (auto &in : proto.graph().input()) {
    if (inits.count(in.name()))
      continue;
    if (k >= (int)first.size())
      break;
    auto &dims = in.type().tensor_type().shape().dim();
    for (int d = 0; d < dims.size() && d < (int)first[k].shape.size(); ++d)
      if (dims[d].has_dim_param() && !opts.import.symbolicDims && !kiln::tools::shapeGiven(dims[d].dim_param()))
        opts.import.dimValues[dims[d].dim_param()] = first[k].shape[d];
    ++k;
  }

  SmallString<128> tmp;
  if (!workDir.empty()) {
    tmp = workDir;
  } else if (sys::fs::createUniqueDirectory("kiln-run", tmp)) {
    return fail("cannot make a temporary folder");
  }
  // Every return below removes the temporary folder (the shared object is
  // loaded by then; dlopen keeps its mapping after the file goes).
  auto cleanup = make_scope_exit([&] {
    if (workDir.empty())
      sys::fs::remove_directories(tmp);
  });
  opts.input = modelPath;
  opts.outDir = std::string(tmp);
  opts.name = "kiln_run_model";
  {
    kiln::tools::Progress progress("kiln-run", kiln::tools::progressMode());
    opts.progress = progress.callback();
    calibration.runtimeLibrary = kiln::installedPath("lib/libkiln_runtime.a", KILN_RUNTIME_LIBRARY);
    if (kiln::tools::compileWithCalibration(opts, calibration, outs()) != 0)
      return fail("compilation failed");
  }

  auto cc = sys::findProgramByName("cc");
  if (!cc)
    return fail("no C compiler (cc) to link the model");
  kiln::SharedModel sm;
  std::string linkError;
  // Installed: <prefix>/lib/libkiln_runtime.a; in the build tree, this build's.
  std::string runtimeLib = kiln::installedPath("lib/libkiln_runtime.a", KILN_RUNTIME_LIBRARY);
  if (!kiln::loadSharedModel(*cc, opts.outDir, opts.name, runtimeLib, sm, linkError))
    return fail(linkError);
  const kiln_model_t *m = sm.model;
  kiln_context_options_t copts{threads};
  kiln_context_t *ctx = nullptr;
  if (sm.create(m, &copts, &ctx) != KILN_OK)
    return fail(std::string("context: ") + sm.lastError(nullptr));
  outs() << "kiln-run: " << dir << " (" << opts.target << ", " << m->target << ")\n";
  if (minCosine > 0)
    outs() << "tolerance: float outputs by cosine >= " << minCosine << ", integers exactly\n";
  else
    outs() << "tolerance: |a-b| <= " << absTol << " + " << relTol << "*|b|\n";

  int failures = 0;
  std::vector<Tensor> inputs, expected, results;
  std::vector<kiln_tensor_t> in, out;
  for (const std::string &set : sets) {
    inputs.clear();
    expected.clear();
    if (std::string err; !loadSet(set, "input_", inputs, err) || !loadSet(set, "output_", expected, err))
      return fail(err);
    // A set without every output would compare nothing and pass.
    if (expected.size() != (size_t)m->num_outputs)
      return fail(sys::path::filename(set).str() + " has " + std::to_string(expected.size()) +
                  " expected outputs (output_K.pb), the model has " + std::to_string(m->num_outputs));
    in.clear();
    for (Tensor &t : inputs)
      in.push_back({(kiln_dtype_t)t.dtype, (int32_t)t.shape.size(), t.shape.data(), t.data.data()});
    // Symbolic dims: the inputs bind them, then the outputs' shapes are known.
    if (m->num_symbols > 0 && sm.resolve(ctx, in.data(), in.size()) != KILN_OK) {
      outs() << sys::path::filename(set) << ": run failed: " << sm.lastError(ctx) << "\n";
      ++failures;
      continue;
    }
    results.assign(m->num_outputs, Tensor());
    out.clear();
    for (int i = 0; i < m->num_outputs; ++i) {
      kiln_tensor_info_t info;
      if (m->num_symbols > 0)
        sm.contextOutputInfo(ctx, i, &info);
      else
        sm.outputInfo(m, i, &info);
      Tensor &r = results[i];
      r.dtype = info.dtype;
      r.shape.assign(info.shape, info.shape + info.rank);
      r.data.assign(numElements(r.shape) * elementSize(info.dtype), 0);
      r.name = info.name;
      out.push_back({info.dtype, info.rank, r.shape.data(), r.data.data()});
    }
    if (sm.run(ctx, in.data(), in.size(), out.data(), out.size()) != KILN_OK) {
      outs() << sys::path::filename(set) << ": run failed: " << sm.lastError(ctx) << "\n";
      ++failures;
      continue;
    }
    for (size_t i = 0; i < results.size() && i < expected.size(); ++i) {
      const Tensor &a = results[i], &b = expected[i];
      if (a.shape != b.shape || a.dtype != b.dtype) {
        outs() << sys::path::filename(set) << " output " << i << " '" << a.name << "': "
               << dtypeName(a.dtype) << " " << shapeString(a.shape) << ", expected " << dtypeName(b.dtype)
               << " " << shapeString(b.shape) << "\n";
        ++failures;
        continue;
      }
      size_t n = numElements(a.shape);
      kiln_compare_result_t r;
      bool ok = kiln_compare(a.dtype, a.data.data(), b.data.data(), n, absTol, relTol, &r);
      if (minCosine > 0 && kiln_compare_is_float(a.dtype)) {
        // Cosine decides; max|a-b| is still reported. NaN fails.
        double cos = kiln_compare_cosine(a.dtype, a.data.data(), b.data.data(), n);
        ok = cos >= minCosine;
        outs() << sys::path::filename(set) << " output " << i << " '" << a.name << "': cosine "
               << format("%.6f", cos) << " (min " << format("%g", (double)minCosine) << "), max|a-b| = "
               << format("%.3g", r.max_err) << (ok ? ", ok" : ", MISMATCH") << "\n";
        failures += !ok;
        continue;
      }
      if (!ok)
        outs() << "  first mismatch at flat index " << r.first_bad << ": got " << r.first_got << ", expected "
               << r.first_want << "\n";
      outs() << sys::path::filename(set) << " output " << i << " '" << a.name << "': max|a-b| = "
             << format("%.3g", r.max_err)
             << (ok ? ", ok" : ", MISMATCH in " + std::to_string(r.mismatches) + " of " + std::to_string(n)) << "\n";
      failures += !ok;
    }
  }

  if (repeat > 0) {
    std::vector<double> ms;
    for (int r = 0; r < repeat; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      sm.run(ctx, in.data(), in.size(), out.data(), out.size());
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    outs() << "timing: " << repeat << " runs, threads " << threads << ": min " << format("%.3f", ms[0])
           << " ms, median " << format("%.3f", ms[ms.size() / 2]) << " ms\n";
  }
  sm.destroy(ctx);
  outs() << (failures ? "FAIL" : "PASS") << "\n";
  return failures ? 1 : 0;
}
