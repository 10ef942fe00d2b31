//===- KernelOps.cpp - kernel dialect builders and verifiers -===//
//
// Ops marked Kernel_SymbolicDims read dims as SymExprs (static dims are
// constants, so static IR gets the same checks and messages); their maps may
// take the module's symbols. The other verifiers read int64 sizes and are
// refused symbolic types by the ShapeEncoding trait.
//
//===----------------------------------------------------------------------===//
#include "dialects/Kernel/KernelOps.h"
#include "dialects/Utils/Shape.h"
#include "dialects/Utils/SymShape.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::kernel;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }
/// The dims of an operand or result (the ShapeEncoding trait checked its type).
static SmallVector<SymExpr> dims(Value v) { return dimExprs(tt(v)); }

/// A map takes no symbols or the module's: as many as the op's symbolic types.
static LogicalResult verifyMapSymbols(Operation *op, AffineMap m, const Twine &what) {
  unsigned n = opSymbolCount(op);
  if (n && m.getNumSymbols() && m.getNumSymbols() != n)
    return op->emitOpError() << what << " takes " << m.getNumSymbols() << " symbols, the types " << n;
  return success();
}

static LogicalResult verifyAxis(Operation *op, int64_t axis, int64_t rank) {
  if (axis < 0 || axis >= rank)
    return op->emitOpError("axis ") << axis << " out of range for rank " << rank;
  return success();
}

void ElementwiseOp::build(OpBuilder &b, OperationState &state, Type result, ValueRange inputs,
                          ArrayRef<AffineMap> maps) {
  state.addOperands(inputs);
  state.addTypes(result);
  state.addAttribute(getMapsAttrName(state.name), b.getAffineMapArrayAttr(maps));
  Region *body = state.addRegion();
  Block *block = new Block();
  for (Value v : inputs)
    block->addArgument(tt(v).getElementType(), state.location);
  body->push_back(block);
}

LogicalResult ElementwiseOp::verify() {
  auto res = tt(getResult());
  if (getMaps().size() != getInputs().size())
    return emitOpError("needs one map per input: ") << getMaps().size() << " maps, "
           << getInputs().size() << " inputs";
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError("body needs one scalar argument per input");
  for (auto [i, in] : llvm::enumerate(getInputs())) {
    AffineMap m = cast<AffineMapAttr>(getMaps()[i]).getValue();
    if (m.getNumDims() != (unsigned)res.getRank())
      return emitOpError("map #") << i << " must take the " << res.getRank() << " output dims";
    if (failed(verifyMapSymbols(*this, m, "map #" + Twine(i))))
      return failure();
    if (m.getNumResults() != (unsigned)tt(in).getRank())
      return emitOpError("map #") << i << " must give " << tt(in).getRank() << " input indices";
    if (body.getArgument(i).getType() != tt(in).getElementType())
      return emitOpError("body argument #") << i << " must be " << tt(in).getElementType();
  }
  auto yield = cast<YieldOp>(body.getTerminator());
  if (yield.getValue().getType() != res.getElementType())
    return emitOpError("body yields ") << yield.getValue().getType() << ", result element type is "
           << res.getElementType();
  return success();
}

LogicalResult YieldOp::verify() {
  if (!getValue().getType().isIntOrFloat())
    return emitOpError("yields a scalar");
  return success();
}

LogicalResult MatMulOp::verify() {
  SmallVector<SymExpr> a = dims(getLhs()), b = dims(getRhs()), r = dims(getResult());
  if (auto panel = getBPanel()) {
    // Packed [N/NR, K, NR]: check it, then verify as the [K, N] it stands for.
    std::optional<int64_t> p0 = b.size() == 3 ? b[0].constValue() : std::nullopt;
    if (!p0 || b[2] != SymExpr::constant((int64_t)*panel) || getTransB())
      return emitOpError("b_panel = ") << *panel << " needs B packed as [N/" << *panel << ", K, "
                                       << *panel << "] without trans_b";
    // The last panel may be zero-padded: it stands for the result's N columns.
    std::optional<int64_t> n = r.empty() ? 0 : r.back().constValue();
    if (!n)
      return emitOpError("b_panel needs a static N, got ") << r.back().str();
    int64_t nr = *panel;
    if (*p0 * nr < *n || (*p0 - 1) * nr >= *n)
      return emitOpError("packed B holds ") << *p0 << " panels of " << nr << " columns for N = " << *n;
    b = {b[1], SymExpr::constant(*n)};
  }
  if (a.size() < 2 || b.size() < 2 || r.size() < 2)
    return emitOpError("operands and result must have rank >= 2");
  SymExpr k = a.back(), kb = getTransB() ? b.back() : b[b.size() - 2];
  SymExpr n = getTransB() ? b[b.size() - 2] : b.back();
  if (k != kb)
    return emitOpError("contraction dims differ: ") << k.str() << " vs " << kb.str();
  auto batch = broadcastSym(ArrayRef<SymExpr>(a).drop_back(2), ArrayRef<SymExpr>(b).drop_back(2));
  if (failed(batch))
    return emitOpError("batch dims do not broadcast");
  SmallVector<SymExpr> expect(*batch);
  expect.push_back(a[a.size() - 2]);
  expect.push_back(n);
  if (r != expect)
    return emitOpError("result shape must be ") << shapeString(expect);
  if (getBias() && failed(broadcastSym(dims(getBias()), r)))
    return emitOpError("bias does not broadcast to the result");
  Type et = tt(getLhs()).getElementType();
  if (tt(getRhs()).getElementType() != et)
    return emitOpError("operands must have one element type");
  if (failed(verifyEpilogue()))
    return failure();
  if (!isa<FloatType>(et) && (!et.isSignlessInteger() || et.getIntOrFloatBitWidth() < 32))
    return emitOpError("expects float, i32 or i64 operands, got ") << et;
  if (!isa<FloatType>(et) && getAlpha().convertToFloat() != 1.0f)
    return emitOpError("an integer matmul needs alpha = 1");
  return success();
}

