//===- ShapeOps.cpp - ONNX data movement and shape ops to graph ops --------===//
//
// Expects: NodeContexts for the ops that move data or compute on shapes
// (Reshape family, Transpose, Expand, Slice, Split, Concat, the Gathers,
// Tile, Identity, Dropout, Constant, Shape, Size, ConstantOfShape, Range).
// Shape, axes, starts, repeats... inputs must be constants: static shapes
// make every such input foldable once the graph inputs are pinned.
// Produces: folded HostTensors (shapes are always constants; Reshape-like ops
// on constants always fold since they only relabel the data) or graph.reshape,
// transpose, expand, slice, concat, gather, gather_elements, gather_nd ops
// with normalised attributes. Ops that change nothing become aliases.
//
//===----------------------------------------------------------------------===//
#include "compiler/Import/Onnx/ImportContext.h"

#include <limits>

using namespace mlir;
using namespace llvm;

namespace kiln {

//===----------------------------------------------------------------------===//
// Building blocks
//===----------------------------------------------------------------------===//

Operand reshapeTo(NodeContext &n, const Operand &x, ArrayRef<SymExpr> shape) {
  std::optional<SmallVector<int64_t>> ints = staticDims(shape);
  if (ints && !x.hasSymbolicDims())
    return reshapeTo(n, x, *ints);
  if (ArrayRef<SymExpr>(x.symShape()) == shape)
    return x;
  Value src = n.materialize(x);
  if (auto inner = src.getDefiningOp<graph::ReshapeOp>())
    src = inner.getInput();
  if (ArrayRef<SymExpr>(dimExprs(cast<RankedTensorType>(src.getType()))) == shape)
    return Operand::of(src);
  return Operand::of(n.create<graph::ReshapeOp>(shape, x.dtype(), src));
}

Operand expandTo(NodeContext &n, const Operand &x, ArrayRef<SymExpr> shape) {
  std::optional<SmallVector<int64_t>> ints = staticDims(shape);
  if (ints && !x.hasSymbolicDims() && !x.isSym())
    return expandTo(n, x, *ints);
  if (ArrayRef<SymExpr>(x.symShape()) == shape && !x.isSym())
    return x;
  return Operand::of(n.create<graph::ExpandOp>(shape, x.dtype(), n.materialize(x)));
}

Operand reshapeTo(NodeContext &n, const Operand &x, ArrayRef<int64_t> shape) {
  if (x.hasSymbolicDims())
    return reshapeTo(n, x, toSym(shape));
  if (x.shape() == shape)
    return x;
  if (x.isSym()) { // Relabels the elements.
    SymTensor t = *x.sym;
    t.shape.assign(shape.begin(), shape.end());
    return Operand::of(std::move(t));
  }
  if (x.isConst())
    return Operand::of(foldReshape(*x.constant, shape));
  // A reshape of a reshape reads the first one's input.
  Value src = x.value;
  if (auto inner = src.getDefiningOp<graph::ReshapeOp>())
    src = inner.getInput();
  if (cast<RankedTensorType>(src.getType()).getShape() == shape)
    return Operand::of(src);
  return Operand::of(n.create<graph::ReshapeOp>(shape, x.dtype(), src));
}

Operand expandTo(NodeContext &n, const Operand &x, ArrayRef<int64_t> shape) {
  if (x.hasSymbolicDims())
    return expandTo(n, x, toSym(shape));
  if (x.shape() == shape)
    return x;
  if (n.canFold({&x}, numElements(shape)))
    return Operand::of(foldExpand(*x.constant, shape));
  return Operand::of(n.create<graph::ExpandOp>(shape, x.dtype(), n.materialize(x)));
}

Operand transposeBy(NodeContext &n, const Operand &x, ArrayRef<int64_t> perm) {
  SmallVector<SymExpr> shape, in = x.symShape();
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i) {
    shape.push_back(in[perm[i]]);
    identity &= perm[i] == (int64_t)i;
  }
  if (identity)
    return x;
  if (n.canFold({&x}, x.numElements()))
    return Operand::of(foldTranspose(*x.constant, perm));
  return Operand::of(
      n.create<graph::TransposeOp>(shape, x.dtype(), n.materialize(x), n.i64Array(perm)));
}

Operand sliceBy(NodeContext &n, const Operand &x, ArrayRef<int64_t> starts, ArrayRef<int64_t> steps,
                ArrayRef<int64_t> shape) {
  if (x.shape() == shape && llvm::all_of(steps, [](int64_t s) { return s == 1; }))
    return x;
  if (n.canFold({&x}, numElements(shape)))
    return Operand::of(foldSlice(*x.constant, starts, steps, shape));
  return Operand::of(n.create<graph::SliceOp>(shape, x.dtype(), n.materialize(x),
                                              n.i64Array(starts), n.i64Array(steps), AffineMapAttr()));
}

Operand sliceBy(NodeContext &n, const Operand &x, ArrayRef<int64_t> starts, ArrayRef<int64_t> steps,
                ArrayRef<SymExpr> shape) {
  if (std::optional<SmallVector<int64_t>> s = staticDims(shape); s && !x.hasSymbolicDims())
    return sliceBy(n, x, starts, steps, *s);
  if (ArrayRef<SymExpr>(x.symShape()) == shape && llvm::all_of(steps, [](int64_t st) { return st == 1; }))
    return x;
  return Operand::of(n.create<graph::SliceOp>(shape, x.dtype(), n.materialize(x), n.i64Array(starts),
                                              n.i64Array(steps), AffineMapAttr()));
}

