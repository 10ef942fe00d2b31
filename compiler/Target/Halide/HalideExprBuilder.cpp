//===- HalideExprBuilder.cpp - arith/math/halide.call bodies to Halide::Expr -===//
//
// Expects: the body block of a `halide.func` / `halide.update` (scalar `arith`
// and `math` ops, `halide.call`, `halide.return`), already verified.
// Produces: one Halide::Expr for the returned value, with MLIR semantics kept
// where Halide's defaults differ:
//   - divsi/remsi round toward zero, written with Euclidean `/` and `%` on
//     magnitudes so that bounds inference can follow them; floordivsi is Halide's `/` when the divisor is a positive constant
//     (Euclidean == floor there), otherwise a select on the divisor's sign.
//   - unordered float predicates are true on NaN (explicit is_nan tests),
//     except une, which is !(a == b).
//   - i1 is Bool; signless iN is Int(N); unsigned arith ops reinterpret to
//     UInt(N) and back.
//   - f16/bf16 transcendental math is computed in f32; erf is a two-piece
//     float32 approximation good to ~4.4e-7 absolute (Halide 14's own erf is
//     2e-7); f64 erf is computed in f32.
//   - maximumf/minimumf/maxnumf/minnumf all become Halide max/min: NaN
//     propagation is whatever Halide's max/min do (Halide compiles with no-NaNs
//     fast-math flags anyway).
//   - remf is a - b * trunc(a / b) (Halide has no fmod), not exact for huge
//     quotients.
//
//===----------------------------------------------------------------------===//

#include "compiler/Target/Halide/HalideExprBuilder.h"

#include <cmath>
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <iterator>

using namespace mlir;