/// Checks a scalar region that maps one element: its first argument is
/// `leading` (`leadingWhat` in messages), the others are `inputs` read
/// through `maps` from `numDims` dims; it yields `yields`. `what` names the
/// region ("epilogue", "score").
static LogicalResult verifyScalarRegion(Operation *op, Region &region, StringRef what, Type leading,
                                        StringRef leadingWhat, ValueRange inputs, std::optional<ArrayAttr> maps,
                                        unsigned numDims, StringRef dimsWhat, Type yields) {
  size_t n = inputs.size(), numMaps = maps ? maps->size() : 0;
  if (numMaps != n)
    return op->emitOpError("needs one ") << what << " map per " << what << " input: " << numMaps << " maps, " << n
                                         << " inputs";
  Block &body = region.front();
  if (body.getNumArguments() != n + 1 || body.getArgument(0).getType() != leading)
    return op->emitOpError() << what << " takes the " << leadingWhat << " " << leading << " and one scalar per "
                             << what << " input";
  for (auto [i, in] : llvm::enumerate(inputs)) {
    AffineMap m = cast<AffineMapAttr>((*maps)[i]).getValue();
    if (m.getNumDims() != numDims || m.getNumResults() != (unsigned)tt(in).getRank())
      return op->emitOpError() << what << " map #" << i << " must take the " << numDims << " " << dimsWhat
                               << " dims to " << tt(in).getRank() << " input indices";
    if (failed(verifyMapSymbols(op, m, what + " map #" + Twine(i))))
      return failure();
    if (body.getArgument(i + 1).getType() != tt(in).getElementType())
      return op->emitOpError() << what << " argument #" << i + 1 << " must be " << tt(in).getElementType();
  }
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield || yield.getValue().getType() != yields)
    return op->emitOpError() << what << " must yield the result element type " << yields;
  return success();
}

LogicalResult MatMulOp::verifyEpilogue() {
  Type acc = tt(getLhs()).getElementType();
  auto res = tt(getResult());
  if (!hasEpilogue()) {
    if (!getEpilogueInputs().empty() || getEpilogueMaps())
      return emitOpError("epilogue inputs and maps need an epilogue region");
    if (res.getElementType() != acc)
      return emitOpError("result element type ") << res.getElementType() << " differs from the operands' " << acc
             << " (only an epilogue converts)";
    return success();
  }
  return verifyScalarRegion(*this, getEpilogue(), "epilogue", acc, "accumulated", getEpilogueInputs(),
                            getEpilogueMaps(), res.getRank(), "result", res.getElementType());
}

/// What the quantized matmul kinds share: A [..., M, K] and the result
/// [..., M, N] of one rank >= 2 with static K and N, an f32 bias that
/// broadcasts to the result. Returns (K, N).
template <typename OpT>
static FailureOr<std::pair<int64_t, int64_t>> verifyQuantizedShapes(OpT op) {
  if (op.getBias() && !tt(op.getBias()).getElementType().isF32())
    return op.emitOpError("bias must be f32");
  SmallVector<SymExpr> a = dims(op.getLhs()), r = dims(op.getResult());
  if (a.size() < 2 || r.size() != a.size())
    return op.emitOpError("A and the result must have one rank >= 2");
  std::optional<int64_t> n = r.back().constValue(), k = a.back().constValue();
  if (!n || !k)
    return op.emitOpError("K and N must be static");
  SmallVector<SymExpr> expect(a.begin(), a.end() - 1);
  expect.push_back(SymExpr::constant(*n));
  if (r != expect)
    return op.emitOpError("result shape must be ") << shapeString(expect);
  if (op.getBias() && failed(broadcastSym(dims(op.getBias()), r)))
    return op.emitOpError("bias does not broadcast to the result");
  return std::pair{*k, *n};
}

/// The epilogue of a quantized matmul kind: without one the result is f32;
/// with one, the region maps the f32 value (`what`) and the inputs to the
/// result's element type.
template <typename OpT>
static LogicalResult verifyF32Epilogue(OpT op, StringRef what) {
  auto res = tt(op.getResult());
  if (!op.hasEpilogue()) {
    if (!op.getEpilogueInputs().empty() || op.getEpilogueMaps())
      return op.emitOpError("epilogue inputs and maps need an epilogue region");
    if (!res.getElementType().isF32())
      return op.emitOpError("result must be f32 (only an epilogue converts)");
    return success();
  }
  return verifyScalarRegion(op, op.getEpilogue(), "epilogue", Float32Type::get(op.getContext()), what,
                            op.getEpilogueInputs(), op.getEpilogueMaps(), res.getRank(), "result",
                            res.getElementType());
}

/// The quantization parameters kernel.qmatmul and kernel.sparse_qmatmul
/// share: a_scale f32 and a_zero i32, per tensor (rank 0) or per row
/// ([..., M, 1]); b_scale f32, one value or [N]; b_colsum i32 [N].
template <typename OpT>
static LogicalResult verifyQuantParams(OpT op, int64_t N) {
  auto elem = [](Value v) { return tt(v).getElementType(); };
  // a_scale and a_zero may be absent: a qmatmul that quantizes A's rows itself.
  for (Value v : {op.getAScale(), op.getBScale()})
    if (v && !elem(v).isF32())
      return op.emitOpError("scales must be f32");
  for (Value v : {op.getAZero(), op.getBColsum()})
    if (v && !elem(v).isSignlessInteger(32))
      return op.emitOpError("a_zero and b_colsum must be i32");
  if (op.getAScale()) {
    SmallVector<SymExpr> a = dims(op.getLhs());
    // Per tensor (rank 0) or per row ([..., M, 1]).
    SmallVector<SymExpr> perRow(a.begin(), a.end() - 1);
    perRow.push_back(SymExpr::constant(1));
    for (auto [v, what] : {std::pair{op.getAScale(), "a_scale"}, std::pair{op.getAZero(), "a_zero"}})
      if (tt(v).getRank() != 0 && dims(v) != perRow)
        return op.emitOpError(what) << " must be one value (rank 0) or one per row " << shapeString(perRow)
                                 << ", got " << shapeString(dims(v));
    if (tt(op.getAScale()).getRank() != tt(op.getAZero()).getRank())
      return op.emitOpError("a_scale and a_zero must both be per tensor or both per row");
  }
  SmallVector<SymExpr> perCol{SymExpr::constant(N)};
  if (tt(op.getBScale()).getRank() != 0 && dims(op.getBScale()) != perCol)
    return op.emitOpError("b_scale must be one value or [") << N << "], got " << shapeString(dims(op.getBScale()));
  if (dims(op.getBColsum()) != perCol)
    return op.emitOpError("b_colsum must be [") << N << "], got " << shapeString(dims(op.getBColsum()));
  return success();
}

