//===- Schedules.cpp - what the kiln-schedule-* passes share -===//
#include "compiler/Transforms/Halide/Schedules.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace kiln;

/// Buffers store i1 as one byte; everything else at its own width.
static int64_t elementBytes(Type t) {
  return t.isInteger(1) ? 1 : std::max<int64_t>(1, t.getIntOrFloatBitWidth() / 8);
}

int64_t schedule::staticOr(int64_t dim, int64_t assume) { return ShapedType::isDynamic(dim) ? assume : dim; }

SmallVector<int64_t> schedule::rowMajorShape(AffineMap extents) {
  SmallVector<int64_t> shape;
  for (AffineExpr e : llvm::reverse(extents.getResults())) {
    auto c = dyn_cast<AffineConstantExpr>(e);
    shape.push_back(c ? c.getValue() : ShapedType::kDynamic);
  }
  return shape;
}

halide::OutputOp schedule::outputOf(halide::KernelOp kernel) {
  auto outs = kernel.getBody().front().getOps<halide::OutputOp>();
  return outs.empty() ? halide::OutputOp() : *outs.begin();
}

halide::FuncOp schedule::funcNamed(halide::KernelOp kernel, StringRef name) {
  return dyn_cast_or_null<halide::FuncOp>(SymbolTable::lookupSymbolIn(kernel, name));
}

SmallVector<halide::FuncOp> schedule::rootFuncs(halide::KernelOp kernel, halide::Recipe recipe) {
  SmallVector<halide::FuncOp> roots;
  for (auto f : kernel.getBody().front().getOps<halide::FuncOp>()) {
    if (!f.getRoot())
      continue;
    if (recipe != halide::Recipe::RowSums) {
      roots.push_back(f);
      continue;
    }
    if (f.getSymName().ends_with("_part"))
      continue;
    if (auto part = funcNamed(kernel, (f.getSymName() + "_part").str()); part && part.getRoot())
      roots.push_back(part);
    roots.push_back(f);
  }
  return roots;
}

ArrayRef<int64_t> schedule::rootShape(halide::FuncOp f) { return cast<RankedTensorType>(*f.getRoot()).getShape(); }

bool schedule::hasSchedule(halide::KernelOp kernel, halide::ScheduleTarget target) {
  return llvm::any_of(kernel.getBody().front().getOps<halide::ScheduleOp>(),
                      [&](halide::ScheduleOp s) { return s.getTarget() == target; });
}

OpBuilder schedule::scheduleRegion(halide::KernelOp kernel, halide::ScheduleTarget target) {
  for (auto s : kernel.getBody().front().getOps<halide::ScheduleOp>())
    if (s.getTarget() == target)
      return OpBuilder::atBlockEnd(&s.getBody().front());
  OpBuilder b = OpBuilder::atBlockEnd(&kernel.getBody().front());
  auto s = b.create<halide::ScheduleOp>(kernel.getLoc(), halide::ScheduleTargetAttr::get(b.getContext(), target));
  s.getBody().push_back(new Block());
  return OpBuilder::atBlockEnd(&s.getBody().front());
}

schedule::AttentionLayout::AttentionLayout(halide::KernelOp kernel) {
  blocked = kernel.getRecipe() == halide::Recipe::AttentionBlocked;
  int8 = kernel.getRecipe() == halide::Recipe::AttentionInt8;
  qparts = (bool)funcNamed(kernel, "qmx_part");
  merged = (bool)funcNamed(kernel, "fin");
  probs = (bool)funcNamed(kernel, "p");
  parts = (bool)funcNamed(kernel, blocked ? "bmx_part" : "mx_part");
  kin = (bool)funcNamed(kernel, "kin");
  vt = (bool)funcNamed(kernel, "vt");
  rsum = (bool)funcNamed(kernel, "rsum");
  sparse = (bool)funcNamed(kernel, "keep");
  D = *kernel.getHeadDim(), E = *kernel.getValueDim(), W = *kernel.getLanes();
  Kp = kernel.getPaddedKeys() ? *kernel.getPaddedKeys() : ShapedType::kDynamic;
  KB = kernel.getKeyBlock().value_or(0);
  shape = rowMajorShape(outputOf(kernel).getExtents());
  if (merged) {
    int64_t c = shape.pop_back_val(), r = shape.pop_back_val();
    shape.append({ShapedType::isDynamic(c) ? c : c / E, r, E});
  }
  nb = shape.size() - 2;
  rows = shape[nb];
}