namespace kiln {

std::optional<Halide::Type> halideValueType(Type type) {
  if (type.isIndex())
    return Halide::Int(64);
  if (auto it = dyn_cast<IntegerType>(type)) {
    unsigned w = it.getWidth();
    if (w == 1)
      return Halide::Bool();
    if (w != 8 && w != 16 && w != 32 && w != 64)
      return std::nullopt;
    return it.isUnsigned() ? Halide::UInt(w) : Halide::Int(w);
  }
  if (type.isF16())
    return Halide::Float(16);
  if (type.isBF16())
    return Halide::BFloat(16);
  if (type.isF32())
    return Halide::Float(32);
  if (type.isF64())
    return Halide::Float(64);
  return std::nullopt;
}

std::optional<Halide::Type> halideStorageType(Type type) {
  std::optional<Halide::Type> t = halideValueType(type);
  if (t && t->is_bool())
    return Halide::UInt(8);
  return t;
}

/// tanh from Halide's vectorized exp. Halide::tanh becomes a scalar libm call
/// per element (8 ns each: 40 ms of GPT-2's tanh-GELU per token batch).
/// Small |x| uses the series, where (1 - e) / (1 + e) would cancel.
static Halide::Expr vectorTanh(Halide::Expr x) {
  Halide::Type t = x.type();
  Halide::Expr ax = Halide::abs(x);
  Halide::Expr e = Halide::exp(Halide::cast(t, -2) * ax);
  Halide::Expr big = (Halide::cast(t, 1) - e) / (Halide::cast(t, 1) + e);
  Halide::Expr small = ax - ax * ax * ax / Halide::cast(t, 3);
  Halide::Expr mag = Halide::select(ax < Halide::cast(t, 0.005f), small, big);
  return Halide::select(x < Halide::cast(t, 0), -mag, mag);
}

namespace {

/// Whether a float division must stay an IEEE division. Halide hands LLVM
/// fast-math flags that let it multiply by the reciprocal, 1 ulp off. ONNX's
/// quantization is defined on the exact quotient: DynamicQuantizeLinear's
/// `range / 255` and QuantizeLinear's `round(x / scale)`, where one ulp flips
/// a quantized value. So a division stays exact when a rounding reads it
/// within the body, or when it divides by a constant whose reciprocal is not
/// exact (a power of two's is, and costs nothing).
bool exactDivision(Operation *div) {
  if (auto c = div->getOperand(1).getDefiningOp<arith::ConstantOp>())
    if (auto f = dyn_cast<FloatAttr>(c.getValue())) {
      int exp = 0;
      double m = std::frexp(std::abs(f.getValueAsDouble()), &exp);
      return m != 0.5;
    }
  SmallVector<Operation *> work{div};
  llvm::SmallPtrSet<Operation *, 16> seen;
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    for (Operation *u : op->getUsers()) {
      if (isa<math::RoundEvenOp, math::RoundOp, math::FloorOp, math::CeilOp, arith::FPToSIOp, arith::FPToUIOp>(u))
        return true;
      if (seen.insert(u).second)
        work.push_back(u);
    }
  }
  return false;
}


using Halide::Expr;
using Halide::Internal::make_const;

/// Integers seen as signed: Bool becomes 0/-1 in Int(8) (i1 true is -1).
Expr asSigned(const Expr &e) {
  Halide::Type t = e.type();
  if (t.is_bool())
    return Halide::select(e, make_const(Halide::Int(8), -1), make_const(Halide::Int(8), 0));
  if (t.is_uint())
    return Halide::reinterpret(Halide::Int(t.bits()), e);
  return e;
}

/// Integers seen as unsigned: Bool becomes 0/1 in UInt(8).
Expr asUnsigned(const Expr &e) {
  Halide::Type t = e.type();
  if (t.is_bool())
    return Halide::cast(Halide::UInt(8), e);
  if (t.is_int())
    return Halide::reinterpret(Halide::UInt(t.bits()), e);
  return e;
}

/// Back from an unsigned computation to the value type `t` of the result.
Expr fromUnsigned(const Expr &e, Halide::Type t) {
  if (t.is_bool())
    return e != make_const(e.type(), 0);
  if (t == e.type())
    return e;
  return Halide::reinterpret(t, e);
}

/// Applies a float math function, computing f16/bf16 (and, when `f32Only`,
/// f64) in f32.
Expr floatMath(const Expr &x, bool f32Only, const std::function<Expr(Expr)> &fn) {
  Halide::Type t = x.type();
  if (t == Halide::Float(32) || (t == Halide::Float(64) && !f32Only))
    return fn(x);
  return Halide::cast(t, fn(Halide::cast(Halide::Float(32), x)));
}

/// erf in float32 to about 4.4e-7 absolute (Halide::erf is 2e-7). Two pieces:
///   |x| < 1:  erf(x) = x + x * P(x^2), P ~ erf(sqrt t)/sqrt t - 1 (degree 6,
///             fitted with mpmath.chebyfit; 6e-8);
///   |x| >= 1: 1 - 1 / (1 + a1 t + ... + a6 t^6)^16, t = min(|x|, 4)
///             (Abramowitz & Stegun 7.1.28; 4.4e-7 in float32), with x's sign.
/// Both pieces are evaluated (a select), which vectorizes and runs on GPUs.
/// The second piece replaced a degree-11 polynomial times exp(-x^2) (6e-8):
/// GELU's erf runs in the FFN GEMM's epilogue, where that cost about 4% of a
/// ViT-base layer on 2 threads.
Expr erfF32(const Expr &x) {
  // One rational function of x over [-4, 4] (|erf| rounds to 1 past it):
  // x P(x^2) / Q(x^2), the approximation XLA and Eigen use (max error about
  // 1e-7 absolute). One division and no branches: GELU's erf is the bulk of
  // an FFN-up epilogue (ViT int8: 3-4 ms a run with the two-branch form).
  static const float P[] = {-2.72614225801306e-10f, 2.77068142495902e-08f, -2.10102402082508e-06f,
                            -5.69250639462346e-05f, -7.34990630326855e-04f, -2.95459980854025e-03f,
                            -1.60960333262415e-02f};
  static const float Q[] = {-1.45660718464996e-05f, -2.13374055278905e-04f, -1.68282697438203e-03f,
                            -7.37332916720468e-03f, -1.42647390514189e-02f};
  Expr c = Halide::clamp(x, -4.0f, 4.0f);
  Expr t = c * c;
  Expr p = Expr(P[0]);
  for (size_t i = 1; i < std::size(P); ++i)
    p = p * t + P[i];
  Expr q = Expr(Q[0]);
  for (size_t i = 1; i < std::size(Q); ++i)
    q = q * t + Q[i];
  return c * p / q;
}

/// Integer conversion to `dst` (value type) from an integer `a`, extending with
/// sign (signedExt) or zero. Truncation keeps the low bits.
Expr convertInt(const Expr &a, Halide::Type dst, bool signedExt) {
  if (dst.is_bool())
    return (asUnsigned(a) & make_const(asUnsigned(a).type(), 1)) != make_const(asUnsigned(a).type(), 0);
  Expr src = signedExt ? asSigned(a) : asUnsigned(a);
  return Halide::cast(dst, src);
}

class ExprBuilder {
public:
  ExprBuilder(const HalideCallResolver &resolveCall, const HalideSymResolver &resolveSym)
      : resolveCall(resolveCall), resolveSym(resolveSym) {}

