//===- ConstantFolder.cpp - ONNX kernels on host tensors -------------------===//
//
// Expects: HostTensors whose shapes the importer has already checked against
// the node's semantics (see ConstantFolder.h).
// Produces: the node's result as a new HostTensor. Data movement (transpose,
// slice, gather, concat, expand) copies element bytes and so is exact for
// every dtype; arithmetic runs in int64 (wrapping) or double and is rounded
// to the result dtype on store. Assumes a little-endian host, like ONNX's
// raw_data.
//
//===----------------------------------------------------------------------===//
#include "compiler/Import/Onnx/ConstantFolder.h"

#include "llvm/ADT/APFloat.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace llvm;

namespace kiln {

//===----------------------------------------------------------------------===//
// DTypes and element access
//===----------------------------------------------------------------------===//

size_t dtypeSize(DType t) {
  switch (t) {
  case DType::F64:
  case DType::I64: return 8;
  case DType::F32:
  case DType::I32: return 4;
  case DType::F16: return 2;
  case DType::I8:
  case DType::UI8:
  case DType::Bool:
  case DType::I4:
  case DType::UI4: return 1;
  }
  return 1;
}

bool isFloatDType(DType t) { return t == DType::F32 || t == DType::F16 || t == DType::F64; }

const char *dtypeName(DType t) {
  switch (t) {
  case DType::F32: return "FLOAT";
  case DType::F16: return "FLOAT16";
  case DType::F64: return "DOUBLE";
  case DType::I64: return "INT64";
  case DType::I32: return "INT32";
  case DType::I8: return "INT8";
  case DType::UI8: return "UINT8";
  case DType::Bool: return "BOOL";
  case DType::I4: return "INT4";
  case DType::UI4: return "UINT4";
  }
  return "?";
}

std::optional<DType> dtypeFromOnnx(int32_t onnxType) {
  // Values of onnx::TensorProto_DataType.
  switch (onnxType) {
  case 1: return DType::F32;
  case 2: return DType::UI8;
  case 3: return DType::I8;
  case 6: return DType::I32;
  case 7: return DType::I64;
  case 9: return DType::Bool;
  case 10: return DType::F16;
  case 11: return DType::F64;
  default: return std::nullopt;
  }
}

std::optional<DType> tensorDTypeFromOnnx(int32_t onnxType) {
  switch (onnxType) {
  case 21: return DType::UI4;
  case 22: return DType::I4;
  default: return dtypeFromOnnx(onnxType);
  }
}

static double halfToDouble(uint16_t bits) {
  APFloat f(APFloat::IEEEhalf(), APInt(16, bits));
  bool loses;
  f.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &loses);
  return f.convertToDouble();
}

static uint16_t doubleToHalf(double v) {
  APFloat f(v);
  bool loses;
  f.convert(APFloat::IEEEhalf(), APFloat::rmNearestTiesToEven, &loses);
  return static_cast<uint16_t>(f.bitcastToAPInt().getZExtValue());
}

