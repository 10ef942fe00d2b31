//===- ImportContext.h - State shared by the ONNX importer's parts -*- C++ -*-===//
//
// The importer (OnnxImporter.cpp) walks the ONNX nodes in order and hands
// each one, as a NodeContext, to the handler registered for its op type
// (ComputeOps.cpp, ShapeOps.cpp, TensorOps.cpp, QuantOps.cpp, Opset23Ops.cpp,
// MicrosoftOps.cpp).
//
// Expects: handlers read inputs as Operands (a host constant or an SSA value
// of static ranked tensor type), check the node against ONNX semantics, and
// report problems with NodeContext::fail.
// Produces: each handler sets every output it defines, either folded into a
// HostTensor (when canFold allows) or as the result of a graph op built with
// NodeContext::create.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_ONNX_IMPORTCONTEXT_H
#define KILN_COMPILER_IMPORT_ONNX_IMPORTCONTEXT_H

#include "compiler/Import/Onnx/ConstantFolder.h"
#include "compiler/Import/Onnx/OnnxImporter.h"
#include "dialects/Graph/GraphOps.h"
#include "dialects/Utils/Shape.h"
#include "dialects/Utils/SymShape.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include "onnx/onnx_pb.h"

namespace kiln {

/// Largest result, in elements, that a node with constant inputs folds into.
constexpr int64_t kMaxFoldElements = int64_t(1) << 20;
/// Largest tensor, in elements, built on the host when the op always folds
/// (ConstantOfShape, Range).
constexpr int64_t kMaxHostElements = int64_t(1) << 28;

/// Element count of `shape`; nullopt when a dim is negative or the count is
/// above 2^40 (so that it never overflows).
inline std::optional<int64_t> checkedNumElements(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d && n > (int64_t(1) << 40) / d))
      return std::nullopt;
    n *= d;
  }
  return n;
}

/// A small integer (or bool) tensor of rank <= 1 whose elements are
/// polynomials of the symbolic dims: what Shape of a symbolic tensor gives,
/// and the shape arithmetic the exporters build from it. It folds like a
/// constant; used as data it becomes graph.iota.
struct SymTensor {
  DType dtype = DType::I64;
  llvm::SmallVector<int64_t> shape;
  llvm::SmallVector<SymExpr> elems;
};

/// Constant dims as SymExprs.
inline llvm::SmallVector<SymExpr> toSym(llvm::ArrayRef<int64_t> dims) {
  llvm::SmallVector<SymExpr> r;
  for (int64_t d : dims)
    r.push_back(SymExpr::constant(d));
  return r;
}

/// The dims as int64 when all are constants.
inline std::optional<llvm::SmallVector<int64_t>> staticDims(llvm::ArrayRef<SymExpr> dims) {
  llvm::SmallVector<int64_t> r;
  for (const SymExpr &d : dims) {
    if (!d.isConst())
      return std::nullopt;
    r.push_back(*d.constValue());
  }
  return r;
}

/// DequantizeLinear of a 4-bit constant q [R, C] with f32 scales (and zero
/// points of q's type) in blocks of `blockSize` along `axis`: [ceil(R/G), C]
/// or [R, ceil(C/G)]. QuantOps.cpp attaches it to the f32 result, so that a
/// MatMul or Gemm reading that as B runs on the 4-bit values
/// (FourBitMatMul.cpp) and the f32 weight is never materialized.
struct FourBitWeight {
  HostTensor q, scale;
  std::optional<HostTensor> zero;
  int64_t axis = 0, blockSize = 0;
};

/// An ONNX value during import: a host constant, a symbolic integer tensor
/// or an SSA value (whose type may have symbolic dims).
struct Operand {
  std::shared_ptr<HostTensor> constant;
  mlir::Value value;
  std::shared_ptr<SymTensor> sym;
  /// Set beside `constant` or `value` on a dequantized 4-bit weight.
  std::shared_ptr<const FourBitWeight> fourBit;