LogicalResult QMatMulOp::verify() {
  auto elem = [](Value v) { return tt(v).getElementType(); };
  if (!getAScale() != !getAZero())
    return emitOpError("a_scale and a_zero come together, or neither (the kernel quantizes A's rows)");
  if (quantizesRows()) {
    if (!elem(getLhs()).isF32() || !elem(getRhs()).isSignlessInteger(8))
      return emitOpError("quantizing A's rows itself, expects f32 activations and s8 weights, got ")
             << elem(getLhs()) << " and " << elem(getRhs());
  } else if (!elem(getLhs()).isUnsignedInteger(8) || !elem(getRhs()).isSignlessInteger(8)) {
    return emitOpError("expects u8 activations and s8 weights, got ") << elem(getLhs()) << " and " << elem(getRhs());
  }
  FailureOr<std::pair<int64_t, int64_t>> kn = verifyQuantizedShapes(*this);
  if (failed(kn))
    return failure();
  std::optional<int64_t> k = kn->first, n = kn->second;
  if (getNormBias() && !getNormScale())
    return emitOpError("norm bias needs a norm scale");
  if (getNormScale().operator bool() != getNormEpsilon().has_value())
    return emitOpError("norm scale and norm_epsilon come together");
  if (getNormScale()) {
    if (!quantizesRows())
      return emitOpError("a LayerNorm prologue needs the kernel to quantize A's rows (no a_scale)");
    SmallVector<SymExpr> perK{SymExpr::constant(*k)};
    for (Value v : {getNormScale(), getNormBias()})
      if (v && (!elem(v).isF32() || dims(v) != perK))
        return emitOpError("norm scale and bias must be f32 [") << *k << "], got " << v.getType();
  }
  SmallVector<SymExpr> a = dims(getLhs()), b = dims(getRhs()), r = dims(getResult());
  if (auto panel = getBPanel()) {
    int64_t nr = *panel;
    SmallVector<SymExpr> want{SymExpr::constant((*n + nr - 1) / nr), SymExpr::constant((*k + 3) / 4),
                              SymExpr::constant(nr), SymExpr::constant(4)};
    if (nr < 1 || b != want)
      return emitOpError("b_panel = ") << nr << " needs B packed as " << shapeString(want) << ", got "
                                       << shapeString(b);
  } else if (b.size() != 2 || b[0] != a.back() || b[1] != r.back()) {
    return emitOpError("B must be [K, N] = [") << *k << ", " << *n << "], got " << shapeString(b);
  }
  if (failed(verifyQuantParams(*this, *n)))
    return failure();
  return verifyF32Epilogue(*this, "dequantized");
}

LogicalResult W4MatMulOp::verify() {
  auto elem = [](Value v) { return tt(v).getElementType(); };
  if (!elem(getLhs()).isF32() || !elem(getRhs()).isUnsignedInteger(8))
    return emitOpError("expects f32 activations and a u8 packed weight, got ") << elem(getLhs()) << " and "
                                                                               << elem(getRhs());
  // Compact forms for memory-bound decode: f16 scales, u8 zero points.
  if (!(elem(getScale()).isF32() || elem(getScale()).isF16()) ||
      !(elem(getZero()).isF32() || elem(getZero()).isUnsignedInteger(8)))
    return emitOpError("scale must be f32 or f16 and zero f32 or ui8, got ") << elem(getScale()) << " and "
                                                                             << elem(getZero());
  int64_t g = getGroupSize(), nr = getBPanel();
  if (g < 2 || g % 2)
    return emitOpError("group_size must be even and >= 2, got ") << g;
  if (nr < 1)
    return emitOpError("b_panel must be >= 1, got ") << nr;
  FailureOr<std::pair<int64_t, int64_t>> kn = verifyQuantizedShapes(*this);
  if (failed(kn))
    return failure();
  std::optional<int64_t> k = kn->first, n = kn->second;
  SmallVector<SymExpr> b = dims(getRhs());
  int64_t blocks = (*k + g - 1) / g;
  SmallVector<SymExpr> want{SymExpr::constant((*n + nr - 1) / nr), SymExpr::constant(blocks * g / 2),
                            SymExpr::constant(nr)};
  if (b != want)
    return emitOpError("B must be packed as ") << shapeString(want) << " (N = " << *n << ", K = " << *k
                                               << ", group_size " << g << ", b_panel " << nr << "), got "
                                               << shapeString(b);
  SmallVector<SymExpr> perBlock{SymExpr::constant((*n + nr - 1) / nr), SymExpr::constant(blocks),
                                 SymExpr::constant(nr)};
  for (auto [v, what] : {std::pair{getScale(), "scale"}, std::pair{getZero(), "zero"}})
    if (dims(v) != perBlock)
      return emitOpError(what) << " must be one value per block and column, in panels " << shapeString(perBlock)
                               << ", got " << shapeString(dims(v));
  return verifyF32Epilogue(*this, "product");
}

