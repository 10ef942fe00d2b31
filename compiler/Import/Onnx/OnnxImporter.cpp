//===- OnnxImporter.cpp - ONNX ModelProto to the graph dialect -------------===//
//
// Expects: a path to an ONNX model, either a binary ModelProto or ONNX text
// syntax (".onnxtxt"), whose weights may live in raw_data, the typed fields
// or external data files next to the model; values for the symbolic dims of
// the graph inputs.
// Produces: a module holding `func.func @main`, one argument per graph input
// that is not an initializer (arg attr `kiln.name`), one result per graph
// output (func attrs `kiln.output_names`, `kiln.source`), made only of graph
// ops with static shapes. Values known at compile time stay on the host
// (HostTensor) until a graph op needs them, which materialises them once as
// graph.constant (dense_resource blobs for weights). Every problem found is
// reported, one per line, as "FILE: ..." and no module is returned.
//
// This file holds the model reading, the checks that run before any node is
// imported, the node walk and NodeContext; the per-op handlers live in
// ComputeOps.cpp, ShapeOps.cpp and TensorOps.cpp.
//
//===----------------------------------------------------------------------===//
#include "compiler/Import/Onnx/OnnxImporter.h"
#include "compiler/Import/Onnx/ImportContext.h"
#include "compiler/Import/Onnx/DimParam.h"
#include "compiler/Import/Onnx/ExternalData.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/defs/parser.h"

#include <fstream>

using namespace mlir;
using namespace llvm;

namespace kiln {

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

Operand Operand::of(SymTensor t) {
  SmallVector<int64_t> ints;
  for (const SymExpr &e : t.elems) {
    if (!e.isConst())
      return {nullptr, {}, std::make_shared<SymTensor>(std::move(t)), {}};
    ints.push_back(*e.constValue());
  }
  return of(HostTensor::fromInts(t.dtype, t.shape, ints));
}

ArrayRef<int64_t> Operand::shape() const {
  if (constant)
    return constant->shape;
  if (sym)
    return sym->shape;
  return cast<RankedTensorType>(value.getType()).getShape();
}

SmallVector<SymExpr> Operand::symShape() const {
  if (value)
    return dimExprs(cast<RankedTensorType>(value.getType()));
  SmallVector<SymExpr> dims;
  for (int64_t d : shape())
    dims.push_back(SymExpr::constant(d));
  return dims;
}

bool Operand::hasSymbolicDims() const { return value && isSymbolic(value.getType()); }

DType Operand::dtype() const {
  if (constant)
    return constant->dtype;
  if (sym)
    return sym->dtype;
  return dtypeOf(cast<RankedTensorType>(value.getType()).getElementType()).value_or(DType::F32);
}

Type mlirElementType(MLIRContext *ctx, DType t) {
  switch (t) {
  case DType::F32: return Float32Type::get(ctx);
  case DType::F16: return Float16Type::get(ctx);
  case DType::F64: return Float64Type::get(ctx);
  case DType::I64: return IntegerType::get(ctx, 64);
  case DType::I32: return IntegerType::get(ctx, 32);
  case DType::I8: return IntegerType::get(ctx, 8);
  case DType::UI8: return IntegerType::get(ctx, 8, IntegerType::Unsigned);
  case DType::Bool: return IntegerType::get(ctx, 1);
  case DType::I4:
  case DType::UI4: break; // Never materialized: importNode refuses them.
  }
  return {};
}

std::optional<DType> dtypeOf(Type t) {
  if (t.isF32())
    return DType::F32;
  if (t.isF16())
    return DType::F16;
  if (t.isF64())
    return DType::F64;
  if (t.isSignlessInteger(64))
    return DType::I64;
  if (t.isSignlessInteger(32))
    return DType::I32;
  if (t.isSignlessInteger(8))
    return DType::I8;
  if (t.isUnsignedInteger(8))
    return DType::UI8;
  if (t.isSignlessInteger(1))
    return DType::Bool;
  return std::nullopt;
}

static std::string onnxTypeName(int32_t t) {
  if (std::optional<DType> d = tensorDTypeFromOnnx(t); d && isFourBit(*d))
    return dtypeName(*d); // newer than this onnx library's enum
  if (onnx::TensorProto_DataType_IsValid(t))
    return onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(t));
  return "type " + std::to_string(t);
}

static std::string nodeName(const onnx::NodeProto &node, size_t index) {
  if (!node.name().empty())
    return node.name();
  return node.op_type() + "_" + std::to_string(index);
}

/// Halide addresses a buffer with 32-bit offsets: past 2^31-1 elements (or
/// with a dim past that) the generated code can only fail at run time. Returns
/// "" when `shape` fits, else what is wrong, naming the dim that overflows.
static std::string bufferTooLarge(ArrayRef<int64_t> shape) {
  constexpr int64_t limit = INT32_MAX;
  int64_t n = 1;
  for (auto [d, size] : llvm::enumerate(shape)) {
    if (ShapedType::isDynamic(size))
      continue; // Symbolic: bounded by the runtime for the sizes given.
    if (size == 0)
      return "";
    if (size > limit || n > limit / size) {
      std::string dims;
      for (auto [i, x] : llvm::enumerate(shape))
        dims += (i ? "," : "") + (ShapedType::isDynamic(x) ? std::string("?") : std::to_string(x));
      return "has shape [" + dims + "]: dim " + std::to_string(d) +
             " takes it past 2^31-1 elements, the most one buffer can hold";
    }
    n *= size;
  }
  return "";
}

/// The newest opset of the default domain whose op forms the importer knows.
constexpr int64_t kNewestOpset = 23;

static std::string normDomain(const std::string &domain) {
  return domain == "ai.onnx" ? "" : domain;
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

static bool readModel(const std::string &path, onnx::ModelProto &model, std::string &err) {
  if (sys::fs::is_directory(path)) {
    err = "is a directory";
    return false;
  }
  if (!StringRef(path).ends_with(".onnxtxt")) {
    uint64_t size = 0;
    if (!sys::fs::file_size(path, size) && size > (uint64_t)INT32_MAX) {
      err = "the file is over 2 GiB; store the weights as external data";
      return false;
    }
    // Parsed straight from the file, so that the bytes are held only once.
    int fd = -1;
    if (std::error_code ec = sys::fs::openFileForRead(path, fd)) {
      err = ec.message();
      return false;
    }
    bool ok = model.ParseFromFileDescriptor(fd);
    sys::Process::SafelyCloseFileDescriptor(fd);
    if (!ok)
      err = "not a valid ModelProto (corrupt or truncated protobuf)";
    return ok;
  }
  auto buf = MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/true);
  if (!buf) {
    err = buf.getError().message();
    return false;
  }
  onnx::OnnxParser parser((*buf)->getBufferStart());
  auto status = parser.Parse(model);
  if (!status.IsOK()) {
    err = status.ErrorMessage();
    return false;
  }
  if (!parser.EndOfInput()) {
    err = "unexpected text after the graph";
    return false;
  }
  return true;
}