namespace {

bool isIndexType(DType t) { return t == DType::I64 || t == DType::I32; }

//===----------------------------------------------------------------------===//
// Reshape family
//===----------------------------------------------------------------------===//

LogicalResult reshapeOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  const Operand &x = n.in(0);
  SmallVector<SymExpr> spec;
  if (n.opset < 5) {
    spec = toSym(n.attrInts("shape").value_or(SmallVector<int64_t>{}));
  } else {
    FailureOr<SmallVector<SymExpr>> s = n.symInts(1, "shape");
    if (failed(s))
      return failure();
    spec = *s;
  }
  // Over polynomials of the symbols: -1 is an exact division, so
  // [batch, seq, 128] -> [batch, seq, -1, 32] gives 4.
  bool allowZero = n.opset >= 14 && n.attrInt("allowzero", 0);
  SmallVector<SymExpr> shape, xs = x.symShape();
  std::string specStr = n.str(spec);
  int64_t infer = -1;
  for (size_t i = 0; i < spec.size(); ++i) {
    SymExpr d = spec[i];
    std::optional<int64_t> c = d.constValue();
    if (c == 0 && !allowZero) {
      if ((int64_t)i >= x.rank())
        return n.fail("shape " + specStr + " copies dim " + Twine(i) + " of the rank " +
                      Twine(x.rank()) + " input");
      d = xs[i];
    } else if (c == -1) {
      if (infer >= 0)
        return n.fail("shape " + specStr + " has more than one -1");
      infer = i;
    } else if (c && *c < -1) {
      return n.fail("shape " + specStr + " has a negative dim");
    } else if (!c && failed(n.requireGE0(d, "dim " + Twine(i) + " of the shape " + specStr))) {
      return failure();
    }
    shape.push_back(d);
  }
  SmallVector<SymExpr> knownDims;
  for (size_t i = 0; i < shape.size(); ++i)
    if ((int64_t)i != infer)
      knownDims.push_back(shape[i]);
  std::optional<SymExpr> known = numElementsExpr(knownDims);
  std::optional<SmallVector<int64_t>> knownInts = staticDims(knownDims);
  if (!known || (knownInts && !checkedNumElements(*knownInts)))
    return n.fail("shape " + specStr + " is too large");
  std::optional<SymExpr> total = numElementsExpr(xs);
  auto cannot = [&] { return n.fail("cannot reshape " + n.str(xs) + " to " + specStr); };
  if (!total)
    return cannot();
  if (infer >= 0) {
    std::optional<SymExpr> q = known->constValue() == 0 ? std::nullopt : exactDiv(*total, *known);
    if (!q)
      return cannot();
    shape[infer] = *q;
  }
  if (numElementsExpr(shape) != total)
    return cannot();
  return n.set(0, reshapeTo(n, x, shape));
}

LogicalResult flattenOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  const Operand &x = n.in(0);
  int64_t axis = n.attrInt("axis", 1), r = x.rank();
  if (axis < -r || axis > r)
    return n.fail("axis " + Twine(axis) + " is out of range for rank " + Twine(r));
  if (axis < 0)
    axis += r;
  SmallVector<SymExpr> xs = x.symShape();
  std::optional<SymExpr> outer = numElementsExpr(ArrayRef<SymExpr>(xs).take_front(axis)),
                          inner = numElementsExpr(ArrayRef<SymExpr>(xs).drop_front(axis));
  if (!outer || !inner)
    return n.fail("the element count of " + n.str(xs) + " overflows");
  return n.set(0, reshapeTo(n, x, SmallVector<SymExpr>{*outer, *inner}));
}

LogicalResult squeezeOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  const Operand &x = n.in(0);
  auto axesOr = n.intsAttrOrInput("axes", 13, 1);
  if (failed(axesOr))
    return failure();
  SmallVector<bool> drop(x.rank(), false);
  SmallVector<SymExpr> xs = x.symShape();
  if (!*axesOr) {
    for (int64_t d = 0; d < x.rank(); ++d)
      drop[d] = xs[d].constValue() == 1;
  }
  for (int64_t a : axesOr->value_or(SmallVector<int64_t>{})) {
    FailureOr<int64_t> na = n.normAxis(a, x.rank());
    if (failed(na))
      return failure();
    if (xs[*na].constValue() != 1)
      return n.fail("cannot squeeze dim " + Twine(*na) + " of " + n.str(xs));
    drop[*na] = true;
  }
  SmallVector<SymExpr> shape;
  for (int64_t d = 0; d < x.rank(); ++d)
    if (!drop[d])
      shape.push_back(xs[d]);
  return n.set(0, reshapeTo(n, x, shape));
}

LogicalResult unsqueezeOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  const Operand &x = n.in(0);
  auto axesOr = n.intsAttrOrInput("axes", 13, 1);
  if (failed(axesOr))
    return failure();
  if (!*axesOr)
    return n.fail("axes are missing");
  int64_t outRank = x.rank() + (*axesOr)->size();
  SmallVector<bool> inserted(outRank, false);
  for (int64_t a : **axesOr) {
    FailureOr<int64_t> na = n.normAxis(a, outRank);
    if (failed(na))
      return failure();
    if (inserted[*na])
      return n.fail("axes " + shapeString(**axesOr) + " repeat an axis");
    inserted[*na] = true;
  }
  SmallVector<SymExpr> shape, xs = x.symShape();
  for (int64_t d = 0, next = 0; d < outRank; ++d)
    shape.push_back(inserted[d] ? SymExpr::constant(1) : xs[next++]);
  return n.set(0, reshapeTo(n, x, shape));
}

