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

Operand reshapeTo(NodeContext &n, const Operand &x, ArrayRef<int64_t> shape) {
  if (x.shape() == shape)
    return x;
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
  if (x.shape() == shape)
    return x;
  if (n.canFold({&x}, numElements(shape)))
    return Operand::of(foldExpand(*x.constant, shape));
  return Operand::of(n.create<graph::ExpandOp>(shape, x.dtype(), n.materialize(x)));
}

Operand transposeBy(NodeContext &n, const Operand &x, ArrayRef<int64_t> perm) {
  SmallVector<int64_t> shape;
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i) {
    shape.push_back(x.shape()[perm[i]]);
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
                                              n.i64Array(starts), n.i64Array(steps)));
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
  SmallVector<int64_t> spec;
  if (n.opset < 5) {
    spec = n.attrInts("shape").value_or(SmallVector<int64_t>{});
  } else {
    FailureOr<SmallVector<int64_t>> s = n.constInts(1, "shape");
    if (failed(s))
      return failure();
    spec = *s;
  }
  bool allowZero = n.opset >= 14 && n.attrInt("allowzero", 0);
  SmallVector<int64_t> shape;
  int64_t infer = -1;
  for (size_t i = 0; i < spec.size(); ++i) {
    int64_t d = spec[i];
    if (d == 0 && !allowZero) {
      if ((int64_t)i >= x.rank())
        return n.fail("shape " + shapeString(spec) + " copies dim " + Twine(i) + " of the rank " +
                      Twine(x.rank()) + " input");
      d = x.shape()[i];
    } else if (d == -1) {
      if (infer >= 0)
        return n.fail("shape " + shapeString(spec) + " has more than one -1");
      infer = i;
    } else if (d < -1) {
      return n.fail("shape " + shapeString(spec) + " has a negative dim");
    }
    shape.push_back(d);
  }
  SmallVector<int64_t> knownDims(llvm::make_filter_range(shape, [](int64_t d) { return d != -1; }));
  std::optional<int64_t> known = checkedNumElements(knownDims);
  if (!known)
    return n.fail("shape " + shapeString(spec) + " is too large");
  int64_t total = x.numElements();
  if (infer >= 0) {
    if (*known == 0 || total % *known != 0)
      return n.fail("cannot reshape " + shapeString(x.shape()) + " to " + shapeString(spec));
    shape[infer] = total / *known;
  }
  if (numElements(shape) != total)
    return n.fail("cannot reshape " + shapeString(x.shape()) + " to " + shapeString(spec));
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
  SmallVector<int64_t> shape{numElements(x.shape().take_front(axis)),
                             numElements(x.shape().drop_front(axis))};
  return n.set(0, reshapeTo(n, x, shape));
}

LogicalResult squeezeOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  const Operand &x = n.in(0);
  auto axesOr = n.intsAttrOrInput("axes", 13, 1);
  if (failed(axesOr))
    return failure();
  SmallVector<bool> drop(x.rank(), false);
  if (!*axesOr) {
    for (int64_t d = 0; d < x.rank(); ++d)
      drop[d] = x.shape()[d] == 1;
  }
  for (int64_t a : axesOr->value_or(SmallVector<int64_t>{})) {
    FailureOr<int64_t> na = n.normAxis(a, x.rank());
    if (failed(na))
      return failure();
    if (x.shape()[*na] != 1)
      return n.fail("cannot squeeze dim " + Twine(*na) + " of " + shapeString(x.shape()));
    drop[*na] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < x.rank(); ++d)
    if (!drop[d])
      shape.push_back(x.shape()[d]);
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
  SmallVector<int64_t> shape;
  for (int64_t d = 0, next = 0; d < outRank; ++d)
    shape.push_back(inserted[d] ? 1 : x.shape()[next++]);
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
  FailureOr<SmallVector<int64_t>> spec = n.constInts(1, "shape");
  if (failed(spec))
    return failure();
  auto shape = broadcastShapes(x.shape(), *spec);
  if (!shape || !checkedNumElements(*spec) || !checkedNumElements(*shape))
    return n.fail("input shape " + shapeString(x.shape()) + " does not broadcast with " +
                  shapeString(*spec));
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

