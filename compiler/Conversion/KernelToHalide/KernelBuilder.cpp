//===- KernelBuilder.cpp - Build halide.kernel ops in row-major terms -===//
#include "compiler/Conversion/KernelToHalide/KernelBuilder.h"

#include "dialects/Kernel/KernelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace kiln;

/// Buffers store i1 as one byte; everything else at its own width.
static int64_t elementBytes(Type t) {
  return t.isInteger(1) ? 1 : std::max<int64_t>(1, t.getIntOrFloatBitWidth() / 8);
}

KernelBuilder::KernelBuilder(OpBuilder &b, Location loc, ModuleOp module, StringRef name,
                             const ScheduleOptions &options)
    : loc(loc), body(b.getContext()), opts(options) {
  OpBuilder mb(module.getContext());
  mb.setInsertionPointToEnd(module.getBody());
  kernel = mb.create<halide::KernelOp>(loc, name);
  kernel.getBody().push_back(new Block());
  body.setInsertionPointToStart(&kernel.getBody().front());
}

std::string KernelBuilder::input(Value tensor) {
  auto t = cast<RankedTensorType>(tensor.getType());
  std::string name = "in" + std::to_string(numInputs++);
  SmallVector<int64_t> extents(llvm::reverse(t.getShape()));
  body.create<halide::InputOp>(loc, name, t.getElementType(), extents);
  return name;
}

static SmallVector<StringRef> haldeVarNames(OpBuilder &b, size_t rank, SmallVector<std::string> &storage) {
  storage.clear();
  for (size_t i = 0; i < rank; ++i)
    storage.push_back(KernelBuilder::var(rank - 1 - i));
  return SmallVector<StringRef>(storage.begin(), storage.end());
}

void KernelBuilder::tupleFunc(StringRef name, size_t rank, Type type, unsigned n, const TupleBodyFn &fn) {
  SmallVector<std::string> storage;
  auto names = haldeVarNames(body, rank, storage);
  IntegerAttr tuple = n > 1 ? body.getI64IntegerAttr(n) : IntegerAttr();
  auto f = body.create<halide::FuncOp>(loc, body.getStringAttr(name), body.getStrArrayAttr(names), TypeAttr::get(type),
                                       tuple, UnitAttr());
  Block *blk = new Block();
  f.getBody().push_back(blk);
  SmallVector<Value> idx;
  for (size_t i = 0; i < rank; ++i)
    blk->addArgument(body.getI32Type(), loc);
  for (size_t d = 0; d < rank; ++d)
    idx.push_back(blk->getArgument(rank - 1 - d));
  OpBuilder fb = OpBuilder::atBlockEnd(blk);
  fb.create<halide::ReturnOp>(loc, fn(fb, idx));
}

void KernelBuilder::func(StringRef name, size_t rank, Type type, const BodyFn &fn) {
  tupleFunc(name, rank, type, 1, [&](OpBuilder &b, Idx d) { return SmallVector<Value>{fn(b, d)}; });
}

static void buildUpdate(OpBuilder &body, Location loc, StringRef name, size_t rank, ArrayRef<int64_t> extents,
                        StringRef combine, const KernelBuilder::TupleUpdateFn &fn) {
  SmallVector<int64_t> rdom;
  for (int64_t e : llvm::reverse(extents)) {
    rdom.push_back(0);
    rdom.push_back(e);
  }
  auto u = body.create<halide::UpdateOp>(loc, name, rdom, combine);
  Block *blk = new Block();
  u.getBody().push_back(blk);
  for (size_t i = 0; i < rank + extents.size(); ++i)
    blk->addArgument(body.getI32Type(), loc);
  SmallVector<Value> idx, ridx;
  for (size_t d = 0; d < rank; ++d)
    idx.push_back(blk->getArgument(rank - 1 - d));
  for (size_t d = 0; d < extents.size(); ++d)
    ridx.push_back(blk->getArgument(rank + extents.size() - 1 - d));
  OpBuilder fb = OpBuilder::atBlockEnd(blk);
  fb.create<halide::ReturnOp>(loc, fn(fb, idx, ridx));
}

void KernelBuilder::update(StringRef name, size_t rank, ArrayRef<int64_t> extents, StringRef combine,
                           Type type, const UpdateFn &fn) {
  buildUpdate(body, loc, name, rank, extents, combine,
              [&](OpBuilder &b, Idx d, Idx r) { return SmallVector<Value>{fn(b, d, r)}; });
}