  FailureOr<std::vector<Expr>> build(Block &body, ArrayRef<Expr> args) {
    for (auto [arg, e] : llvm::zip(body.getArguments(), args))
      values[arg] = e;
    for (Operation &op : body) {
      if (auto ret = dyn_cast<halide::ReturnOp>(op)) {
        std::vector<Expr> out;
        for (Value v : ret.getValues())
          out.push_back(get(v));
        return out;
      }
      if (failed(translate(&op)))
        return failure();
    }
    return emitError(body.getParentOp()->getLoc(), "halide translation: body has no halide.return");
  }

private:
  const HalideCallResolver &resolveCall;
  const HalideSymResolver &resolveSym;
  llvm::DenseMap<Value, Expr> values;

  Expr get(Value v) { return values.lookup(v); }

  LogicalResult unsupported(Operation *op) {
    return op->emitError("halide translation: unsupported op '") << op->getName() << "'";
  }

  LogicalResult set(Operation *op, Expr e) {
    values[op->getResult(0)] = std::move(e);
    return success();
  }

  LogicalResult translateConstant(arith::ConstantOp op) {
    std::optional<Halide::Type> t = halideValueType(op.getType());
    if (!t)
      return op.emitError("halide translation: unsupported constant type ") << op.getType();
    if (auto f = dyn_cast<FloatAttr>(op.getValue()))
      return set(op, make_const(*t, f.getValueAsDouble()));
    if (auto i = dyn_cast<IntegerAttr>(op.getValue())) {
      if (t->is_bool())
        return set(op, make_const(*t, (int64_t)!i.getValue().isZero()));
      if (t->is_uint())
        return set(op, make_const(*t, (uint64_t)i.getValue().getZExtValue()));
      return set(op, make_const(*t, (int64_t)i.getValue().getSExtValue()));
    }
    return op.emitError("halide translation: unsupported constant ") << op.getValue();
  }