/// Two 4-bit values per byte, the even element in the low nibble, as ONNX
/// packs INT4/UINT4 (an odd count leaves the last high nibble as padding):
/// unpacked to one byte each, INT4 sign-extended.
static std::shared_ptr<std::string> unpackFourBit(llvm::function_ref<uint8_t(int64_t)> byteAt, int64_t n,
                                                  bool isSigned) {
  auto out = std::make_shared<std::string>(n, '\0');
  for (int64_t i = 0; i < n; ++i) {
    uint8_t v = (byteAt(i / 2) >> (i % 2 ? 4 : 0)) & 15;
    (*out)[i] = static_cast<char>(isSigned && v >= 8 ? v - 16 : v);
  }
  return out;
}

/// A tensor's dims into `shape`, and their product; nullopt (with `error`)
/// for a negative dim or a product past 2^40 elements.
static std::optional<int64_t> readDims(const onnx::TensorProto &t, const std::string &valueName,
                                       llvm::SmallVectorImpl<int64_t> &shape, std::string &error) {
  int64_t n = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || (d && n > (int64_t(1) << 40) / d)) {
      error = "'" + valueName + "' has a negative or too large dim";
      return std::nullopt;
    }
    shape.push_back(d);
    n *= d;
  }
  return n;
}

std::optional<HostTensor> Importer::loadFourBit(const onnx::TensorProto &t, DType dt, const std::string &valueName,
                                                std::string &error) const {
  HostTensor h;
  h.dtype = dt;
  h.name = valueName;
  std::optional<int64_t> count = readDims(t, valueName, h.shape, error);
  if (!count)
    return std::nullopt;
  int64_t n = *count;
  int64_t packed = (n + 1) / 2;
  bool isSigned = dt == DType::I4;
  auto sizeError = [&](const std::string &what, int64_t got) -> std::optional<HostTensor> {
    error = "'" + valueName + "' (" + dtypeName(dt) + ", " + std::to_string(n) + " values, two per byte) has " +
            std::to_string(got) + " " + what + ", expected " + std::to_string(packed);
    return std::nullopt;
  };
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    std::optional<std::string> bytes = readExternalData(t, modelDir, valueName, packed, error);
    if (!bytes)
      return std::nullopt;
    h.data = unpackFourBit([&](int64_t i) { return uint8_t((*bytes)[i]); }, n, isSigned);
  } else if (t.has_raw_data()) {
    if ((int64_t)t.raw_data().size() != packed)
      return sizeError("bytes of raw_data", t.raw_data().size());
    h.data = unpackFourBit([&](int64_t i) { return uint8_t(t.raw_data()[i]); }, n, isSigned);
  } else {
    // int32_data holds the packed bytes, one per element.
    if (t.int32_data_size() != packed)
      return sizeError("values in int32_data", t.int32_data_size());
    h.data = unpackFourBit([&](int64_t i) { return uint8_t(t.int32_data(i)); }, n, isSigned);
  }
  return h;
}

std::optional<HostTensor> Importer::loadTensor(const onnx::TensorProto &t,
                                               const std::string &valueName, std::string &error,
                                               std::string *stealRaw) const {
  std::optional<DType> dt = tensorDTypeFromOnnx(t.data_type());
  if (!dt) {
    error = "'" + valueName + "' has unsupported element type " + onnxTypeName(t.data_type());
    return std::nullopt;
  }
  if (isFourBit(*dt))
    return loadFourBit(t, *dt, valueName, error);
  HostTensor h;
  h.dtype = *dt;
  h.name = valueName;
  std::optional<int64_t> count = readDims(t, valueName, h.shape, error);
  if (!count)
    return std::nullopt;
  int64_t n = *count;
  size_t bytes = n * dtypeSize(*dt);
  auto allocate = [&] { h.data = std::make_shared<std::string>(bytes, '\0'); };
  auto sizeError = [&](const char *what, size_t got, size_t want) -> std::optional<HostTensor> {
    error = "'" + valueName + "' has " + std::to_string(got) + " " + what + ", expected " +
            std::to_string(want);
    return std::nullopt;
  };

  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    std::optional<std::string> bytesRead = readExternalData(t, modelDir, valueName, bytes, error);
    if (!bytesRead)
      return std::nullopt;
    h.data = std::make_shared<std::string>(std::move(*bytesRead));
    return h;
  }
  if (t.has_raw_data()) {
    if (t.raw_data().size() != bytes)
      return sizeError("bytes of raw_data", t.raw_data().size(), bytes);
    if (stealRaw)
      h.data = std::make_shared<std::string>(std::move(*stealRaw));
    else
      h.data = std::make_shared<std::string>(t.raw_data());
    return h;
  }
  // Typed fields: check the count before allocating anything.
  const char *field = *dt == DType::F32   ? "float_data"
                      : *dt == DType::F64 ? "double_data"
                      : *dt == DType::I64 ? "int64_data"
                                          : "int32_data";
  int64_t have = *dt == DType::F32   ? t.float_data_size()
                 : *dt == DType::F64 ? t.double_data_size()
                 : *dt == DType::I64 ? t.int64_data_size()
                                     : t.int32_data_size();
  if (have != n)
    return sizeError((std::string("values in ") + field).c_str(), have, n);
  allocate();
  if (n == 0) // an empty field's data() may be NULL, which memcpy must not see
    return h;
  switch (*dt) {
  case DType::F32: std::memcpy(h.data->data(), t.float_data().data(), bytes); break;
  case DType::F64: std::memcpy(h.data->data(), t.double_data().data(), bytes); break;
  case DType::I64: std::memcpy(h.data->data(), t.int64_data().data(), bytes); break;
  case DType::F16: // IEEE half bits in the low 16 bits of int32_data.
    for (int64_t i = 0; i < n; ++i) {
      uint16_t bits = static_cast<uint16_t>(t.int32_data(i));
      std::memcpy(h.data->data() + 2 * i, &bits, 2);
    }
    break;
  default: // INT32, INT8, UINT8, BOOL
    for (int64_t i = 0; i < n; ++i)
      h.setInt(i, t.int32_data(i));
    break;
  }
  return h;
}

//===----------------------------------------------------------------------===//
// Checks before import
//===----------------------------------------------------------------------===//

