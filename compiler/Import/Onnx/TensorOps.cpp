//===- TensorOps.cpp - ONNX indexing, scan, padding and einsum ops to graph ops -===//
//
// Expects: NodeContexts for ArgMax, ArgMin, CumSum, TopK, Pad, Trilu,
// ScatterND and Einsum, opsets 1..23 where the forms differ (TopK's k and
// Pad's pads moved from attributes to inputs at 10 and 11, Pad gained axes at
// 18). Inputs that shape the result (TopK's k, pads, axes, the CumSum axis)
// must be constants; the Trilu diagonal and Pad's constant_value need not be.
// Produces: one graph op per node (graph.arg_reduce, cumsum, topk, pad, trilu,
// scatter_nd) with normalised attributes; Einsum becomes reductions,
// transposes, reshapes and one graph.matmul (the contraction as a batched
// [B, M, K] x [B, K, N] product), folded when its inputs are constants.
//
//===----------------------------------------------------------------------===//
#include "compiler/Import/Onnx/ImportContext.h"

#include "llvm/ADT/StringExtras.h"

#include <map>

using namespace mlir;
using namespace llvm;

namespace kiln {
namespace {

std::string typeName(const Operand &x) { return dtypeName(x.dtype()); }

LogicalResult requireNumeric(NodeContext &n, const Operand &x, StringRef what) {
  if (x.dtype() != DType::Bool)
    return success();
  return n.fail(what + " must be numeric, got BOOL");
}

/// A constant scalar integer input (a 1-element tensor of any rank).
FailureOr<int64_t> constScalar(NodeContext &n, size_t i, StringRef what) {
  FailureOr<SmallVector<int64_t>> v = n.constInts(i, what);
  if (failed(v))
    return failure();
  if (v->size() != 1)
    return n.fail("input " + Twine(i) + " '" + what + "' must hold one value, got " +
                  Twine(v->size()));
  return v->front();
}

//===----------------------------------------------------------------------===//
// ArgMax, ArgMin, CumSum, TopK
//===----------------------------------------------------------------------===//

LogicalResult argReduce(NodeContext &n, StringRef kind) {
  if (failed(n.expectInputs(1)))
    return failure();
  const Operand &x = n.in(0);
  if (failed(requireNumeric(n, x, "the input")))
    return failure();
  FailureOr<int64_t> axis = n.normAxis(n.attrInt("axis", 0), x.rank());
  if (failed(axis))
    return failure();
  if (x.shape()[*axis] == 0)
    return n.fail("cannot reduce the empty axis " + Twine(*axis));
  bool keepdims = n.attrInt("keepdims", 1) != 0;
  SmallVector<int64_t> shape(x.shape());
  if (keepdims)
    shape[*axis] = 1;
  else
    shape.erase(shape.begin() + *axis);
  Value r = n.create<graph::ArgReduceOp>(shape, DType::I64, n.materialize(x), n.b.getStringAttr(kind),
                                         n.b.getI64IntegerAttr(*axis), n.b.getBoolAttr(keepdims),
                                         n.b.getBoolAttr(n.attrInt("select_last_index", 0) != 0));
  return n.set(0, Operand::of(r));
}

LogicalResult argMaxOp(NodeContext &n) { return argReduce(n, "max"); }
LogicalResult argMinOp(NodeContext &n) { return argReduce(n, "min"); }

LogicalResult cumSumOp(NodeContext &n) {
  if (failed(n.expectInputs(2)))
    return failure();
  const Operand &x = n.in(0);
  if (failed(requireNumeric(n, x, "the input")))
    return failure();
  FailureOr<int64_t> a = constScalar(n, 1, "axis");
  if (failed(a))
    return failure();
  FailureOr<int64_t> axis = n.normAxis(*a, x.rank());
  if (failed(axis))
    return failure();
  Value r = n.create<graph::CumSumOp>(x.shape(), x.dtype(), n.materialize(x),
                                      n.b.getI64IntegerAttr(*axis),
                                      n.b.getBoolAttr(n.attrInt("exclusive", 0) != 0),
                                      n.b.getBoolAttr(n.attrInt("reverse", 0) != 0));
  return n.set(0, Operand::of(r));
}

LogicalResult topKOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  const Operand &x = n.in(0);
  if (failed(requireNumeric(n, x, "the input")))
    return failure();
  if (x.rank() == 0)
    return n.fail("the input must have rank >= 1");
  FailureOr<int64_t> axis = n.normAxis(n.attrInt("axis", -1), x.rank());
  if (failed(axis))
    return failure();
  int64_t k;
  if (n.opset < 10) {
    if (!n.attr("k"))
      return n.fail("attribute 'k' is missing");
    k = n.attrInt("k", 0);
  } else {
    FailureOr<int64_t> kv = constScalar(n, 1, "K");
    if (failed(kv))
      return failure();
    k = *kv;
  }
  if (k < 0 || k > x.shape()[*axis])
    return n.fail("k = " + Twine(k) + " is out of range for axis " + Twine(*axis) + " of " +
                  shapeString(x.shape()));
  // `sorted` = 0 leaves the order unspecified; sorted is one valid order.
  SmallVector<int64_t> shape(x.shape());
  shape[*axis] = k;
  auto op = n.b.create<graph::TopKOp>(
      n.loc, TypeRange{n.tensorType(shape, x.dtype()), n.tensorType(shape, DType::I64)},
      n.materialize(x), n.b.getI64IntegerAttr(*axis),
      n.b.getBoolAttr(n.attrInt("largest", 1) != 0));
  if (failed(n.set(0, Operand::of(op.getValues()))))
    return failure();
  return n.set(1, Operand::of(op.getIndices()));
}

//===----------------------------------------------------------------------===//
// Pad, Trilu, ScatterND
//===----------------------------------------------------------------------===//

LogicalResult padOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  const Operand &x = n.in(0);
  int64_t r = x.rank();
  std::string mode = n.attrString("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge" && mode != "wrap")
    return n.fail("unknown mode '" + mode + "'");
  SmallVector<int64_t> spec;
  Operand value = Operand::of(HostTensor::zeros(x.dtype(), {}));
  if (n.opset < 11) {
    spec = n.attrInts(n.opset < 2 ? "paddings" : "pads").value_or(SmallVector<int64_t>{});
    value = Operand::of(HostTensor::fromDoubles(x.dtype(), {}, {n.attrFloat("value", 0)}));
  } else {
    FailureOr<SmallVector<int64_t>> p = n.constInts(1, "pads");
    if (failed(p))
      return failure();
    spec = *p;
    if (n.hasInput(2) && mode == "constant") {
      const Operand &v = n.in(2);
      if (v.numElements() != 1 || v.dtype() != x.dtype())
        return n.fail("constant_value must be a scalar of the input's type " + typeName(x) +
                      ", got " + shapeString(v.shape()) + " " + typeName(v));
      value = reshapeTo(n, v, ArrayRef<int64_t>{});
    }
  }
  // Opset 18: pads covers only `axes`.
  SmallVector<int64_t> axes;
  if (n.opset >= 18 && n.hasInput(3)) {
    FailureOr<SmallVector<int64_t>> a = n.constInts(3, "axes");
    if (failed(a))
      return failure();
    for (int64_t ax : *a) {
      FailureOr<int64_t> na = n.normAxis(ax, r);
      if (failed(na))
        return failure();
      axes.push_back(*na);
    }
  } else {
    for (int64_t d = 0; d < r; ++d)
      axes.push_back(d);
  }
  if (spec.size() != 2 * axes.size())
    return n.fail("pads has " + Twine(spec.size()) + " values for " + Twine(axes.size()) +
                  " axes, expected " + Twine(2 * axes.size()));
  SmallVector<int64_t> pads(2 * r, 0), shape(x.shape());
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t d = axes[i], b = spec[i], e = spec[i + axes.size()];
    pads[d] = b;
    pads[d + r] = e;
    shape[d] = x.shape()[d] + b + e;
    if (shape[d] < 0)
      return n.fail("pads " + shapeString(spec) + " crop more than dim " + Twine(d) + " holds");
    bool grows = b > 0 || e > 0;
    if (grows && mode != "constant" && x.shape()[d] == 0)
      return n.fail("cannot " + mode + "-pad the empty dim " + Twine(d));
    if (grows && mode == "reflect" && (b >= x.shape()[d] || e >= x.shape()[d]))
      return n.fail("reflect pads " + shapeString(spec) + " must be smaller than dim " +
                    Twine(d) + " (" + Twine(x.shape()[d]) + ")");
  }
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return n.set(0, x);
  Value v = n.create<graph::PadOp>(shape, x.dtype(), n.materialize(x), n.materialize(value),
                                   n.b.getStringAttr(mode), n.i64Array(pads));
  return n.set(0, Operand::of(v));
}