//===----------------------------------------------------------------------===//
// Transpose, Expand, Tile
//===----------------------------------------------------------------------===//

LogicalResult transposeOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  const Operand &x = n.in(0);
  SmallVector<int64_t> perm;
  if (auto p = n.attrInts("perm")) {
    perm = *p;
  } else {
    for (int64_t d = x.rank() - 1; d >= 0; --d)
      perm.push_back(d);
  }
  SmallVector<bool> seen(x.rank(), false);
  bool valid = (int64_t)perm.size() == x.rank();
  for (int64_t p : perm) {
    if (!valid || p < 0 || p >= x.rank() || seen[p]) {
      valid = false;
      break;
    }
    seen[p] = true;
  }
  if (!valid)
    return n.fail("perm " + shapeString(perm) + " is not a permutation of rank " + Twine(x.rank()));
  return n.set(0, transposeBy(n, x, perm));
}

LogicalResult expandOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  const Operand &x = n.in(0);
  FailureOr<SmallVector<SymExpr>> spec = n.symInts(1, "shape");
  if (failed(spec))
    return failure();
  std::optional<SmallVector<int64_t>> ints = staticDims(*spec);
  FailureOr<SmallVector<SymExpr>> shape = broadcastSym(x.symShape(), *spec);
  std::optional<SmallVector<int64_t>> outInts = succeeded(shape) ? staticDims(*shape) : std::nullopt;
  if (failed(shape) || (ints && !checkedNumElements(*ints)) || (outInts && !checkedNumElements(*outInts)))
    return n.fail("input shape " + n.str(x.symShape()) + " does not broadcast with " + n.str(*spec));
  return n.set(0, expandTo(n, x, *shape));
}

LogicalResult tileOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  const Operand &x = n.in(0);
  FailureOr<SmallVector<int64_t>> reps = n.constInts(1, "repeats");
  if (failed(reps))
    return failure();
  if ((int64_t)reps->size() != x.rank() || !checkedNumElements(*reps))
    return n.fail("repeats " + shapeString(*reps) + " do not fit input " + shapeString(x.shape()));
  // [d0, d1] -> reshape [1, d0, 1, d1] -> expand [r0, d0, r1, d1] -> reshape.
  SmallVector<int64_t> split, expanded, shape;
  for (int64_t d = 0; d < x.rank(); ++d) {
    int64_t dim = x.shape()[d], r = (*reps)[d];
    split.append({1, dim});
    expanded.append({r, dim});
    shape.push_back(r * dim);
  }
  if (!checkedNumElements(shape))
    return n.fail("the result of tiling " + shapeString(x.shape()) + " by " + shapeString(*reps) +
                  " is too large");
  Operand t = reshapeTo(n, x, split);
  t = expandTo(n, t, expanded);
  return n.set(0, reshapeTo(n, t, shape));
}

//===----------------------------------------------------------------------===//
// Slice, Split, Concat
//===----------------------------------------------------------------------===//

/// Slice's optional axes and steps inputs (opset 10 on); axes default to
/// 0..count-1, steps stay empty when absent.
LogicalResult sliceAxesSteps(NodeContext &n, size_t count, SmallVector<int64_t> &axes,
                             SmallVector<int64_t> &steps) {
  axes.clear();
  for (size_t i = 0; i < count; ++i)
    axes.push_back(i);
  if (n.hasInput(3)) {
    auto a = n.constInts(3, "axes");
    if (failed(a))
      return failure();
    axes = *a;
  }
  if (n.hasInput(4)) {
    auto st = n.constInts(4, "steps");
    if (failed(st))
      return failure();
    steps = *st;
  }
  return success();
}