Importer::Importer(MLIRContext &ctx, std::string path, const ImportOptions &options,
                   onnx::ModelProto &model)
    : ctx(ctx), path(std::move(path)), builder(&ctx),
      fileLoc(FileLineColLoc::get(&ctx, this->path, 0, 0)), options(options), model(model) {
  modelDir = sys::path::parent_path(this->path).str();
  addComputeOpHandlers(handlers);
  addShapeOpHandlers(handlers);
  addTensorOpHandlers(handlers);
  addQuantOpHandlers(handlers);
  addOpset23OpHandlers(handlers);
  addMicrosoftOpHandlers(handlers);
}

void Importer::addError(std::string msg) { errors.push_back(std::move(msg)); }

void Importer::addUnsupported(std::string msg) {
  if (report.firstUnsupported.empty())
    report.firstUnsupported = msg;
  errors.push_back(std::move(msg));
}

int64_t Importer::opsetFor(const std::string &domain) const {
  for (const auto &o : model.opset_import())
    if (normDomain(o.domain()) == domain)
      return o.version();
  return -1;
}

/// The checks protobuf does not do: a truncated file may still parse.
bool Importer::checkStructure() {
  auto parseError = [&](const Twine &msg) {
    errors.push_back(path + ": cannot parse ONNX model: " + msg.str());
  };
  const onnx::GraphProto &g = model.graph();
  if (!model.has_graph() || (g.node_size() == 0 && g.output_size() == 0)) {
    parseError("the model has no graph");
    return false;
  }
  if (g.output_size() == 0)
    parseError("the graph has no outputs");
  // Only nodes of the default domain need its opset (training-only models
  // may import nothing else); ops of other domains are reported unsupported.
  bool usesDefault = false;
  for (const onnx::NodeProto &node : g.node())
    usesDefault |= normDomain(node.domain()).empty();
  if (usesDefault && opsetFor("") < 0)
    parseError("no opset_import for the default ONNX domain");
  int64_t opset = opsetFor("");
  if (usesDefault && opset >= 0 && (opset < 1 || opset > kNewestOpset))
    parseError("opset " + Twine(opset) + " of the default ONNX domain is outside the opsets Kiln knows (1 to " +
               Twine(kNewestOpset) + ")");
  // Every value has one definition (SSA): a graph input, an initializer (which
  // may also be listed as an input: a default value) or one node output.
  // definedBy: the node index, or one of these two.
  enum : int { kGraphInput = -1, kInitializer = -2 };
  llvm::StringMap<int> definedBy;
  for (const auto &in : g.input())
    if (!definedBy.try_emplace(in.name(), kGraphInput).second)
      parseError("graph input '" + in.name() + "' is listed twice");
  llvm::StringSet<> inits;
  for (const auto &init : g.initializer()) {
    if (!inits.insert(init.name()).second)
      parseError("initializer '" + init.name() + "' is listed twice");
    definedBy.try_emplace(init.name(), kInitializer);
  }
  auto nodeWhere = [&](int i) {
    return "node '" + nodeName(g.node(i), i) + "' (" + g.node(i).op_type() + ")";
  };
  // Where each value is written, so that a use before its definition can say
  // whether the graph is out of order (or cyclic) or the value is missing.
  llvm::StringMap<int> writer;
  for (int i = 0; i < g.node_size(); ++i)
    for (const std::string &out : g.node(i).output())
      if (!out.empty())
        writer.try_emplace(out, i);
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto &node = g.node(i);
    if (node.op_type().empty())
      parseError("node " + Twine(i) + " has no op_type");
    for (const std::string &in : node.input()) {
      used.insert(in);
      if (in.empty() || definedBy.contains(in))
        continue;
      auto w = writer.find(in);
      if (w != writer.end())
        parseError(nodeWhere(i) + ": input '" + in + "' is written by node '" +
                   nodeName(g.node(w->second), w->second) + "', which does not come earlier "
                   "(the nodes are not in topological order, or form a cycle)");
      else
        parseError(nodeWhere(i) + ": input '" + in + "' is not defined by a graph input, an initializer or an "
                   "earlier node");
    }
    for (const std::string &out : node.output()) {
      if (out.empty())
        continue;
      auto [it, fresh] = definedBy.try_emplace(out, i);
      if (!fresh)
        parseError(nodeWhere(i) + ": output '" + out + "' is already defined by " +
                   (it->second == kGraphInput    ? std::string("the graph input")
                    : it->second == kInitializer ? std::string("the initializer")
                                                 : nodeWhere(it->second)));
    }
  }
  // Static QDQ matmuls: MatMul/Gemm whose A is a DequantizeLinear's output.
  // Their B's DequantizeLinear stays unfolded (QuantOps.cpp), so that
  // kiln-lift-qdq-matmul finds the integer weights.
  for (const onnx::NodeProto &node : g.node()) {
    if (!normDomain(node.domain()).empty() || (node.op_type() != "MatMul" && node.op_type() != "Gemm") ||
        node.input_size() < 2)
      continue;
    auto a = writer.find(node.input(0));
    if (a != writer.end() && g.node(a->second).op_type() == "DequantizeLinear" &&
        normDomain(g.node(a->second).domain()).empty())
      qdqWeights.insert(node.input(1));
  }
  for (const auto &out : g.output()) {
    used.insert(out.name());
    if (!definedBy.contains(out.name()))
      parseError("graph output '" + out.name() + "' is not defined");
  }
  return errors.empty();
}

/// Lists every unsupported op type with all the nodes that use it.
bool Importer::checkSupported() {
  struct Kind {
    int64_t opset;
    std::vector<std::string> nodes;
  };
  std::vector<std::pair<std::string, Kind>> kinds; // In first-use order.
  StringMap<size_t> index;
  const onnx::GraphProto &g = model.graph();
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto &node = g.node(i);
    std::string domain = normDomain(node.domain());
    std::string key = domain.empty() ? node.op_type() : domain + "." + node.op_type();
    if (handlers.count(key))
      continue;
    auto [it, isNew] = index.try_emplace(key, kinds.size());
    if (isNew)
      kinds.push_back({key, Kind{opsetFor(domain), {}}});
    Kind &k = kinds[it->second].second;
    k.nodes.push_back(nodeName(node, i));
  }
  for (auto &[op, kind] : kinds)
    addUnsupported(path + ": unsupported op '" + op + "' (opset " + std::to_string(kind.opset) +
                     ") in nodes: " + llvm::join(kind.nodes, ", "));
  return kinds.empty();
}

