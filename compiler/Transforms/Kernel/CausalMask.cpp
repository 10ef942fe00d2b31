//===- CausalMask.cpp - Proves an attention's score region causal -===//
//
// Evaluates kernel.attention's score region at the points that matter, the
// keys above the offset diagonal (j > i + P) and the diagonal itself, with
// the scaled score as an interval, each score input as its constant element
// and each index_expr as its value, then compares the highest masked score
// with the lowest diagonal one. The region's values are intervals of
// doubles (an i1 is [0, 1] when undecided), float results saturate as f32
// does. Neighbouring keys mostly read the same input values (a tril buffer
// changes once per row), so a region without index_expr is evaluated again
// only when they change.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Kernel/CausalMask.h"

#include "compiler/Utils/ConstantData.h"
#include "dialects/Graph/GraphOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

using namespace mlir;
using namespace kiln;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kFltMax = std::numeric_limits<float>::max();
/// |q . k| assumed below 2^64: with it the scaled score is an interval.
constexpr double kRawScoreBound = 18446744073709551616.0;
/// exp(x) rounds to 0 in f32 below about -103.97: a masked score at least
/// this far under the diagonal's weighs exactly 0 after the max.
constexpr double kUnderflow = 128.0;

struct Val {
  double lo, hi;
};

/// An affine expression of (b..., i, j) as c + sum k[d] * x[d].
struct Lin {
  int64_t c = 0;
  SmallVector<int64_t> k;
  int64_t at(ArrayRef<int64_t> x) const {
    int64_t v = c;
    for (size_t d = 0; d < k.size(); ++d)
      v += k[d] * x[d];
    return v;
  }
};

std::optional<Lin> linear(AffineExpr e, unsigned n) {
  Lin l;
  l.k.assign(n, 0);
  if (auto c = dyn_cast<AffineConstantExpr>(e)) {
    l.c = c.getValue();
    return l;
  }
  if (auto d = dyn_cast<AffineDimExpr>(e)) {
    l.k[d.getPosition()] = 1;
    return l;
  }
  auto bin = dyn_cast<AffineBinaryOpExpr>(e);
  if (!bin || (e.getKind() != AffineExprKind::Add && e.getKind() != AffineExprKind::Mul))
    return std::nullopt;
  std::optional<Lin> a = linear(bin.getLHS(), n), b = linear(bin.getRHS(), n);
  if (!a || !b)
    return std::nullopt;
  if (e.getKind() == AffineExprKind::Add) {
    a->c += b->c;
    for (unsigned d = 0; d < n; ++d)
      a->k[d] += b->k[d];
    return a;
  }
  // A product is affine only with a constant side.
  bool aConst = llvm::all_of(a->k, [](int64_t v) { return v == 0; });
  bool bConst = llvm::all_of(b->k, [](int64_t v) { return v == 0; });
  if (!aConst && !bConst)
    return std::nullopt;
  const Lin &x = aConst ? *b : *a;
  int64_t f = aConst ? a->c : b->c;
  Lin r;
  r.c = x.c * f;
  for (int64_t v : x.k)
    r.k.push_back(v * f);
  return r;
}

/// One score input: its constant's elements and where (b..., i, j) reads;
/// with `trilu`, a kernel.trilu of the constant by a constant diagonal
/// (ONNX Trilu of a ConstantOfShape: the fill kept on one side, 0 elsewhere),
/// row and col its last two indices.
struct Input {
  std::vector<char> bytes;
  Type et;
  Lin offset, row, col;
  std::optional<int64_t> trilu;
  bool upper = false;
  double at(ArrayRef<int64_t> x) const {
    if (trilu) {
      int64_t d = col.at(x) - row.at(x);
      if (upper ? d < *trilu : d > *trilu)
        return 0;
    }
    int64_t o = offset.at(x);
    if (et.isF32()) {
      float f;
      memcpy(&f, bytes.data() + o * 4, 4);
      return f;
    }
    unsigned w = et.getIntOrFloatBitWidth();
    const char *p = bytes.data() + o * elementByteSize(et);
    switch (w) {
    case 1:
      return *p ? 1 : 0;
    case 8:
      return et.isUnsignedInteger() ? (double)(uint8_t)*p : (double)(int8_t)*p;
    case 32: {
      int32_t v;
      memcpy(&v, p, 4);
      return v;
    }
    default: {
      int64_t v;
      memcpy(&v, p, 8);
      return (double)v;
    }
    }
  }
};