LogicalResult sliceOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  const Operand &x = n.in(0);
  int64_t r = x.rank();
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
  int64_t dim = x.shape()[*axis], outs = n.numOutputs();
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
  SmallVector<int64_t> starts(x.rank(), 0), steps(x.rank(), 1), shape(x.shape());
  for (int64_t i = 0, offset = 0; i < outs; offset += sizes[i++]) {
    if (n.node.output(i).empty())
      continue;
    starts[*axis] = sizes[i] ? offset : 0;
    shape[*axis] = sizes[i];
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
  SmallVector<int64_t> shape(first.shape());
  shape[*axis] = 0;
  SmallVector<const Operand *> parts;
  for (size_t i = 0; i < n.numInputs(); ++i) {
    const Operand &x = n.in(i);
    bool ok = x.rank() == first.rank() && x.dtype() == first.dtype();
    for (int64_t d = 0; ok && d < x.rank(); ++d)
      ok = d == *axis || x.shape()[d] == first.shape()[d];
    if (!ok)
      return n.fail("input " + Twine(i) + " " + shapeString(x.shape()) + " (" +
                    dtypeName(x.dtype()) + ") does not concatenate with " +
                    shapeString(first.shape()) + " (" + dtypeName(first.dtype()) + ") on axis " +
                    Twine(*axis));
    shape[*axis] += x.shape()[*axis];
    if (x.shape()[*axis] > 0)
      parts.push_back(&x);
  }
  if (parts.empty())
    parts.push_back(&first);
  if (parts.size() == 1)
    return n.set(0, *parts.front());
  if (n.canFold(parts, numElements(shape))) {
    SmallVector<const HostTensor *> ts;
    for (const Operand *p : parts)
      ts.push_back(p->constant.get());
    return n.set(0, Operand::of(foldConcat(ts, *axis)));
  }
  SmallVector<Value> vals;
  for (const Operand *p : parts)
    vals.push_back(n.materialize(*p));
  return n.set(0, Operand::of(n.create<graph::ConcatOp>(shape, first.dtype(), vals,
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

LogicalResult gatherOp(NodeContext &n) {
  if (failed(n.expectInputs(2)))
    return failure();
  const Operand &data = n.in(0), &idx = n.in(1);
  if (!isIndexType(idx.dtype()))
    return n.fail("indices must be INT32 or INT64, got " + Twine(dtypeName(idx.dtype())));
  FailureOr<int64_t> axis = n.normAxis(n.attrInt("axis", 0), data.rank());
  if (failed(axis) || failed(checkIndices(n, idx, data.shape()[*axis])))
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
        return n.fail("random dropout (training_mode true, ratio " + std::to_string(ratio) +
                      ") is not supported: Kiln compiles inference");
    }
  }
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
      return n.fail("attribute '" + name + "' is not supported");
  }
  return n.fail("has no value attribute");
}

LogicalResult shapeOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  ArrayRef<int64_t> shape = n.in(0).shape();
  int64_t r = shape.size();
  auto clampDim = [&](int64_t d) { return std::clamp<int64_t>(d < 0 ? d + r : d, 0, r); };
  int64_t start = clampDim(n.attrInt("start", 0)), end = clampDim(n.attrInt("end", r));
  SmallVector<int64_t> dims;
  for (int64_t d = start; d < end; ++d)
    dims.push_back(shape[d]);
  return n.set(0, Operand::of(HostTensor::fromInts(DType::I64, {(int64_t)dims.size()}, dims)));
}

LogicalResult sizeOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  return n.set(0, Operand::of(HostTensor::fromInts(DType::I64, {}, {n.in(0).numElements()})));
}

LogicalResult constantOfShapeOp(NodeContext &n) {
  FailureOr<SmallVector<int64_t>> shape = n.constInts(0, "input");
  if (failed(shape))
    return failure();
  std::optional<int64_t> count = checkedNumElements(*shape);
  if (!count || *count > kMaxHostElements)
    return n.fail("shape " + shapeString(*shape) + " is negative or too large");
  HostTensor value = HostTensor::fromDoubles(DType::F32, {}, {0.0});
  if (const auto *a = n.attr("value")) {
    FailureOr<HostTensor> t = n.attrTensor(*a);
    if (failed(t))
      return failure();
    if (t->numElements() != 1)
      return n.fail("attribute 'value' must hold one element");
    value = *t;
  }
  return n.set(0, Operand::of(foldFill(value, *shape)));
}

LogicalResult rangeOp(NodeContext &n) {
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
