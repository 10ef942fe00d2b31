//===- Calibrate.cpp - --quantize int8-static --calibrate DIR, and --report -===//
#include "tools/common/Calibrate.h"
#include "tools/common/SharedModel.h"
#include "tools/common/TestData.h"
#include "tools/common/compare.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace llvm;
using kiln::testdata::Tensor;

namespace {

constexpr StringLiteral kCalibPrefix = "kiln_calib_";
/// Bins of an activation's histogram over [min, max] (percentile): its
/// resolution is range / 4096, finer than the 255 steps of the clipped range
/// unless a percentile clips away more than 15/16 of it.
constexpr int kBins = 4096;

/// A compiled model loaded into this process, with its context.
struct Loaded {
  kiln::SharedModel sm;
  kiln_context_t *ctx = nullptr;
  ~Loaded() {
    if (ctx)
      sm.destroy(ctx);
  }
};

bool load(const kiln::CompileOptions &o, const std::string &runtime, Loaded &l, std::string &err) {
  auto cc = sys::findProgramByName("cc");
  if (!cc) {
    err = "no C compiler (cc) to link the model";
    return false;
  }
  if (!kiln::loadSharedModel(*cc, o.outDir, o.name, runtime, l.sm, err))
    return false;
  // dlopen keeps its mapping: the shared object is not left beside the library.
  sys::fs::remove(o.outDir + "/lib" + o.name + ".so");
  kiln_context_options_t copts{0};
  if (l.sm.create(l.sm.model, &copts, &l.ctx) != KILN_OK) {
    err = std::string("context: ") + l.sm.lastError(nullptr);
    return false;
  }
  return true;
}

/// Runs `l` on one data set's inputs; `outs` gets every output.
bool runSet(Loaded &l, const std::string &set, std::vector<Tensor> &outs, std::string &err) {
  std::vector<Tensor> inputs;
  if (!kiln::testdata::loadSet(set, "input_", inputs, err))
    return false;
  std::vector<kiln_tensor_t> in;
  for (Tensor &t : inputs)
    in.push_back({(kiln_dtype_t)t.dtype, (int32_t)t.shape.size(), t.shape.data(), t.data.data()});
  std::vector<kiln_tensor_t> out;
  if (!kiln::runSharedModel(l.sm, l.ctx, in, outs, out, err)) {
    err = sys::path::filename(set).str() + ": " + err;
    return false;
  }
  return true;
}

std::vector<std::string> dataSets(const std::string &dir) {
  std::vector<std::string> sets;
  std::error_code ec;
  for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec))
    if (sys::path::filename(it->path()).starts_with("test_data_set_"))
      sets.push_back(it->path());
  std::sort(sets.begin(), sets.end());
  return sets;
}

/// One exposed activation: its range, then (percentile) its histogram.
struct Activation {
  float lo = std::numeric_limits<float>::infinity(), hi = -std::numeric_limits<float>::infinity();
  std::vector<uint64_t> hist;
  uint64_t count = 0;

  const float *values(const Tensor &t, size_t &n) const {
    n = t.data.size() / sizeof(float);
    return reinterpret_cast<const float *>(t.data.data());
  }
  void widen(const Tensor &t) {
    size_t n;
    const float *v = values(t, n);
    for (size_t i = 0; i < n; ++i)
      if (std::isfinite(v[i])) {
        lo = std::min(lo, v[i]);
        hi = std::max(hi, v[i]);
      }
  }
  void bin(const Tensor &t) {
    size_t n;
    const float *v = values(t, n);
    hist.resize(kBins, 0);
    double w = hi > lo ? kBins / ((double)hi - lo) : 0;
    for (size_t i = 0; i < n; ++i)
      if (std::isfinite(v[i])) {
        ++hist[std::min<int64_t>(kBins - 1, (int64_t)((v[i] - (double)lo) * w))];
        ++count;
      }
  }
  /// [100 - p, p] percentiles, each rounded outward to its bin's edge.
  std::pair<double, double> percentiles(double p) const {
    if (count == 0 || !(hi > lo))
      return {lo, hi};
    double step = ((double)hi - lo) / kBins;
    uint64_t below = (uint64_t)std::floor(count * (100 - p) / 100), cum = 0;
    int first = 0, last = kBins - 1;
    for (; first < kBins - 1 && cum + hist[first] <= below; ++first)
      cum += hist[first];
    cum = 0;
    for (; last > 0 && cum + hist[last] <= below; --last)
      cum += hist[last];
    return {lo + first * step, lo + (last + 1) * step};
  }
};

uint64_t fileSize(const std::string &path) {
  uint64_t size = 0;
  sys::fs::file_size(path, size);
  return size;
}

} // namespace