LogicalResult triluOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  const Operand &x = n.in(0);
  if (x.rank() < 2)
    return n.fail("the input must have rank >= 2, got " + shapeString(x.shape()));
  // k does not change the shape: it may be a run-time value.
  Operand k = Operand::of(HostTensor::fromInts(DType::I64, {}, {0}));
  if (n.hasInput(1)) {
    const Operand &kv = n.in(1);
    if (kv.numElements() != 1 || kv.dtype() != DType::I64)
      return n.fail("k must be one INT64 value, got " + shapeString(kv.shape()) + " " + typeName(kv));
    k = reshapeTo(n, kv, ArrayRef<int64_t>{});
  }
  Value r = n.create<graph::TriluOp>(x.shape(), x.dtype(), n.materialize(x), n.materialize(k),
                                     n.b.getBoolAttr(n.attrInt("upper", 1) != 0));
  return n.set(0, Operand::of(r));
}

LogicalResult scatterNDOp(NodeContext &n) {
  if (failed(n.expectInputs(3)))
    return failure();
  const Operand &data = n.in(0), &idx = n.in(1), &upd = n.in(2);
  if (idx.dtype() != DType::I64 && idx.dtype() != DType::I32)
    return n.fail("indices must be INT64, got " + typeName(idx));
  std::string red = n.attrString("reduction", "none");
  if (red == "multiply")
    red = "mul";
  if (red != "none" && red != "add" && red != "mul" && red != "max" && red != "min")
    return n.fail("unknown reduction '" + red + "'");
  ArrayRef<int64_t> ds = data.shape(), is = idx.shape();
  if (is.empty() || is.back() < 1 || is.back() > data.rank())
    return n.fail("indices " + shapeString(is) + " do not fit data " + shapeString(ds));
  SmallVector<int64_t> expect(is.drop_back());
  expect.append(ds.begin() + is.back(), ds.end());
  if (upd.shape() != ArrayRef<int64_t>(expect) || upd.dtype() != data.dtype())
    return n.fail("updates " + shapeString(upd.shape()) + " " + typeName(upd) + " must be " +
                  shapeString(expect) + " " + typeName(data));
  if (idx.isConst()) {
    int64_t k = is.back();
    for (int64_t i = 0, e = idx.numElements(); i < e; ++i) {
      int64_t v = idx.constant->getInt(i), dim = ds[i % k];
      if (v < -dim || v >= dim)
        return n.fail("index " + Twine(v) + " is out of range for a dim of size " + Twine(dim));
    }
  }
  Value r = n.create<graph::ScatterNDOp>(ds, data.dtype(), n.materialize(data), n.materialize(idx),
                                         n.materialize(upd), n.b.getStringAttr(red));
  return n.set(0, Operand::of(r));
}