/// Slice where the data or a bound is symbolic: steps of 1 and in-range
/// bounds (recorded as run-time constraints, since there is no min/max yet).
LogicalResult symbolicSlice(NodeContext &n) {
  const Operand &x = n.in(0);
  int64_t r = x.rank();
  FailureOr<SmallVector<SymExpr>> starts = n.symInts(1, "starts"), ends = n.symInts(2, "ends");
  if (failed(starts) || failed(ends))
    return failure();
  SmallVector<int64_t> axes, steps;
  if (failed(sliceAxesSteps(n, starts->size(), axes, steps)))
    return failure();
  if (ends->size() != starts->size() || axes.size() != starts->size() ||
      (!steps.empty() && steps.size() != starts->size()))
    return n.fail("starts, ends, axes and steps must have one length");
  if (llvm::any_of(steps, [](int64_t st) { return st != 1; }))
    return n.fail("a Slice of symbolic dims needs steps of 1");
  SmallVector<SymExpr> xs = x.symShape(), shape = xs, begin(r, SymExpr());
  SmallVector<bool> seen(r, false);
  for (size_t i = 0; i < starts->size(); ++i) {
    FailureOr<int64_t> a = n.normAxis(axes[i], r);
    if (failed(a))
      return failure();
    if (seen[*a])
      return n.fail("axis " + Twine(*a) + " is sliced twice");
    seen[*a] = true;
    const SymExpr &dim = xs[*a];
    // Negative constants count from the end; ends past 2^31 mean the dim.
    auto bound = [&](SymExpr v, bool isEnd) -> std::optional<SymExpr> {
      std::optional<int64_t> c = v.constValue();
      if (isEnd && c && *c >= (int64_t(1) << 31))
        return dim;
      if (c && *c < 0)
        return add(dim, v);
      return v;
    };
    std::optional<SymExpr> s = bound((*starts)[i], false), e = bound((*ends)[i], true);
    std::optional<SymExpr> size = s && e ? sub(*e, *s) : std::nullopt;
    std::optional<SymExpr> room = e ? sub(dim, *e) : std::nullopt;
    if (!size || !room)
      return n.fail("the bounds of axis " + Twine(*a) + " overflow");
    std::string what = "Slice [" + n.str(*s) + ", " + n.str(*e) + ") of axis " +
                       std::to_string(*a) + " of " + n.str(xs);
    if (failed(n.requireGE0(*s, what)) || failed(n.requireGE0(*size, what)) ||
        failed(n.requireGE0(*room, what)))
      return failure();
    begin[*a] = *s;
    shape[*a] = *size;
  }
  if (x.isSym()) { // Shape arithmetic: pick the elements.
    std::optional<SmallVector<int64_t>> b = staticDims(begin), sz = staticDims(shape);
    if (!b || !sz)
      return n.unsupported("a symbolic slice of a shape value is not supported");
    SymTensor t{x.sym->dtype, {(*sz)[0]}, {}};
    for (int64_t k = 0; k < (*sz)[0]; ++k)
      t.elems.push_back(x.sym->elems[(*b)[0] + k]);
    return n.set(0, Operand::of(std::move(t)));
  }
  // A symbolic start (GPT-2's causal rows [past, past + seq) of its mask
  // buffer) goes in start_map; starts keeps the constant ones.
  SmallVector<int64_t> constStarts;
  SmallVector<AffineExpr> startExprs;
  bool symbolicStart = false;
  unsigned syms = n.numSymbols();
  for (const SymExpr &e : begin) {
    std::optional<int64_t> c = e.constValue();
    constStarts.push_back(c.value_or(0));
    startExprs.push_back(e.toAffine(n.b.getContext(), syms));
    symbolicStart |= !c;
  }
  AffineMapAttr startMap =
      symbolicStart ? AffineMapAttr::get(AffineMap::get(0, syms, startExprs, n.b.getContext())) : AffineMapAttr();
  return n.set(0, Operand::of(n.create<graph::SliceOp>(shape, x.dtype(), n.materialize(x), n.i64Array(constStarts),
                                                       n.i64Array(SmallVector<int64_t>(r, 1)), startMap)));
}

LogicalResult sliceOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  const Operand &x = n.in(0);
  int64_t r = x.rank();
  bool symbolic = x.isSym() || x.hasSymbolicDims();
  for (size_t i = 1; i < n.numInputs(); ++i)
    symbolic |= n.hasInput(i) && n.in(i).isSym();
  if (symbolic && n.opset >= 10)
    return symbolicSlice(n);
  SmallVector<int64_t> starts, ends, axes, steps;
  if (n.opset < 10) {
    starts = n.attrInts("starts").value_or(SmallVector<int64_t>{});
    ends = n.attrInts("ends").value_or(SmallVector<int64_t>{});
    if (auto a = n.attrInts("axes"))
      axes = *a;
  } else {
    auto s = n.constInts(1, "starts"), e = n.constInts(2, "ends");
    if (failed(s) || failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (failed(sliceAxesSteps(n, starts.size(), axes, steps)))
      return failure();
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    return n.fail("starts, ends, axes and steps must have one length");

  SmallVector<int64_t> outStarts(r, 0), outSteps(r, 1), shape(x.shape());
  SmallVector<bool> seen(r, false);
  for (size_t i = 0; i < starts.size(); ++i) {
    FailureOr<int64_t> a = n.normAxis(axes[i], r);
    if (failed(a))
      return failure();
    if (seen[*a])
      return n.fail("axis " + Twine(*a) + " is sliced twice");
    seen[*a] = true;
    int64_t dim = x.shape()[*a], s = starts[i], e = ends[i], step = steps[i], size = 0;
    if (step == 0)
      return n.fail("step is 0 on axis " + Twine(*a));
    if (s < 0)
      s += dim;
    if (e < 0)
      e += dim;
    if (step > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      size = e > s ? (e - s - 1) / step + 1 : 0;
    } else if (dim > 0) {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      int64_t mag =
          step == std::numeric_limits<int64_t>::min() ? std::numeric_limits<int64_t>::max() : -step;
      size = s > e ? (s - e - 1) / mag + 1 : 0;
    }
    outStarts[*a] = size ? s : 0;
    outSteps[*a] = size > 1 ? step : 1;
    shape[*a] = size;
  }
  return n.set(0, sliceBy(n, x, outStarts, outSteps, shape));
}

LogicalResult splitOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  const Operand &x = n.in(0);
  FailureOr<int64_t> axis = n.normAxis(n.attrInt("axis", 0), x.rank());
  if (failed(axis))
    return failure();
  // Other dims may be symbolic (GPT-2's fused QKV over batch and seq); the
  // split dim sizes the pieces.
  SmallVector<SymExpr> xs = x.symShape();
  if (x.isSym() || !xs[*axis].isConst())
    return n.unsupported("a Split along the symbolic dim " + Twine(*axis) + " of " + n.str(xs) +
                         " (or of a shape value) is not supported; pin it with --shape NAME=N");
  int64_t dim = *xs[*axis].constValue(), outs = n.numOutputs();
  SmallVector<int64_t> sizes;
  if (n.opset >= 13 && n.hasInput(1)) {
    auto s = n.constInts(1, "split");
    if (failed(s))
      return failure();
    sizes = *s;
  } else if (auto s = n.attrInts("split"); s && n.opset < 13) {
    sizes = *s;
  } else if (n.opset >= 18 && n.attr("num_outputs")) {
    int64_t k = n.attrInt("num_outputs", outs);
    if (k != outs || k < 1)
      return n.fail("num_outputs " + Twine(k) + " differs from the " + Twine(outs) + " outputs");
    int64_t chunk = (dim + k - 1) / k;
    for (int64_t i = 0; i < k; ++i)
      sizes.push_back(std::max<int64_t>(0, std::min(chunk, dim - i * chunk)));
  } else {
    if (outs < 1 || dim % outs != 0)
      return n.fail("dim " + Twine(dim) + " does not split evenly into " + Twine(outs));
    sizes.assign(outs, dim / outs);
  }
  int64_t total = 0;
  for (int64_t s : sizes)
    total += s;
  if ((int64_t)sizes.size() != outs || total != dim ||
      llvm::any_of(sizes, [](int64_t s) { return s < 0; }))
    return n.fail("split " + shapeString(sizes) + " does not cover dim " + Twine(dim) + " with " +
                  Twine(outs) + " outputs");
  SmallVector<int64_t> starts(x.rank(), 0), steps(x.rank(), 1);
  SmallVector<SymExpr> shape = xs;
  for (int64_t i = 0, offset = 0; i < outs; offset += sizes[i++]) {
    if (n.node.output(i).empty())
      continue;
    starts[*axis] = sizes[i] ? offset : 0;
    shape[*axis] = SymExpr::constant(sizes[i]);
    if (failed(n.set(i, sliceBy(n, x, starts, steps, shape))))
      return failure();
  }
  return success();
}

