//===- MergeProjections.cpp - One GEMM for projections of the same input -===//
//
// Expects: functions of graph ops, before convert-graph-to-kernel. Leaves:
// every group of two or more graph.matmul ops that read the same lhs with a
// 2-D float constant rhs (attention's Q, K and V projections) as one
// graph.matmul on the weights concatenated along N, one graph.add of the
// concatenated biases when every member had one, and one graph.slice per
// member along the last dim in place of the member's result. One GEMM reads
// the activations once and fills the machine better than three narrow ones;
// each slice fuses into the head split that follows its projection.
//
// A member's bias is a graph.add of a 1-D constant [N] (either operand order)
// that is the matmul's only user. Members with and without a bias are merged
// in separate groups, so no column gets a bias that is not its own. Matmuls
// with an activation or batched rhs are left alone. The new constants are
// built here, at compile time; the old ones go when nothing else reads them.
// Symbolic rows (batch, seq) keep their dim exprs in the merged type.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Explain.h"
#include "compiler/Transforms/Passes.h"
#include "compiler/Utils/ConstantData.h"
#include "dialects/Graph/GraphOps.h"
#include "dialects/Utils/SymShape.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstring>

#define DEBUG_TYPE "kiln-merge-projections"

namespace kiln {
#define GEN_PASS_DEF_MERGEPROJECTIONS
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

/// One projection: x @ weight, + bias when it has one.
struct Member {
  graph::MatMulOp matmul;
  graph::ConstantOp weight;
  graph::AddOp add;       // null without a bias
  graph::ConstantOp bias; // null without a bias

  Value result() { return add ? add.getResult() : matmul.getResult(); }
};

/// Members are merged when they share a block, an lhs, an element type and
/// whether they have a bias.
using GroupKey = std::tuple<Block *, Value, Type, int>;

} // namespace

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

/// `op` as a member when its rhs is a 2-D float constant, with its bias add
/// when the add of a constant [N] is its only user; else `explain` (the pass
/// option) says why not, on `op`.
static std::optional<Member> asMember(graph::MatMulOp op, bool explain) {
  auto no = [&](const Twine &why) {
    (void)missed(op, DEBUG_TYPE, explain, "not merged: " + why);
    return std::nullopt;
  };
  auto weight = op.getRhs().getDefiningOp<graph::ConstantOp>();
  RankedTensorType w = tt(op.getRhs());
  if (!weight)
    return no("the rhs is not a constant (an activation)");
  if (w.getRank() != 2)
    return no("the rhs has rank " + Twine(w.getRank()) + ", not 2 (batched weights)");
  if (!isa<FloatType>(w.getElementType()) || tt(op.getLhs()).getElementType() != w.getElementType())
    return no("the weights are not float of the lhs's element type");
  Member m{op, weight, nullptr, nullptr};
  if (!op->hasOneUse())
    return m;
  auto add = dyn_cast<graph::AddOp>(*op->user_begin());
  if (!add || add.getType() != op.getType())
    return m;
  Value other = add.getLhs() == op.getResult() ? add.getRhs() : add.getLhs();
  auto bias = other.getDefiningOp<graph::ConstantOp>();
  if (bias && tt(other) == RankedTensorType::get({w.getDimSize(1)}, w.getElementType())) {
    m.add = add;
    m.bias = bias;
  }
  return m;
}