bool Importer::loadInitializers() {
  onnx::GraphProto *g = model.mutable_graph();
  bool ok = true;
  for (int i = 0; i < g->initializer_size(); ++i) {
    onnx::TensorProto *t = g->mutable_initializer(i);
    std::string err;
    std::optional<HostTensor> h =
        loadTensor(*t, t->name(), err, t->has_raw_data() ? t->mutable_raw_data() : nullptr);
    if (!h) {
      if (tensorDTypeFromOnnx(t->data_type()))
        errors.push_back(path + ": initializer " + err);
      else
        addUnsupported(path + ": initializer " + err);
      ok = false;
      continue;
    }
    define(t->name(), Operand::of(std::move(*h)));
  }
  return ok;
}

/// A --bind value: a TensorProto file, or integers "1,2,3" as a 1-D tensor.
static std::optional<HostTensor> readBoundValue(const Importer &imp, const std::string &input,
                                                const std::string &spec, std::string &err) {
  if (StringRef(spec).ends_with(".pb")) {
    std::ifstream f(spec, std::ios::binary);
    onnx::TensorProto t;
    if (!f || !t.ParseFromIstream(&f)) {
      err = "cannot read a TensorProto from '" + spec + "'";
      return std::nullopt;
    }
    return imp.loadTensor(t, input, err);
  }
  SmallVector<StringRef> parts;
  StringRef(spec).split(parts, ',', -1, /*KeepEmpty=*/false);
  SmallVector<int64_t> ints;
  for (StringRef p : parts) {
    int64_t v;
    if (p.trim().getAsInteger(10, v)) {
      err = "'" + spec + "' is neither a .pb file nor a list of integers";
      return std::nullopt;
    }
    ints.push_back(v);
  }
  return HostTensor::fromInts(DType::I64, {(int64_t)ints.size()}, ints);
}

bool Importer::bindInputs() {
  bool ok = true;
  for (const auto &[name, spec] : options.boundInputs) {
    bool fromFile = StringRef(spec).ends_with(".pb");
    auto bindError = [&](const Twine &msg) {
      errors.push_back(path + ": --bind " + name + ": " + msg.str());
      ok = false;
    };
    const onnx::ValueInfoProto *decl = nullptr;
    for (const onnx::ValueInfoProto &in : model.graph().input())
      if (in.name() == name)
        decl = &in;
    if (!decl) {
      bindError("the model has no input named '" + name + "'");
      continue;
    }
    std::string err;
    std::optional<HostTensor> t = readBoundValue(*this, name, spec, err);
    if (!t) {
      bindError(err);
      continue;
    }
    if (decl->type().has_tensor_type()) {
      const auto &tt = decl->type().tensor_type();
      std::optional<DType> want = dtypeFromOnnx(tt.elem_type());
      // A list of integers takes the declared integer type.
      if (want && *want != t->dtype && !isFloatDType(*want) && !isFloatDType(t->dtype) && !fromFile)
        *t = foldCast(*t, *want);
      if (want && *want != t->dtype) {
        bindError(Twine("the value is ") + dtypeName(t->dtype) + ", the input is declared " +
                  dtypeName(*want));
        continue;
      }
      // "--bind n=4" for a scalar input.
      if (tt.has_shape() && tt.shape().dim_size() == 0 && t->shape == SmallVector<int64_t>{1} && !fromFile)
        t->shape.clear();
      if (tt.has_shape()) {
        bool match = tt.shape().dim_size() == (int)t->shape.size();
        for (int d = 0; match && d < tt.shape().dim_size(); ++d)
          match = !tt.shape().dim(d).has_dim_value() || tt.shape().dim(d).dim_value() == t->shape[d];
        if (!match) {
          bindError("the value's shape " + shapeString(t->shape) + " does not fit the declared shape");
          continue;
        }
      }
    }
    t->name = name;
    define(name, Operand::of(std::move(*t)));
  }
  return ok;
}

void Importer::needBinding(StringRef value) {
  if (!llvm::is_contained(report.inputsToBind, value.str()))
    report.inputsToBind.push_back(value.str());
}

bool Importer::collectInputs(SmallVectorImpl<Type> &types, SmallVectorImpl<std::string> &names) {
  bool ok = true;
  auto inputError = [&](const Twine &msg) {
    errors.push_back(path + ": " + msg.str());
    ok = false;
  };
  auto inputUnsupported = [&](const Twine &msg) {
    addUnsupported(path + ": " + msg.str());
    ok = false;
  };
  // Symbols first, in input order, so every type is built over all of them.
  if (options.symbolicDims) {
    int position = 0;
    for (const onnx::ValueInfoProto &in : model.graph().input()) {
      if (values.count(in.name()) || !in.type().tensor_type().has_shape())
        continue;
      const auto &shape = in.type().tensor_type().shape();
      for (int d = 0; d < shape.dim_size(); ++d) {
        const auto &dim = shape.dim(d);
        if (dim.has_dim_value() && dim.dim_value() >= 0)
          continue;
        std::string sym = dim.has_dim_param() && !dim.dim_param().empty()
                              ? dim.dim_param()
                              : in.name() + "_dim" + std::to_string(d);
        if (options.dimValues.count(sym) || llvm::is_contained(symbolNames, sym))
          continue;
        if (!isDimName(sym)) {
          // An expression of other dims: built from their symbols below, once
          // every input that binds one has been seen.
          if (!dim.has_dim_param() || dim.dim_param().empty())
            inputUnsupported("input '" + in.name() + "' dim " + std::to_string(d) +
                             " has no size and no name, and the input's name cannot name a symbol");
          continue;
        }
        symbolNames.push_back(sym);
        symbolBinders.push_back({position, d});
      }
      ++position;
    }
  }
  for (const onnx::ValueInfoProto &in : model.graph().input()) {
    if (values.count(in.name()))
      continue; // An initializer: a constant with a default value.
    const std::string &name = in.name();
    if (!in.type().has_tensor_type()) {
      inputError("input '" + name + "' is not a tensor");
      continue;
    }
    const auto &tt = in.type().tensor_type();
    std::optional<DType> dt = dtypeFromOnnx(tt.elem_type());
    if (!dt || *dt == DType::F64) {
      inputUnsupported("input '" + name + "' has unsupported element type " +
                 onnxTypeName(tt.elem_type()));
      continue;
    }
    if (!tt.has_shape()) {
      inputError("input '" + name + "' has no shape");
      continue;
    }
    SmallVector<SymExpr> shape;
    bool shapeOk = true;
    for (int d = 0; d < tt.shape().dim_size(); ++d) {
      const auto &dim = tt.shape().dim(d);
      std::string where = "input '" + name + "' dim " + std::to_string(d);
      std::string param = dim.has_dim_param() && !dim.dim_param().empty()
                              ? dim.dim_param()
                              : name + "_dim" + std::to_string(d);
      auto sym = llvm::find(symbolNames, param);
      if (dim.has_dim_value() && dim.dim_value() >= 0) {
        shape.push_back(SymExpr::constant(dim.dim_value()));
      } else if (sym != symbolNames.end() && !options.dimValues.count(param)) {
        shape.push_back(SymExpr::symbol(sym - symbolNames.begin()));
      } else if (dim.has_dim_param() && !dim.dim_param().empty() && !isDimName(param)) {
        std::optional<SymExpr> e = dimExpression(name, d, param);
        if (e)
          shape.push_back(*e);
        else
          shapeOk = false;
      } else if (dim.has_dim_param() && !dim.dim_param().empty()) {
        auto it = options.dimValues.find(dim.dim_param());
        if (it != options.dimValues.end() && it->second >= 0) {
          shape.push_back(SymExpr::constant(it->second));
        } else {
          inputError(where + " is symbolic ('" + dim.dim_param() + "'); pin it with --shape " +
                     dim.dim_param() + "=N, or build once for every size with --symbolic-dims");
          shapeOk = false;
        }
      } else {
        inputError(where + " has no size");
        shapeOk = false;
      }
    }
    if (!shapeOk)
      continue;
    Type type = makeType(shape, mlirElementType(&ctx, *dt), &ctx, numSymbols());
    if (std::string why = bufferTooLarge(cast<RankedTensorType>(type).getShape()); !why.empty()) {
      inputError("input '" + name + "' " + why);
      continue;
    }
    types.push_back(type);
    names.push_back(name);
  }
  return ok;
}