std::optional<std::vector<int32_t>> kiln::kernel::constantI32(Value v) {
  Attribute attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  if (auto d = dyn_cast<DenseIntElementsAttr>(attr)) {
    std::vector<int32_t> out;
    for (const APInt &x : d.getValues<APInt>())
      out.push_back((int32_t)x.getSExtValue());
    return out;
  }
  if (auto r = dyn_cast<DenseResourceElementsAttr>(attr))
    if (AsmResourceBlob *blob = r.getRawHandle().getBlob()) {
      ArrayRef<char> bytes = blob->getData();
      if (tt(v).getElementType().isSignlessInteger(16)) {
        std::vector<int32_t> out(bytes.size() / 2);
        for (size_t i = 0; i < out.size(); ++i) {
          int16_t x;
          std::memcpy(&x, bytes.data() + 2 * i, 2);
          out[i] = x;
        }
        return out;
      }
      std::vector<int32_t> out(bytes.size() / 4);
      if (!out.empty()) // an empty table's data may be null (memcpy's UB)
        std::memcpy(out.data(), bytes.data(), out.size() * 4);
      return out;
    }
  return std::nullopt;
}

/// kernel.sparse_matmul's block tables, which kernel.sparse_qmatmul shares:
/// their shapes, and when they are constants the reads the kernel relies on
/// (offsets from 0 to nnzb, non-decreasing, counts a multiple of `group`,
/// max_blocks the longest count; indices inside K).
template <typename OpT>
static LogicalResult verifySparseTables(OpT op, int64_t K, int64_t N, int64_t group, int64_t chunk = 0) {
  int64_t bk = op.getBlockK(), bn = op.getBlockN();
  Type it = tt(op.getIndices()).getElementType();
  if (!(it.isSignlessInteger(16) || it.isSignlessInteger(32)))
    return op.emitOpError("indices must be i16 or i32");
  if (!tt(op.getOffsets()).getElementType().isSignlessInteger(32))
    return op.emitOpError("offsets must be i32");
  int64_t rowBlocks = (K + bk - 1) / bk, colBlocks = (N + bn - 1) / bn;
  // One list per column block, or per (chunk, column block) chunk-major.
  int64_t lists = chunk ? (rowBlocks + chunk - 1) / chunk * colBlocks : colBlocks;
  const char *list = chunk ? "list" : "column block";
  auto idx = tt(op.getIndices()), off = tt(op.getOffsets()), vals = tt(op.getValues());
  if (!idx.hasStaticShape() || idx.getRank() != 1)
    return op.emitOpError("indices must be a static [nnzb], got ") << shapeString(dims(op.getIndices()));
  int64_t nnzb = idx.getDimSize(0);
  if (!off.hasStaticShape() || off.getShape() != ArrayRef<int64_t>{lists + 1}) {
    auto d = op.emitOpError("offsets must be [") << lists + 1 << "] (N = " << N << ", block_n " << bn;
    if (chunk)
      d << ", " << (rowBlocks + chunk - 1) / chunk << " chunks of " << chunk << " block rows";
    return d << "), got " << shapeString(dims(op.getOffsets()));
  }
  if (!vals.hasStaticShape() || vals.getShape() != ArrayRef<int64_t>{nnzb, bk, bn})
    return op.emitOpError("values must be [") << nnzb << ", " << bk << ", " << bn << "], got "
                                           << shapeString(dims(op.getValues()));
  // The kernel reads A at the indices and the tables at the offsets: check
  // them whenever they are known.
  if (std::optional<std::vector<int32_t>> o = constantI32(op.getOffsets()); o && o->size() == size_t(lists + 1)) {
    if ((*o)[0] != 0 || o->back() != nnzb)
      return op.emitOpError("offsets must run from 0 to ") << nnzb << ", got " << (*o)[0] << " .. " << o->back();
    int64_t longest = 0;
    for (int64_t j = 0; j < lists; ++j) {
      if ((*o)[j + 1] < (*o)[j])
        return op.emitOpError("offsets decrease at ") << list << " " << j;
      if (((*o)[j + 1] - (*o)[j]) % group)
        return op.emitOpError(list) << " " << j << " has " << (*o)[j + 1] - (*o)[j]
                                    << " blocks, not a multiple of group " << group;
      longest = std::max<int64_t>(longest, (*o)[j + 1] - (*o)[j]);
    }
    if (longest != op.getMaxBlocks())
      return op.emitOpError("max_blocks is ") << op.getMaxBlocks() << " but the longest " << list << " has " << longest;
  }
  if (std::optional<std::vector<int32_t>> i = constantI32(op.getIndices()); i && i->size() == size_t(nnzb))
    for (int64_t p = 0; p < nnzb; ++p)
      if ((*i)[p] < 0 || (*i)[p] >= rowBlocks)
        return op.emitOpError("index ") << (*i)[p] << " at entry " << p << " is outside [0, " << rowBlocks
                                     << ") (K = " << K << ", block_k " << bk << ")";
  return success();
}

LogicalResult SparseMatMulOp::verify() {
  auto elem = [](Value v) { return tt(v).getElementType(); };
  if (!elem(getLhs()).isF32() || !elem(getValues()).isF32())
    return emitOpError("expects f32 activations and values, got ") << elem(getLhs()) << " and " << elem(getValues());
  int64_t bk = getBlockK(), bn = getBlockN(), maxBlocks = getMaxBlocks(), group = getGroup();
  if (bk < 1 || bn < 1 || maxBlocks < 0)
    return emitOpError("block_k and block_n must be >= 1 and max_blocks >= 0, got ")
           << bk << ", " << bn << ", " << maxBlocks;
  if (group < 1 || maxBlocks % group)
    return emitOpError("group must be >= 1 and divide max_blocks, got group ") << group << ", max_blocks "
                                                                               << maxBlocks;
  FailureOr<std::pair<int64_t, int64_t>> kn = verifyQuantizedShapes(*this);
  if (failed(kn))
    return failure();
  auto [K, N] = *kn;
  std::optional<int64_t> chunk = getChunk();
  if (chunk && (*chunk < 1 || group != 1))
    return emitOpError("chunk needs group 1 and must be >= 1, got chunk ") << *chunk << ", group " << group;
  if (failed(verifySparseTables(*this, K, N, group, chunk.value_or(0))))
    return failure();
  return verifyF32Epilogue(*this, "product");
}