  LogicalResult translateCmpF(arith::CmpFOp op) {
    Expr a = get(op.getLhs()), b = get(op.getRhs());
    auto nan = [&]() {
      if (op.getLhs() == op.getRhs())
        return Halide::is_nan(a);
      return Halide::is_nan(a) || Halide::is_nan(b);
    };
    using P = arith::CmpFPredicate;
    switch (op.getPredicate()) {
    case P::AlwaysFalse: return set(op, Halide::Internal::const_false());
    case P::AlwaysTrue: return set(op, Halide::Internal::const_true());
    case P::OEQ: return set(op, a == b);
    case P::ONE: return set(op, a < b || a > b);
    case P::OLT: return set(op, a < b);
    case P::OLE: return set(op, a <= b);
    case P::OGT: return set(op, a > b);
    case P::OGE: return set(op, a >= b);
    case P::ORD: return set(op, !nan());
    case P::UNO: return set(op, nan());
    case P::UEQ: return set(op, nan() || a == b);
    case P::UNE: return set(op, !(a == b));
    case P::ULT: return set(op, nan() || a < b);
    case P::ULE: return set(op, nan() || a <= b);
    case P::UGT: return set(op, nan() || a > b);
    case P::UGE: return set(op, nan() || a >= b);
    }
    return unsupported(op);
  }

  LogicalResult translateCmpI(arith::CmpIOp op) {
    Expr a = get(op.getLhs()), b = get(op.getRhs());
    using P = arith::CmpIPredicate;
    switch (op.getPredicate()) {
    case P::eq: return set(op, a == b);
    case P::ne: return set(op, a != b);
    case P::slt: return set(op, asSigned(a) < asSigned(b));
    case P::sle: return set(op, asSigned(a) <= asSigned(b));
    case P::sgt: return set(op, asSigned(a) > asSigned(b));
    case P::sge: return set(op, asSigned(a) >= asSigned(b));
    case P::ult: return set(op, asUnsigned(a) < asUnsigned(b));
    case P::ule: return set(op, asUnsigned(a) <= asUnsigned(b));
    case P::ugt: return set(op, asUnsigned(a) > asUnsigned(b));
    case P::uge: return set(op, asUnsigned(a) >= asUnsigned(b));
    }
    return unsupported(op);
  }

  /// Division and remainder rounding toward zero (divsi/remsi). Halide's
  /// div_round_to_zero/mod_round_to_zero are opaque to bounds inference (an
  /// index computed with them is "unbounded"), so this uses Euclidean `/` and
  /// `%` on the magnitude, each select branch seeing only its sign's part of
  /// the dividend's range: for a >= 0 and a constant divisor the bounds are
  /// as tight as for a / b.
  static Expr truncDivRem(const Expr &a, const Expr &b, bool rem) {
    Halide::Type t = a.type();
    Expr zero = make_const(t, 0);
    Expr negative = a < zero;
    Expr posPart = Halide::max(a, zero), negMagnitude = -Halide::min(a, zero);
    const int64_t *cb = Halide::Internal::as_const_int(b);
    Expr mb = cb ? make_const(t, *cb < 0 ? -*cb : *cb) : Halide::select(b < zero, -b, b);
    if (rem)
      return Halide::select(negative, -(negMagnitude % mb), posPart % mb);
    Expr q = Halide::select(negative, -(negMagnitude / mb), posPart / mb);
    if (cb)
      return *cb < 0 ? -q : q;
    return Halide::select(b < zero, -q, q);
  }

  /// ext(x) * ext(y) of 8- or 16-bit x and y into twice their width, as
  /// Halide's widening_mul of x and y: the same value, but a constant factor
  /// survives it (i32(x) * 1 would be simplified to i32(x)), so the qmatmul
  /// pair kernel's i32(widening_mul(pairs, 1)) stays vpmaddwd by ones, and
  /// u8 x s8 into i16 is the operand form of vpmaddubsw.
  Expr widenedProduct(Operation *op) {
    unsigned bits = op->getResult(0).getType().getIntOrFloatBitWidth();
    SmallVector<Expr, 2> narrow;
    for (Value v : op->getOperands()) {
      Operation *ext = v.getDefiningOp();
      if (!ext || !isa<arith::ExtSIOp, arith::ExtUIOp>(ext))
        return Expr();
      Value in = ext->getOperand(0);
      // A ui8 input reaches arith through an unrealized cast to i8: take its
      // unsigned Halide value (extui of it is what zero-extends).
      if (isa<arith::ExtUIOp>(ext))
        if (auto cast = in.getDefiningOp<UnrealizedConversionCastOp>())
          in = cast.getOperand(0);
      Expr e = get(in);
      if (!e.defined() || e.type().bits() * 2 != (int)bits || (bits != 16 && bits != 32))
        return Expr();
      if (isa<arith::ExtUIOp>(ext) != e.type().is_uint())
        return Expr();
      narrow.push_back(e);
    }
    return Halide::Internal::widening_mul(narrow[0], narrow[1]);
  }