std::optional<SymExpr> Importer::dimExpression(const std::string &input, int d, const std::string &text) {
  std::string where = "input '" + input + "' dim " + std::to_string(d) + " is '" + text + "'";
  std::string why;
  bool lacks;
  std::optional<ParsedDim> parsed = parseDimParam(text, why, lacks);
  if (!parsed) {
    std::string msg = where + ": " + why + " (a dim expression may use +, -, * and parentheses over "
                      "names and integers)";
    lacks ? addUnsupported(path + ": " + msg) : addError(path + ": " + msg);
    return std::nullopt;
  }
  // --shape (or kiln-run, from a data set) may pin the text itself.
  auto pin = options.dimValues.find(text);
  std::optional<int64_t> pinned;
  if (pin != options.dimValues.end() && pin->second >= 0)
    pinned = pin->second;
  SmallVector<SymExpr> values;
  std::string given, missing, firstName;
  for (const std::string &n : parsed->names) {
    auto v = options.dimValues.find(n);
    auto sym = llvm::find(symbolNames, n);
    if (v != options.dimValues.end() && v->second >= 0) {
      values.push_back(SymExpr::constant(v->second));
      given += (given.empty() ? "" : ", ") + n + "=" + std::to_string(v->second);
    } else if (sym != symbolNames.end()) {
      values.push_back(SymExpr::symbol(sym - symbolNames.begin()));
    } else {
      values.push_back(SymExpr());
      if (missing.empty())
        firstName = n;
      missing += (missing.empty() ? "'" : ", '") + n + "'";
    }
  }
  if (!missing.empty()) {
    if (pinned)
      return SymExpr::constant(*pinned);
    addError(path + ": " + where + ": " +
             (options.symbolicDims
                  ? "no input has " + missing + " as a whole dim to bind it at run time; pin it with --shape " +
                        firstName + "=N"
                  : "pin " + missing + " with --shape " + firstName +
                        "=N, or build once for every size with --symbolic-dims"));
    return std::nullopt;
  }
  if (!given.empty())
    given = " (" + given + ")";
  std::optional<SymExpr> e = substituteSymbols(parsed->expr, values);
  if (!e) {
    addError(path + ": " + where + ": the size overflows 64-bit integers" + given);
    return std::nullopt;
  }
  std::optional<int64_t> value = e->constValue();
  if (value && *value < 0) {
    addError(path + ": " + where + " = " + std::to_string(*value) + given + ", a negative size");
    return std::nullopt;
  }
  if (pinned) {
    if (value && *value != *pinned) {
      addError(path + ": " + where + " = " + std::to_string(*value) + given + ", but it is pinned to " +
               std::to_string(*pinned));
      return std::nullopt;
    }
    return SymExpr::constant(*pinned);
  }
  // A difference may go negative for some sizes: the runtime refuses those.
  if (!value && e->decideGE0() != true)
    constraints.push_back({*e, "input '" + input + "' dim " + std::to_string(d) + " is '" + text + "'"});
  return e;
}

/// `kiln.symbols` (name and binder of each symbol) and `kiln.constraints`
/// (conditions the runtime checks) on @main, for the later stages.
void Importer::setSymbolAttrs(func::FuncOp func) {
  if (symbolNames.empty())
    return;
  SmallVector<Attribute> syms, conds;
  for (size_t k = 0; k < symbolNames.size(); ++k)
    syms.push_back(builder.getDictionaryAttr(
        {builder.getNamedAttr("name", builder.getStringAttr(symbolNames[k])),
         builder.getNamedAttr("input", builder.getI64IntegerAttr(symbolBinders[k].first)),
         builder.getNamedAttr("dim", builder.getI64IntegerAttr(symbolBinders[k].second))}));
  for (const auto &[e, what] : constraints) {
    auto map = AffineMap::get(0, numSymbols(), e.toAffine(&ctx, numSymbols()));
    conds.push_back(builder.getDictionaryAttr(
        {builder.getNamedAttr("expr", AffineMapAttr::get(map)),
         builder.getNamedAttr("kind", builder.getStringAttr("ge0")),
         builder.getNamedAttr("what", builder.getStringAttr(what))}));
  }
  func->setAttr("kiln.symbols", builder.getArrayAttr(syms));
  if (!conds.empty())
    func->setAttr("kiln.constraints", builder.getArrayAttr(conds));
}

//===----------------------------------------------------------------------===//
// Import
//===----------------------------------------------------------------------===//