/// The region as straight-line code over value slots.
class Evaluator {
public:
  /// False when an op or type is beyond this evaluation.
  bool compile(kernel::AttentionOp att, unsigned n) {
    Block &body = att.getScore().front();
    for (BlockArgument a : body.getArguments())
      slot[a] = slots++;
    for (Operation &op : body) {
      if (auto y = dyn_cast<kernel::YieldOp>(op)) {
        if (y->getNumOperands() != 1)
          return false;
        result = slot.lookup(y->getOperand(0));
        continue;
      }
      if (op.getNumResults() != 1 || op.getNumRegions())
        return false;
      Type t = op.getResult(0).getType();
      if (!t.isF32() && !t.isSignlessInteger())
        return false;
      Step s{&op, {}, 0, {}, t.isF32()};
      if (auto ix = dyn_cast<kernel::IndexExprOp>(op)) {
        AffineMap m = ix.getMap();
        std::optional<Lin> l = m.getNumSymbols() ? std::nullopt : linear(m.getResult(0), n);
        if (!l)
          return false;
        s.lin = *l;
        hasIndex = true;
      } else if (auto c = dyn_cast<arith::ConstantOp>(op)) {
        if (auto f = dyn_cast<FloatAttr>(c.getValue()))
          s.value = f.getValueAsDouble();
        else if (auto i = dyn_cast<IntegerAttr>(c.getValue()))
          s.value = t.isInteger(1) ? (double)(i.getValue().getZExtValue() & 1) : (double)i.getInt();
        else
          return false;
      } else if (!isa<arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp, arith::NegFOp, arith::MaximumFOp,
                      arith::MaxNumFOp, arith::MinimumFOp, arith::MinNumFOp, arith::SelectOp, arith::CmpFOp,
                      arith::CmpIOp, arith::AndIOp, arith::OrIOp, arith::ExtUIOp, arith::ExtSIOp, arith::SIToFPOp,
                      arith::UIToFPOp, arith::AddIOp, arith::SubIOp, arith::MulIOp>(op)) {
        return false;
      }
      for (Value o : op.getOperands()) {
        auto it = slot.find(o);
        if (it == slot.end())
          return false; // defined outside the region
        s.in.push_back(it->second);
      }
      slot[op.getResult(0)] = slots++;
      steps.push_back(std::move(s));
    }
    vals.resize(slots);
    return result >= 0;
  }

  /// The yielded interval for arguments `args` at point `x`; nullopt on NaN
  /// or an integer outside what an i64 in a double holds exactly.
  std::optional<Val> run(ArrayRef<Val> args, ArrayRef<int64_t> x) {
    for (size_t a = 0; a < args.size(); ++a)
      vals[a] = args[a];
    for (const Step &s : steps) {
      std::optional<Val> v = step(s, x);
      if (!v || std::isnan(v->lo) || std::isnan(v->hi))
        return std::nullopt;
      if (!s.isFloat && (std::abs(v->lo) > 9.0e15 || std::abs(v->hi) > 9.0e15))
        return std::nullopt;
      vals[slot.lookup(s.op->getResult(0))] = *v;
    }
    return vals[result];
  }

  bool hasIndex = false;
  /// Whether an index_expr reads dim d.
  bool indexReads(unsigned d) const {
    return llvm::any_of(steps, [&](const Step &s) { return isa<kernel::IndexExprOp>(s.op) && s.lin.k[d] != 0; });
  }

private:
  struct Step {
    Operation *op;
    SmallVector<int> in;
    double value;
    Lin lin;
    bool isFloat;
  };
  DenseMap<Value, int> slot;
  SmallVector<Step> steps;
  std::vector<Val> vals;
  int slots = 0, result = -1;

