//===- CaseRunner.cpp - One ONNX backend-test case: compile, link, run, compare -===//
//
// Runs in a child process forked by kiln-conformance, so a crash or a hang
// here costs one case, not the run. Symbolic dims are pinned from the first
// data set's inputs. The model is compiled with
// kiln::compileModel, archiving the Halide runtime the parent compiled once,
// linked with libkiln_runtime.a into a shared object, loaded with dlopen and
// run on every test_data_set_N. Each output must have the expected dtype and
// shape, and every element must match by the shared rule (tools/common/compare.h:
// |a - b| <= atol + rtol * |b| for floats, NaN matches NaN only; bool and
// integers equal).
//
//===----------------------------------------------------------------------===//
#include "CaseRunner.h"
#include "tools/common/SharedModel.h"
#include "tools/common/TestData.h"
#include "tools/common/compare.h"

#include "compiler/Pipelines/Pipeline.h"
#include "kiln/runtime.h"

#include "onnx/onnx_pb.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <optional>

using namespace llvm;
using namespace kiln::conformance;

const char *kiln::conformance::outcomeName(Outcome outcome) {
  switch (outcome) {
  case Outcome::Pass: return "PASS";
  case Outcome::Fail: return "FAIL";
  case Outcome::CompileError: return "COMPILE-ERROR";
  case Outcome::Unsupported: return "UNSUPPORTED";
  case Outcome::OutOfScope: return "OUT-OF-SCOPE";
  }
  return "?";
}

using namespace kiln::testdata;

namespace {

/// Compares output `i` of data set `set`; returns "" when it matches.
std::string compare(const Tensor &a, const Tensor &b, size_t i, const std::string &set,
                    const RunSettings &s) {
  std::string what = "output " + std::to_string(i) + " '" + a.name + "'";
  if (a.dtype != b.dtype)
    return what + ": dtype " + dtypeName(a.dtype) + ", expected " + dtypeName(b.dtype);
  if (a.shape != b.shape)
    return what + ": shape " + shapeString(a.shape) + ", expected " + shapeString(b.shape);
  size_t n = numElements(a.shape);
  kiln_compare_result_t r;
  if (kiln_compare(a.dtype, a.data.data(), b.data.data(), n, s.atol, s.rtol, &r))
    return "";
  size_t bad = r.mismatches;
  double maxErr = r.max_err;
  std::string msg;
  raw_string_ostream os(msg);
  os << what << " max|a-b| = " << format("%.3g", maxErr) << " (" << bad << " of " << n << " elements differ, "
     << set << ")";
  return msg;
}

/// The importer's message, shorter: no file name, no node name, just the op
/// ("op 'Foo'"), the element type ("element type UINT16") or "Op: detail".
std::string shorten(std::string msg, const std::string &modelPath) {
  StringRef m(msg);
  m.consume_front(modelPath + ": ");
  if (m.consume_front("unsupported op '"))
    return "op '" + m.split('\'').first.str() + "'";
  if (size_t p = m.find("unsupported element type "); p != StringRef::npos)
    return "element type " + m.drop_front(p + strlen("unsupported element type ")).str();
  if (m.consume_front("node '")) {
    // node 'NAME' (Op): detail
    size_t open = m.find("' (");
    if (open != StringRef::npos)
      m = m.drop_front(open + 3);
    auto [op, detail] = m.split("): ");
    return op.str() + ": " + detail.str();
  }
  return m.str();
}

} // namespace

namespace {

/// A compiled, linked and loaded case model with one context.
struct LoadedCase {
  kiln::SharedModel sm;
  kiln_context_t *ctx = nullptr;
  ~LoadedCase() {
    if (ctx)
      sm.destroy(ctx);
  }
};

/// Compiles `opts` and loads the library into `lc`; on failure returns the outcome.
std::optional<CaseResult> compileAndLoad(const kiln::CompileOptions &opts, const RunSettings &s,
                                         function_ref<void(StringRef)> progress, LoadedCase &lc,
                                         kiln::CompileStatus &status) {
  progress("compile");
  if (kiln::compileModel(opts, nulls(), &status) != 0) {
    std::string msg = shorten(status.message, opts.input);
    if (status.failure == kiln::CompileFailure::Unsupported)
      return CaseResult{Outcome::Unsupported, msg};
    return CaseResult{Outcome::CompileError, status.stage + ": " + (msg.empty() ? "failed" : msg)};
  }
  progress("link");
  std::string linkErr;
  if (!kiln::loadSharedModel(s.cc, opts.outDir, opts.name, s.runtimeLibrary, lc.sm, linkErr))
    return CaseResult{Outcome::CompileError, "link: " + linkErr};
  kiln_context_options_t copts{s.threads};
  if (lc.sm.create(lc.sm.model, &copts, &lc.ctx) != KILN_OK)
    return CaseResult{Outcome::Fail, std::string("context: ") + lc.sm.lastError(nullptr)};
  return std::nullopt;
}

/// Runs one data set (minus the inputs in `skip`, bound at compile time);
/// returns "" when every output matches.
std::string runSet(LoadedCase &lc, const std::string &setPath, const std::vector<bool> &skip,
                   const RunSettings &s) {
  const kiln_model_t *m = lc.sm.model;
  std::string set = sys::path::filename(setPath).str(), err;
  std::vector<Tensor> inputs, expected;
  if (!loadSet(setPath, "input_", inputs, err) || !loadSet(setPath, "output_", expected, err))
    return err;
  if ((int)expected.size() != m->num_outputs)
    return "the model has " + std::to_string(m->num_outputs) + " outputs, " + set + " " +
           std::to_string(expected.size());
  std::vector<kiln_tensor_t> in, out;
  for (size_t k = 0; k < inputs.size(); ++k)
    if (k >= skip.size() || !skip[k])
      in.push_back({(kiln_dtype_t)inputs[k].dtype, (int32_t)inputs[k].shape.size(), inputs[k].shape.data(),
                    inputs[k].data.data()});
  std::vector<Tensor> results(m->num_outputs);
  for (int i = 0; i < m->num_outputs; ++i) {
    kiln_tensor_info_t info;
    lc.sm.outputInfo(m, i, &info);
    Tensor &r = results[i];
    r.dtype = info.dtype;
    r.name = info.name ? info.name : "";
    r.shape.assign(info.shape, info.shape + info.rank);
    r.data.assign(numElements(r.shape) * std::max<size_t>(elementSize(r.dtype), 1), 0);
    out.push_back({info.dtype, info.rank, r.shape.data(), r.data.data()});
  }
  if (lc.sm.run(lc.ctx, in.data(), in.size(), out.data(), out.size()) != KILN_OK)
    return set + ": run failed: " + lc.sm.lastError(lc.ctx);
  for (size_t i = 0; i < results.size(); ++i)
    if (std::string problem = compare(results[i], expected[i], i, set, s); !problem.empty())
      return problem;
  return "";
}

} // namespace