Value Importer::materialize(const Operand &x) {
  if (x.isSym()) {
    // Used as data: one iota per element (a scalar, or a short vector).
    SymTensor &t = *x.sym;
    Type et = mlirElementType(&ctx, t.dtype == DType::I32 ? DType::I32 : DType::I64);
    SmallVector<Value> parts;
    int64_t rank = t.shape.size();
    for (const SymExpr &e : t.elems) {
      auto map = AffineMap::get(rank, numSymbols(), e.toAffine(&ctx, numSymbols()));
      auto type = RankedTensorType::get(SmallVector<int64_t>(rank, 1), et);
      parts.push_back(builder.create<graph::IotaOp>(fileLoc, type, map).getResult());
    }
    Value v = parts.size() == 1
                  ? parts[0]
                  : builder.create<graph::ConcatOp>(fileLoc, RankedTensorType::get(t.shape, et),
                                                    parts, builder.getI64IntegerAttr(0))
                        .getResult();
    if (t.dtype != DType::I32 && t.dtype != DType::I64)
      v = builder.create<graph::CastOp>(fileLoc, RankedTensorType::get(t.shape, mlirElementType(&ctx, t.dtype)), v);
    return v;
  }
  if (!x.isConst())
    return x.value;
  auto it = constantCache.find(x.constant.get());
  if (it != constantCache.end())
    return it->second.second;
  HostTensor t = *x.constant;
  std::string name = t.name.empty() ? "constant" : t.name;
  if (t.dtype == DType::F64) {
    addUnsupported(path + ": value '" + name + "' has unsupported element type DOUBLE");
    t = foldCast(t, DType::F32); // Placeholder: the module is dropped.
  }
  auto type = RankedTensorType::get(t.shape, mlirElementType(&ctx, t.dtype));
  int64_t n = t.numElements();
  ElementsAttr attr;
  if (t.dtype == DType::Bool && n > 0 && t.isSplat()) {
    attr = DenseElementsAttr::get(type, t.getInt(0) != 0);
  } else if (t.dtype == DType::Bool) {
    SmallVector<bool> bits;
    for (int64_t i = 0; i < n; ++i)
      bits.push_back(t.getInt(i) != 0);
    attr = DenseElementsAttr::get(type, ArrayRef<bool>(bits));
  } else if (n <= 16 || t.isSplat()) {
    size_t size = n > 16 ? dtypeSize(t.dtype) : t.byteSize();
    attr = DenseElementsAttr::getFromRawBuffer(type, ArrayRef<char>(t.bytes(), size));
  } else {
    // The blob shares the host tensor's storage (no copy of the weights).
    std::shared_ptr<std::string> storage = t.data;
    AsmResourceBlob blob(
        ArrayRef<char>(t.bytes(), t.byteSize()), dtypeSize(t.dtype),
        [storage = std::move(storage)](void *, size_t, size_t) mutable { storage.reset(); },
        /*dataIsMutable=*/false);
    // A resource key prints bare, so it must read back as one identifier
    // (`--emit graph --print-weights | kiln-opt`): ONNX names such as
    // "/embeddings/Gather_output_0" keep their letters, digits, '_' and '.'.
    std::string key;
    for (char c : name)
      key += isAlnum(c) || c == '_' || c == '.' ? c : '_';
    if (key.empty() || !(isAlpha(key[0]) || key[0] == '_'))
      key = "w" + key;
    attr = DenseResourceElementsAttr::get(type, key, std::move(blob));
  }
  // Equal small constants (dense attributes are uniqued) share one op.
  bool dense = isa<DenseElementsAttr>(attr);
  Value v = dense ? denseConstants.lookup(attr) : Value();
  if (!v) {
    Location loc = NameLoc::get(builder.getStringAttr(name), fileLoc);
    v = builder.create<graph::ConstantOp>(loc, type, attr).getResult();
    if (dense)
      denseConstants[attr] = v;
  }
  constantCache[x.constant.get()] = {x.constant, v};
  return v;
}

/// The ops whose handlers compute with symbolic dims (SymExpr shapes and
/// SymTensor folding); every other op refuses them by name.
static bool symbolicReady(StringRef op) {
  static const llvm::StringSet<> ready = {
      // Shape arithmetic.
      "Shape", "Size", "Constant", "Identity", "Dropout", "Gather", "Unsqueeze", "Squeeze",
      "Reshape", "Flatten", "Concat", "Slice", "Split", "Cast", "CastLike", "ConstantOfShape", "Range",
      "Expand", "Where", "Add", "Sub", "Mul", "Div", "Equal", "Greater", "GreaterOrEqual", "Less",
      "LessOrEqual", "And", "Or", "Not", "Neg",
      // Data ops over symbolic dims.
      "Transpose", "MatMul", "Gemm", "Softmax", "LogSoftmax", "LayerNormalization", "RMSNormalization", "Conv", "Pow",
      "Sqrt", "Erf", "Tanh", "Exp", "Relu", "Sigmoid", "Gelu", "IsNaN", "IsInf", "Abs", "Log",
      "Reciprocal", "Max", "Min", "Clip", "Cos", "Sin", "Ceil", "Floor", "Round", "Sign", "Softplus", "ReduceMean", "ReduceSum",
      "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSum",
      "ReduceLogSumExp"};
  return ready.contains(op);
}

void Importer::importNode(const onnx::NodeProto &node, size_t index) {
  auto poisonOutputs = [&] {
    for (const std::string &out : node.output())
      if (!out.empty() && !values.count(out))
        poisoned.insert(out);
  };
  SmallVector<std::optional<Operand>> ins;
  for (const std::string &in : node.input()) {
    if (in.empty()) {
      ins.push_back(std::nullopt);
      continue;
    }
    if (poisoned.contains(in))
      return poisonOutputs(); // Reported at the node that failed.
    ins.push_back(values.lookup(in));
  }
  // Handlers not yet written for symbolic dims refuse them (fail closed).
  bool symbolic = llvm::any_of(ins, [](const std::optional<Operand> &x) {
    return x && (x->isSym() || x->hasSymbolicDims());
  });
  NodeContext n(*this, node, nodeName(node, index), opsetFor(normDomain(node.domain())),
                std::move(ins));
  // 4-bit tensors have no graph type: DequantizeLinear is their one reader.
  if (node.op_type() != "DequantizeLinear" || !normDomain(node.domain()).empty())
    for (int i = 0; i < node.input_size(); ++i)
      if (n.hasInput(i) && isFourBit(n.in(i).dtype())) {
        (void)n.unsupported("input '" + node.input(i) + "' is " + dtypeName(n.in(i).dtype()) +
                            ": 4-bit tensors are supported only as DequantizeLinear's input");
        return poisonOutputs();
      }
  if (symbolic && !symbolicReady(node.op_type())) {
    (void)n.unsupported("symbolic dims are not supported by " + node.op_type() +
                 " yet; pin them with --shape NAME=N");
    return poisonOutputs();
  }
  size_t errorsBefore = errors.size();
  std::string domain = normDomain(node.domain());
  if (failed(handlers.lookup(domain.empty() ? node.op_type() : domain + "." + node.op_type())(n))) {
    if (errors.size() == errorsBefore)
      (void)n.fail("cannot be imported");
    return poisonOutputs();
  }
  for (int i = 0; i < node.output_size(); ++i) {
    const std::string &out = node.output(i);
    if (!out.empty() && !values.count(out) && isUsed(out)) {
      (void)n.unsupported("output " + Twine(i) + " ('" + out + "') is not supported");
      poisoned.insert(out);
      continue;
    }
    auto it = values.find(out);
    if (out.empty() || it == values.end())
      continue;
    if (std::string why = bufferTooLarge(it->second.shape()); !why.empty()) {
      (void)n.fail("output " + Twine(i) + " ('" + out + "') " + why);
      poisoned.insert(out);
      values.erase(it);
    }
  }
}

