//===- Pipeline.h - ONNX file to library: the one pipeline tools and tests use -===//
#ifndef KILN_COMPILER_PIPELINES_PIPELINE_H
#define KILN_COMPILER_PIPELINES_PIPELINE_H

#include "compiler/Import/Onnx/OnnxImporter.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <string>
#include <vector>

namespace kiln {

struct CompileOptions {
  std::string input;          ///< the .onnx (or .onnxtxt) file
  std::string outDir = ".";   ///< where libNAME.a and NAME.h go, and nothing else
  /// Keep the intermediates (objects, the table's C source, the weights blob)
  /// in their temporary folder and print its path; by default it is removed.
  bool keepIntermediates = false;
  std::string name;           ///< symbol prefix; a C identifier
  /// "host", "host-cuda", or a Halide target string (x86-64-linux-avx2-fma-...)
  std::string target = "host";
  /// The LLVM CPU the int8 kernels are generated for ("", "host" or a name:
  /// resolveHalideCpu); "" lets a VNNI host without FP16 pick itself.
  std::string cpu;
  std::string emit;           ///< "", "graph", "kernel" or "halide": print that stage and stop
  /// With --emit: print weights in full (a module kiln-opt can run on), not elided.
  bool printWeights = false;
  ImportOptions import;
  bool timing = false;        ///< print time per stage and per pass to stderr
  bool stats = false;         ///< print kernel counts to stderr
  bool profile = false;       ///< build the kernels with Halide's profiler
  bool fuse = true;           ///< run the fusion passes (off: one kernel per op, for bisecting)
  /// Fusion passes to skip, by name (kiln-fuse-attention, ...): bisects one pass.
  std::vector<std::string> skipPasses;
  /// Quantization scheme for the weight matmuls ("none", "int8-dynamic": see
  /// quantizationSchemes()), and ONNX nodes it leaves in f32.
  std::string quantize = "none";
  std::vector<std::string> quantizeSkip;
  /// int8-static: the calibrated range of each weight matmul's activation
  /// (lo0, hi0, lo1, hi1, ...), in kiln-expose-matmul-inputs' order.
  std::vector<double> quantizeRanges;
  /// int8-outlier: activation magnitude from which a column stays f32.
  double quantizeThreshold = 6.0;
  /// Block-sparse attention (XAttention) at this mass threshold; 0: exact.
  double sparseAttention = 0;
  /// The calibration build: f32, each weight matmul's activation an extra
  /// output kiln_calib_N (kiln-expose-matmul-inputs).
  bool calibrationOutputs = false;
  /// "auto": kiln-sparsify gives weights whose zeros pay a sparse kernel;
  /// "off": every weight stays dense. --stats prints its choices.
  std::string sparsity = "auto";
  /// w4: weights per scale along K.
  int64_t quantizeGroup = 32;
  bool quantizeAttention = true; // kiln-quantize-attention after int8-dynamic/static
  /// A Halide runtime object for the target, written once by emitHalideRuntime
  /// and archived into every library instead of compiling one per library
  /// (kiln-conformance builds hundreds). Empty: compile one.
  std::string halideRuntime;
  /// Called at the start of each stage (import, passes, halide-codegen,
  /// library) with (stage, 0, 0), and after each kernel object with
  /// ("halide-codegen", done, total): for a progress line on a terminal.
  std::function<void(llvm::StringRef stage, unsigned done, unsigned total)> progress;
};

/// Why compileModel failed, for tools that sort failures (kiln-conformance).
enum class CompileFailure {
  None,        ///< it compiled
  Unsupported, ///< the importer met an op, element type or form Kiln does not support yet
  Error,       ///< anything else: invalid input, or a bug in a later stage
};

struct CompileStatus {
  CompileFailure failure = CompileFailure::None;
  /// Where it failed: options, import, the pass that failed (its argument:
  /// convert-kernel-to-halide, ...), halide-codegen or library.
  std::string stage;
  std::string message; ///< its first error, on one line
  /// Graph inputs the importer needed as constants (ImportReport::inputsToBind).
  std::vector<std::string> inputsToBind;
};

/// Runs the whole pipeline. Diagnostics go to stderr; the module printed by
/// --emit goes to `os`. Returns 0 on success, 1 on any error. When `status` is
/// given it also says which stage failed and why: an import error is
/// Unsupported when the importer classed it so (ImportReport::
/// firstUnsupported: an op, type or form Kiln lacks, or a value it needs at
/// compile time). Every other failure is an Error.
int compileModel(const CompileOptions &options, llvm::raw_ostream &os,
                 CompileStatus *status = nullptr);

} // namespace kiln

#endif