  /// f32 rounding past the largest float: an interval end beyond it is inf
  /// (lo) or at most the largest float (hi), whichever side is safe.
  static Val saturate(Val v) {
    if (v.lo < -kFltMax)
      v.lo = -kInf;
    if (v.hi > kFltMax)
      v.hi = kInf;
    if (v.hi < -kFltMax)
      v.hi = -kFltMax;
    if (v.lo > kFltMax)
      v.lo = kFltMax;
    return v;
  }
  static Val hull(std::initializer_list<double> xs) {
    return {std::min(xs), std::max(xs)};
  }
  /// A comparison's i1: decided, or [0, 1].
  static Val decide(bool always, bool never) { return always ? Val{1, 1} : never ? Val{0, 0} : Val{0, 1}; }
  static Val compare(bool lt, bool le, bool eq, Val a, Val b) {
    if (eq)
      return decide(a.lo == a.hi && b.lo == b.hi && a.lo == b.lo, a.hi < b.lo || b.hi < a.lo);
    if (lt)
      return decide(a.hi < b.lo, a.lo >= b.hi);
    if (le)
      return decide(a.hi <= b.lo, a.lo > b.hi);
    return {0, 1};
  }
  /// a `pred` b for arith's predicates, by swapping to lt/le/eq/ne.
  template <typename P>
  static Val comparePred(P pred, Val a, Val b) {
    using namespace arith;
    auto ne = [](Val v) { return Val{1 - v.hi, 1 - v.lo}; };
    if constexpr (std::is_same_v<P, CmpIPredicate>) {
      switch (pred) {
      case CmpIPredicate::eq:
        return compare(false, false, true, a, b);
      case CmpIPredicate::ne:
        return ne(compare(false, false, true, a, b));
      case CmpIPredicate::slt:
      case CmpIPredicate::ult:
        return compare(true, false, false, a, b);
      case CmpIPredicate::sle:
      case CmpIPredicate::ule:
        return compare(false, true, false, a, b);
      case CmpIPredicate::sgt:
      case CmpIPredicate::ugt:
        return compare(true, false, false, b, a);
      case CmpIPredicate::sge:
      case CmpIPredicate::uge:
        return compare(false, true, false, b, a);
      }
    } else {
      switch (pred) {
      case CmpFPredicate::OEQ:
      case CmpFPredicate::UEQ:
        return compare(false, false, true, a, b);
      case CmpFPredicate::ONE:
      case CmpFPredicate::UNE:
        return ne(compare(false, false, true, a, b));
      case CmpFPredicate::OLT:
      case CmpFPredicate::ULT:
        return compare(true, false, false, a, b);
      case CmpFPredicate::OLE:
      case CmpFPredicate::ULE:
        return compare(false, true, false, a, b);
      case CmpFPredicate::OGT:
      case CmpFPredicate::UGT:
        return compare(true, false, false, b, a);
      case CmpFPredicate::OGE:
      case CmpFPredicate::UGE:
        return compare(false, true, false, b, a);
      default:
        return {0, 1};
      }
    }
    return {0, 1};
  }