/// Graph ops whose results are never used (dead ONNX values, unused constants).
static void eraseDeadOps(Block &block) {
  for (Operation &op : make_early_inc_range(reverse(block)))
    if (isa_and_nonnull<graph::GraphDialect>(op.getDialect()) && op.use_empty())
      op.erase();
}

OwningOpRef<ModuleOp> Importer::run(std::string &error) {
  auto finish = [&]() -> OwningOpRef<ModuleOp> {
    error = llvm::join(errors, "\n");
    return nullptr;
  };
  if (!checkStructure() || !checkSupported())
    return finish();
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  loadInitializers();
  bindInputs();
  collectInputs(argTypes, argNames);
  if (!errors.empty())
    return finish();

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  builder.setInsertionPointToEnd(module->getBody());
  auto func = builder.create<func::FuncOp>(fileLoc, "main", builder.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (size_t i = 0; i < argNames.size(); ++i) {
    func.setArgAttr(i, "kiln.name", builder.getStringAttr(argNames[i]));
    define(argNames[i], Operand::of(entry->getArgument(i)));
  }
  builder.setInsertionPointToEnd(entry);
  const onnx::GraphProto &g = model.graph();
  for (int i = 0; i < g.node_size(); ++i)
    importNode(g.node(i), i);

  SmallVector<Value> results;
  SmallVector<Attribute> outputNames;
  for (const auto &out : g.output()) {
    if (poisoned.contains(out.name()))
      continue;
    if (isFourBit(values.lookup(out.name()).dtype())) {
      addUnsupported(path + ": graph output '" + out.name() + "' is " + dtypeName(values.lookup(out.name()).dtype()) +
                     ": 4-bit tensors are supported only as DequantizeLinear's input");
      continue;
    }
    Value v = materialize(values.lookup(out.name()));
    // A declared element type the graph does not compute would hand the
    // caller bytes of another type.
    int32_t declared = out.type().tensor_type().elem_type();
    std::optional<DType> got = dtypeOf(cast<RankedTensorType>(v.getType()).getElementType());
    if (out.type().has_tensor_type() && declared != onnx::TensorProto::UNDEFINED &&
        (!got || dtypeFromOnnx(declared) != got))
      errors.push_back(path + ": graph output '" + out.name() + "' is declared " + onnxTypeName(declared) +
                       ", but the graph computes " + (got ? dtypeName(*got) : "another type"));
    results.push_back(v);
    outputNames.push_back(builder.getStringAttr(out.name()));
  }
  builder.create<func::ReturnOp>(fileLoc, results);
  func.setFunctionType(builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  func->setAttr("kiln.output_names", builder.getArrayAttr(outputNames));
  func->setAttr("kiln.source", builder.getStringAttr(path));
  setSymbolAttrs(func);
  if (!errors.empty())
    return finish();
  eraseDeadOps(*entry);

  std::string diagnostics;
  {
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
      raw_string_ostream os(diagnostics);
      os << d.getLocation() << ": " << d << "\n";
      return success();
    });
    if (failed(verify(*module))) {
      errors.push_back(path + ": internal error: the imported module does not verify: " +
                       StringRef(diagnostics).rtrim().str());
      return finish();
    }
  }
  return module;
}

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

NodeContext::NodeContext(Importer &imp, const onnx::NodeProto &node, std::string name,
                         int64_t opset, SmallVector<std::optional<Operand>> inputs)
    : node(node), name(std::move(name)), opset(opset), b(imp.builder),
      loc(NameLoc::get(StringAttr::get(&imp.ctx, this->name), imp.fileLoc)), imp(imp),
      inputs(std::move(inputs)) {}

LogicalResult NodeContext::fail(const Twine &msg) {
  imp.addError(imp.path + ": node '" + name + "' (" + node.op_type() + "): " + msg.str());
  return failure();
}

LogicalResult NodeContext::unsupported(const Twine &msg) {
  imp.addUnsupported(imp.path + ": node '" + name + "' (" + node.op_type() + "): " + msg.str());
  return failure();
}

LogicalResult NodeContext::expectInputs(size_t count) {
  for (size_t i = 0; i < count; ++i)
    if (!hasInput(i))
      return fail("expects " + Twine(count) + " inputs, input " + Twine(i) + " is missing");
  return success();
}

bool NodeContext::allInputsConst() const {
  for (const auto &in : inputs)
    if (in && !in->isConst())
      return false;
  return true;
}

const onnx::AttributeProto *NodeContext::attr(StringRef attrName) const {
  for (const auto &a : node.attribute())
    if (a.name() == attrName)
      return &a;
  return nullptr;
}

int64_t NodeContext::attrInt(StringRef attrName, int64_t def) const {
  const auto *a = attr(attrName);
  return a ? a->i() : def;
}

float NodeContext::attrFloat(StringRef attrName, float def) const {
  const auto *a = attr(attrName);
  return a ? a->f() : def;
}

std::string NodeContext::attrString(StringRef attrName, StringRef def) const {
  const auto *a = attr(attrName);
  return a ? a->s() : def.str();
}

std::optional<SmallVector<int64_t>> NodeContext::attrInts(StringRef attrName) const {
  const auto *a = attr(attrName);
  if (!a)
    return std::nullopt;
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

FailureOr<HostTensor> NodeContext::attrTensor(const onnx::AttributeProto &a) {
  std::string err;
  std::optional<HostTensor> t =
      imp.loadTensor(a.t(), node.output_size() ? node.output(0) : name, err);
  if (!t)
    return fail("attribute '" + a.name() + "': value " + err);
  return *t;
}

/// The names of the graph inputs `v` is computed from.
static SmallVector<std::string> graphInputsBehind(Value v) {
  SmallVector<std::string> names;
  SmallVector<Value> work{v};
  llvm::DenseSet<Value> seen;
  while (!work.empty()) {
    Value x = work.pop_back_val();
    if (!seen.insert(x).second)
      continue;
    if (auto arg = dyn_cast<BlockArgument>(x)) {
      auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
      if (auto name = func ? func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "kiln.name") : StringAttr())
        names.push_back(name.str());
      continue;
    }
    if (Operation *op = x.getDefiningOp())
      for (Value operand : op->getOperands())
        work.push_back(operand);
  }
  llvm::sort(names);
  return names;
}