LogicalResult SparseQMatMulOp::verify() {
  auto elem = [](Value v) { return tt(v).getElementType(); };
  if (!elem(getLhs()).isUnsignedInteger(8) || !elem(getValues()).isSignlessInteger(8))
    return emitOpError("expects u8 activations and s8 values, got ") << elem(getLhs()) << " and "
                                                                     << elem(getValues());
  int64_t bk = getBlockK(), bn = getBlockN(), maxBlocks = getMaxBlocks();
  // 4 k per i32 lane: the vpdpbusd operand.
  if (bk < 4 || bk % 4 || bn < 1 || maxBlocks < 0)
    return emitOpError("block_k must be a multiple of 4, block_n >= 1 and max_blocks >= 0, got ")
           << bk << ", " << bn << ", " << maxBlocks;
  FailureOr<std::pair<int64_t, int64_t>> kn = verifyQuantizedShapes(*this);
  if (failed(kn))
    return failure();
  auto [K, N] = *kn;
  if (failed(verifySparseTables(*this, K, N, /*group=*/1)) || failed(verifyQuantParams(*this, N)))
    return failure();
  return verifyF32Epilogue(*this, "dequantized");
}

LogicalResult OutlierMatMulOp::verify() {
  auto a = tt(getLhs()), b = tt(getRhs()), r = tt(getResult());
  if (!a.getElementType().isF32() || !r.getElementType().isF32() || !tt(getAcc()).getElementType().isF32())
    return emitOpError("A, acc and the result must be f32");
  if (!(b.getElementType().isF16() || b.getElementType().isF32()) ||
      !tt(getMask()).getElementType().isUnsignedInteger(8))
    return emitOpError("the weight must be f16 or f32 and the mask ui8");
  if (!a.hasStaticShape() || !r.hasStaticShape() || a.getRank() < 2 || r.getRank() != a.getRank())
    return emitOpError("A and the result must be static, of one rank >= 2");
  int64_t K = a.getShape().back(), N = r.getShape().back();
  SmallVector<int64_t> expect(a.getShape().drop_back());
  expect.push_back(N);
  if (r.getShape() != ArrayRef<int64_t>(expect) || tt(getAcc()).getShape() != r.getShape())
    return emitOpError("the result and acc must be ") << shapeString(expect);
  if (b.getShape() != ArrayRef<int64_t>{K, N})
    return emitOpError("the weight must be [K, N] = [") << K << ", " << N << "]";
  if (tt(getMask()).getShape() != ArrayRef<int64_t>{K})
    return emitOpError("mask must be [") << K << "]";
  return success();
}

namespace {
/// The values an index expression takes: [lo, hi], each a polynomial of the
/// symbols (constants for static IR).
struct Range {
  SymExpr lo, hi;
};
} // namespace

/// Whether `e` >= 0 is proven for all symbols >= 0 (a symbol may be 0 at run time).
static bool provenGE0(std::optional<SymExpr> e) { return e && e->decideGE0() == std::optional<bool>(true); }

/// Bounds of `e` when dim i ranges over [0, extents[i]); nullopt for forms it
/// does not bound (products of dims, divisions of unknown sign, overflow). A
/// sum c_i * d_i over dims ranges up to sum c_i * (E_i - 1).
static std::optional<Range> exprRange(AffineExpr e, ArrayRef<SymExpr> extents) {
  if (auto c = dyn_cast<AffineConstantExpr>(e))
    return Range{SymExpr::constant(c.getValue()), SymExpr::constant(c.getValue())};
  if (auto d = dyn_cast<AffineDimExpr>(e)) {
    auto hi = sub(extents[d.getPosition()], SymExpr::constant(1));
    return hi ? std::optional<Range>(Range{SymExpr(), *hi}) : std::nullopt;
  }
  if (auto s = dyn_cast<AffineSymbolExpr>(e))
    return Range{SymExpr::symbol(s.getPosition()), SymExpr::symbol(s.getPosition())};
  auto bin = dyn_cast<AffineBinaryOpExpr>(e);
  if (!bin)
    return std::nullopt;
  auto l = exprRange(bin.getLHS(), extents), r = exprRange(bin.getRHS(), extents);
  if (!l || !r)
    return std::nullopt;
  auto both = [](std::optional<SymExpr> lo, std::optional<SymExpr> hi) -> std::optional<Range> {
    if (!lo || !hi)
      return std::nullopt;
    return Range{*lo, *hi};
  };
  switch (e.getKind()) {
  case AffineExprKind::Add:
    return both(add(l->lo, r->lo), add(l->hi, r->hi));
  case AffineExprKind::Mul: {
    // One factor is fixed (a constant or a polynomial of the symbols).
    if (l->lo == l->hi)
      std::swap(l, r);
    if (r->lo != r->hi)
      return std::nullopt;
    const SymExpr &f = r->lo;
    if (f.decideGE0() == std::optional<bool>(true))
      return both(mul(l->lo, f), mul(l->hi, f));
    if (f.decideGE0() == std::optional<bool>(false))
      return both(mul(l->hi, f), mul(l->lo, f));
    return std::nullopt;
  }
  case AffineExprKind::FloorDiv: {
    const SymExpr &y = r->lo;
    if (r->lo != r->hi || !provenGE0(sub(y, SymExpr::constant(1))) || !provenGE0(l->lo))
      return std::nullopt;
    auto floorDiv = [&](const SymExpr &x) -> std::optional<SymExpr> {
      if (auto xc = x.constValue(); xc && y.constValue())
        return SymExpr::constant(*xc / *y.constValue());
      if (auto q = exactDiv(x, y))
        return q;
      // (q * y - 1) floordiv y = q - 1: the last index of a dim of q * y.
      auto next = add(x, SymExpr::constant(1));
      auto q = next ? exactDiv(*next, y) : std::nullopt;
      return q ? sub(*q, SymExpr::constant(1)) : std::nullopt;
    };
    std::optional<SymExpr> lo = l->lo == SymExpr() ? SymExpr() : floorDiv(l->lo);
    return both(lo, floorDiv(l->hi));
  }
  case AffineExprKind::Mod: {
    const SymExpr &y = r->lo;
    auto last = sub(y, SymExpr::constant(1));
    if (r->lo != r->hi || !provenGE0(last) || !provenGE0(l->lo))
      return std::nullopt;
    // Below y, and below the dividend's own bound when that is smaller.
    auto gap = sub(*last, l->hi);
    return Range{SymExpr(), provenGE0(gap) ? l->hi : *last};
  }
  default:
    return std::nullopt;
  }
}