  std::optional<Val> step(const Step &s, ArrayRef<int64_t> x) {
    auto in = [&](unsigned k) { return vals[s.in[k]]; };
    Operation *op = s.op;
    auto arith2 = [&](auto f) -> std::optional<Val> {
      Val a = in(0), b = in(1);
      Val r = hull({f(a.lo, b.lo), f(a.lo, b.hi), f(a.hi, b.lo), f(a.hi, b.hi)});
      return s.isFloat ? saturate(r) : r;
    };
    if (isa<kernel::IndexExprOp>(op)) {
      double v = (double)s.lin.at(x);
      return Val{v, v};
    }
    if (isa<arith::ConstantOp>(op))
      return Val{s.value, s.value};
    if (isa<arith::AddFOp, arith::AddIOp>(op))
      return arith2([](double a, double b) { return a + b; });
    if (isa<arith::SubFOp, arith::SubIOp>(op)) {
      Val a = in(0), b = in(1);
      Val r{a.lo - b.hi, a.hi - b.lo};
      return s.isFloat ? saturate(r) : r;
    }
    if (isa<arith::MulFOp, arith::MulIOp>(op))
      return arith2([](double a, double b) { return a * b; });
    if (isa<arith::DivFOp>(op)) {
      Val b = in(1);
      if (b.lo <= 0 && b.hi >= 0)
        return std::nullopt;
      return arith2([](double a, double b) { return a / b; });
    }
    if (isa<arith::NegFOp>(op))
      return Val{-in(0).hi, -in(0).lo};
    if (isa<arith::MaximumFOp, arith::MaxNumFOp>(op))
      return Val{std::max(in(0).lo, in(1).lo), std::max(in(0).hi, in(1).hi)};
    if (isa<arith::MinimumFOp, arith::MinNumFOp>(op))
      return Val{std::min(in(0).lo, in(1).lo), std::min(in(0).hi, in(1).hi)};
    if (isa<arith::SelectOp>(op)) {
      Val c = in(0);
      if (c.lo == 1)
        return in(1);
      if (c.hi == 0)
        return in(2);
      return Val{std::min(in(1).lo, in(2).lo), std::max(in(1).hi, in(2).hi)};
    }
    if (auto c = dyn_cast<arith::CmpIOp>(op))
      return comparePred(c.getPredicate(), in(0), in(1));
    if (auto c = dyn_cast<arith::CmpFOp>(op))
      return comparePred(c.getPredicate(), in(0), in(1));
    if (isa<arith::AndIOp, arith::OrIOp>(op)) {
      if (!op->getResult(0).getType().isInteger(1))
        return std::nullopt;
      Val a = in(0), b = in(1);
      return isa<arith::AndIOp>(op) ? Val{std::min(a.lo, b.lo), std::min(a.hi, b.hi)}
                                    : Val{std::max(a.lo, b.lo), std::max(a.hi, b.hi)};
    }
    if (isa<arith::ExtUIOp>(op)) {
      // Zero extension keeps the value of an i1 and of a non-negative int.
      if (!op->getOperand(0).getType().isInteger(1) && in(0).lo < 0)
        return std::nullopt;
      return in(0);
    }
    if (isa<arith::UIToFPOp>(op) && !op->getOperand(0).getType().isInteger(1) && in(0).lo < 0)
      return std::nullopt;
    if (isa<arith::ExtSIOp>(op) && op->getOperand(0).getType().isInteger(1))
      return Val{-in(0).hi, -in(0).lo}; // i1 true is -1
    if (isa<arith::SIToFPOp>(op) && op->getOperand(0).getType().isInteger(1))
      return Val{-in(0).hi, -in(0).lo};
    return in(0); // extsi, sitofp, uitofp: the same value
  }
};

} // namespace

