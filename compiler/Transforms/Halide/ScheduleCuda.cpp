//===- ScheduleCuda.cpp - the kiln-schedule-cuda pass -===//
//
// Writes `halide.schedule cuda` from each kernel's recipe: every stage that
// is not the output computed at root, each stage gpu_tile'd one thread per
// point.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Halide/Schedules.h"
#include "compiler/Transforms/Passes.h"

namespace kiln {
#define GEN_PASS_DEF_SCHEDULECUDA
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

/// Appends kernel's cuda schedule for `recipe`.
static void scheduleCuda(halide::KernelOp kernel, halide::Recipe recipe) {
  OpBuilder s = schedule::scheduleRegion(kernel, halide::ScheduleTarget::Cuda);
  Location l = s.getUnknownLoc();
  halide::OutputOp out = schedule::outputOf(kernel);
  SmallVector<int64_t> shape = schedule::rowMajorShape(out.getExtents());
  auto root = [&](StringRef f, ArrayRef<int64_t> fShape) {
    s.create<halide::ComputeRootOp>(l, f);
    schedule::cudaPointwise(s, f, fShape, /*hasUpdate=*/true);
  };
  switch (recipe) {
  case halide::Recipe::Pointwise:
    break;
  case halide::Recipe::RootUpdate:
    for (halide::FuncOp f : schedule::rootFuncs(kernel, recipe))
      root(f.getSymName(), schedule::rootShape(f));
    break;
  case halide::Recipe::RowSums:
    schedule::cudaPointwise(s, out.getFunc(), shape);
    for (halide::FuncOp f : schedule::rootFuncs(kernel, recipe))
      root(f.getSymName(), schedule::rootShape(f));
    return;
  case halide::Recipe::MatMul:
  case halide::Recipe::Conv:
    root("acc", shape);
    break;
  case halide::Recipe::MatMulPacked: {
    // acc in panel coordinates [batch..., N/NR, M, NR]. CUDA does not pack
    // (kiln-pack-weights runs for CPU targets); kept correct anyway.
    size_t rank = shape.size();
    int64_t NR = *kernel.getBPanel();
    SmallVector<int64_t> accShape(shape.begin(), shape.end() - 2);
    accShape.append({shape[rank - 1] / NR, shape[rank - 2], NR});
    root("acc", accShape);
    break;
  }
  }
  schedule::cudaPointwise(s, out.getFunc(), shape);
}

namespace {
struct ScheduleCudaPass : kiln::impl::ScheduleCudaBase<ScheduleCudaPass> {
  void runOnOperation() override {
    for (auto kernel : getOperation().getOps<halide::KernelOp>()) {
      std::optional<halide::Recipe> recipe = kernel.getRecipe();
      bool scheduled = schedule::hasSchedule(kernel, halide::ScheduleTarget::Cuda);
      if (!recipe) {
        // Attention kernels still carry the schedule their lowering wrote.
        if (scheduled)
          continue;
        kernel.emitOpError("has no recipe and no cuda schedule");
        return signalPassFailure();
      }
      if (scheduled) {
        kernel.emitOpError("is already scheduled for cuda");
        return signalPassFailure();
      }
      if (!schedule::outputOf(kernel)) {
        kernel.emitOpError("has no halide.output to schedule");
        return signalPassFailure();
      }
      scheduleCuda(kernel, *recipe);
    }
  }
};
} // namespace