/// A new constant holding `parts` (same rank, same leading dims) side by side
/// along their last dim, built at `b`'s insertion point. It is a
/// dense_resource blob, as weights are, named after the first part.
static Value concatLastDim(OpBuilder &b, Location loc, ArrayRef<graph::ConstantOp> parts,
                           StringRef fallbackName) {
  graph::ConstantOp front = parts.front();
  RankedTensorType first = tt(front.getResult());
  int64_t elem = elementByteSize(first.getElementType());
  int64_t rows = ShapedType::getNumElements(first.getShape().drop_back());
  int64_t width = 0; // bytes of one row of the result
  for (graph::ConstantOp p : parts)
    width += tt(p.getResult()).getShape().back() * elem;
  std::vector<char> out(rows * width);
  int64_t offset = 0;
  for (graph::ConstantOp p : parts) {
    std::vector<char> src = constantBytes(p.getValue());
    int64_t n = tt(p.getResult()).getShape().back() * elem;
    for (int64_t r = 0; r < rows; ++r)
      std::memcpy(out.data() + r * width + offset, src.data() + r * n, n);
    offset += n;
  }
  SmallVector<int64_t> shape(first.getShape());
  shape.back() = width / elem;
  auto type = RankedTensorType::get(shape, first.getElementType());
  std::string name = fallbackName.str();
  if (auto r = dyn_cast<DenseResourceElementsAttr>(front.getValue()))
    name = r.getRawHandle().getKey().str();
  name += "_concat";
  auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(ArrayRef<char>(out), elem);
  return b.create<graph::ConstantOp>(loc, type,
                                     DenseResourceElementsAttr::get(type, name, std::move(blob)));
}

/// Replaces the members by one matmul (+ one add) and a slice per member,
/// placed before the first member: the lhs dominates it and the new
/// constants are built there.
static void merge(MutableArrayRef<Member> group) {
  graph::MatMulOp first = group.front().matmul;
  OpBuilder b(first);
  SmallVector<Location> locs;
  SmallVector<graph::ConstantOp> weights, biases;
  for (Member &m : group) {
    locs.push_back(m.matmul.getLoc());
    weights.push_back(m.weight);
    if (m.bias)
      biases.push_back(m.bias);
  }
  Location loc = b.getFusedLoc(locs);
  Value weight = concatLastDim(b, loc, weights, "weight");
  RankedTensorType out = tt(first.getResult());
  SmallVector<SymExpr> dims = dimExprs(out);
  dims.back() = SymExpr::constant(tt(weight).getShape().back());
  auto type = makeType(dims, out.getElementType(), b.getContext(), numSymbols(out));
  size_t rank = dims.size();
  Value merged = b.create<graph::MatMulOp>(loc, type, first.getLhs(), weight);
  if (!biases.empty()) {
    Value bias = concatLastDim(b, loc, biases, "bias");
    merged = b.create<graph::AddOp>(loc, type, merged, bias);
  }

  SmallVector<Attribute> starts(rank, b.getI64IntegerAttr(0));
  SmallVector<Attribute> steps(rank, b.getI64IntegerAttr(1));
  int64_t column = 0;
  for (Member &m : group) {
    Value result = m.result();
    starts.back() = b.getI64IntegerAttr(column);
    column += tt(result).getShape().back();
    auto slice = b.create<graph::SliceOp>(result.getLoc(), result.getType(), merged,
                                          b.getArrayAttr(starts), b.getArrayAttr(steps), AffineMapAttr());
    result.replaceAllUsesWith(slice.getResult());
  }
  // Only now: the builder inserts before the first member.
  llvm::SetVector<Operation *> constants;
  for (Member &m : group) {
    if (m.add)
      m.add.erase();
    m.matmul.erase();
    constants.insert(m.weight);
    if (m.bias)
      constants.insert(m.bias);
  }
  for (Operation *c : constants)
    if (c->use_empty())
      c->erase();
}

namespace {

struct MergeProjectionsPass : kiln::impl::MergeProjectionsBase<MergeProjectionsPass> {
  using MergeProjectionsBase::MergeProjectionsBase;
  void runOnOperation() override {
    // In walk order, so groups, members and the new ops come out the same
    // way every time.
    llvm::MapVector<GroupKey, SmallVector<Member>> groups;
    getOperation().walk([&](graph::MatMulOp op) {
      if (std::optional<Member> m = asMember(op, explain))
        groups[{op->getBlock(), op.getLhs(), tt(op.getRhs()).getElementType(), int(bool(m->add))}]
            .push_back(*m);
    });
    for (auto &[key, group] : groups) {
      if (group.size() >= 2) {
        merge(group);
        continue;
      }
      Member &m = group.front();
      (void)missed(m.matmul, DEBUG_TYPE, explain,
                   Twine("not merged: no other projection of the same input ") +
                       (m.add ? "with a constant bias" : "without a bias") + " in this block");
    }
  }
};

} // namespace