std::optional<int64_t> kiln::provenCausalPast(kernel::AttentionOp att) {
  if (!att.hasScore() || !att.keyLen().isConst())
    return std::nullopt;
  SmallVector<int64_t> shape = att.canonicalShape();
  if (llvm::any_of(shape, ShapedType::isDynamic))
    return std::nullopt;
  size_t nb = att.numBatchDims();
  unsigned n = nb + 2;
  int64_t rows = shape[nb], keys = *att.keyLen().constValue(), past = keys - rows;
  if (past < 0 || rows < 2)
    return std::nullopt; // no row has a key above its diagonal to skip
  // The score inputs: constants read through linear maps.
  std::vector<Input> inputs;
  ArrayAttr maps = att.getScoreMapsAttr();
  for (auto [k, v] : llvm::enumerate(att.getScoreInputs())) {
    Input in;
    if (auto tri = v.getDefiningOp<kernel::TriluOp>()) {
      auto diag = tri.getK().getDefiningOp<graph::ConstantOp>();
      if (!diag || !cast<ShapedType>(diag.getType()).getElementType().isInteger(64))
        return std::nullopt;
      std::vector<char> kb = constantBytes(diag.getValue());
      int64_t kv;
      memcpy(&kv, kb.data(), sizeof(kv));
      in.trilu = kv;
      in.upper = tri.getUpper();
      v = tri.getInput();
    }
    auto c = v.getDefiningOp<graph::ConstantOp>();
    auto t = cast<RankedTensorType>(v.getType());
    in.et = t.getElementType();
    if (!c || !maps || !(in.et.isF32() || in.et.isSignlessInteger() || in.et.isUnsignedInteger()) ||
        !llvm::is_contained({1u, 8u, 32u, 64u}, in.et.getIntOrFloatBitWidth()) || t.getRank() < 2)
      return std::nullopt;
    AffineMap m = cast<AffineMapAttr>(maps[k]).getValue();
    if (m.getNumSymbols() || m.getNumDims() != n)
      return std::nullopt;
    in.bytes = constantBytes(c.getValue());
    in.offset.k.assign(n, 0);
    int64_t stride = 1;
    for (unsigned r = m.getNumResults(); r-- > 0;) {
      std::optional<Lin> l = linear(m.getResult(r), n);
      if (!l)
        return std::nullopt;
      if (r + 2 == m.getNumResults())
        in.row = *l;
      if (r + 1 == m.getNumResults())
        in.col = *l;
      in.offset.c += stride * l->c;
      for (unsigned d = 0; d < n; ++d)
        in.offset.k[d] += stride * l->k[d];
      stride *= t.getDimSize(r);
    }
    inputs.push_back(std::move(in));
  }
  Evaluator ev;
  if (!ev.compile(att, n))
    return std::nullopt;
  // Batch dims that some input or index reads; the rest stay at 0.
  SmallVector<unsigned> batchDims;
  for (unsigned d = 0; d < nb; ++d) {
    bool used = llvm::any_of(inputs, [&](const Input &in) { return in.offset.k[d] != 0; });
    if (used || ev.indexReads(d))
      batchDims.push_back(d);
  }
  double bound = std::abs((double)att.getAlpha().convertToFloat()) * kRawScoreBound;
  SmallVector<Val> args(1 + inputs.size(), Val{-bound, bound});
  SmallVector<double> last;
  std::optional<Val> cached;
  double maskedHi = -kInf, diagLo = kInf;
  SmallVector<int64_t> x(n, 0);
  auto visit = [&]() -> bool {
    SmallVector<double> key;
    for (auto [k, in] : llvm::enumerate(inputs)) {
      double v = in.at(x);
      args[1 + k] = Val{v, v};
      key.push_back(v);
    }
    if (ev.hasIndex || !cached || key != last) {
      cached = ev.run(args, x);
      last = key;
    }
    if (!cached)
      return false;
    bool diag = x[nb + 1] == x[nb] + past;
    if (diag)
      diagLo = std::min(diagLo, cached->lo);
    else
      maskedHi = std::max(maskedHi, cached->hi);
    return true;
  };
  // Every combination of the batch dims read, then each row's diagonal and
  // the keys above it.
  std::function<bool(size_t)> walk = [&](size_t b) -> bool {
    if (b < batchDims.size()) {
      for (x[batchDims[b]] = 0; x[batchDims[b]] < shape[batchDims[b]]; ++x[batchDims[b]])
        if (!walk(b + 1))
          return false;
      return true;
    }
    for (x[nb] = 0; x[nb] < rows; ++x[nb])
      for (x[nb + 1] = x[nb] + past; x[nb + 1] < keys; ++x[nb + 1])
        if (!visit())
          return false;
    return true;
  };
  if (!walk(0) || diagLo == -kInf)
    return std::nullopt;
  // f32 rounds each step: leave room for a relative error far above it.
  double slack = 0x1p-20 * (std::abs(maskedHi) + std::abs(diagLo));
  if (std::isinf(maskedHi) || std::isinf(diagLo))
    slack = 0;
  if (!(maskedHi < diagLo - kUnderflow - slack))
    return std::nullopt;
  return past;
}
