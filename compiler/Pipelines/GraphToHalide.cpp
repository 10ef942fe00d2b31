//===- GraphToHalide.cpp - The registered pipeline from graph to halide -===//
#include "compiler/Pipelines/GraphToHalide.h"
#include "compiler/Conversion/Passes.h"
#include "compiler/Target/Halide/HalideTranslation.h"
#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;
using namespace kiln;

namespace {

/// The Halide target string for the pipeline's `target` option, or the
/// option itself when it cannot be resolved (kiln-set-target then names it).
std::string resolve(const GraphToHalideOptions &o) {
  std::string error;
  std::string resolved = resolveHalideTarget(o.target, o.profile, error);
  return resolved.empty() ? o.target.getValue() : resolved;
}

/// The halide.cpu for the options: as given when its features are, else
/// resolved. An unknown CPU name reaches kiln-set-target with no features,
/// and fails there with its name.
void resolveCpu(const GraphToHalideOptions &o, SetTargetOptions &target) {
  target.cpu = o.cpu.getValue();
  target.cpuFeatures = o.cpuFeatures.getValue();
  std::string error;
  if (o.cpuFeatures.empty() && !resolveHalideCpu(o.target, o.cpu, target.cpu, target.cpuFeatures, error))
    target.cpu = o.cpu.getValue();
}

void addKernelPasses(OpPassManager &pm, const GraphToHalideOptions &o) {
  auto fusion = [&](std::unique_ptr<Pass> p) {
    if (o.fuse && !llvm::is_contained(o.skip, p->getArgument()))
      pm.addNestedPass<func::FuncOp>(std::move(p));
  };
  SetTargetOptions target;
  target.target = resolve(o);
  resolveCpu(o, target);
  pm.addPass(createSetTarget(target));
  fusion(createRecognizePatterns());
  fusion(createMergeProjections());
  pm.addPass(createConvertGraphToKernel());
  pm.addNestedPass<func::FuncOp>(createLiftIntegerMatMul());
  pm.addNestedPass<func::FuncOp>(createLiftQdqMatMul());
  // Before quantization, in the calibration build too: the weights left
  // dense are the ones int8-static's ranges are measured for.
  if (o.sparsity == "auto") {
    SparsifyOptions sp;
    sp.report = o.sparsityReport;
    sp.skip = o.quantizeSkip;
    sp.int8 = o.quantize == "int8-dynamic"; // 4x1 blocks fuse with int8 (kernel.sparse_qmatmul)
    pm.addNestedPass<func::FuncOp>(createSparsify(sp));
  }
  if (o.calibrationOutputs) {
    ExposeMatMulInputsOptions e;
    e.skip = o.quantizeSkip;
    pm.addNestedPass<func::FuncOp>(createExposeMatMulInputs(e));
  } else if (o.quantize == "int8-dynamic") {
    QuantizeInt8DynamicOptions q;
    q.skip = o.quantizeSkip;
    pm.addNestedPass<func::FuncOp>(createQuantizeInt8Dynamic(q));
  } else if (o.quantize == "int8-outlier") {
    QuantizeInt8OutlierOptions q;
    q.skip = o.quantizeSkip;
    q.threshold = o.quantizeThreshold;
    pm.addNestedPass<func::FuncOp>(createQuantizeInt8Outlier(q));
  } else if (o.quantize == "int8-static") {
    QuantizeInt8StaticOptions q;
    q.skip = o.quantizeSkip;
    q.ranges = o.quantizeRanges;
    pm.addNestedPass<func::FuncOp>(createQuantizeInt8Static(q));
  } else if (o.quantize == "w4") {
    QuantizeW4Options q;
    q.skip = o.quantizeSkip;
    q.groupSize = o.quantizeGroup;
    pm.addNestedPass<func::FuncOp>(createQuantizeW4(q));
  }
  fusion(createFuseElementwise());
  fusion(createFuseMatMulEpilogue());
  fusion(createFuseNormQMatMul());
  FuseAttentionOptions attention;
  attention.sparseThreshold = o.sparseAttention;
  fusion(createFuseAttention(attention));
  if (o.quantizeAttention && !o.calibrationOutputs && (o.quantize == "int8-dynamic" || o.quantize == "int8-static"))
    pm.addNestedPass<func::FuncOp>(createQuantizeAttention());
  pm.addNestedPass<func::FuncOp>(createPackWeights());
  pm.addNestedPass<func::FuncOp>(createMaterializeOutputs());
  pm.addNestedPass<func::FuncOp>(createMarkIndexBounds());
}

void addHalidePasses(OpPassManager &pm) {
  pm.addPass(createConvertKernelToHalide());
  // Each fills the kernels' schedule region for its target from their recipe.
  pm.addPass(createScheduleCpu());
  pm.addPass(createScheduleCuda());
  // Layers that repeat become one kernel each: compiled once, launched per layer.
  pm.addPass(createDedupKernels());
  pm.addPass(createPlanMemory());
}

} // namespace

ArrayRef<StringRef> kiln::quantizationSchemes() {
  static const StringRef schemes[] = {"none", "int8-dynamic", "int8-static", "int8-outlier", "w4"};
  return schemes;
}

void kiln::buildGraphToHalidePipeline(OpPassManager &pm, const GraphToHalideOptions &options,
                                      PipelineEnd end) {
  addKernelPasses(pm, options);
  if (end == PipelineEnd::Halide)
    addHalidePasses(pm);
}

void kiln::registerPipelines() {
  PassPipelineRegistration<GraphToHalideOptions>(
      "kiln-graph-to-halide",
      "Graph dialect to planned halide dialect: fusion, kernels, schedules, memory plan",
      [](OpPassManager &pm, const GraphToHalideOptions &o) { buildGraphToHalidePipeline(pm, o); });
  PassPipelineRegistration<GraphToHalideOptions>(
      "kiln-graph-to-kernel", "The first half of kiln-graph-to-halide: up to the kernel dialect",
      [](OpPassManager &pm, const GraphToHalideOptions &o) {
        buildGraphToHalidePipeline(pm, o, PipelineEnd::Kernel);
      });
  PassPipelineRegistration<>("kiln-kernel-to-halide",
                             "The second half of kiln-graph-to-halide: kernels, schedules, memory plan",
                             [](OpPassManager &pm) { addHalidePasses(pm); });
}