  static bool isPositiveConstant(const Expr &e) {
    const int64_t *c = Halide::Internal::as_const_int(e);
    return c && *c > 0;
  }

  /// Integer binary ops; i1 operands follow LLVM's 1-bit arithmetic.
  LogicalResult translateIntBinary(Operation *op, Expr a, Expr b) {
    Halide::Type t = a.type();
    bool isBool = t.is_bool();
    if (isa<arith::AddIOp, arith::SubIOp>(op))
      return set(op, isBool ? (a != b) : Expr(isa<arith::AddIOp>(op) ? a + b : a - b));
    if (isa<arith::MulIOp>(op)) {
      if (Expr w = widenedProduct(op); w.defined())
        return set(op, w);
      return set(op, isBool ? (a && b) : a * b);
    }
    if (isa<arith::AndIOp>(op))
      return set(op, isBool ? (a && b) : (a & b));
    if (isa<arith::OrIOp>(op))
      return set(op, isBool ? (a || b) : (a | b));
    if (isa<arith::XOrIOp>(op))
      return set(op, isBool ? (a != b) : (a ^ b));
    if (isBool) {
      // Signed i1: true is -1, so signed max is "and", unsigned max is "or".
      if (isa<arith::MaxSIOp, arith::MinUIOp>(op))
        return set(op, a && b);
      if (isa<arith::MinSIOp, arith::MaxUIOp>(op))
        return set(op, a || b);
      return unsupported(op);
    }
    if (isa<arith::MaxSIOp>(op))
      return set(op, Halide::max(a, b));
    if (isa<arith::MinSIOp>(op))
      return set(op, Halide::min(a, b));
    if (isa<arith::MaxUIOp>(op))
      return set(op, fromUnsigned(Halide::max(asUnsigned(a), asUnsigned(b)), t));
    if (isa<arith::MinUIOp>(op))
      return set(op, fromUnsigned(Halide::min(asUnsigned(a), asUnsigned(b)), t));
    if (isa<arith::DivSIOp, arith::RemSIOp>(op))
      return set(op, truncDivRem(a, b, isa<arith::RemSIOp>(op)));
    if (isa<arith::FloorDivSIOp>(op)) {
      // Halide's `/` is Euclidean: floor division when the divisor is positive.
      if (isPositiveConstant(b))
        return set(op, a / b);
      return set(op, Halide::select(b > make_const(t, 0), a / b, (-a) / (-b)));
    }
    if (isa<arith::CeilDivSIOp>(op)) {
      if (isPositiveConstant(b))
        return set(op, -((-a) / b));
      return set(op, Halide::select(b > make_const(t, 0), -((-a) / b), -(a / (-b))));
    }
    if (isa<arith::DivUIOp>(op))
      return set(op, fromUnsigned(asUnsigned(a) / asUnsigned(b), t));
    if (isa<arith::RemUIOp>(op))
      return set(op, fromUnsigned(asUnsigned(a) % asUnsigned(b), t));
    if (isa<arith::ShLIOp>(op))
      return set(op, fromUnsigned(asUnsigned(a) << asUnsigned(b), t));
    if (isa<arith::ShRUIOp>(op))
      return set(op, fromUnsigned(asUnsigned(a) >> asUnsigned(b), t));
    if (isa<arith::ShRSIOp>(op))
      return set(op, asSigned(a) >> asUnsigned(b));
    return unsupported(op);
  }