//===----------------------------------------------------------------------===//
// Einsum
//===----------------------------------------------------------------------===//

/// Sum over `axes` (sorted, unique) without keeping them.
Operand sumOver(NodeContext &n, const Operand &x, ArrayRef<int64_t> axes) {
  if (axes.empty())
    return x;
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < x.rank(); ++d)
    if (!llvm::is_contained(axes, d))
      shape.push_back(x.shape()[d]);
  if (n.canFold({&x}, numElements(shape)))
    return Operand::of(foldReduce(ReduceKind::Sum, *x.constant, axes, false));
  return Operand::of(n.create<graph::ReduceOp>(shape, x.dtype(), n.materialize(x),
                                               n.b.getStringAttr("sum"), n.i64Array(axes),
                                               n.b.getBoolAttr(false)));
}

/// One operand's letters (ellipsis expanded) and value during Einsum.
struct Term {
  std::string letters;
  Operand value;
};

/// Permutes `t` so that its letters read `order` (a permutation of them).
void permuteTo(NodeContext &n, Term &t, StringRef order) {
  SmallVector<int64_t> perm;
  for (char c : order)
    perm.push_back(t.letters.find(c));
  t.value = transposeBy(n, t.value, perm);
  t.letters = order.str();
}

LogicalResult einsumOp(NodeContext &n) {
  std::string eq;
  for (char c : n.attrString("equation", ""))
    if (!isSpace(c))
      eq += c;
  if (eq.empty())
    return n.fail("attribute 'equation' is missing");
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  SmallVector<StringRef> specs;
  StringRef(lhs).split(specs, ',');
  if (specs.size() != n.numInputs() || failed(n.expectInputs(n.numInputs())))
    return n.fail("equation '" + eq + "' names " + Twine(specs.size()) + " operands, the node has " +
                  Twine(n.numInputs()));
  if (specs.size() > 2)
    return n.unsupported("Einsum of more than two operands is not supported");
  // Ellipsis dims get letters that the equation does not use, right-aligned.
  std::string spare;
  for (char c = 'A'; c <= 'z'; ++c)
    if (isAlpha(c) && eq.find(c) == std::string::npos)
      spare += c;
  size_t ellRank = 0;
  for (auto [i, s] : llvm::enumerate(specs))
    if (s.contains("..."))
      ellRank = std::max<size_t>(ellRank, n.in(i).rank() - (s.size() - 3));
  std::string ell = spare.substr(spare.size() - std::min(ellRank, spare.size()));
  SmallVector<Term> terms;
  std::map<char, int64_t> size;
  std::map<char, int> count;
  for (auto [i, s] : llvm::enumerate(specs)) {
    const Operand &x = n.in(i);
    std::string letters = s.str();
    if (size_t p = letters.find("..."); p != std::string::npos) {
      int64_t k = x.rank() - (int64_t)(letters.size() - 3);
      if (k < 0 || k > (int64_t)ell.size())
        return n.fail("operand " + Twine(i) + " " + shapeString(x.shape()) + " does not fit '" +
                      s + "'");
      letters.replace(p, 3, ell.substr(ell.size() - k));
    }
    if ((int64_t)letters.size() != x.rank() || !llvm::all_of(letters, isAlpha))
      return n.fail("operand " + Twine(i) + " " + shapeString(x.shape()) + " does not fit '" + s +
                    "'");
    for (auto [d, c] : llvm::enumerate(letters)) {
      if (letters.find(c) != d)
        return n.unsupported("repeated index '" + Twine(c) + "' in one operand (a diagonal) is not supported");
      int64_t dim = x.shape()[d];
      auto [it, isNew] = size.try_emplace(c, dim);
      if (!isNew && it->second != dim)
        return n.unsupported("index '" + Twine(c) + "' has sizes " + Twine(it->second) + " and " +
                      Twine(dim) + " (broadcasting is not supported)");
      ++count[c];
    }
    terms.push_back({letters, x});
  }
  std::string out;
  if (arrow == std::string::npos) {
    out = ell;
    for (auto [c, k] : count)
      if (k == 1 && ell.find(c) == std::string::npos)
        out += c;
  } else {
    out = eq.substr(arrow + 2);
    if (size_t p = out.find("..."); p != std::string::npos)
      out.replace(p, 3, ell);
  }
  for (auto [d, c] : llvm::enumerate(out))
    if (!size.count(c) || out.find(c) != d)
      return n.fail("output index '" + Twine(c) + "' is not an input index or repeats");

  // Sum out what appears in one operand only and not in the output.
  for (Term &t : terms) {
    SmallVector<int64_t> axes;
    std::string kept;
    for (auto [d, c] : llvm::enumerate(t.letters)) {
      if (count[c] == 1 && out.find(c) == std::string::npos)
        axes.push_back(d);
      else
        kept += c;
    }
    t.value = sumOver(n, t.value, axes);
    t.letters = kept;
  }
  if (terms.size() == 1) {
    permuteTo(n, terms[0], out);
    return n.set(0, terms[0].value);
  }

  Term &a = terms[0], &b = terms[1];
  if (a.value.dtype() != b.value.dtype())
    return n.fail("operand types differ: " + typeName(a.value) + " and " + typeName(b.value));
  std::string batch, left, right, contract;
  for (char c : a.letters) {
    bool inB = b.letters.find(c) != std::string::npos, inOut = out.find(c) != std::string::npos;
    (inB ? (inOut ? batch : contract) : left) += c;
  }
  for (char c : b.letters)
    if (a.letters.find(c) == std::string::npos)
      right += c;
  auto prod = [&](StringRef ls) {
    int64_t p = 1;
    for (char c : ls)
      p *= size[c];
    return p;
  };
  permuteTo(n, a, batch + left + contract);
  permuteTo(n, b, batch + contract + right);
  int64_t bs = prod(batch), m = prod(left), k = prod(contract), nn = prod(right);
  SmallVector<int64_t> aShape{m, k}, bShape{k, nn}, rShape{m, nn};
  if (!batch.empty()) {
    aShape.insert(aShape.begin(), bs);
    bShape.insert(bShape.begin(), bs);
    rShape.insert(rShape.begin(), bs);
  }
  Operand am = reshapeTo(n, a.value, aShape), bm = reshapeTo(n, b.value, bShape), prodV;
  if (n.canFold({&am, &bm}, numElements(rShape)) && numElements(rShape) * k <= (int64_t(1) << 26))
    prodV = Operand::of(foldMatMul(*am.constant, *bm.constant, rShape));
  else
    prodV = Operand::of(n.create<graph::MatMulOp>(rShape, am.dtype(), n.materialize(am),
                                                  n.materialize(bm)));
  Term r{batch + left + right, prodV};
  SmallVector<int64_t> full;
  for (char c : r.letters)
    full.push_back(size[c]);
  r.value = reshapeTo(n, r.value, full);
  permuteTo(n, r, out);
  return n.set(0, r.value);
}

} // namespace

void addTensorOpHandlers(StringMap<OpHandler> &h) {
  h["ArgMax"] = argMaxOp;
  h["ArgMin"] = argMinOp;
  h["CumSum"] = cumSumOp;
  h["TopK"] = topKOp;
  h["Pad"] = padOp;
  h["Trilu"] = triluOp;
  h["ScatterND"] = scatterNDOp;
  h["Einsum"] = einsumOp;
}

} // namespace kiln