  static Operand of(HostTensor t) { return {std::make_shared<HostTensor>(std::move(t)), {}, {}, {}}; }
  static Operand of(mlir::Value v) { return {nullptr, v, {}, {}}; }
  /// A SymTensor, or a HostTensor when every element is a constant.
  static Operand of(SymTensor t);
  bool isConst() const { return constant != nullptr; }
  bool isSym() const { return sym != nullptr; }
  /// Static dims; a symbolic dim reads as ShapedType::kDynamic.
  llvm::ArrayRef<int64_t> shape() const;
  /// Every dim as a polynomial of the symbols (constants for static dims).
  llvm::SmallVector<SymExpr> symShape() const;
  /// Whether a dim is symbolic (a value of symbolic type).
  bool hasSymbolicDims() const;
  DType dtype() const;
  int64_t rank() const { return shape().size(); }
  /// The element count; INT64_MAX when a dim is symbolic (never folds) or
  /// the product overflows (a hostile model's 2^62 heads: not UB).
  int64_t numElements() const {
    if (hasSymbolicDims())
      return INT64_MAX;
    int64_t n = 1;
    for (int64_t d : shape())
      if (__builtin_mul_overflow(n, d, &n))
        return INT64_MAX;
    return n;
  }
};

/// DType <-> MLIR element type. mlirElementType gives f64 for F64, which no
/// graph op accepts.
mlir::Type mlirElementType(mlir::MLIRContext *ctx, DType t);
std::optional<DType> dtypeOf(mlir::Type elementType);

class Importer;
class NodeContext;
using OpHandler = mlir::LogicalResult (*)(NodeContext &);

/// Handlers by ONNX op type (default domain).
void addComputeOpHandlers(llvm::StringMap<OpHandler> &handlers);
void addShapeOpHandlers(llvm::StringMap<OpHandler> &handlers);
void addTensorOpHandlers(llvm::StringMap<OpHandler> &handlers);
void addQuantOpHandlers(llvm::StringMap<OpHandler> &handlers);
/// RMSNormalization, RotaryEmbedding and Attention (opset 23).
void addOpset23OpHandlers(llvm::StringMap<OpHandler> &handlers);
/// Handlers of other domains, keyed DOMAIN.OpType (com.microsoft.MatMulNBits).
void addMicrosoftOpHandlers(llvm::StringMap<OpHandler> &handlers);

/// One node being imported.
class NodeContext {
public:
  NodeContext(Importer &imp, const onnx::NodeProto &node, std::string name, int64_t opset,
              llvm::SmallVector<std::optional<Operand>> inputs);

  const onnx::NodeProto &node;
  const std::string name;
  const int64_t opset;
  mlir::OpBuilder &b;
  mlir::Location loc;

  // Inputs. Absent optional inputs (empty names) are not "present".
  size_t numInputs() const { return inputs.size(); }
  bool hasInput(size_t i) const { return i < inputs.size() && inputs[i]; }
  const Operand &in(size_t i) const { return *inputs[i]; }
  /// Fails unless the first `count` inputs are present.
  mlir::LogicalResult expectInputs(size_t count);
  bool allInputsConst() const;

  // Attributes.
  const onnx::AttributeProto *attr(llvm::StringRef attrName) const;
  int64_t attrInt(llvm::StringRef attrName, int64_t def) const;
  float attrFloat(llvm::StringRef attrName, float def) const;
  std::string attrString(llvm::StringRef attrName, llvm::StringRef def) const;
  std::optional<llvm::SmallVector<int64_t>> attrInts(llvm::StringRef attrName) const;
  /// A TENSOR attribute, decoded (external data resolved).
  mlir::FailureOr<HostTensor> attrTensor(const onnx::AttributeProto &a);

  /// Input i, which must be a compile-time constant ("input 1 'shape' must be
  /// a constant" otherwise).
  mlir::FailureOr<const HostTensor *> constInput(size_t i, llvm::StringRef what);
  mlir::FailureOr<llvm::SmallVector<int64_t>> constInts(size_t i, llvm::StringRef what);
  /// Input i as polynomials of the symbols: a constant or a SymTensor of
  /// integers ("input 1 'shape' must be a constant" otherwise).
  mlir::FailureOr<llvm::SmallVector<SymExpr>> symInts(size_t i, llvm::StringRef what);
  /// Integer list given as attribute `attrName` before opset `inputSince`, as
  /// optional input i from then on; nullopt when absent.
  mlir::FailureOr<std::optional<llvm::SmallVector<int64_t>>>
  intsAttrOrInput(llvm::StringRef attrName, int64_t inputSince, size_t i);
  /// Normalises a possibly negative axis into [0, rank).
  mlir::FailureOr<int64_t> normAxis(int64_t axis, int64_t rank, llvm::StringRef what = "axis");