/// `map` over `extents` must index inside `shape` wherever its bounds are
/// known. With symbols, a bound proven outside for some size is an error; one
/// that holds only for some sizes (GPT-2's causal rows d + past of a
/// 1024-row buffer: past + seq <= 1024) is left to run time, where the
/// importer's constraints and Halide's bounds check of every input buffer
/// refuse the call before any read.
static LogicalResult verifyMapInBounds(Operation *op, AffineMap map, ArrayRef<SymExpr> extents,
                                       ArrayRef<SymExpr> shape, const Twine &what) {
  for (auto [i, e] : llvm::enumerate(map.getResults())) {
    auto r = exprRange(e, extents);
    if (!r)
      continue;
    auto top = sub(shape[i], SymExpr::constant(1));
    if (provenGE0(r->lo) && top && provenGE0(sub(*top, r->hi)))
      continue;
    std::optional<SymExpr> room = top ? sub(*top, r->hi) : std::nullopt;
    bool symbolic = !r->lo.isConst() || !r->hi.isConst() || !shape[i].isConst();
    bool provenOutside = r->lo.decideGE0() == std::optional<bool>(false) ||
                         (room && room->decideGE0() == std::optional<bool>(false));
    if (symbolic && room && !provenOutside)
      continue;
    return op->emitOpError() << what << " reads index [" << r->lo.str() << ", " << r->hi.str() << "] of dim " << i
                             << ", which has size " << shape[i].str();
  }
  return success();
}

SmallVector<SymExpr> AttentionOp::canonicalShapeExprs() {
  SmallVector<SymExpr> s = dims(getResult());
  if (auto h = getMergedHeads()) {
    auto heads = SymExpr::constant((int64_t)*h);
    auto e = s.size() >= 2 && *h > 0 ? exactDiv(s.back(), heads) : std::nullopt;
    if (e) {
      s.back() = *e;
      s.insert(s.end() - 2, heads);
    }
  }
  return s;
}

SymExpr AttentionOp::keyLen() {
  if (auto i = dyn_cast<IntegerAttr>(getKeyLen()))
    return SymExpr::constant(i.getInt());
  auto m = cast<AffineMapAttr>(getKeyLen()).getValue();
  std::optional<SymExpr> e = m.getNumResults() == 1 ? SymExpr::fromAffine(m.getResult(0)) : std::nullopt;
  return e ? *e : SymExpr();
}

Attribute AttentionOp::keyLenAttr(MLIRContext *ctx, const SymExpr &keys, unsigned numSymbols) {
  if (auto c = keys.constValue())
    return IntegerAttr::get(IntegerType::get(ctx, 64), *c);
  return AffineMapAttr::get(AffineMap::get(0, numSymbols, keys.toAffine(ctx, numSymbols)));
}