LogicalResult concatOp(NodeContext &n) {
  if (n.numInputs() == 0 || failed(n.expectInputs(n.numInputs())))
    return n.numInputs() ? failure() : n.fail("needs at least one input");
  if (!n.attr("axis"))
    return n.fail("attribute 'axis' is missing");
  const Operand &first = n.in(0);
  FailureOr<int64_t> axis = n.normAxis(n.attrInt("axis", 0), first.rank());
  if (failed(axis))
    return failure();
  SmallVector<SymExpr> shape = first.symShape(), firstShape = shape;
  shape[*axis] = SymExpr();
  SmallVector<const Operand *> parts;
  bool anySym = false, allFoldable = true;
  for (size_t i = 0; i < n.numInputs(); ++i) {
    const Operand &x = n.in(i);
    SmallVector<SymExpr> xs = x.symShape();
    bool ok = x.rank() == first.rank() && x.dtype() == first.dtype();
    for (int64_t d = 0; ok && d < x.rank(); ++d)
      ok = d == *axis || xs[d] == firstShape[d];
    std::optional<SymExpr> sum = ok ? add(shape[*axis], xs[*axis]) : std::nullopt;
    if (!sum)
      return n.fail("input " + Twine(i) + " " + n.str(xs) + " (" + dtypeName(x.dtype()) +
                    ") does not concatenate with " + n.str(firstShape) + " (" +
                    dtypeName(first.dtype()) + ") on axis " + Twine(*axis));
    shape[*axis] = *sum;
    if (xs[*axis].constValue() != 0)
      parts.push_back(&x);
    anySym |= x.isSym();
    allFoldable &= x.isSym() || x.isConst();
  }
  if (parts.empty())
    parts.push_back(&first);
  if (parts.size() == 1)
    return n.set(0, *parts.front());
  if (anySym && allFoldable) { // Shape vectors: rank 1, static lengths.
    SymTensor t{first.dtype(), {0}, {}};
    for (const Operand *p : parts) {
      if (p->isSym())
        t.elems.append(p->sym->elems);
      else
        for (int64_t v : p->constant->toInts())
          t.elems.push_back(SymExpr::constant(v));
    }
    t.shape[0] = t.elems.size();
    return n.set(0, Operand::of(std::move(t)));
  }
  if (anySym || llvm::any_of(parts, [](const Operand *p) { return p->hasSymbolicDims(); })) {
    SmallVector<Value> vals;
    for (const Operand *p : parts)
      vals.push_back(n.materialize(*p));
    return n.set(0, Operand::of(n.create<graph::ConcatOp>(ArrayRef<SymExpr>(shape), first.dtype(),
                                                          vals, n.b.getI64IntegerAttr(*axis))));
  }
  SmallVector<int64_t> ints = *staticDims(shape);
  if (n.canFold(parts, numElements(ints))) {
    SmallVector<const HostTensor *> ts;
    for (const Operand *p : parts)
      ts.push_back(p->constant.get());
    return n.set(0, Operand::of(foldConcat(ts, *axis)));
  }
  SmallVector<Value> vals;
  for (const Operand *p : parts)
    vals.push_back(n.materialize(*p));
  return n.set(0, Operand::of(n.create<graph::ConcatOp>(ints, first.dtype(), vals,
                                                        n.b.getI64IntegerAttr(*axis))));
}