  LogicalResult translateCast(Operation *op) {
    std::optional<Halide::Type> dstOpt = halideValueType(op->getResult(0).getType());
    if (!dstOpt)
      return op->emitError("halide translation: unsupported result type ") << op->getResult(0).getType();
    Halide::Type dst = *dstOpt;
    Expr a = get(op->getOperand(0));
    Halide::Type src = a.type();
    if (isa<arith::ExtFOp, arith::TruncFOp>(op))
      return set(op, Halide::cast(dst, a));
    if (isa<arith::SIToFPOp>(op))
      return set(op, Halide::cast(dst, asSigned(a)));
    if (isa<arith::UIToFPOp>(op))
      return set(op, Halide::cast(dst, asUnsigned(a)));
    if (isa<arith::FPToSIOp>(op)) {
      if (dst.is_bool())
        return set(op, Halide::cast(Halide::Int(32), a) != 0);
      return set(op, Halide::cast(dst, a));
    }
    if (isa<arith::FPToUIOp>(op)) {
      if (dst.is_bool())
        return set(op, Halide::cast(Halide::UInt(32), a) != make_const(Halide::UInt(32), 0));
      return set(op, fromUnsigned(Halide::cast(Halide::UInt(dst.bits()), a), dst));
    }
    if (isa<arith::ExtSIOp, arith::TruncIOp, arith::IndexCastOp>(op))
      return set(op, convertInt(a, dst, /*signedExt=*/true));
    if (isa<arith::ExtUIOp, arith::IndexCastUIOp>(op))
      return set(op, convertInt(a, dst, /*signedExt=*/false));
    if (isa<arith::BitcastOp, UnrealizedConversionCastOp>(op)) {
      if (src == dst)
        return set(op, a);
      if (src.is_bool() || dst.is_bool() || src.bits() != dst.bits())
        return op->emitError("halide translation: cannot reinterpret ") << op->getOperand(0).getType()
                                                                        << " as " << op->getResult(0).getType();
      return set(op, Halide::reinterpret(dst, a));
    }
    return unsupported(op);
  }

  LogicalResult translateMath(Operation *op) {
    Expr a = get(op->getOperand(0));
    auto unary = [&](bool f32Only, Expr (*fn)(Expr)) {
      return set(op, floatMath(a, f32Only, [fn](Expr x) { return fn(std::move(x)); }));
    };
    if (isa<math::ExpOp>(op)) return unary(false, Halide::exp);
    if (isa<math::LogOp>(op)) return unary(false, Halide::log);
    if (isa<math::TanhOp>(op)) return unary(false, vectorTanh);
    if (isa<math::SqrtOp>(op)) return unary(false, Halide::sqrt);
    if (isa<math::FloorOp>(op)) return unary(false, Halide::floor);
    if (isa<math::CeilOp>(op)) return unary(false, Halide::ceil);
    if (isa<math::TruncOp>(op)) return unary(false, Halide::trunc);
    if (isa<math::RoundEvenOp>(op)) return unary(false, Halide::round); // Halide rounds half to even
    if (isa<math::SinOp>(op)) return unary(false, Halide::sin);
    if (isa<math::CosOp>(op)) return unary(false, Halide::cos);
    if (isa<math::TanOp>(op)) return unary(false, Halide::tan);
    if (isa<math::AtanOp>(op)) return unary(false, Halide::atan);
    if (isa<math::SinhOp>(op)) return unary(false, Halide::sinh);
    if (isa<math::CoshOp>(op)) return unary(false, Halide::cosh);
    if (isa<math::RsqrtOp>(op))
      return set(op, floatMath(a, false, [](Expr x) { return make_const(x.type(), 1.0) / Halide::sqrt(x); }));
    if (isa<math::ErfOp>(op))
      return set(op, floatMath(a, /*f32Only=*/true, [](Expr x) { return erfF32(x); }));
    if (isa<math::AbsFOp>(op))
      return set(op, floatMath(a, false, [](Expr x) { return Halide::abs(x); }));
    if (isa<math::AbsIOp>(op)) {
      if (a.type().is_bool())
        return set(op, a);
      return set(op, Halide::reinterpret(a.type(), Halide::abs(a)));
    }
    if (isa<math::PowFOp, math::Atan2Op>(op)) {
      Expr b = get(op->getOperand(1));
      bool pow = isa<math::PowFOp>(op);
      Halide::Type t = a.type();
      if (t == Halide::Float(32) || t == Halide::Float(64))
        return set(op, pow ? Halide::pow(a, b) : Halide::atan2(a, b));
      Expr a32 = Halide::cast(Halide::Float(32), a), b32 = Halide::cast(Halide::Float(32), b);
      return set(op, Halide::cast(t, pow ? Halide::pow(a32, b32) : Halide::atan2(a32, b32)));
    }
    if (isa<math::FmaOp>(op))
      return set(op, a * get(op->getOperand(1)) + get(op->getOperand(2)));
    return unsupported(op);
  }