void KernelBuilder::tupleUpdate(StringRef name, size_t rank, ArrayRef<int64_t> extents, Type type,
                                const TupleUpdateFn &fn) {
  buildUpdate(body, loc, name, rank, extents, "set", fn);
}

void KernelBuilder::strictFloat(StringRef name) {
  kernel.walk([&](halide::FuncOp f) {
    if (f.getSymName() == name)
      f.setStrictFloat(true);
  });
}

void KernelBuilder::output(StringRef name, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> extents(llvm::reverse(shape));
  body.create<halide::OutputOp>(loc, name, extents);
}

void KernelBuilder::pointwiseOutput(StringRef name, RankedTensorType type) {
  output(name, type.getShape());
  scheduleCpuPointwise(name, type.getShape(), type.getElementType());
  scheduleCudaPointwise(name, type.getShape());
}

static OpBuilder scheduleBuilder(OpBuilder &body, Location loc, halide::ScheduleOp &s,
                                 StringRef target) {
  if (!s) {
    s = body.create<halide::ScheduleOp>(loc, target);
    s.getBody().push_back(new Block());
  }
  return OpBuilder::atBlockEnd(&s.getBody().front());
}

OpBuilder KernelBuilder::cpu() { return scheduleBuilder(body, loc, cpuSchedule, "cpu"); }
OpBuilder KernelBuilder::cuda() { return scheduleBuilder(body, loc, cudaSchedule, "cuda"); }

void KernelBuilder::scheduleCpuPointwise(StringRef f, ArrayRef<int64_t> shape, Type type,
                                         bool hasUpdate) {
  OpBuilder s = cpu();
  auto sym = StringRef(f);
  size_t rank = shape.size();
  int64_t width = opts.vectorBytes / elementBytes(type);
  // Vectorize the innermost dim when it holds a full vector, parallelize the
  // outermost dim with more than one iteration (batch dims are often 1).
  for (int64_t stage = 0; stage <= (hasUpdate ? 1 : 0); ++stage) {
    if (rank >= 1 && shape[rank - 1] >= width && width > 1)
      s.create<halide::VectorizeOp>(loc, sym, var(rank - 1), width, stage);
    for (size_t d = 0; d + 1 < rank; ++d)
      if (shape[d] > 1) {
        s.create<halide::ParallelOp>(loc, sym, var(d), stage);
        break;
      }
  }
}

void KernelBuilder::scheduleCudaPointwise(StringRef f, ArrayRef<int64_t> shape, bool hasUpdate) {
  OpBuilder s = cuda();
  auto sym = StringRef(f);
  size_t rank = shape.size();
  for (int64_t stage = 0; stage <= (hasUpdate ? 1 : 0); ++stage) {
    if (rank == 0) {
      s.create<halide::GpuSingleThreadOp>(loc, sym, stage);
    } else if (rank == 1) {
      s.create<halide::GpuTileOp>(loc, sym, s.getStrArrayAttr({var(0)}),
                                  ArrayRef<int64_t>{std::min<int64_t>(256, shape[0])}, stage);
    } else {
      std::string x = var(rank - 1), y = var(rank - 2);
      s.create<halide::GpuTileOp>(
          loc, sym, s.getStrArrayAttr({x, y}),
          ArrayRef<int64_t>{std::min<int64_t>(32, shape[rank - 1]), std::min<int64_t>(8, shape[rank - 2])},
          stage);
    }
  }
}

Value KernelBuilder::call(OpBuilder &b, StringRef callee, Type type, Idx idx) {
  SmallVector<Value> rev(llvm::reverse(idx));
  return b.create<halide::CallOp>(b.getUnknownLoc(), type, FlatSymbolRefAttr::get(b.getContext(), callee),
                                  rev, IntegerAttr());
}

Value KernelBuilder::callElement(OpBuilder &b, StringRef callee, Type type, Idx idx, unsigned k) {
  SmallVector<Value> rev(llvm::reverse(idx));
  return b.create<halide::CallOp>(b.getUnknownLoc(), type, FlatSymbolRefAttr::get(b.getContext(), callee),
                                  rev, b.getI64IntegerAttr(k));
}