//===----------------------------------------------------------------------===//
// Gathers
//===----------------------------------------------------------------------===//

/// Constant indices are checked here even when the gather is not folded.
LogicalResult checkIndices(NodeContext &n, const Operand &idx, int64_t dimSize) {
  if (!idx.isConst())
    return success();
  for (int64_t i = 0, e = idx.numElements(); i < e; ++i) {
    int64_t v = idx.constant->getInt(i);
    if (v < -dimSize || v >= dimSize)
      return n.fail("index " + Twine(v) + " is out of range for a dim of size " + Twine(dimSize));
  }
  return success();
}

/// Gather over symbolic dims, or picking from a shape value.
LogicalResult symbolicGather(NodeContext &n, int64_t axis) {
  const Operand &data = n.in(0), &idx = n.in(1);
  SmallVector<SymExpr> ds = data.symShape();
  if (data.isSym() && idx.isConst()) { // Shape(x)[i]: rank-1 data.
    SymTensor t{data.dtype(), SmallVector<int64_t>(idx.shape()), {}};
    int64_t dim = data.shape()[0];
    for (int64_t i = 0, e = idx.numElements(); i < e; ++i) {
      int64_t v = idx.constant->getInt(i);
      if (v < -dim || v >= dim)
        return n.fail("index " + Twine(v) + " is out of range for a dim of size " + Twine(dim));
      t.elems.push_back(data.sym->elems[v < 0 ? v + dim : v]);
    }
    return n.set(0, Operand::of(std::move(t)));
  }
  if (idx.isConst()) { // Constant indices into a symbolic dim: checked at run time.
    for (int64_t i = 0, e = idx.numElements(); i < e; ++i) {
      int64_t v = idx.constant->getInt(i);
      std::optional<SymExpr> room = v < 0 ? add(ds[axis], SymExpr::constant(v))
                                          : sub(ds[axis], SymExpr::constant(v + 1));
      if (!room || failed(n.requireGE0(*room, "index " + Twine(v) + " into dim " + Twine(axis) +
                                                  " of " + n.str(ds))))
        return failure();
    }
  }
  SmallVector<SymExpr> shape(ArrayRef<SymExpr>(ds).take_front(axis));
  SmallVector<SymExpr> is = idx.symShape();
  shape.append(is.begin(), is.end());
  shape.append(ds.begin() + axis + 1, ds.end());
  return n.set(0, Operand::of(n.create<graph::GatherOp>(ArrayRef<SymExpr>(shape), data.dtype(),
                                                        n.materialize(data), n.materialize(idx),
                                                        n.b.getI64IntegerAttr(axis))));
}

LogicalResult gatherOp(NodeContext &n) {
  if (failed(n.expectInputs(2)))
    return failure();
  const Operand &data = n.in(0), &idx = n.in(1);
  if (!isIndexType(idx.dtype()))
    return n.fail("indices must be INT32 or INT64, got " + Twine(dtypeName(idx.dtype())));
  FailureOr<int64_t> axis = n.normAxis(n.attrInt("axis", 0), data.rank());
  if (failed(axis))
    return failure();
  if (data.isSym() || data.hasSymbolicDims() || idx.isSym() || idx.hasSymbolicDims())
    return symbolicGather(n, *axis);
  if (failed(checkIndices(n, idx, data.shape()[*axis])))
    return failure();
  SmallVector<int64_t> shape(data.shape().take_front(*axis));
  shape.append(idx.shape().begin(), idx.shape().end());
  shape.append(data.shape().begin() + *axis + 1, data.shape().end());
  if (n.canFoldAll(numElements(shape))) {
    std::string err;
    auto r = foldGather(*data.constant, *idx.constant, *axis, err);
    return r ? n.set(0, Operand::of(std::move(*r))) : n.fail(err);
  }
  return n.set(
      0, Operand::of(n.create<graph::GatherOp>(shape, data.dtype(), n.materialize(data),
                                               n.materialize(idx), n.b.getI64IntegerAttr(*axis))));
}

LogicalResult gatherElementsOp(NodeContext &n) {
  if (failed(n.expectInputs(2)))
    return failure();
  const Operand &data = n.in(0), &idx = n.in(1);
  if (!isIndexType(idx.dtype()))
    return n.fail("indices must be INT32 or INT64, got " + Twine(dtypeName(idx.dtype())));
  if (data.rank() != idx.rank() || data.rank() == 0)
    return n.fail("data " + shapeString(data.shape()) + " and indices " + shapeString(idx.shape()) +
                  " must have one rank >= 1");
  FailureOr<int64_t> axis = n.normAxis(n.attrInt("axis", 0), data.rank());
  if (failed(axis) || failed(checkIndices(n, idx, data.shape()[*axis])))
    return failure();
  for (int64_t d = 0; d < data.rank(); ++d)
    if (d != *axis && idx.shape()[d] > data.shape()[d])
      return n.fail("indices " + shapeString(idx.shape()) + " exceed data " +
                    shapeString(data.shape()) + " on dim " + Twine(d));
  if (n.canFoldAll(idx.numElements())) {
    std::string err;
    auto r = foldGatherElements(*data.constant, *idx.constant, *axis, err);
    return r ? n.set(0, Operand::of(std::move(*r))) : n.fail(err);
  }
  return n.set(0, Operand::of(n.create<graph::GatherElementsOp>(
                      idx.shape(), data.dtype(), n.materialize(data), n.materialize(idx),
                      n.b.getI64IntegerAttr(*axis))));
}