  LogicalResult translate(Operation *op) {
    if (op->getNumResults() != 1 || op->getNumRegions() != 0)
      return unsupported(op);
    for (Value v : op->getOperands())
      if (!values.count(v))
        return op->emitError("halide translation: operand defined outside the body");
    if (!halideValueType(op->getResult(0).getType()))
      return op->emitError("halide translation: unsupported type ") << op->getResult(0).getType();

    if (auto c = dyn_cast<arith::ConstantOp>(op))
      return translateConstant(c);
    if (auto call = dyn_cast<halide::CallOp>(op)) {
      std::vector<Expr> indices;
      for (Value v : call.getIndices())
        indices.push_back(get(v));
      FailureOr<Expr> e = resolveCall(call, indices);
      if (failed(e))
        return failure();
      return set(op, *e);
    }
    if (auto sym = dyn_cast<halide::SymOp>(op)) {
      if (!resolveSym)
        return op->emitError("halide translation: no kernel params to read");
      FailureOr<Expr> e = resolveSym(sym);
      return failed(e) ? failure() : set(op, *e);
    }
    if (auto p = dyn_cast<halide::PromiseClampedOp>(op))
      return set(op, Halide::unsafe_promise_clamped(get(p.getValue()), get(p.getMin()), get(p.getMax())));
    if (auto ite = dyn_cast<halide::IfThenElseOp>(op))
      return set(op, Halide::Internal::Call::make(get(ite.getThenValue()).type(), Halide::Internal::Call::if_then_else,
                                                  {get(ite.getCondition()), get(ite.getThenValue()),
                                                   get(ite.getElseValue())},
                                                  Halide::Internal::Call::PureIntrinsic));
    if (auto c = dyn_cast<arith::CmpFOp>(op))
      return translateCmpF(c);
    if (auto c = dyn_cast<arith::CmpIOp>(op))
      return translateCmpI(c);
    if (auto s = dyn_cast<arith::SelectOp>(op))
      return set(op, Halide::select(get(s.getCondition()), get(s.getTrueValue()), get(s.getFalseValue())));

    // Float arithmetic.
    if (isa<arith::NegFOp>(op))
      return set(op, -get(op->getOperand(0)));
    if (isa<arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp, arith::RemFOp, arith::MaximumFOp,
            arith::MinimumFOp, arith::MaxNumFOp, arith::MinNumFOp>(op)) {
      Expr a = get(op->getOperand(0)), b = get(op->getOperand(1));
      if (isa<arith::AddFOp>(op)) return set(op, a + b);
      if (isa<arith::SubFOp>(op)) return set(op, a - b);
      if (isa<arith::MulFOp>(op)) return set(op, a * b);
      if (isa<arith::DivFOp>(op)) return set(op, exactDivision(op) ? Halide::strict_float(a / b) : a / b);
      if (isa<arith::RemFOp>(op)) return set(op, a - b * Halide::trunc(a / b));
      if (isa<arith::MaximumFOp, arith::MaxNumFOp>(op)) return set(op, Halide::max(a, b));
      return set(op, Halide::min(a, b));
    }
    // Integer arithmetic and logic.
    if (isa<arith::AddIOp, arith::SubIOp, arith::MulIOp, arith::DivSIOp, arith::DivUIOp, arith::FloorDivSIOp,
            arith::CeilDivSIOp, arith::RemSIOp, arith::RemUIOp, arith::MaxSIOp, arith::MinSIOp, arith::MaxUIOp,
            arith::MinUIOp, arith::AndIOp, arith::OrIOp, arith::XOrIOp, arith::ShLIOp, arith::ShRSIOp,
            arith::ShRUIOp>(op))
      return translateIntBinary(op, get(op->getOperand(0)), get(op->getOperand(1)));
    // Conversions.
    if (isa<arith::ExtFOp, arith::TruncFOp, arith::SIToFPOp, arith::UIToFPOp, arith::FPToSIOp, arith::FPToUIOp,
            arith::ExtSIOp, arith::ExtUIOp, arith::TruncIOp, arith::IndexCastOp, arith::IndexCastUIOp,
            arith::BitcastOp>(op))
      return translateCast(op);
    if (isa<UnrealizedConversionCastOp>(op) && op->getNumOperands() == 1 &&
        halideValueType(op->getOperand(0).getType()))
      return translateCast(op);
    if (op->getDialect() && op->getDialect()->getNamespace() == "math")
      return translateMath(op);
    return unsupported(op);
  }
};

} // namespace