CaseResult kiln::conformance::runCase(const Case &c, const std::string &workDir, const RunSettings &s,
                                      function_ref<void(StringRef)> progress) {
  auto fail = [](const std::string &msg) { return CaseResult{Outcome::Fail, msg}; };
  std::vector<std::string> sets;
  std::error_code ec;
  for (sys::fs::directory_iterator it(c.dir, ec), end; it != end && !ec; it.increment(ec))
    if (sys::path::filename(it->path()).starts_with("test_data_set_"))
      sets.push_back(it->path());
  std::sort(sets.begin(), sets.end());
  if (sets.empty())
    return fail("no test_data_set_N folder");

  // Pin symbolic dims from the first data set's inputs.
  std::vector<Tensor> first;
  std::string err;
  if (!loadSet(sets[0], "input_", first, err))
    return fail(err);
  kiln::CompileOptions opts;
  for (size_t k = 0; k < c.inputDimParams.size() && k < first.size(); ++k)
    for (size_t d = 0; d < c.inputDimParams[k].size() && d < first[k].shape.size(); ++d)
      if (!c.inputDimParams[k][d].empty())
        opts.import.dimValues[c.inputDimParams[k][d]] = first[k].shape[d];
  opts.input = c.dir + "/model.onnx";
  opts.outDir = workDir;
  opts.name = "kc";
  opts.target = s.target;
  opts.halideRuntime = s.halideRuntime;
  opts.fuse = s.fuse;

  kiln::CompileStatus status;
  {
    LoadedCase lc;
    std::optional<CaseResult> bad = compileAndLoad(opts, s, progress, lc, status);
    if (!bad) {
      progress("run");
      for (const std::string &setPath : sets)
        if (std::string problem = runSet(lc, setPath, {}, s); !problem.empty())
          return fail(problem);
      return {Outcome::Pass, ""};
    }
    if (bad->outcome != Outcome::Unsupported || status.inputsToBind.empty())
      return *bad;
  }

  // Shape-like inputs (Reshape's shape, Slice's starts) that the test feeds at
  // run time: bind each data set's values at compile time, one build per set.
  // The importer stops at the first node that needs one, so a build may ask
  // for more.
  std::vector<bool> skip(c.inputNames.size(), false);
  auto addBindings = [&](const std::vector<std::string> &names) {
    bool added = false;
    for (const std::string &name : names) {
      auto it = std::find(c.inputNames.begin(), c.inputNames.end(), name);
      if (it != c.inputNames.end() && !skip[it - c.inputNames.begin()])
        added = skip[it - c.inputNames.begin()] = true;
    }
    return added;
  };
  if (!addBindings(status.inputsToBind))
    return {Outcome::Unsupported, shorten(status.message, opts.input)};
  for (size_t k = 0; k < sets.size(); ++k) {
    for (int attempt = 0;; ++attempt) {
      kiln::CompileOptions setOpts = opts;
      setOpts.outDir = workDir + "/" + sys::path::filename(sets[k]).str() + "." + std::to_string(attempt);
      for (size_t i = 0; i < skip.size(); ++i)
        if (skip[i])
          setOpts.import.boundInputs[c.inputNames[i]] = sets[k] + "/input_" + std::to_string(i) + ".pb";
      LoadedCase lc;
      kiln::CompileStatus setStatus;
      if (std::optional<CaseResult> bad = compileAndLoad(setOpts, s, progress, lc, setStatus)) {
        if (bad->outcome == Outcome::Unsupported && attempt < 8 && addBindings(setStatus.inputsToBind))
          continue;
        return *bad;
      }
      progress("run");
      if (std::string problem = runSet(lc, sets[k], skip, s); !problem.empty())
        return fail(problem);
      break;
    }
  }
  std::string bound;
  for (size_t i = 0; i < skip.size(); ++i)
    if (skip[i])
      bound += (bound.empty() ? "" : ", ") + c.inputNames[i];
  return {Outcome::Pass, "bound at compile time: " + bound};
}