  // Outputs.
  size_t numOutputs() const { return node.output_size(); }
  bool outputUsed(size_t i) const;
  /// Whether output i is the B of a MatMul/Gemm whose A is dequantized (the
  /// static QDQ form).
  bool outputIsQdqWeight(size_t i) const;
  mlir::LogicalResult set(size_t i, Operand v);
  /// Records "FILE: node 'n' (Op): msg" and returns failure.
  mlir::LogicalResult fail(const llvm::Twine &msg);
  /// The same for what Kiln does not support yet (ImportReport::firstUnsupported).
  mlir::LogicalResult unsupported(const llvm::Twine &msg);

  // Building.
  /// True when all `ins` are constants and the result is small enough.
  bool canFold(llvm::ArrayRef<const Operand *> ins, int64_t resultElements) const;
  bool canFoldAll(int64_t resultElements) const;
  mlir::Value materialize(const Operand &x);
  mlir::RankedTensorType tensorType(llvm::ArrayRef<int64_t> shape, DType t) const;
  /// Static when every dim is a constant, else `?` dims with the encoding.
  mlir::RankedTensorType tensorType(llvm::ArrayRef<SymExpr> shape, DType t) const;
  template <typename OpT, typename... Args>
  mlir::Value create(llvm::ArrayRef<int64_t> shape, DType t, Args &&...args) {
    return b.create<OpT>(loc, tensorType(shape, t), std::forward<Args>(args)...).getResult();
  }
  template <typename OpT, typename... Args>
  mlir::Value create(llvm::ArrayRef<SymExpr> shape, DType t, Args &&...args) {
    return b.create<OpT>(loc, tensorType(shape, t), std::forward<Args>(args)...).getResult();
  }
  unsigned numSymbols() const;
  /// Dims for messages: [batch,seq*4,128].
  std::string str(llvm::ArrayRef<SymExpr> dims) const;
  std::string str(const SymExpr &e) const;
  /// Records that `e` must be >= 0 at run time (`what` says why); fails
  /// when it never holds. Nothing is recorded when it always holds.
  mlir::LogicalResult requireGE0(const SymExpr &e, const llvm::Twine &what);
  mlir::ArrayAttr i64Array(llvm::ArrayRef<int64_t> values) { return b.getI64ArrayAttr(values); }

private:
  Importer &imp;
  llvm::SmallVector<std::optional<Operand>> inputs;
};

// Building blocks that fold constants and emit graph ops otherwise; shared
// by handlers that decompose one ONNX op into several graph ops.
Operand reshapeTo(NodeContext &n, const Operand &x, llvm::ArrayRef<int64_t> shape);
Operand expandTo(NodeContext &n, const Operand &x, llvm::ArrayRef<int64_t> shape);
Operand reshapeTo(NodeContext &n, const Operand &x, llvm::ArrayRef<SymExpr> shape);
Operand expandTo(NodeContext &n, const Operand &x, llvm::ArrayRef<SymExpr> shape);
Operand transposeBy(NodeContext &n, const Operand &x, llvm::ArrayRef<int64_t> perm);
Operand sliceBy(NodeContext &n, const Operand &x, llvm::ArrayRef<int64_t> starts,
                llvm::ArrayRef<int64_t> steps, llvm::ArrayRef<int64_t> shape);
/// The same with a result shape whose unsliced dims may be symbolic (the
/// sliced ones take constant starts; steps of 1 where a dim is symbolic).
Operand sliceBy(NodeContext &n, const Operand &x, llvm::ArrayRef<int64_t> starts, llvm::ArrayRef<int64_t> steps,
                llvm::ArrayRef<SymExpr> shape);
/// `a kind b` with numpy broadcasting; fails (with a message) on shapes that
/// do not broadcast or element types that differ.
mlir::FailureOr<Operand> buildBinary(NodeContext &n, BinaryKind kind, const Operand &a,
                                     const Operand &b);
mlir::FailureOr<Operand> buildUnary(NodeContext &n, UnaryKind kind, const Operand &x);
/// numpy matmul (batch broadcast, 1-D operands promoted), any numeric type.
mlir::FailureOr<Operand> buildMatMul(NodeContext &n, const Operand &a, const Operand &b);
/// A reduction over sorted, distinct `axes`.
Operand buildReduce(NodeContext &n, const Operand &x, ReduceKind kind, llvm::StringRef kindName,
                    llvm::ArrayRef<int64_t> axes, bool keepdims);
