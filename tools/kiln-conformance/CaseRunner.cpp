//===- CaseRunner.cpp - One ONNX backend-test case: compile, link, run, compare -===//
//
// Runs in a child process forked by kiln-conformance, so a crash or a hang
// here costs one case, not the run. Symbolic dims are pinned from the first
// data set's inputs (as kiln-run does). The model is compiled with
// kiln::compileModel, archiving the Halide runtime the parent compiled once,
// linked with libkiln_runtime.a into a shared object, loaded with dlopen and
// run on every test_data_set_N. Each output must have the expected dtype and
// shape, and every element must satisfy |a - b| <= atol + rtol * |b| (floats;
// NaN matches NaN) or be equal (bool and integers).
//
//===----------------------------------------------------------------------===//
#include "CaseRunner.h"
#include "tools/common/SharedModel.h"

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

namespace {

/// A tensor in host memory, element type an ONNX TensorProto code.
struct Tensor {
  int dtype = 0;
  std::vector<int64_t> shape;
  std::vector<char> data;
  std::string name;
};

/// Bytes per element of the dtypes test data can hold here; 0 for the rest.
size_t elementSize(int dtype) {
  switch (dtype) {
  case 2:
  case 3:
  case 9: return 1; // UINT8, INT8, BOOL
  case 4:
  case 5:
  case 10: return 2; // UINT16, INT16, FLOAT16
  case 1:
  case 6:
  case 12: return 4; // FLOAT, INT32, UINT32
  case 7:
  case 13: return 8; // INT64, UINT64
  default: return 0;
  }
}

std::string dtypeName(int dtype) {
  return onnx::TensorProto_DataType_IsValid(dtype)
             ? onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(dtype))
             : "type " + std::to_string(dtype);
}

std::string shapeString(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

size_t numElements(const std::vector<int64_t> &shape) {
  size_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

bool readTensor(const std::string &path, Tensor &out, std::string &err) {
  std::ifstream f(path, std::ios::binary);
  onnx::TensorProto t;
  if (!f || !t.ParseFromIstream(&f)) {
    err = "cannot read " + path;
    return false;
  }
  out.dtype = t.data_type();
  out.name = t.name();
  out.shape.assign(t.dims().begin(), t.dims().end());
  size_t n = numElements(out.shape), es = elementSize(out.dtype);
  if (es == 0) {
    err = sys::path::filename(path).str() + " holds " + dtypeName(out.dtype) + ", which is not read here";
    return false;
  }
  out.data.assign(n * es, 0);
  if (t.has_raw_data()) {
    if (t.raw_data().size() != n * es) {
      err = path + ": raw_data has the wrong size";
      return false;
    }
    memcpy(out.data.data(), t.raw_data().data(), n * es);
    return true;
  }
  size_t have = out.dtype == 1    ? t.float_data_size()
                : out.dtype == 7  ? t.int64_data_size()
                : out.dtype >= 12 ? t.uint64_data_size()
                                  : t.int32_data_size();
  if (have != n) {
    err = path + ": holds " + std::to_string(have) + " values, its shape " + std::to_string(n);
    return false;
  }
  for (size_t i = 0; i < n; ++i) {
    char *p = out.data.data() + i * es;
    if (out.dtype == 1) {
      float v = t.float_data(i);
      memcpy(p, &v, 4);
    } else if (out.dtype == 7) {
      int64_t v = t.int64_data(i);
      memcpy(p, &v, 8);
    } else if (out.dtype >= 12) {
      uint64_t v = t.uint64_data(i);
      memcpy(p, &v, es);
    } else {
      int32_t v = t.int32_data(i); // FLOAT16 as its bits; narrow ints in the low bytes.
      memcpy(p, &v, es);
    }
  }
  return true;
}

/// Reads PREFIX0.pb, PREFIX1.pb, ... from a data-set folder.
bool loadSet(const std::string &set, const char *prefix, std::vector<Tensor> &out, std::string &err) {
  for (int k = 0;; ++k) {
    std::string p = set + "/" + prefix + std::to_string(k) + ".pb";
    if (!sys::fs::exists(p))
      return true;
    out.emplace_back();
    if (!readTensor(p, out.back(), err))
      return false;
  }
}

float halfToFloat(uint16_t h) {
  int exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float f = exp == 0    ? std::ldexp((float)mant, -24)
            : exp == 31 ? (mant ? NAN : INFINITY)
                        : std::ldexp((float)(mant | 0x400), exp - 25);
  return (h & 0x8000) ? -f : f;
}

bool isFloat(int dtype) { return dtype == 1 || dtype == 10; }

template <typename T> T load(const char *p) {
  T v;
  memcpy(&v, p, sizeof(T));
  return v;
}

int64_t intAt(const Tensor &t, size_t i) {
  const char *p = t.data.data() + i * elementSize(t.dtype);
  switch (t.dtype) {
  case 2:
  case 9: return load<uint8_t>(p);
  case 3: return load<int8_t>(p);
  case 4: return load<uint16_t>(p);
  case 5: return load<int16_t>(p);
  case 6: return load<int32_t>(p);
  case 12: return load<uint32_t>(p);
  default: return load<int64_t>(p);
  }
}

double floatAt(const Tensor &t, size_t i) {
  const char *p = t.data.data() + i * elementSize(t.dtype);
  return t.dtype == 1 ? load<float>(p) : halfToFloat(load<uint16_t>(p));
}

/// Compares output `i` of data set `set`; returns "" when it matches.
std::string compare(const Tensor &a, const Tensor &b, size_t i, const std::string &set,
                    const RunSettings &s) {
  std::string what = "output " + std::to_string(i) + " '" + a.name + "'";
  if (a.dtype != b.dtype)
    return what + ": dtype " + dtypeName(a.dtype) + ", expected " + dtypeName(b.dtype);
  if (a.shape != b.shape)
    return what + ": shape " + shapeString(a.shape) + ", expected " + shapeString(b.shape);
  size_t n = numElements(a.shape), bad = 0;
  double maxErr = 0;
  for (size_t e = 0; e < n; ++e) {
    double err = 0;
    if (isFloat(a.dtype)) {
      double x = floatAt(a, e), y = floatAt(b, e);
      if (std::isnan(x) || std::isnan(y))
        err = std::isnan(x) == std::isnan(y) ? 0 : INFINITY;
      else if (x != y) // Equal infinities match.
        err = std::fabs(x - y);
      bad += err != 0 && !(err <= s.atol + s.rtol * std::fabs(y));
    } else {
      int64_t x = intAt(a, e), y = intAt(b, e);
      err = x == y ? 0 : std::fabs((double)x - (double)y);
      bad += x != y;
    }
    maxErr = std::max(maxErr, err);
  }
  if (!bad)
    return "";
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