FailureOr<const HostTensor *> NodeContext::constInput(size_t i, StringRef what) {
  if (!hasInput(i))
    return fail("input " + Twine(i) + " '" + what + "' is missing");
  if (!in(i).isConst()) {
    // The graph input itself, or inputs it is computed from (a size cast to a
    // limit, say): binding those makes it constant, since the importer folds
    // whatever depends only on constants.
    std::string head = ("input " + Twine(i) + " '" + what + "' must be a constant").str();
    // Shape arithmetic over symbolic dims has no graph value to trace.
    if (in(i).isSym())
      return unsupported(head + "; it depends on symbolic dims: pin them with --shape NAME=N");
    SmallVector<std::string> roots = graphInputsBehind(in(i).value);
    for (const std::string &root : roots)
      imp.needBinding(root);
    if (roots.size() == 1 && isa<BlockArgument>(in(i).value))
      return unsupported(head + "; it is the graph input '" + roots[0] + "': fix its value at compile time with --bind " +
                  roots[0] + "=FILE.pb");
    if (!roots.empty())
      return unsupported(head + "; it is computed from the graph input(s) " + llvm::join(roots, ", ") +
                  ": fix them at compile time with --bind NAME=FILE.pb");
    return unsupported(head);
  }
  return in(i).constant.get();
}

FailureOr<SmallVector<int64_t>> NodeContext::constInts(size_t i, StringRef what) {
  FailureOr<const HostTensor *> t = constInput(i, what);
  if (failed(t))
    return failure();
  if (isFloatDType((*t)->dtype))
    return fail("input " + Twine(i) + " '" + what + "' must be an integer tensor");
  return (*t)->toInts();
}

FailureOr<SmallVector<SymExpr>> NodeContext::symInts(size_t i, StringRef what) {
  if (hasInput(i) && in(i).isSym()) {
    if (isFloatDType(in(i).dtype()) || in(i).dtype() == DType::Bool)
      return fail("input " + Twine(i) + " '" + what + "' must be an integer tensor");
    return in(i).sym->elems;
  }
  FailureOr<SmallVector<int64_t>> v = constInts(i, what);
  if (failed(v))
    return failure();
  SmallVector<SymExpr> r;
  for (int64_t x : *v)
    r.push_back(SymExpr::constant(x));
  return r;
}

FailureOr<std::optional<SmallVector<int64_t>>>
NodeContext::intsAttrOrInput(StringRef attrName, int64_t inputSince, size_t i) {
  if (opset >= inputSince && hasInput(i)) {
    FailureOr<SmallVector<int64_t>> v = constInts(i, attrName);
    if (failed(v))
      return failure();
    return std::optional<SmallVector<int64_t>>(*v);
  }
  // Also accepted from `inputSince` on: some exporters keep the attribute.
  return attrInts(attrName);
}

FailureOr<int64_t> NodeContext::normAxis(int64_t axis, int64_t rank, StringRef what) {
  if (axis < -rank || axis >= rank)
    return fail(what + " " + Twine(axis) + " is out of range for rank " + Twine(rank));
  return axis < 0 ? axis + rank : axis;
}

bool NodeContext::outputUsed(size_t i) const {
  return i < numOutputs() && !node.output(i).empty() && imp.isUsed(node.output(i));
}

bool NodeContext::outputIsQdqWeight(size_t i) const {
  return i < numOutputs() && imp.isQdqWeight(node.output(i));
}

LogicalResult NodeContext::set(size_t i, Operand v) {
  if (i >= numOutputs() || node.output(i).empty())
    return success();
  if (v.isConst()) {
    bool isInput = llvm::any_of(
        inputs, [&](const std::optional<Operand> &in) { return in && in->constant == v.constant; });
    if (!isInput)
      v.constant->name = node.output(i);
  }
  imp.define(node.output(i), std::move(v));
  return success();
}

bool NodeContext::canFold(ArrayRef<const Operand *> ins, int64_t resultElements) const {
  return resultElements <= kMaxFoldElements &&
         llvm::all_of(ins, [](const Operand *x) { return x->isConst(); });
}

bool NodeContext::canFoldAll(int64_t resultElements) const {
  return resultElements <= kMaxFoldElements && allInputsConst();
}

Value NodeContext::materialize(const Operand &x) { return imp.materialize(x); }

RankedTensorType NodeContext::tensorType(ArrayRef<int64_t> shape, DType t) const {
  return RankedTensorType::get(shape, mlirElementType(b.getContext(), t));
}

RankedTensorType NodeContext::tensorType(ArrayRef<SymExpr> shape, DType t) const {
  return makeType(shape, mlirElementType(b.getContext(), t), b.getContext(), imp.numSymbols());
}

unsigned NodeContext::numSymbols() const { return imp.numSymbols(); }

std::string NodeContext::str(const SymExpr &e) const { return e.str(imp.symbolNames); }

std::string NodeContext::str(ArrayRef<SymExpr> dims) const {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? "," : "") + str(dims[i]);
  return s + "]";
}

LogicalResult NodeContext::requireGE0(const SymExpr &e, const Twine &what) {
  std::optional<bool> known = e.decideGE0();
  if (known == true)
    return success();
  if (known == false)
    return fail(what + ": " + str(e) + " >= 0 never holds");
  for (const auto &c : imp.constraints)
    if (c.first == e)
      return success();
  imp.constraints.push_back({e, (what + " (node '" + name + "', " + node.op_type() + ")").str()});
  return success();
}

//===----------------------------------------------------------------------===//
// Entry point
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> importOnnxFile(MLIRContext &context, const std::string &path,
                                     const ImportOptions &options, std::string &error,
                                     ImportReport *report) {
  onnx::ModelProto model;
  std::string err;
  if (!readModel(path, model, err)) {
    error = path + ": cannot parse ONNX model: " + err;
    return nullptr;
  }
  return importOnnxModel(context, model, path, options, error, report);
}

OwningOpRef<ModuleOp> importOnnxModel(MLIRContext &context, onnx::ModelProto &model,
                                      const std::string &path, const ImportOptions &options,
                                      std::string &error, ImportReport *report) {
  context.loadDialect<graph::GraphDialect, func::FuncDialect>();
  Importer importer(context, path, options, model);
  OwningOpRef<ModuleOp> module = importer.run(error);
  if (report)
    *report = importer.report;
  return module;
}

} // namespace kiln