FailureOr<std::vector<Halide::Expr>> buildHalideExpr(Block &body, ArrayRef<Halide::Expr> args,
                                                     const HalideCallResolver &resolveCall,
                                                     const HalideSymResolver &resolveSym) {
  if (body.getNumArguments() != args.size())
    return emitError(body.getParentOp()->getLoc(), "halide translation: body takes ")
           << body.getNumArguments() << " arguments, " << args.size() << " bound";
  ExprBuilder builder(resolveCall, resolveSym);
  FailureOr<std::vector<Halide::Expr>> e = builder.build(body, args);
  // Halide compiles float math with LLVM's no-infs/no-NaNs flags, so a -inf
  // constant (attention masks, max-reduction inits) is poison: `x + select(m,
  // 0, -inf)` came out as `x`, and a NaN test of a value computed in the same
  // body may fold to false. Reassociation breaks masks built from the most
  // negative finite float: `s/8 + (1 - m) * FLT_MIN` became `(s/8 + FLT_MIN) -
  // m * FLT_MIN`, which is 0 where m = 1. Bodies with non-finite or huge
  // (|c| >= 1e30) constants, or with NaN tests, are strict.
  bool nonFinite = llvm::any_of(body.getOps<arith::ConstantOp>(), [](arith::ConstantOp c) {
    auto f = dyn_cast<FloatAttr>(c.getValue());
    return f && (!f.getValue().isFinite() || std::abs(f.getValueAsDouble()) >= 1e30);
  });
  nonFinite |= llvm::any_of(body.getOps<arith::CmpFOp>(), [](arith::CmpFOp c) {
    using P = arith::CmpFPredicate;
    return llvm::is_contained({P::ORD, P::UNO, P::UEQ, P::UNE, P::ULT, P::ULE, P::UGT, P::UGE}, c.getPredicate());
  });
  if (succeeded(e) && nonFinite)
    for (Halide::Expr &x : *e)
      x = Halide::strict_float(x);
  return e;
}

} // namespace kiln