LogicalResult AttentionOp::verify() {
  auto res = tt(getResult());
  if (res.getRank() < 2)
    return emitOpError("result must be [batch..., rows, value dim]");
  SymExpr last = dims(getResult()).back();
  if (auto h = getMergedHeads();
      h && ((int64_t)*h <= 0 || !last.isConst() || *last.constValue() % (int64_t)*h))
    return emitOpError("merged_heads = ") << *h << " must divide the result's last dim " << last.str();
  Type et = res.getElementType();
  if (!isa<FloatType>(et))
    return emitOpError("expects float operands, got ") << et;
  for (Value x : {getQ(), getK(), getV()})
    if (tt(x).getElementType() != et)
      return emitOpError("q, k, v and the result must have one element type");
  if (getOperandMaps().size() != 3)
    return emitOpError("needs three operand maps (q, k, v)");
  // A symbolic key count is a canonical polynomial over the types' symbols;
  // a constant one is written as an i64, so static IR prints as it did.
  if (auto m = dyn_cast<AffineMapAttr>(getKeyLen())) {
    AffineMap map = m.getValue();
    std::optional<SymExpr> e =
        map.getNumDims() == 0 && map.getNumResults() == 1 ? SymExpr::fromAffine(map.getResult(0)) : std::nullopt;
    if (!e || e->isConst() || e->toAffine(getContext(), map.getNumSymbols()) != map.getResult(0))
      return emitOpError("key_len must be an i64, or a canonical polynomial of the symbols ()[s..] -> (keys)");
    if (failed(verifyMapSymbols(*this, map, "key_len")))
      return failure();
  }
  SmallVector<SymExpr> shape = canonicalShapeExprs();
  size_t nb = shape.size() - 2;
  SymExpr rows = shape[nb], E = shape[nb + 1], Sk = keyLen(), D = SymExpr::constant(getHeadDim());
  // A symbolic key count may be 0 at run time: the lowering records the
  // constraint keys >= 1 for the runtime (an empty softmax has no value).
  std::optional<SymExpr> skMinus1 = sub(Sk, SymExpr::constant(1));
  if (!skMinus1 || skMinus1->decideGE0() == std::optional<bool>(false) || getHeadDim() <= 0)
    return emitOpError("key_len and head_dim must be positive");
  if (auto t = getSparseThreshold(); t && !(t->convertToDouble() > 0 && t->convertToDouble() <= 1))
    return emitOpError("sparse_threshold must be in (0, 1], got ") << t->convertToDouble();
  if (getInt8() && (!et.isF32() || getHeadDim() % 4 || getSparseThreshold()))
    return emitOpError("int8 needs f32 operands, a head_dim that is a multiple of 4 and no sparse_threshold");
  if (auto past = getCausal()) {
    // The diagonal key i + past exists for every row: keys = past + rows.
    if (!hasScore() || (int64_t)*past < 0 || !rows.isConst() || !Sk.isConst() ||
        *Sk.constValue() != *rows.constValue() + (int64_t)*past)
      return emitOpError("causal = ") << *past << " needs a score region and static keys = causal + rows, got "
                                      << Sk.str() << " keys and " << rows.str() << " rows";
  }
  // Extents of (b..., i, d), (b..., j, d), (b..., j, e).
  SmallVector<SymExpr> batch(shape.begin(), shape.begin() + nb);
  auto ext = [&](const SymExpr &a, const SymExpr &b) {
    SmallVector<SymExpr> x(batch);
    x.append({a, b});
    return x;
  };
  SmallVector<SymExpr> extents[3] = {ext(rows, D), ext(Sk, D), ext(Sk, E)};
  const char *names[3] = {"q", "k", "v"};
  Value operands[3] = {getQ(), getK(), getV()};
  for (unsigned i = 0; i < 3; ++i) {
    AffineMap m = operandMap(i);
    if (m.getNumDims() != nb + 2 || m.getNumResults() != (unsigned)tt(operands[i]).getRank())
      return emitOpError() << names[i] << " map must take " << nb + 2 << " dims to " << tt(operands[i]).getRank()
                           << " indices";
    if (failed(verifyMapSymbols(*this, m, Twine(names[i]) + " map")) ||
        failed(verifyMapInBounds(*this, m, extents[i], dims(operands[i]), Twine(names[i]) + " map")))
      return failure();
  }
  if (hasProbs() && failed(verifyScalarRegion(*this, getProbs(), "probs", et, "probability", ValueRange(),
                                              std::nullopt, nb + 2, "score", et)))
    return failure();
  if (!hasScore()) {
    if (!getScoreInputs().empty() || getScoreMaps())
      return emitOpError("score inputs and maps need a score region");
    return success();
  }
  if (failed(verifyScalarRegion(*this, getScore(), "score", et, "scaled score", getScoreInputs(), getScoreMaps(),
                                nb + 2, "score", et)))
    return failure();
  for (auto [i, in] : llvm::enumerate(getScoreInputs()))
    if (failed(verifyMapInBounds(*this, cast<AffineMapAttr>((*getScoreMaps())[i]).getValue(), ext(rows, Sk),
                                 dims(in), "score map #" + Twine(i))))
      return failure();
  return success();
}

LogicalResult IndexExprOp::verify() {
  Operation *parent = (*this)->getParentOp();
  unsigned rank = cast<RankedTensorType>(parent->getResult(0).getType()).getRank();
  if (auto att = dyn_cast<AttentionOp>(parent))
    rank = att.numBatchDims() + 2;
  AffineMap m = getMap();
  if (m.getNumResults() != 1 || m.getNumDims() != rank)
    return emitOpError("map must take the ") << rank << " iteration dims of " << parent->getName()
                                             << " to one value";
  return verifyMapSymbols(parent, m, "map");
}

LogicalResult ReduceOp::verify() {
  int64_t rank = tt(getInput()).getRank();
  for (Attribute a : getAxes())
    if (failed(verifyAxis(*this, cast<IntegerAttr>(a).getInt(), rank)))
      return failure();
  int64_t expectRank = getKeepdims() ? rank : rank - (int64_t)getAxes().size();
  if (tt(getResult()).getRank() != expectRank)
    return emitOpError("result rank must be ") << expectRank;
  return success();
}

LogicalResult SoftmaxOp::verify() {
  if (tt(getInput()) != tt(getResult()))
    return emitOpError("result type must be the input type");
  return verifyAxis(*this, getAxis(), tt(getInput()).getRank());
}

LogicalResult LogSoftmaxOp::verify() {
  if (tt(getInput()) != tt(getResult()))
    return emitOpError("result type must be the input type");
  if (!isa<FloatType>(tt(getInput()).getElementType()))
    return emitOpError("expects a floating-point input");
  return verifyAxis(*this, getAxis(), tt(getInput()).getRank());
}

LogicalResult RMSNormOp::verify() {
  if (tt(getInput()) != tt(getResult()))
    return emitOpError("result type must be the input type");
  if (failed(verifyAxis(*this, getAxis(), tt(getInput()).getRank())))
    return failure();
  if (tt(getScale()).getRank() > tt(getInput()).getRank() - (int64_t)getAxis())
    return emitOpError("scale has more dims than the normalised ones");
  return success();
}

LogicalResult ArgReduceOp::verify() {
  int64_t rank = tt(getInput()).getRank();
  if (failed(verifyAxis(*this, getAxis(), rank)))
    return failure();
  if (tt(getResult()).getRank() != (getKeepdims() ? rank : rank - 1))
    return emitOpError("result rank must be ") << (getKeepdims() ? rank : rank - 1);
  if (!tt(getResult()).getElementType().isSignlessInteger(64))
    return emitOpError("result must be i64");
  return success();
}