/// Element type conversion with ONNX Cast semantics.
Operand convertTo(NodeContext &n, const Operand &x, DType to);
/// `a` x the dequantized weight `w` (B of a MatMul, or of a Gemm with
/// `transB`), alpha folded into the scales and an optional f32 [N] bias, as a
/// graph.matmul_nbits over the 4-bit values; nullopt where that op cannot
/// take it (A not f32 of rank >= 2, the blocks not along K): the caller then
/// multiplies by the f32 weight.
std::optional<Operand> fourBitMatMul(NodeContext &n, const Operand &a, const FourBitWeight &w, bool transB,
                                     float alpha, mlir::Value bias);

/// A chain of buildBinary/buildUnary steps on one value that stops at the
/// first failure (which has already been reported): `Chain{n, x}.bin(...).un(...)`.
struct Chain {
  NodeContext &n;
  mlir::FailureOr<Operand> v;
  Chain &bin(BinaryKind k, const Operand &rhs) {
    if (mlir::succeeded(v))
      v = buildBinary(n, k, *v, rhs);
    return *this;
  }
  Chain &un(UnaryKind k) {
    if (mlir::succeeded(v))
      v = buildUnary(n, k, *v);
    return *this;
  }
};

/// Imports one model; see importOnnxFile.
class Importer {
public:
  Importer(mlir::MLIRContext &ctx, std::string path, const ImportOptions &options,
           onnx::ModelProto &model);
  mlir::OwningOpRef<mlir::ModuleOp> run(std::string &error);

  // Used by NodeContext.
  mlir::MLIRContext &ctx;
  const std::string path;
  mlir::OpBuilder builder;
  mlir::Location fileLoc;
  mlir::Value materialize(const Operand &x);
  void addError(std::string msg);
  /// An error that says Kiln lacks something, not that the model is wrong.
  void addUnsupported(std::string msg);
  bool isUsed(llvm::StringRef value) const { return used.contains(value); }
  bool isQdqWeight(llvm::StringRef value) const { return qdqWeights.contains(value); }
  void define(llvm::StringRef value, Operand v) { values[value] = std::move(v); }
  /// Notes that graph input `value` is needed at compile time.
  void needBinding(llvm::StringRef value);
  /// The symbolic dims (--symbolic-dims): names, in symbol order.
  std::vector<std::string> symbolNames;
  unsigned numSymbols() const { return symbolNames.size(); }
  /// Run-time conditions on the symbols: expr >= 0, and why.
  std::vector<std::pair<SymExpr, std::string>> constraints;
  ImportReport report;
  /// Decodes a TensorProto. With `stealRaw` (the proto's raw_data), the
  /// bytes are moved out of the proto instead of copied.
  std::optional<HostTensor> loadTensor(const onnx::TensorProto &t, const std::string &valueName,
                                       std::string &error, std::string *stealRaw = nullptr) const;
  /// loadTensor of an INT4 or UINT4 tensor: unpacked, one value per byte.
  std::optional<HostTensor> loadFourBit(const onnx::TensorProto &t, DType dt, const std::string &valueName,
                                        std::string &error) const;

private:
  bool checkStructure();
  bool checkSupported();
  bool loadInitializers();
  bool bindInputs();
  bool collectInputs(llvm::SmallVectorImpl<mlir::Type> &types,
                     llvm::SmallVectorImpl<std::string> &names);
  void setSymbolAttrs(mlir::func::FuncOp func);
  /// Input dim `d` whose dim_param is an expression (`past + seq`), over the
  /// pinned dims and the symbols; reports why not and returns nullopt.
  std::optional<SymExpr> dimExpression(const std::string &input, int d, const std::string &text);
  /// Where each symbol is first read: (input position, dim).
  std::vector<std::pair<int, int>> symbolBinders;
  void importNode(const onnx::NodeProto &node, size_t index);
  int64_t opsetFor(const std::string &domain) const;

  const ImportOptions &options;
  onnx::ModelProto &model;
  std::string modelDir;
  llvm::StringMap<OpHandler> handlers;
  llvm::StringMap<Operand> values;
  llvm::StringSet<> poisoned, used;
  /// B operands of MatMul/Gemm nodes whose A is a DequantizeLinear's output.
  llvm::StringSet<> qdqWeights;
  /// One graph.constant per host tensor; holds the tensor so that its
  /// address is not reused while cached.
  llvm::DenseMap<const HostTensor *, std::pair<std::shared_ptr<HostTensor>, mlir::Value>>
      constantCache;
  llvm::DenseMap<mlir::Attribute, mlir::Value> denseConstants;
  std::vector<std::string> errors;
};

} // namespace kiln

#endif // KILN_COMPILER_IMPORT_ONNX_IMPORTCONTEXT_H