int kiln::tools::compileWithCalibration(CompileOptions opts, const CalibrationOptions &c, raw_ostream &os,
                                        CompileStatus *status) {
  bool calibrate = opts.quantize == "int8-static";
  bool report = c.report && opts.emit.empty();
  if (!calibrate && !report)
    return compileModel(opts, os, status);
  auto fail = [&](const std::string &msg) {
    errs() << "error: " << msg << "\n";
    if (status) {
      status->failure = CompileFailure::Error;
      status->stage = calibrate ? "calibrate" : "report";
      status->message = msg;
    }
    return 1;
  };
  if (c.dataDir.empty())
    return fail(calibrate ? "--quantize int8-static needs data sets to calibrate on: --calibrate DIR"
                          : "--report needs data sets to compare on: --calibrate DIR");
  std::vector<std::string> sets = dataSets(c.dataDir);
  if (sets.empty())
    return fail("--calibrate: no test_data_set_N folder in " + c.dataDir);

  SmallString<128> tmp;
  if (sys::fs::createUniqueDirectory("kiln-calibrate", tmp))
    return fail("cannot make a temporary folder");
  auto cleanup = make_scope_exit([&] { sys::fs::remove_directories(tmp); });

  // 1. The reference build: f32, with the activations as outputs when calibrating.
  CompileOptions ref = opts;
  ref.quantize = "none";
  if (!c.denseInput.empty())
    ref.input = c.denseInput;
  ref.calibrationOutputs = calibrate;
  ref.emit.clear();
  ref.outDir = std::string(tmp);
  ref.keepIntermediates = false;
  if (int rc = compileModel(ref, os, status))
    return rc;
  std::vector<std::vector<Tensor>> f32Outputs(sets.size());
  int modelOutputs = 0;
  {
    Loaded l;
    std::string err;
    if (!load(ref, c.runtimeLibrary, l, err))
      return fail(err);
    const kiln_model_t *m = l.sm.model;
    for (int i = 0; i < m->num_outputs; ++i) {
      kiln_tensor_info_t info;
      l.sm.outputInfo(m, i, &info);
      if (!StringRef(info.name).starts_with(kCalibPrefix))
        modelOutputs = i + 1;
    }
    // 2. Ranges (and the f32 outputs, for the report). Percentiles take a
    // second run of each set: the histogram spans the first run's [min, max].
    std::vector<Activation> acts(m->num_outputs - modelOutputs);
    bool percentile = c.method == "percentile";
    for (int pass = 0; pass < (calibrate && percentile ? 2 : 1); ++pass)
      for (size_t s = 0; s < sets.size(); ++s) {
        std::vector<Tensor> outs;
        if (!runSet(l, sets[s], outs, err))
          return fail("calibration run: " + err);
        for (size_t a = 0; a < acts.size(); ++a)
          pass == 0 ? acts[a].widen(outs[modelOutputs + a]) : acts[a].bin(outs[modelOutputs + a]);
        outs.resize(modelOutputs);
        if (report && pass == 0)
          f32Outputs[s] = std::move(outs);
      }
    if (calibrate) {
      opts.quantizeRanges.clear();
      for (size_t a = 0; a < acts.size(); ++a) {
        if (!(acts[a].lo <= acts[a].hi))
          return fail("calibration: activation " + std::to_string(a) + " had no finite value in any data set");
        auto [lo, hi] = percentile ? acts[a].percentiles(c.percentile) : std::pair<double, double>(acts[a].lo, acts[a].hi);
        opts.quantizeRanges.push_back(lo);
        opts.quantizeRanges.push_back(hi);
      }
      errs() << "kiln: calibrated " << acts.size() << " activations on " << sets.size() << " data set"
             << (sets.size() == 1 ? "" : "s") << " (";
      if (percentile)
        errs() << "percentiles " << format("%g", 100 - c.percentile) << " and " << format("%g", c.percentile) << ")\n";
      else
        errs() << "min-max)\n";
    }
  }

  // 3. The quantized build, where the caller asked for it.
  if (int rc = compileModel(opts, os, status))
    return rc;
  if (!report)
    return 0;

  // 4. The report: each output of each set against f32.
  Loaded l;
  std::string err;
  if (!load(opts, c.runtimeLibrary, l, err))
    return fail(err);
  if (l.sm.model->num_outputs != modelOutputs)
    return fail("report: the quantized build has " + std::to_string(l.sm.model->num_outputs) +
                " outputs, the f32 build " + std::to_string(modelOutputs));
  std::string what = c.prune.empty() ? "" : "--prune " + c.prune;
  if (opts.quantize != "none")
    what += (what.empty() ? "" : " ") + ("--quantize " + opts.quantize);
  os << "report: " << (what.empty() ? "f32" : what) << " against " << (c.denseInput.empty() ? "f32" : "the dense f32 model")
     << " on " << sets.size() << " data set"
     << (sets.size() == 1 ? "" : "s") << " of " << c.dataDir << "\n";
  for (size_t s = 0; s < sets.size(); ++s) {
    std::vector<Tensor> outs;
    if (!runSet(l, sets[s], outs, err))
      return fail("report run: " + err);
    for (int i = 0; i < modelOutputs; ++i) {
      const Tensor &q = outs[i], &f = f32Outputs[s][i];
      os << "  " << sys::path::filename(sets[s]) << " output " << i << " '" << q.name << "': ";
      if (q.shape != f.shape || q.dtype != f.dtype || !kiln_compare_is_float(q.dtype)) {
        os << (q.shape != f.shape || q.dtype != f.dtype ? "shape or type differs from f32\n" : "not a float output\n");
        continue;
      }
      size_t n = testdata::numElements(q.shape);
      kiln_compare_result_t r;
      kiln_compare(q.dtype, q.data.data(), f.data.data(), n, 0, 0, &r);
      os << "cosine " << format("%.6f", kiln_compare_cosine(q.dtype, q.data.data(), f.data.data(), n))
         << ", max|q-f32| " << format("%.4g", r.max_err) << "\n";
    }
  }
  uint64_t before = fileSize(ref.outDir + "/lib" + ref.name + ".a"),
           after = fileSize(opts.outDir + "/lib" + opts.name + ".a");
  os << "  library: f32 " << format("%.1f", before / 1048576.0) << " MiB, "
     << (opts.quantize != "none" ? opts.quantize : c.prune.empty() ? "f32" : "pruned") << " "
     << format("%.1f", after / 1048576.0) << " MiB (" << format("%.2f", before ? (double)after / before : 0)
     << "x)\n";
  return 0;
}
