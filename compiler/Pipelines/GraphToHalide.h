//===- GraphToHalide.h - The registered pipeline from graph to halide -===//
//
// Everything between the importer and the translation is one pass pipeline:
//   kiln-opt --kiln-graph-to-halide='target=host fuse=true'
// kiln-compile runs the same builder, so `kiln-compile --emit halide` and that
// command print the same module.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_PIPELINES_GRAPHTOHALIDE_H
#define KILN_COMPILER_PIPELINES_GRAPHTOHALIDE_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace kiln {

struct GraphToHalideOptions : public mlir::PassPipelineOptions<GraphToHalideOptions> {
  Option<std::string> target{*this, "target",
                             llvm::cl::desc("host, host-cuda, or a Halide target string "
                                            "(x86-64-linux-avx-avx2-f16c-fma-sse41)"),
                             llvm::cl::init("host")};
  Option<std::string> cpu{*this, "cpu",
                          llvm::cl::desc("LLVM CPU for the int8 dot-product kernels: host or a name "
                                         "(znver4); empty: the host when target=host has VNNI but no FP16")};
  Option<std::string> cpuFeatures{*this, "cpu-features",
                                  llvm::cl::desc("LLVM features for `cpu` as resolved (+avx512vnni,...); "
                                                 "empty: resolved from `cpu`")};
  Option<bool> profile{*this, "profile", llvm::cl::desc("Build the kernels with Halide's profiler"),
                       llvm::cl::init(false)};
  Option<bool> fuse{*this, "fuse", llvm::cl::desc("Run the fusion passes (off: one kernel per op)"),
                    llvm::cl::init(true)};
  ListOption<std::string> skip{*this, "skip",
                               llvm::cl::desc("Fusion passes not to run, by name (kiln-fuse-attention)")};
  Option<std::string> quantize{*this, "quantize",
                               llvm::cl::desc("Quantization scheme for weight matmuls: none, int8-dynamic, "
                                              "int8-static, int8-outlier or w4"),
                               llvm::cl::init("none")};
  Option<int64_t> quantizeGroup{*this, "quantize-group",
                                llvm::cl::desc("w4: weights per scale and zero point along K"), llvm::cl::init(32)};
  ListOption<std::string> quantizeSkip{*this, "quantize-skip",
                                       llvm::cl::desc("ONNX nodes whose matmuls stay in f32")};
  ListOption<double> quantizeRanges{*this, "quantize-ranges",
                                    llvm::cl::desc("int8-static: calibrated activation range per weight matmul "
                                                   "(lo0,hi0,lo1,hi1,...)")};
  Option<double> quantizeThreshold{*this, "quantize-threshold",
                                   llvm::cl::desc("int8-outlier: activation magnitude from which a column stays f32"),
                                   llvm::cl::init(6.0)};
  Option<bool> quantizeAttention{*this, "quantize-attention",
                                 llvm::cl::desc("int8-dynamic and int8-static: attention's Q K^T and P V in "
                                                "int8 too, where the CPU has an int8 dot product "
                                                "(kiln-quantize-attention)"),
                                 llvm::cl::init(true)};
  Option<std::string> sparsity{*this, "sparsity",
                               llvm::cl::desc("Sparse kernels for weights whose zeros pay (kiln-sparsify): auto or off"),
                               llvm::cl::init("auto")};
  Option<bool> sparsityReport{*this, "sparsity-report",
                              llvm::cl::desc("kiln-sparsify prints its choice per weight on stderr"),
                              llvm::cl::init(false)};
  Option<double> sparseAttention{*this, "sparse-attention",
                                 llvm::cl::desc("XAttention's block-sparse attention at this cumulative "
                                                "mass threshold (0: exact attention)"),
                                 llvm::cl::init(0.0)};
  Option<bool> calibrationOutputs{*this, "calibration-outputs",
                                  llvm::cl::desc("The calibration build: f32, with the weight matmuls' "
                                                 "activations as extra outputs (quantize must be none)"),
                                  llvm::cl::init(false)};
};

/// The quantization schemes `quantize` names, each a pass.
llvm::ArrayRef<llvm::StringRef> quantizationSchemes();

/// Where a pipeline stops: at the kernel dialect (kiln-compile --emit kernel)
/// or at the halide dialect, planned and ready for the translation.
enum class PipelineEnd { Kernel, Halide };

/// Adds the passes from the graph dialect to `end`. The target is resolved
/// here ("host" becomes this machine's Halide target string) and attached by
/// kiln-set-target; an unknown one fails there, with its name.
void buildGraphToHalidePipeline(mlir::OpPassManager &pm, const GraphToHalideOptions &options,
                                PipelineEnd end = PipelineEnd::Halide);

/// kiln-graph-to-halide, and its halves kiln-graph-to-kernel and
/// kiln-kernel-to-halide (the second expects the first's output).
void registerPipelines();

} // namespace kiln

#endif
