//===- ConstantFolder.h - Host tensors and ONNX kernels on them -*- C++ -*-===//
//
// The importer keeps every ONNX value that is known at compile time
// (initializers, Constant nodes, shape arithmetic) as a HostTensor and
// evaluates nodes whose inputs are all such tensors with the kernels declared
// here.
//
// Expects: operands already checked by the importer (shapes broadcast, axes
// normalised and in range, permutations valid); the kernels only report the
// problems that depend on element values (an index out of range, an integer
// division by zero).
// Produces: new HostTensors. Elements are stored in their native little-endian
// layout, so int64 values never pass through double (Slice ends of INT64_MAX
// survive) and float results are rounded to their dtype's precision on store.
// Float arithmetic is done in double.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_ONNX_CONSTANTFOLDER_H
#define KILN_COMPILER_IMPORT_ONNX_CONSTANTFOLDER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace kiln {

/// Element types a host tensor can hold. F64 exists only so that DOUBLE
/// constants can be folded (e.g. cast away); it has no graph dialect type.
/// I4 and UI4 (ONNX INT4/UINT4 initializers) are held unpacked, one value per
/// byte (I4 sign-extended), and have no graph dialect type either: only
/// DequantizeLinear reads them (see OnnxImporter.cpp).
enum class DType : uint8_t { F32, F16, F64, I64, I32, I8, UI8, Bool, I4, UI4 };

size_t dtypeSize(DType t);
bool isFloatDType(DType t);
/// The ONNX spelling, for messages: FLOAT, INT64, BOOL, ...
const char *dtypeName(DType t);
/// Maps an onnx::TensorProto::DataType value; nullopt for unsupported ones.
/// INT4 and UINT4 are not mapped: they are only read as tensors (below).
std::optional<DType> dtypeFromOnnx(int32_t onnxType);
/// dtypeFromOnnx, plus INT4 and UINT4: the types a TensorProto may hold.
std::optional<DType> tensorDTypeFromOnnx(int32_t onnxType);
/// Whether `t` is I4 or UI4.
inline bool isFourBit(DType t) { return t == DType::I4 || t == DType::UI4; }

/// A tensor known at import time. Reshapes share `data` with their source.
struct HostTensor {
  DType dtype = DType::F32;
  llvm::SmallVector<int64_t> shape;
  /// Element bytes; a std::string so that protobuf raw_data can be moved in.
  std::shared_ptr<std::string> data;
  /// The ONNX value this tensor was first produced as (initializer name or
  /// node output); names the graph.constant's resource blob.
  std::string name;

  /// A zero-filled tensor.
  static HostTensor zeros(DType dtype, llvm::ArrayRef<int64_t> shape);
  static HostTensor fromInts(DType dtype, llvm::ArrayRef<int64_t> shape,
                             llvm::ArrayRef<int64_t> values);
  static HostTensor fromDoubles(DType dtype, llvm::ArrayRef<int64_t> shape,
                                llvm::ArrayRef<double> values);

  int64_t numElements() const;
  const char *bytes() const { return data->data(); }
  size_t byteSize() const { return data->size(); }
  /// Element i, converted. getInt truncates floats toward zero (saturating).
  double getDouble(int64_t i) const;
  int64_t getInt(int64_t i) const;
  /// Stores element i, rounding/wrapping to the dtype (bool: v != 0).
  void setDouble(int64_t i, double v);
  void setInt(int64_t i, int64_t v);
  /// All elements as int64 (for shape/axes/index inputs).
  llvm::SmallVector<int64_t> toInts() const;
  /// True when every element has the same bytes.
  bool isSplat() const;
};

enum class UnaryKind {
  Sqrt,
  Erf,
  Tanh,
  Exp,
  Neg,
  Relu,
  Sigmoid,
  IsNaN,
  Not,
  Gelu,
  GeluTanh,
  Abs,
  Ceil,
  Floor,
  Round,
  Cos,
  Sin,
  Log,
  Reciprocal,
  Sign,
  Softplus
};
enum class BinaryKind {
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  And,
  Or,
  Equal,
  Greater,
  GreaterOrEqual,
  Less,
  LessOrEqual,
  Xor,
  Max,
  Min,
  /// ONNX Mod with fmod = 0: the result has the divisor's sign.
  Mod,
  /// ONNX Mod with fmod = 1: C fmod, the result has the dividend's sign.
  FMod
};
enum class ReduceKind { Mean, Sum, Max, Min, Prod, L1, L2, SumSquare, LogSum, LogSumExp };

bool isComparison(BinaryKind k);

HostTensor foldUnary(UnaryKind kind, const HostTensor &x);
/// Numpy-broadcasting binary op; `shape` is the broadcast shape. Comparisons
/// give Bool, the others the lhs dtype. Fails on integer division (or Mod) by
/// zero.
std::optional<HostTensor> foldBinary(BinaryKind kind, const HostTensor &a, const HostTensor &b,
                                     llvm::ArrayRef<int64_t> shape, std::string &error);
HostTensor foldWhere(const HostTensor &c, const HostTensor &x, const HostTensor &y,
                     llvm::ArrayRef<int64_t> shape);
HostTensor foldCast(const HostTensor &x, DType to);
/// Same elements, new shape (shares the data).
HostTensor foldReshape(const HostTensor &x, llvm::ArrayRef<int64_t> shape);
HostTensor foldTranspose(const HostTensor &x, llvm::ArrayRef<int64_t> perm);
/// Broadcast to `shape` (which x broadcasts to).
HostTensor foldExpand(const HostTensor &x, llvm::ArrayRef<int64_t> shape);
/// Normalised slice: result element i of dim d is x[starts[d] + i*steps[d]].
HostTensor foldSlice(const HostTensor &x, llvm::ArrayRef<int64_t> starts,
                     llvm::ArrayRef<int64_t> steps, llvm::ArrayRef<int64_t> shape);
HostTensor foldConcat(llvm::ArrayRef<const HostTensor *> xs, int64_t axis);
std::optional<HostTensor> foldGather(const HostTensor &data, const HostTensor &indices,
                                     int64_t axis, std::string &error);
std::optional<HostTensor> foldGatherElements(const HostTensor &data, const HostTensor &indices,
                                             int64_t axis, std::string &error);
std::optional<HostTensor> foldGatherND(const HostTensor &data, const HostTensor &indices,
                                       int64_t batchDims, std::string &error);
/// `axes` sorted, unique, non-negative.
HostTensor foldReduce(ReduceKind kind, const HostTensor &x, llvm::ArrayRef<int64_t> axes,
                      bool keepdims);
/// Numpy matmul; `shape` is the result shape.
HostTensor foldMatMul(const HostTensor &a, const HostTensor &b, llvm::ArrayRef<int64_t> shape);
/// ONNX Range with scalar start/limit/delta of one dtype; fails on delta 0.
std::optional<HostTensor> foldRange(const HostTensor &start, const HostTensor &limit,
                                    const HostTensor &delta, std::string &error);
/// A tensor of `shape` filled with the single element of `value`.
HostTensor foldFill(const HostTensor &value, llvm::ArrayRef<int64_t> shape);

} // namespace kiln

#endif // KILN_COMPILER_IMPORT_ONNX_CONSTANTFOLDER_H