/// Truncates toward zero, saturating at the int64 range; NaN gives 0.
static int64_t saturatingTrunc(double v) {
  if (std::isnan(v))
    return 0;
  if (v >= 9223372036854775807.0)
    return std::numeric_limits<int64_t>::max();
  if (v <= -9223372036854775808.0)
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

template <typename T> static T load(const char *p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <typename T> static void store(char *p, T v) { std::memcpy(p, &v, sizeof(T)); }

HostTensor HostTensor::zeros(DType dtype, ArrayRef<int64_t> shape) {
  HostTensor t;
  t.dtype = dtype;
  t.shape.assign(shape.begin(), shape.end());
  t.data = std::make_shared<std::string>(t.numElements() * dtypeSize(dtype), '\0');
  return t;
}

HostTensor HostTensor::fromInts(DType dtype, ArrayRef<int64_t> shape, ArrayRef<int64_t> values) {
  HostTensor t = zeros(dtype, shape);
  for (size_t i = 0; i < values.size(); ++i)
    t.setInt(i, values[i]);
  return t;
}

HostTensor HostTensor::fromDoubles(DType dtype, ArrayRef<int64_t> shape, ArrayRef<double> values) {
  HostTensor t = zeros(dtype, shape);
  for (size_t i = 0; i < values.size(); ++i)
    t.setDouble(i, values[i]);
  return t;
}

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

double HostTensor::getDouble(int64_t i) const {
  const char *p = bytes() + i * dtypeSize(dtype);
  switch (dtype) {
  case DType::F32: return load<float>(p);
  case DType::F16: return halfToDouble(load<uint16_t>(p));
  case DType::F64: return load<double>(p);
  case DType::I64: return static_cast<double>(load<int64_t>(p));
  case DType::I32: return load<int32_t>(p);
  case DType::I8:
  case DType::I4: return load<int8_t>(p);
  case DType::UI8:
  case DType::UI4: return load<uint8_t>(p);
  case DType::Bool: return *p != 0;
  }
  return 0;
}

int64_t HostTensor::getInt(int64_t i) const {
  const char *p = bytes() + i * dtypeSize(dtype);
  switch (dtype) {
  case DType::F32:
  case DType::F16:
  case DType::F64: return saturatingTrunc(getDouble(i));
  case DType::I64: return load<int64_t>(p);
  case DType::I32: return load<int32_t>(p);
  case DType::I8:
  case DType::I4: return load<int8_t>(p);
  case DType::UI8:
  case DType::UI4: return load<uint8_t>(p);
  case DType::Bool: return *p != 0;
  }
  return 0;
}

void HostTensor::setDouble(int64_t i, double v) {
  char *p = data->data() + i * dtypeSize(dtype);
  switch (dtype) {
  case DType::F32: return store<float>(p, static_cast<float>(v));
  case DType::F16: return store<uint16_t>(p, doubleToHalf(v));
  case DType::F64: return store<double>(p, v);
  case DType::Bool: return store<uint8_t>(p, v != 0);
  default: return setInt(i, saturatingTrunc(v));
  }
}

void HostTensor::setInt(int64_t i, int64_t v) {
  char *p = data->data() + i * dtypeSize(dtype);
  switch (dtype) {
  case DType::F32:
  case DType::F16:
  case DType::F64: return setDouble(i, static_cast<double>(v));
  case DType::I64: return store<int64_t>(p, v);
  case DType::I32: return store<uint32_t>(p, static_cast<uint32_t>(v));
  case DType::I8:
  case DType::UI8: return store<uint8_t>(p, static_cast<uint8_t>(v));
  case DType::Bool: return store<uint8_t>(p, v != 0);
  // Wrapped to 4 bits, as the packed form would hold them.
  case DType::I4: return store<int8_t>(p, static_cast<int8_t>(static_cast<uint8_t>(uint64_t(v) << 4)) >> 4);
  case DType::UI4: return store<uint8_t>(p, static_cast<uint8_t>(v & 15));
  }
}

SmallVector<int64_t> HostTensor::toInts() const {
  SmallVector<int64_t> out;
  for (int64_t i = 0, e = numElements(); i < e; ++i)
    out.push_back(getInt(i));
  return out;
}

bool HostTensor::isSplat() const {
  size_t es = dtypeSize(dtype), n = byteSize();
  for (size_t off = es; off < n; off += es)
    if (std::memcmp(bytes(), bytes() + off, es) != 0)
      return false;
  return true;
}

//===----------------------------------------------------------------------===//
// Index walking
//===----------------------------------------------------------------------===//

static SmallVector<int64_t> contiguousStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> s(shape.size(), 1);
  for (int64_t i = (int64_t)shape.size() - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/// Strides of `in` seen through a broadcast to `out` (0 on broadcast dims).
static SmallVector<int64_t> broadcastStrides(ArrayRef<int64_t> in, ArrayRef<int64_t> out) {
  SmallVector<int64_t> s(out.size(), 0);
  SmallVector<int64_t> c = contiguousStrides(in);
  size_t lead = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i)
    s[lead + i] = in[i] == 1 ? 0 : c[i];
  return s;
}

namespace {
/// Visits the multi-indices of `shape` in row-major order while keeping one
/// flat offset per operand, each advanced by its own strides.
class Walker {
public:
  Walker(ArrayRef<int64_t> shape, SmallVector<SmallVector<int64_t>> strides,
         SmallVector<int64_t> base = {})
      : shape(shape), strides(std::move(strides)), idx(shape.size(), 0) {
    offsets = base.empty() ? SmallVector<int64_t>(this->strides.size(), 0) : base;
  }
  int64_t operator[](size_t k) const { return offsets[k]; }
  void next() {
    for (int64_t d = (int64_t)shape.size() - 1; d >= 0; --d) {
      ++idx[d];
      for (size_t k = 0; k < strides.size(); ++k)
        offsets[k] += strides[k][d];
      if (idx[d] < shape[d])
        return;
      for (size_t k = 0; k < strides.size(); ++k)
        offsets[k] -= strides[k][d] * shape[d];
      idx[d] = 0;
    }
  }

private:
  ArrayRef<int64_t> shape;
  SmallVector<SmallVector<int64_t>> strides;
  SmallVector<int64_t> idx, offsets;
};
} // namespace

static void copyElement(HostTensor &dst, int64_t di, const HostTensor &src, int64_t si) {
  size_t es = dtypeSize(src.dtype);
  std::memcpy(dst.data->data() + di * es, src.bytes() + si * es, es);
}

/// Output element i reads input element walker[0] for the walked shape.
static HostTensor gatherBy(const HostTensor &x, ArrayRef<int64_t> shape,
                           SmallVector<int64_t> strides, int64_t base = 0) {
  HostTensor out = HostTensor::zeros(x.dtype, shape);
  Walker w(shape, {std::move(strides)}, {base});
  for (int64_t i = 0, e = out.numElements(); i < e; ++i, w.next())
    copyElement(out, i, x, w[0]);
  return out;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

bool isComparison(BinaryKind k) {
  return k == BinaryKind::Equal || k == BinaryKind::Greater || k == BinaryKind::GreaterOrEqual ||
         k == BinaryKind::Less || k == BinaryKind::LessOrEqual;
}

static double unaryDouble(UnaryKind k, double x) {
  switch (k) {
  case UnaryKind::Sqrt: return std::sqrt(x);
  case UnaryKind::Erf: return std::erf(x);
  case UnaryKind::Tanh: return std::tanh(x);
  case UnaryKind::Exp: return std::exp(x);
  case UnaryKind::Neg: return -x;
  case UnaryKind::Relu: return x > 0 || std::isnan(x) ? x : 0;
  case UnaryKind::Sigmoid: return 1 / (1 + std::exp(-x));
  case UnaryKind::IsNaN: return std::isnan(x);
  case UnaryKind::Not: return x == 0;
  case UnaryKind::Gelu: return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
  case UnaryKind::GeluTanh:
    return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
  case UnaryKind::Abs: return std::fabs(x);
  case UnaryKind::Ceil: return std::ceil(x);
  case UnaryKind::Floor: return std::floor(x);
  case UnaryKind::Round: return std::nearbyint(x); // the default mode: half to even
  case UnaryKind::Cos: return std::cos(x);
  case UnaryKind::Sin: return std::sin(x);
  case UnaryKind::Log: return std::log(x);
  case UnaryKind::Reciprocal: return 1 / x;
  case UnaryKind::Sign: return x > 0 ? 1 : x < 0 ? -1 : x; // keeps NaN and -0
  case UnaryKind::Softplus: return x > 30 ? x : std::log1p(std::exp(x));
  }
  return x;
}

HostTensor foldUnary(UnaryKind kind, const HostTensor &x) {
  DType rt = kind == UnaryKind::IsNaN ? DType::Bool : x.dtype;
  HostTensor out = HostTensor::zeros(rt, x.shape);
  bool fl = isFloatDType(x.dtype);
  for (int64_t i = 0, e = x.numElements(); i < e; ++i) {
    if (fl) {
      out.setDouble(i, unaryDouble(kind, x.getDouble(i)));
      continue;
    }
    int64_t v = x.getInt(i);
    switch (kind) {
    case UnaryKind::Neg: out.setInt(i, (int64_t)(0 - (uint64_t)v)); break;
    case UnaryKind::Relu: out.setInt(i, v > 0 ? v : 0); break;
    case UnaryKind::Not: out.setInt(i, v == 0); break;
    case UnaryKind::Abs: out.setInt(i, v < 0 ? (int64_t)(0 - (uint64_t)v) : v); break;
    case UnaryKind::Sign: out.setInt(i, (v > 0) - (v < 0)); break;
    case UnaryKind::IsNaN: out.setInt(i, 0); break;
    default: out.setDouble(i, unaryDouble(kind, (double)v)); break;
    }
  }
  return out;
}

static double binaryDouble(BinaryKind k, double a, double b) {
  switch (k) {
  case BinaryKind::Add: return a + b;
  case BinaryKind::Sub: return a - b;
  case BinaryKind::Mul: return a * b;
  case BinaryKind::Div: return a / b;
  case BinaryKind::Pow: return std::pow(a, b);
  case BinaryKind::And: return a != 0 && b != 0;
  case BinaryKind::Or: return a != 0 || b != 0;
  case BinaryKind::Equal: return a == b;
  case BinaryKind::Greater: return a > b;
  case BinaryKind::GreaterOrEqual: return a >= b;
  case BinaryKind::Less: return a < b;
  case BinaryKind::LessOrEqual: return a <= b;
  case BinaryKind::Xor: return (a != 0) != (b != 0);
  case BinaryKind::Max: return std::isnan(a) || a > b ? a : b;
  case BinaryKind::Min: return std::isnan(a) || a < b ? a : b;
  case BinaryKind::FMod: return std::fmod(a, b);
  case BinaryKind::Mod: {
    double r = std::fmod(a, b);
    return r != 0 && (r < 0) != (b < 0) ? r + b : r;
  }
  }
  return 0;
}

/// Integer arithmetic with two's complement wrap-around.
static std::optional<int64_t> binaryInt(BinaryKind k, int64_t a, int64_t b) {
  uint64_t ua = a, ub = b;
  switch (k) {
  case BinaryKind::Add: return (int64_t)(ua + ub);
  case BinaryKind::Sub: return (int64_t)(ua - ub);
  case BinaryKind::Mul: return (int64_t)(ua * ub);
  case BinaryKind::Div:
    if (b == 0)
      return std::nullopt;
    if (b == -1)
      return (int64_t)(0 - ua);
    return a / b;
  case BinaryKind::Pow: {
    if (b < 0)
      return a == 1 ? 1 : a == -1 ? (b % 2 ? -1 : 1) : 0;
    uint64_t r = 1;
    for (uint64_t base = ua; b; b >>= 1, base *= base)
      if (b & 1)
        r *= base;
    return (int64_t)r;
  }
  case BinaryKind::Max: return std::max(a, b);
  case BinaryKind::Min: return std::min(a, b);
  case BinaryKind::Mod:
  case BinaryKind::FMod: {
    if (b == 0)
      return std::nullopt;
    int64_t r = b == -1 ? 0 : a % b;
    if (k == BinaryKind::Mod && r != 0 && (r < 0) != (b < 0))
      r += b;
    return r;
  }
  default: return (int64_t)binaryDouble(k, (double)a, (double)b);
  }
}

std::optional<HostTensor> foldBinary(BinaryKind kind, const HostTensor &a, const HostTensor &b,
                                     ArrayRef<int64_t> shape, std::string &error) {
  bool cmp = isComparison(kind);
  HostTensor out = HostTensor::zeros(cmp ? DType::Bool : a.dtype, shape);
  bool fl = isFloatDType(a.dtype) || isFloatDType(b.dtype);
  bool logical = kind == BinaryKind::And || kind == BinaryKind::Or || kind == BinaryKind::Xor;
  Walker w(shape, {broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)});
  for (int64_t i = 0, e = out.numElements(); i < e; ++i, w.next()) {
    if (fl || logical) {
      out.setDouble(i, binaryDouble(kind, a.getDouble(w[0]), b.getDouble(w[1])));
      continue;
    }
    std::optional<int64_t> r = binaryInt(kind, a.getInt(w[0]), b.getInt(w[1]));
    if (!r) {
      error = kind == BinaryKind::Div ? "integer division by zero" : "integer modulo by zero";
      return std::nullopt;
    }
    out.setInt(i, *r);
  }
  return out;
}

HostTensor foldWhere(const HostTensor &c, const HostTensor &x, const HostTensor &y,
                     ArrayRef<int64_t> shape) {
  HostTensor out = HostTensor::zeros(x.dtype, shape);
  Walker w(shape, {broadcastStrides(c.shape, shape), broadcastStrides(x.shape, shape),
                   broadcastStrides(y.shape, shape)});
  for (int64_t i = 0, e = out.numElements(); i < e; ++i, w.next()) {
    if (c.getInt(w[0]))
      copyElement(out, i, x, w[1]);
    else
      copyElement(out, i, y, w[2]);
  }
  return out;
}

HostTensor foldCast(const HostTensor &x, DType to) {
  if (to == x.dtype)
    return x;
  HostTensor out = HostTensor::zeros(to, x.shape);
  bool viaDouble = isFloatDType(x.dtype) || isFloatDType(to);
  for (int64_t i = 0, e = x.numElements(); i < e; ++i) {
    if (viaDouble)
      out.setDouble(i, x.getDouble(i));
    else
      out.setInt(i, x.getInt(i));
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

HostTensor foldReshape(const HostTensor &x, ArrayRef<int64_t> shape) {
  HostTensor out = x;
  out.shape.assign(shape.begin(), shape.end());
  return out;
}

HostTensor foldTranspose(const HostTensor &x, ArrayRef<int64_t> perm) {
  SmallVector<int64_t> inStrides = contiguousStrides(x.shape), shape, strides;
  for (int64_t p : perm) {
    shape.push_back(x.shape[p]);
    strides.push_back(inStrides[p]);
  }
  return gatherBy(x, shape, strides);
}

HostTensor foldExpand(const HostTensor &x, ArrayRef<int64_t> shape) {
  return gatherBy(x, shape, broadcastStrides(x.shape, shape));
}

HostTensor foldSlice(const HostTensor &x, ArrayRef<int64_t> starts, ArrayRef<int64_t> steps,
                     ArrayRef<int64_t> shape) {
  SmallVector<int64_t> inStrides = contiguousStrides(x.shape), strides;
  int64_t base = 0;
  for (size_t d = 0; d < shape.size(); ++d) {
    strides.push_back(inStrides[d] * steps[d]);
    if (shape[d] > 0)
      base += starts[d] * inStrides[d];
  }
  return gatherBy(x, shape, strides, base);
}

HostTensor foldConcat(ArrayRef<const HostTensor *> xs, int64_t axis) {
  SmallVector<int64_t> shape(xs.front()->shape);
  shape[axis] = 0;
  for (const HostTensor *x : xs)
    shape[axis] += x->shape[axis];
  HostTensor out = HostTensor::zeros(xs.front()->dtype, shape);
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  size_t es = dtypeSize(out.dtype);
  char *dst = out.data->data();
  for (int64_t o = 0; o < outer; ++o) {
    for (const HostTensor *x : xs) {
      size_t chunk = x->numElements() / outer * es;
      std::memcpy(dst, x->bytes() + o * chunk, chunk);
      dst += chunk;
    }
  }
  return out;
}

/// Normalises index `v` into [0, dim); false when out of range.
static bool normaliseIndex(int64_t &v, int64_t dim, std::string &error) {
  if (v < 0)
    v += dim;
  if (v >= 0 && v < dim)
    return true;
  error = "index " + std::to_string(v < 0 ? v - dim : v) + " is out of range for a dim of size " +
          std::to_string(dim);
  return false;
}

std::optional<HostTensor> foldGather(const HostTensor &data, const HostTensor &indices,
                                     int64_t axis, std::string &error) {
  SmallVector<int64_t> shape(data.shape.begin(), data.shape.begin() + axis);
  shape.append(indices.shape.begin(), indices.shape.end());
  shape.append(data.shape.begin() + axis + 1, data.shape.end());
  HostTensor out = HostTensor::zeros(data.dtype, shape);
  int64_t outer = 1, inner = 1, dim = data.shape[axis], n = indices.numElements();
  for (int64_t d = 0; d < axis; ++d)
    outer *= data.shape[d];
  for (size_t d = axis + 1; d < data.shape.size(); ++d)
    inner *= data.shape[d];
  size_t es = dtypeSize(data.dtype);
  for (int64_t j = 0; j < n; ++j) {
    int64_t idx = indices.getInt(j);
    if (!normaliseIndex(idx, dim, error))
      return std::nullopt;
    for (int64_t o = 0; o < outer; ++o)
      std::memcpy(out.data->data() + ((o * n + j) * inner) * es,
                  data.bytes() + ((o * dim + idx) * inner) * es, inner * es);
  }
  return out;
}

std::optional<HostTensor> foldGatherElements(const HostTensor &data, const HostTensor &indices,
                                             int64_t axis, std::string &error) {
  HostTensor out = HostTensor::zeros(data.dtype, indices.shape);
  SmallVector<int64_t> ds = contiguousStrides(data.shape), strides(ds);
  strides[axis] = 0;
  Walker w(indices.shape, {strides});
  for (int64_t i = 0, e = out.numElements(); i < e; ++i, w.next()) {
    int64_t idx = indices.getInt(i);
    if (!normaliseIndex(idx, data.shape[axis], error))
      return std::nullopt;
    copyElement(out, i, data, w[0] + idx * ds[axis]);
  }
  return out;
}

std::optional<HostTensor> foldGatherND(const HostTensor &data, const HostTensor &indices,
                                       int64_t batchDims, std::string &error) {
  ArrayRef<int64_t> is = indices.shape, dsh = data.shape;
  int64_t k = is.back();
  SmallVector<int64_t> shape(is.begin(), is.end() - 1);
  shape.append(dsh.begin() + batchDims + k, dsh.end());
  HostTensor out = HostTensor::zeros(data.dtype, shape);
  int64_t batch = 1, tuples = 1, sliceSize = 1;
  for (int64_t d = 0; d < batchDims; ++d)
    batch *= dsh[d];
  for (size_t d = batchDims; d + 1 < is.size(); ++d)
    tuples *= is[d];
  for (size_t d = batchDims + k; d < dsh.size(); ++d)
    sliceSize *= dsh[d];
  SmallVector<int64_t> strides = contiguousStrides(dsh);
  int64_t batchStride = batchDims ? strides[batchDims - 1] : 0;
  size_t es = dtypeSize(data.dtype);
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t t = 0; t < tuples; ++t) {
      int64_t pos = b * tuples + t, off = b * batchStride;
      for (int64_t j = 0; j < k; ++j) {
        int64_t idx = indices.getInt(pos * k + j);
        if (!normaliseIndex(idx, dsh[batchDims + j], error))
          return std::nullopt;
        off += idx * strides[batchDims + j];
      }
      std::memcpy(out.data->data() + pos * sliceSize * es, data.bytes() + off * es, sliceSize * es);
    }
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Reductions and contractions
//===----------------------------------------------------------------------===//

HostTensor foldReduce(ReduceKind kind, const HostTensor &x, ArrayRef<int64_t> axes, bool keepdims) {
  SmallVector<int64_t> keptShape(x.shape), shape;
  int64_t count = 1;
  for (int64_t a : axes) {
    count *= x.shape[a];
    keptShape[a] = 1;
  }
  for (size_t d = 0; d < x.shape.size(); ++d)
    if (keepdims || !llvm::is_contained(axes, (int64_t)d))
      shape.push_back(keptShape[d]);
  int64_t n = 1;
  for (int64_t d : keptShape)
    n *= d;
  bool fl = isFloatDType(x.dtype);
  double initD = kind == ReduceKind::Prod  ? 1
                 : kind == ReduceKind::Max ? -INFINITY
                 : kind == ReduceKind::Min ? INFINITY
                                           : 0;
  int64_t initI = kind == ReduceKind::Prod  ? 1
                  : kind == ReduceKind::Max ? std::numeric_limits<int64_t>::min()
                  : kind == ReduceKind::Min ? std::numeric_limits<int64_t>::max()
                                            : 0;
  std::vector<double> accD(n, initD);
  std::vector<int64_t> accI(n, initI);
  Walker w(x.shape, {broadcastStrides(keptShape, x.shape)});
  for (int64_t i = 0, e = x.numElements(); i < e; ++i, w.next()) {
    int64_t o = w[0];
    if (fl) {
      double v = x.getDouble(i), &a = accD[o];
      switch (kind) {
      case ReduceKind::Mean:
      case ReduceKind::Sum: a += v; break;
      case ReduceKind::Prod: a *= v; break;
      case ReduceKind::Max: a = std::isnan(v) || v > a ? v : a; break;
      case ReduceKind::Min: a = std::isnan(v) || v < a ? v : a; break;
      case ReduceKind::L1: a += std::fabs(v); break;
      case ReduceKind::L2:
      case ReduceKind::SumSquare: a += v * v; break;
      case ReduceKind::LogSum: a += v; break;
      case ReduceKind::LogSumExp: a += std::exp(v); break;
      }
    } else {
      int64_t v = x.getInt(i), &a = accI[o];
      switch (kind) {
      case ReduceKind::Mean:
      case ReduceKind::Sum: a = (int64_t)((uint64_t)a + (uint64_t)v); break;
      case ReduceKind::Prod: a = (int64_t)((uint64_t)a * (uint64_t)v); break;
      case ReduceKind::Max: a = std::max(a, v); break;
      case ReduceKind::Min: a = std::min(a, v); break;
      case ReduceKind::L1: a = (int64_t)((uint64_t)a + (uint64_t)(v < 0 ? -v : v)); break;
      default: a = (int64_t)((uint64_t)a + (uint64_t)v * (uint64_t)v); break; // SumSquare, L2
      }
    }
  }
  HostTensor out = HostTensor::zeros(x.dtype, shape);
  for (int64_t i = 0; i < n; ++i) {
    double d = accD[i];
    if (kind == ReduceKind::Mean)
      d /= count;
    else if (kind == ReduceKind::L2)
      d = std::sqrt(d);
    else if (kind == ReduceKind::LogSum || kind == ReduceKind::LogSumExp)
      d = std::log(d);
    if (fl)
      out.setDouble(i, d);
    else
      out.setInt(i, kind == ReduceKind::Mean && count ? accI[i] / count : accI[i]);
  }
  return out;
}

HostTensor foldMatMul(const HostTensor &a, const HostTensor &b, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> as(a.shape), bs(b.shape);
  if (as.size() == 1)
    as.insert(as.begin(), 1);
  if (bs.size() == 1)
    bs.push_back(1);
  int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  ArrayRef<int64_t> aBatch = ArrayRef<int64_t>(as).drop_back(2),
                    bBatch = ArrayRef<int64_t>(bs).drop_back(2);
  size_t rank = std::max(aBatch.size(), bBatch.size());
  SmallVector<int64_t> batch(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - aBatch.size() ? 1 : aBatch[i - (rank - aBatch.size())];
    int64_t db = i < rank - bBatch.size() ? 1 : bBatch[i - (rank - bBatch.size())];
    batch[i] = da == 1 ? db : da;
  }
  SmallVector<int64_t> aStr = broadcastStrides(aBatch, batch),
                       bStr = broadcastStrides(bBatch, batch);
  for (int64_t &s : aStr)
    s *= m * k;
  for (int64_t &s : bStr)
    s *= k * n;
  HostTensor out = HostTensor::zeros(a.dtype, shape);
  bool fl = isFloatDType(a.dtype);
  int64_t nb = 1;
  for (int64_t d : batch)
    nb *= d;
  Walker w(batch, {aStr, bStr});
  for (int64_t bi = 0; bi < nb; ++bi, w.next()) {
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        double accD = 0;
        uint64_t accI = 0;
        for (int64_t p = 0; p < k; ++p) {
          int64_t ai = w[0] + i * k + p, bj = w[1] + p * n + j;
          if (fl)
            accD += a.getDouble(ai) * b.getDouble(bj);
          else
            accI += (uint64_t)a.getInt(ai) * (uint64_t)b.getInt(bj);
        }
        int64_t o = (bi * m + i) * n + j;
        if (fl)
          out.setDouble(o, accD);
        else
          out.setInt(o, (int64_t)accI);
      }
    }
  }
  return out;
}

std::optional<HostTensor> foldRange(const HostTensor &start, const HostTensor &limit,
                                    const HostTensor &delta, std::string &error) {
  constexpr int64_t kMaxRange = int64_t(1) << 28;
  if (isFloatDType(start.dtype)) {
    double s = start.getDouble(0), l = limit.getDouble(0), d = delta.getDouble(0);
    double count = d == 0 ? NAN : std::ceil((l - s) / d);
    if (!(count < (double)kMaxRange)) {
      error = d == 0 ? "delta is 0" : "range is too long";
      return std::nullopt;
    }
    int64_t n = count > 0 ? (int64_t)count : 0;
    HostTensor out = HostTensor::zeros(start.dtype, {n});
    for (int64_t i = 0; i < n; ++i)
      out.setDouble(i, s + i * d);
    return out;
  }
  int64_t s = start.getInt(0), l = limit.getInt(0), d = delta.getInt(0);
  if (d == 0) {
    error = "delta is 0";
    return std::nullopt;
  }
  // ceil((l - s) / d) without overflow for the ranges that matter.
  __int128 span = (__int128)l - s;
  __int128 cnt = d > 0 ? (span + d - 1) / d : (span + d + 1) / d;
  if (cnt > kMaxRange) {
    error = "range is too long";
    return std::nullopt;
  }
  int64_t n = cnt > 0 ? (int64_t)cnt : 0;
  HostTensor out = HostTensor::zeros(start.dtype, {n});
  for (int64_t i = 0; i < n; ++i)
    out.setInt(i, s + i * d);
  return out;
}

HostTensor foldFill(const HostTensor &value, ArrayRef<int64_t> shape) {
  HostTensor out = HostTensor::zeros(value.dtype, shape);
  for (int64_t i = 0, e = out.numElements(); i < e; ++i)
    copyElement(out, i, value, 0);
  return out;
}

} // namespace kiln