int64_t schedule::cappedProduct(ArrayRef<int64_t> dims, int64_t cap) {
  int64_t p = 1;
  for (int64_t d : dims)
    if (!ShapedType::isDynamic(d))
      p = p >= cap || d >= cap ? cap : std::min(cap, p * d);
  return p;
}

void schedule::cpuPointwise(OpBuilder &s, StringRef f, ArrayRef<int64_t> shape, Type type, int64_t vectorBytes,
                            int64_t minParallel, bool hasUpdate) {
  Location loc = s.getUnknownLoc();
  size_t rank = shape.size();
  int64_t width = vectorBytes / elementBytes(type);
  for (int64_t stage = 0; stage <= (hasUpdate ? 1 : 0); ++stage) {
    if (rank >= 1 && staticOr(shape[rank - 1], width) >= width && width > 1)
      s.create<halide::VectorizeOp>(loc, f, var(rank - 1), width, stage);
    // A symbolic dim may be 1 at run time: a static dim > 1 goes first.
    int64_t outer = -1;
    for (size_t d = 0; d + 1 < rank && outer < 0; ++d)
      if (shape[d] > 1)
        outer = d;
    for (size_t d = 0; d + 1 < rank && outer < 0; ++d)
      if (ShapedType::isDynamic(shape[d]))
        outer = d;
    // A small static kernel runs on one thread: waking the pool's workers
    // costs more than it saves (int8 BERT, 2 threads: the per-row
    // reductions, LayerNorms and quantizations of [128, 768] took 2-5x longer
    // in parallel than alone). Symbolic dims count as 1 (batch 1, a decode
    // step's one row): a symbolic BERT's LayerNorms went parallel over a
    // batch of 1 where the pinned build's stay on one thread (BERT-base s128,
    // 2 threads, Intel Xeon family 6 model 207, loaded: symbolic / pinned
    // 1.13 -> 1.04 median).
    if (outer >= 0 && cappedProduct(shape, minParallel) >= minParallel)
      s.create<halide::ParallelOp>(loc, f, var(outer), stage);
  }
}

void schedule::cudaPointwise(OpBuilder &s, StringRef f, ArrayRef<int64_t> shape, bool hasUpdate) {
  Location loc = s.getUnknownLoc();
  size_t rank = shape.size();
  for (int64_t stage = 0; stage <= (hasUpdate ? 1 : 0); ++stage) {
    if (rank == 0) {
      s.create<halide::GpuSingleThreadOp>(loc, f, stage);
    } else if (rank == 1) {
      s.create<halide::GpuTileOp>(loc, f, s.getStrArrayAttr({var(0)}),
                                  ArrayRef<int64_t>{std::min<int64_t>(256, staticOr(shape[0], 256))}, stage);
    } else {
      std::string x = var(rank - 1), y = var(rank - 2);
      s.create<halide::GpuTileOp>(loc, f, s.getStrArrayAttr({x, y}),
                                  ArrayRef<int64_t>{std::min<int64_t>(32, staticOr(shape[rank - 1], 32)),
                                                    std::min<int64_t>(8, staticOr(shape[rank - 2], 8))},
                                  stage);
    }
  }
}

SmallVector<int64_t> schedule::inputShape(halide::KernelOp kernel, StringRef name) {
  for (auto in : kernel.getBody().front().getOps<halide::InputOp>())
    if (in.getSymName() == name)
      return rowMajorShape(in.getExtents());
  return {};
}

int64_t schedule::reductionExtent(halide::KernelOp kernel, StringRef f) {
  for (auto u : kernel.getBody().front().getOps<halide::UpdateOp>())
    if (u.getFunc() == f)
      if (auto c = dyn_cast<AffineConstantExpr>(u.getRdom().getResult(1)))
        return c.getValue();
  return 0;
}
