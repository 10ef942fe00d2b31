//===- Calibrate.h - --quantize int8-static --calibrate DIR, and --report -===//
//
// Both need the model run on data before (calibration) or after (report) the
// quantized build, so they live with the tools, beside SharedModel:
//   1. a reference build: f32, and for int8-static with each weight matmul's
//      activation as an extra output (kiln-expose-matmul-inputs);
//   2. it runs on every data set of DIR (test_data_set_N/input_K.pb): the
//      extra outputs give each activation's range (min-max, or percentiles
//      from a histogram over [min, max]); the model's outputs are kept;
//   3. the quantized build, with those ranges (kiln-quantize-int8-static);
//   4. --report: it runs on the same sets, and each output is compared with
//      the f32 one (cosine, max abs error), with both libraries' sizes.
// With --prune the reference build is the dense model's, so the report
// measures what pruning (and quantizing) cost.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_COMMON_CALIBRATE_H
#define KILN_TOOLS_COMMON_CALIBRATE_H

#include "compiler/Pipelines/Pipeline.h"

#include "llvm/Support/raw_ostream.h"

#include <string>

namespace kiln::tools {

struct CalibrationOptions {
  std::string dataDir;          ///< --calibrate DIR: data sets in the backend-test layout
  std::string method = "minmax"; ///< minmax or percentile
  double percentile = 99.99;    ///< percentile: keep [100 - P, P] of each activation's values
  bool report = false;          ///< --report: compare the quantized build with f32 on DIR's sets
  std::string runtimeLibrary;   ///< libkiln_runtime.a, to link the builds it runs
  /// --prune: the dense model the pruned opts.input was made from. The
  /// reference build (the report's f32 side, int8-static's ranges) reads it.
  std::string denseInput;
  std::string prune;            ///< the --prune spec, for the report's header
};

/// compileModel(opts), with int8-static's calibration before it and the
/// report after it when `c` asks for them. Progress and errors as
/// compileModel's; the report goes to `os`.
int compileWithCalibration(CompileOptions opts, const CalibrationOptions &c, llvm::raw_ostream &os,
                           CompileStatus *status = nullptr);

} // namespace kiln::tools

#endif