Value KernelBuilder::i32(OpBuilder &b, int64_t v) {
  return b.create<arith::ConstantOp>(b.getUnknownLoc(), b.getI32IntegerAttr(v));
}

Value KernelBuilder::constant(OpBuilder &b, Type type, double v) {
  Location l = b.getUnknownLoc();
  if (isa<FloatType>(type))
    return b.create<arith::ConstantOp>(l, b.getFloatAttr(type, v));
  return b.create<arith::ConstantOp>(l, b.getIntegerAttr(type, (int64_t)v));
}

SmallVector<Value> KernelBuilder::mapIndices(OpBuilder &b, AffineMap map, Idx dims, ArrayRef<int64_t> shape) {
  Location l = b.getUnknownLoc();
  SmallVector<Value> idx;
  for (auto [r, e] : llvm::enumerate(map.getResults())) {
    Value v = affine(b, e, dims);
    // Sums of scaled dims are bounded exactly by Halide; floordiv/mod terms
    // are not. A clamp would also turn a dense vector load into a gather.
    bool divides = false;
    e.walk([&](AffineExpr x) { divides |= isa<AffineBinaryOpExpr>(x) && x.getKind() != AffineExprKind::Add &&
                                          x.getKind() != AffineExprKind::Mul; });
    if (divides) {
      v = b.create<arith::MaxSIOp>(l, v, i32(b, 0));
      v = b.create<arith::MinSIOp>(l, v, i32(b, shape[r] - 1));
    }
    idx.push_back(v);
  }
  return idx;
}

Value KernelBuilder::inlineBody(OpBuilder &b, Block &body, ValueRange leading, ValueRange inputs, ArrayAttr maps,
                               ArrayRef<std::string> names, Idx dims) {
  IRMapping mapping;
  for (auto [i, v] : llvm::enumerate(leading))
    mapping.map(body.getArgument(i), v);
  for (auto [i, in] : llvm::enumerate(inputs)) {
    auto type = cast<RankedTensorType>(in.getType());
    AffineMap m = cast<AffineMapAttr>(maps[i]).getValue();
    mapping.map(body.getArgument(leading.size() + i),
                call(b, names[i], type.getElementType(), mapIndices(b, m, dims, type.getShape())));
  }
  for (Operation &o : body.without_terminator())
    b.clone(o, mapping);
  return mapping.lookup(cast<kernel::YieldOp>(body.getTerminator()).getValue());
}

Value KernelBuilder::affine(OpBuilder &b, AffineExpr e, Idx dims) {
  Location l = b.getUnknownLoc();
  if (auto d = dyn_cast<AffineDimExpr>(e))
    return dims[d.getPosition()];
  if (auto c = dyn_cast<AffineConstantExpr>(e))
    return i32(b, c.getValue());
  auto bin = cast<AffineBinaryOpExpr>(e);
  Value lhs = affine(b, bin.getLHS(), dims), rhs = affine(b, bin.getRHS(), dims);
  switch (e.getKind()) {
  case AffineExprKind::Add:
    return b.create<arith::AddIOp>(l, lhs, rhs);
  case AffineExprKind::Mul:
    return b.create<arith::MulIOp>(l, lhs, rhs);
  case AffineExprKind::FloorDiv:
    return b.create<arith::FloorDivSIOp>(l, lhs, rhs);
  case AffineExprKind::Mod: {
    // Affine mod is a floor mod (never negative); arith.remsi truncates, and
    // composed maps do produce negative left-hand sides.
    Value q = b.create<arith::FloorDivSIOp>(l, lhs, rhs);
    return b.create<arith::SubIOp>(l, lhs, b.create<arith::MulIOp>(l, q, rhs));
  }
  default:
    return b.create<arith::DivSIOp>(l, lhs, rhs); // ceildiv does not occur in our maps
  }
}

Value KernelBuilder::index(OpBuilder &b, Value v, int64_t size) {
  Location l = b.getUnknownLoc();
  Type t = v.getType();
  if (!t.isInteger(32))
    v = b.create<arith::TruncIOp>(l, b.getI32Type(), v);
  Value zero = i32(b, 0);
  Value neg = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, v, zero);
  v = b.create<arith::SelectOp>(l, neg, b.create<arith::AddIOp>(l, v, i32(b, size)), v);
  v = b.create<arith::MaxSIOp>(l, v, zero);
  return b.create<arith::MinSIOp>(l, v, i32(b, size - 1));
}