LogicalResult gatherNDOp(NodeContext &n) {
  if (failed(n.expectInputs(2)))
    return failure();
  const Operand &data = n.in(0), &idx = n.in(1);
  if (!isIndexType(idx.dtype()))
    return n.fail("indices must be INT32 or INT64, got " + Twine(dtypeName(idx.dtype())));
  int64_t b = n.attrInt("batch_dims", 0);
  ArrayRef<int64_t> ds = data.shape(), is = idx.shape();
  if (b < 0 || is.empty() || b >= (int64_t)is.size() || b >= (int64_t)ds.size() ||
      ds.take_front(b) != is.take_front(b) || is.back() < 1 || is.back() > (int64_t)ds.size() - b)
    return n.fail("indices " + shapeString(is) + " do not fit data " + shapeString(ds) +
                  " with batch_dims " + Twine(b));
  if (idx.isConst()) {
    int64_t k = is.back();
    for (int64_t i = 0, e = idx.numElements(); i < e; ++i) {
      int64_t v = idx.constant->getInt(i), dim = ds[b + i % k];
      if (v < -dim || v >= dim)
        return n.fail("index " + Twine(v) + " is out of range for a dim of size " + Twine(dim));
    }
  }
  SmallVector<int64_t> shape(is.drop_back());
  shape.append(ds.begin() + b + is.back(), ds.end());
  if (n.canFoldAll(numElements(shape))) {
    std::string err;
    auto r = foldGatherND(*data.constant, *idx.constant, b, err);
    return r ? n.set(0, Operand::of(std::move(*r))) : n.fail(err);
  }
  return n.set(
      0, Operand::of(n.create<graph::GatherNDOp>(shape, data.dtype(), n.materialize(data),
                                                 n.materialize(idx), n.b.getI64IntegerAttr(b))));
}

//===----------------------------------------------------------------------===//
// Aliases and constants
//===----------------------------------------------------------------------===//

LogicalResult identityOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  return n.set(0, n.in(0));
}

LogicalResult dropoutOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  if (n.hasInput(2)) {
    auto training = n.constInput(2, "training_mode");
    if (failed(training))
      return failure();
    // Training with ratio 0 drops nothing: the same as inference.
    if ((*training)->numElements() && (*training)->getInt(0)) {
      double ratio = 0.5;
      if (n.hasInput(1)) {
        auto r = n.constInput(1, "ratio");
        if (failed(r))
          return failure();
        ratio = (*r)->numElements() == 1 ? (*r)->getDouble(0) : -1;
      }
      if (ratio != 0)
        return n.unsupported("random dropout (training_mode true, ratio " + std::to_string(ratio) +
                      ") is not supported: Kiln compiles inference");
    }
  }
  if (n.outputUsed(1) && n.in(0).hasSymbolicDims())
    return n.unsupported("the mask output of a symbolic-size Dropout is not supported");
  if (n.outputUsed(1)) {
    HostTensor one = HostTensor::fromInts(DType::Bool, {}, {1});
    (void)n.set(1, Operand::of(foldFill(one, n.in(0).shape())));
  }
  return n.set(0, n.in(0));
}

LogicalResult constantOp(NodeContext &n) {
  for (const auto &a : n.node.attribute()) {
    const std::string &name = a.name();
    if (name == "value") {
      FailureOr<HostTensor> t = n.attrTensor(a);
      return failed(t) ? failure() : n.set(0, Operand::of(std::move(*t)));
    }
    if (name == "value_float")
      return n.set(0, Operand::of(HostTensor::fromDoubles(DType::F32, {}, {a.f()})));
    if (name == "value_int")
      return n.set(0, Operand::of(HostTensor::fromInts(DType::I64, {}, {a.i()})));
    if (name == "value_floats") {
      SmallVector<double> v(a.floats().begin(), a.floats().end());
      return n.set(0, Operand::of(HostTensor::fromDoubles(DType::F32, {(int64_t)v.size()}, v)));
    }
    if (name == "value_ints") {
      SmallVector<int64_t> v(a.ints().begin(), a.ints().end());
      return n.set(0, Operand::of(HostTensor::fromInts(DType::I64, {(int64_t)v.size()}, v)));
    }
    if (name == "sparse_value" || name == "value_string" || name == "value_strings")
      return n.unsupported("attribute '" + name + "' is not supported");
  }
  return n.fail("has no value attribute");
}

LogicalResult shapeOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  SmallVector<SymExpr> shape = n.in(0).symShape();
  int64_t r = shape.size();
  auto clampDim = [&](int64_t d) { return std::clamp<int64_t>(d < 0 ? d + r : d, 0, r); };
  int64_t start = clampDim(n.attrInt("start", 0)), end = clampDim(n.attrInt("end", r));
  SymTensor dims{DType::I64, {std::max<int64_t>(end - start, 0)}, {}};
  for (int64_t d = start; d < end; ++d)
    dims.elems.push_back(shape[d]);
  return n.set(0, Operand::of(std::move(dims)));
}

LogicalResult sizeOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  std::optional<SymExpr> count = numElementsExpr(n.in(0).symShape());
  if (!count)
    return n.fail("the element count overflows");
  return n.set(0, Operand::of(SymTensor{DType::I64, {}, {*count}}));
}