LogicalResult ScanOp::verify() {
  if (tt(getInput()) != tt(getResult()))
    return emitOpError("result type must be the input type");
  return verifyAxis(*this, getAxis(), tt(getInput()).getRank());
}

LogicalResult TopKOp::verify() {
  auto in = tt(getInput()), res = tt(getResult());
  if (failed(verifyAxis(*this, getAxis(), in.getRank())))
    return failure();
  if (res.getRank() != in.getRank() || !res.getElementType().isSignlessInteger(64))
    return emitOpError("result must be i64 of the input's rank");
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (d == (int64_t)getAxis() ? res.getDimSize(d) > in.getDimSize(d) : res.getDimSize(d) != in.getDimSize(d))
      return emitOpError("result shape must be the input's with k <= ")
             << in.getDimSize(getAxis()) << " along the axis";
  return success();
}

LogicalResult LayerNormOp::verify() {
  if (tt(getInput()) != tt(getResult()))
    return emitOpError("result type must be the input type");
  return verifyAxis(*this, getAxis(), tt(getInput()).getRank());
}

LogicalResult GatherOp::verify() {
  if (failed(verifyAxis(*this, getAxis(), tt(getData()).getRank())))
    return failure();
  if (tt(getResult()).getRank() != tt(getData()).getRank() + tt(getIndices()).getRank() - 1)
    return emitOpError("result rank must be data rank + indices rank - 1");
  return success();
}

LogicalResult GatherElementsOp::verify() {
  if (tt(getResult()).getShape() != tt(getIndices()).getShape())
    return emitOpError("result shape must be the indices' shape");
  return verifyAxis(*this, getAxis(), tt(getData()).getRank());
}

LogicalResult GatherNDOp::verify() {
  auto i = tt(getIndices()).getShape();
  if (i.empty() || i.back() + getBatchDims() > tt(getData()).getRank())
    return emitOpError("last indices dim is larger than the data rank");
  return success();
}

LogicalResult PadOp::verify() {
  auto in = tt(getInput()), res = tt(getResult());
  int64_t r = in.getRank();
  if ((int64_t)getPads().size() != 2 * r || res.getRank() != r)
    return emitOpError("pads needs two entries per dim and the result the input's rank");
  for (int64_t d = 0; d < r; ++d) {
    int64_t b = cast<IntegerAttr>(getPads()[d]).getInt(), e = cast<IntegerAttr>(getPads()[d + r]).getInt();
    if (res.getDimSize(d) != in.getDimSize(d) + b + e)
      return emitOpError("result dim ") << d << " must be " << in.getDimSize(d) + b + e;
  }
  if (tt(getValue()).getRank() != 0 || tt(getValue()).getElementType() != in.getElementType() ||
      res.getElementType() != in.getElementType())
    return emitOpError("value and result must have the input's element type (value a scalar)");
  return success();
}

LogicalResult TriluOp::verify() {
  if (tt(getInput()) != tt(getResult()) || tt(getInput()).getRank() < 2)
    return emitOpError("result type must be the input type, of rank >= 2");
  if (tt(getK()).getRank() != 0 || !tt(getK()).getElementType().isSignlessInteger(64))
    return emitOpError("k must be an i64 scalar");
  return success();
}

LogicalResult ScatterNDOp::verify() {
  auto i = tt(getIndices()).getShape();
  int64_t r = tt(getData()).getRank();
  if (i.empty() || i.back() < 1 || i.back() > r)
    return emitOpError("last indices dim must be in [1, data rank]");
  if (tt(getUpdates()).getRank() != (int64_t)i.size() - 1 + r - i.back())
    return emitOpError("updates rank must be ") << (int64_t)i.size() - 1 + r - i.back();
  if (tt(getResult()) != tt(getData()))
    return emitOpError("result type must be the data type");
  return success();
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  return verifyAxis(*this, getAxis(), tt(getResult()).getRank());
}

LogicalResult ConvOp::verify() {
  int64_t rank = tt(getInput()).getRank();
  if (rank < 3 || tt(getWeight()).getRank() != rank || tt(getResult()).getRank() != rank)
    return emitOpError("input, weight and result must have one rank >= 3");
  if ((int64_t)getStrides().size() != rank - 2 || (int64_t)getPads().size() != 2 * (rank - 2))
    return emitOpError("strides need one entry per spatial dim, pads two");
  return success();
}

/// kernel.qmatmul's `scales(...)`: (a_scale, a_zero, b_scale, b_colsum), or
/// (b_scale, b_colsum) when the kernel quantizes its f32 A itself.
static ParseResult parseQScales(OpAsmParser &p, std::optional<OpAsmParser::UnresolvedOperand> &aScale,
                                std::optional<OpAsmParser::UnresolvedOperand> &aZero,
                                OpAsmParser::UnresolvedOperand &bScale, OpAsmParser::UnresolvedOperand &colsum) {
  SmallVector<OpAsmParser::UnresolvedOperand, 4> ops;
  if (p.parseOperandList(ops))
    return failure();
  if (ops.size() == 2) {
    bScale = ops[0];
    colsum = ops[1];
    return success();
  }
  if (ops.size() != 4)
    return p.emitError(p.getCurrentLocation(), "scales takes (a_scale, a_zero, b_scale, b_colsum) or (b_scale, b_colsum)");
  aScale = ops[0];
  aZero = ops[1];
  bScale = ops[2];
  colsum = ops[3];
  return success();
}

static void printQScales(OpAsmPrinter &p, Operation *, Value aScale, Value aZero, Value bScale, Value colsum) {
  if (aScale)
    p << aScale << ", " << aZero << ", ";
  p << bScale << ", " << colsum;
}

#define GET_OP_CLASSES
#include "dialects/Kernel/KernelOps.cpp.inc"