/// ConstantOfShape's `value` attribute (one element; float32 0 by default).
FailureOr<HostTensor> constantOfShapeValue(NodeContext &n) {
  HostTensor value = HostTensor::fromDoubles(DType::F32, {}, {0.0});
  if (const auto *a = n.attr("value")) {
    FailureOr<HostTensor> t = n.attrTensor(*a);
    if (failed(t))
      return failure();
    if (t->numElements() != 1)
      return n.fail("attribute 'value' must hold one element");
    value = *t;
  }
  return value;
}

LogicalResult constantOfShapeOp(NodeContext &n) {
  FailureOr<HostTensor> value = constantOfShapeValue(n);
  if (failed(value))
    return failure();
  if (n.hasInput(0) && n.in(0).isSym()) { // A symbolic shape: the value expanded.
    SmallVector<SymExpr> dims = n.in(0).sym->elems;
    for (const SymExpr &d : dims)
      if (failed(n.requireGE0(d, "ConstantOfShape dim")))
        return failure();
    Operand scalar = reshapeTo(n, Operand::of(foldReshape(*value, {})), SmallVector<int64_t>(dims.size(), 1));
    return n.set(0, expandTo(n, scalar, dims));
  }
  FailureOr<SmallVector<int64_t>> shape = n.constInts(0, "input");
  if (failed(shape))
    return failure();
  std::optional<int64_t> count = checkedNumElements(*shape);
  if (!count || *count > kMaxHostElements)
    return n.fail("shape " + shapeString(*shape) + " is negative or too large");
  return n.set(0, Operand::of(foldFill(*value, *shape)));
}

/// Range with a symbolic start or limit: an iota, when the count is an exact
/// polynomial ((limit - start) / delta).
LogicalResult symbolicRange(NodeContext &n) {
  DType t = n.in(0).dtype();
  for (size_t i = 0; i < 3; ++i)
    if (n.in(i).numElements() != 1 || n.in(i).dtype() != t)
      return n.fail("start, limit and delta must be scalars of one type");
  if (t != DType::I64 && t != DType::I32)
    return n.fail("a Range with a symbolic bound must be INT64 or INT32, got " +
                  Twine(dtypeName(t)));
  FailureOr<SmallVector<SymExpr>> start = n.symInts(0, "start"), limit = n.symInts(1, "limit");
  FailureOr<SmallVector<int64_t>> delta = n.constInts(2, "delta");
  if (failed(start) || failed(limit) || failed(delta))
    return failure();
  std::optional<SymExpr> span = sub((*limit)[0], (*start)[0]);
  std::optional<SymExpr> count =
      span && (*delta)[0] != 0 ? exactDiv(*span, SymExpr::constant((*delta)[0])) : std::nullopt;
  if (!count)
    return n.fail("Range(" + n.str((*start)[0]) + ", " + n.str((*limit)[0]) + ", " +
                  Twine((*delta)[0]) + "): the count is not a polynomial of the symbols");
  if (failed(n.requireGE0(*count, "the count of Range")))
    return failure();
  MLIRContext *ctx = n.b.getContext();
  unsigned syms = n.numSymbols();
  AffineExpr value = (*start)[0].toAffine(ctx, syms) + getAffineDimExpr(0, ctx) * (*delta)[0];
  return n.set(0, Operand::of(n.b.create<graph::IotaOp>(
                      n.loc, n.tensorType(ArrayRef<SymExpr>{*count}, t),
                      AffineMap::get(1, syms, value)).getResult()));
}

LogicalResult rangeOp(NodeContext &n) {
  if (n.numInputs() == 3 && n.hasInput(0) && n.hasInput(1) && n.hasInput(2) &&
      (n.in(0).isSym() || n.in(1).isSym()))
    return symbolicRange(n);
  auto start = n.constInput(0, "start"), limit = n.constInput(1, "limit"),
       delta = n.constInput(2, "delta");
  if (failed(start) || failed(limit) || failed(delta))
    return failure();
  for (const HostTensor *t : {*start, *limit, *delta})
    if (t->numElements() != 1 || t->dtype != (*start)->dtype)
      return n.fail("start, limit and delta must be scalars of one type");
  std::string err;
  auto r = foldRange(**start, **limit, **delta, err);
  return r ? n.set(0, Operand::of(std::move(*r))) : n.fail(err);
}

} // namespace

void addShapeOpHandlers(StringMap<OpHandler> &h) {
  h["Reshape"] = reshapeOp;
  h["Flatten"] = flattenOp;
  h["Squeeze"] = squeezeOp;
  h["Unsqueeze"] = unsqueezeOp;
  h["Transpose"] = transposeOp;
  h["Expand"] = expandOp;
  h["Tile"] = tileOp;
  h["Slice"] = sliceOp;
  h["Split"] = splitOp;
  h["Concat"] = concatOp;
  h["Gather"] = gatherOp;
  h["GatherElements"] = gatherElementsOp;
  h["GatherND"] = gatherNDOp;
  h["Identity"] = identityOp;
  h["Dropout"] = dropoutOp;
  h["Constant"] = constantOp;
  h["Shape"] = shapeOp;
  h["Size"] = sizeOp;
  h["ConstantOfShape"] = constantOfShapeOp;
  h["Range"] = rangeOp;
}

} // namespace kiln
