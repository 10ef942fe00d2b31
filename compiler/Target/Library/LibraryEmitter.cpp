//===- LibraryEmitter.cpp - The model's archive, header and tables -===//
//
// Expects: a module at the halide level whose `func.func @main` is a straight
// line of halide.launch ops over its arguments and graph.constant weights.
// Produces: the plain-data kiln_model_t table (model_abi.h) as C, the weights
// as one blob pulled in with .incbin, NAME.h with the typed run function, and
// libNAME.a holding those objects, every kernel object and the Halide runtime.
// A model with symbolic dims (@main has `kiln.symbols`) gets its symbols,
// constraints and dim expressions (SymbolicTable.h) and liveness instead of
// arena offsets: the runtime plans the arena per size (runtime/src/resolve.c).
//
//===----------------------------------------------------------------------===//
#include "compiler/Target/Library/LibraryEmitter.h"
#include "compiler/Target/Library/SymbolicTable.h"
#include "compiler/Utils/ConstantData.h"
#include "compiler/Utils/InstallLayout.h"
#include "dialects/Graph/GraphOps.h"
#include "dialects/Halide/HalideOps.h"
#include "dialects/Halide/MemoryPlan.h"
#include "dialects/Utils/SymShape.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <fstream>
#include <set>

using namespace mlir;
using namespace kiln;

#ifndef KILN_VERSION
#define KILN_VERSION "dev"
#endif

namespace {

enum Kind { Input = 0, Output = 1, Weight = 2, Intermediate = 3 };

struct Tensor {
  std::string name;
  RankedTensorType type;
  Kind kind;
  int ioIndex = -1;
  llvm::SmallVector<SymExpr> dims; ///< constants for static dims
  int64_t offset = 0, nbytes = 0;
  int64_t indexBound = 0; ///< token-id style inputs: valid values in [-bound, bound)
  int defStep = -1, lastStep = -1; ///< intermediates: liveness, for the runtime's plan
  int reuse = -1;                  ///< intermediates: the tensor id it may overwrite
};

int onnxDType(Type t) {
  if (t.isF32()) return 1;
  if (t.isF16()) return 10;
  if (t.isInteger(1)) return 9;
  if (t.isUnsignedInteger(8)) return 2;
  if (t.isInteger(8)) return 3;
  if (t.isInteger(16)) return 5;
  if (t.isInteger(32)) return 6;
  if (t.isInteger(64)) return 7;
  return 0;
}

const char *cType(Type t) {
  if (t.isF32()) return "float";
  if (t.isF16()) return "uint16_t";
  if (t.isInteger(1) || t.isUnsignedInteger(8)) return "uint8_t";
  if (t.isInteger(8)) return "int8_t";
  if (t.isInteger(16)) return "int16_t";
  if (t.isInteger(32)) return "int32_t";
  return "int64_t";
}

const char *dtypeName(Type t) {
  if (t.isF32()) return "float32";
  if (t.isF16()) return "float16";
  if (t.isInteger(1)) return "bool";
  if (t.isUnsignedInteger(8)) return "uint8";
  if (t.isInteger(8)) return "int8";
  if (t.isInteger(16)) return "int16";
  if (t.isInteger(32)) return "int32";
  return "int64";
}

int64_t byteSize(RankedTensorType t) { return t.getNumElements() * elementByteSize(t.getElementType()); }

/// Bytes as a polynomial of the symbols (a constant for a static tensor).
std::optional<SymExpr> byteExpr(const Tensor &t) {
  auto n = numElementsExpr(t.dims);
  return n ? mul(*n, SymExpr::constant(elementByteSize(t.type.getElementType()))) : std::nullopt;
}

std::string cString(StringRef s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if ((unsigned char)c < 32)
      continue;
    out += c;
  }
  return out + "\"";
}

/// A C identifier from an ONNX name, unique among `used`.
std::string cIdent(StringRef s, std::set<std::string> &used) {
  std::string id;
  for (char c : s)
    id += isalnum((unsigned char)c) ? c : '_';
  if (id.empty() || isdigit((unsigned char)id[0]))
    id = "t_" + id;
  std::string base = id;
  for (int i = 2; used.count(id); ++i)
    id = base + "_" + std::to_string(i);
  used.insert(id);
  return id;
}

/// The table's shape: -1 for a symbolic dim (its dim_expr says what it is).
std::string shapeList(RankedTensorType t, const char *sep = ",") {
  std::string s;
  for (int64_t i = 0; i < t.getRank(); ++i)
    s += (i ? sep : "") + std::to_string(t.isDynamicDim(i) ? -1 : t.getDimSize(i));
  return s;
}

/// Dims with symbols by name, `batch,seq*4,8`; as shapeList when static.
std::string namedShape(const Tensor &t, llvm::ArrayRef<std::string> names) {
  std::string s;
  for (auto [i, d] : llvm::enumerate(t.dims))
    s += (i ? "," : "") + d.str(names);
  return s;
}

LogicalResult run(Operation *op, ArrayRef<StringRef> argv) {
  auto prog = llvm::sys::findProgramByName(argv[0]);
  if (!prog)
    return op->emitError("cannot find '") << argv[0] << "' on PATH (needed to build the library)";
  std::string msg;
  int rc = llvm::sys::ExecuteAndWait(*prog, argv, std::nullopt, {}, 0, 0, &msg);
  if (rc != 0) {
    std::string cmd;
    for (StringRef a : argv)
      cmd += a.str() + " ";
    return op->emitError("command failed (") << rc << "): " << cmd << msg;
  }
  return success();
}


/// Reads and checks @main's memory plan (dialects/Halide/MemoryPlan.h) into
/// the intermediates' liveness, in-place partner and, when static, offsets.
LogicalResult readMemoryPlan(func::FuncOp main, ArrayRef<halide::LaunchOp> launches,
                             const llvm::DenseMap<Value, int> &ids, std::vector<Tensor> &tensors,
                             bool symbolic, int64_t &arenaSize) {
  auto missing = [&](Operation *op, StringRef attr) {
    return op->emitError("no memory plan (") << attr << "): run -kiln-plan-memory before emitting the library";
  };
  auto intAttr = [](Operation *op, StringRef name) -> std::optional<int64_t> {
    if (auto a = op->getAttrOfType<IntegerAttr>(name))
      return a.getInt();
    return std::nullopt;
  };
  std::vector<int> inter; // tensor ids of intermediates, by defining step
  for (size_t step = 0; step < launches.size(); ++step) {
    halide::LaunchOp l = launches[step];
    int id = ids.lookup(l.getResult());
    Tensor &t = tensors[id];
    if (t.kind != Intermediate)
      continue;
    std::optional<int64_t> last = intAttr(l, halide::plan::kLastUse);
    if (!last)
      return missing(l, halide::plan::kLastUse);
    if (*last < (int64_t)step || *last >= (int64_t)launches.size())
      return l.emitError("memory plan: ") << halide::plan::kLastUse << " = " << *last
                                          << " is outside steps " << step << ".." << launches.size() - 1;
    for (size_t s = *last + 1; s < launches.size(); ++s)
      if (llvm::is_contained(halide::LaunchOp(launches[s]).getInputs(), l.getResult()))
        return l.emitError("memory plan: step ") << s << " reads this result after its "
                                                  << halide::plan::kLastUse << " " << *last;
    t.defStep = step;
    t.lastStep = *last;
    if (std::optional<int64_t> j = intAttr(l, halide::plan::kInPlace)) {
      auto in = *j >= 0 && *j < (int64_t)l.getInputs().size() ? ids.find(l.getInputs()[*j]) : ids.end();
      if (in == ids.end() || tensors[in->second].kind != Intermediate ||
          tensors[in->second].lastStep != (int)step || !byteExpr(t) ||
          byteExpr(tensors[in->second]) != byteExpr(t))
        return l.emitError("memory plan: ") << halide::plan::kInPlace << " = " << *j
                                            << " is not an intermediate of the same size read last here";
      t.reuse = in->second;
    }
    inter.push_back(id);
    if (symbolic)
      continue; // placed by the runtime, per size
    std::optional<int64_t> offset = intAttr(l, halide::plan::kArenaOffset);
    if (!offset)
      return missing(l, halide::plan::kArenaOffset);
    t.offset = *offset;
    t.nbytes = byteSize(t.type);
  }
  if (symbolic)
    return success();
  std::optional<int64_t> size = intAttr(main, halide::plan::kArenaSize);
  if (inter.empty() && !size)
    return success();
  if (!size)
    return missing(main, halide::plan::kArenaSize);
  arenaSize = *size;
  // Two intermediates alive at once share no byte, unless the later one is
  // written in place over the earlier, which its kernel reads last.
  for (size_t a = 0; a < inter.size(); ++a) {
    const Tensor &x = tensors[inter[a]];
    if (x.offset < 0 || x.nbytes > arenaSize || x.offset > arenaSize - x.nbytes)
      return main.emitError("memory plan: '") << x.name << "' at [" << x.offset << ", +" << x.nbytes
                                              << ") lies outside the arena of " << arenaSize << " bytes";
    for (size_t c = a + 1; c < inter.size(); ++c) {
      const Tensor &y = tensors[inter[c]];
      bool alive = y.defStep <= x.lastStep;
      bool share = x.offset < y.offset + y.nbytes && y.offset < x.offset + x.nbytes;
      bool inPlace = y.reuse == inter[a] && x.offset == y.offset;
      if (alive && share && !inPlace)
        return main.emitError("memory plan: '") << x.name << "' and '" << y.name
                                                << "' are alive at once and share arena bytes";
    }
  }
  return success();
}

} // namespace

LogicalResult kiln::emitLibrary(ModuleOp module, const LibraryOptions &opts,
                                const std::vector<std::string> &objects) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main)
    return module.emitError("no func.func @main to emit");
  auto ret = cast<func::ReturnOp>(main.getBody().front().getTerminator());
  auto outputNames = main->getAttrOfType<ArrayAttr>("kiln.output_names");
  FailureOr<ModelSymbols> symbols = readModelSymbols(main);
  if (failed(symbols))
    return failure();
  bool symbolic = !symbols->symbols.empty();
  std::vector<std::string> symbolNames = symbols->names();

  std::vector<Tensor> tensors;
  llvm::DenseMap<Value, int> ids;
  std::string badType;
  auto add = [&](Value v, Tensor t) {
    ids[v] = tensors.size();
    // Symbolic types over the symbols @main declares, and only there.
    std::string why = shapeEncodingError(t.type);
    if (why.empty() && isSymbolic(t.type) && !symbolic)
      why = "symbolic dims, but @main has no kiln.symbols";
    if (why.empty() && numSymbols(t.type) > symbolNames.size())
      why = "dims over " + std::to_string(numSymbols(t.type)) + " symbols, but @main declares " +
            std::to_string(symbolNames.size());
    if (why.empty())
      t.dims = dimExprs(t.type);
    else if (badType.empty())
      badType = "tensor '" + t.name + "': " + why;
    tensors.push_back(std::move(t));
  };
  for (BlockArgument a : main.getArguments()) {
    auto name = main.getArgAttrOfType<StringAttr>(a.getArgNumber(), "kiln.name");
    add(a, {name ? name.str() : "input_" + std::to_string(a.getArgNumber()),
            cast<RankedTensorType>(a.getType()), Input, (int)a.getArgNumber()});
    if (auto bound = main.getArgAttrOfType<IntegerAttr>(a.getArgNumber(), "kiln.index_bound"))
      tensors.back().indexBound = bound.getInt();
  }

  // Weights: one blob, each constant 64-byte aligned.
  std::vector<char> weights;
  std::vector<halide::LaunchOp> launches;
  for (Operation &op : main.getBody().front()) {
    if (auto c = dyn_cast<graph::ConstantOp>(op)) {
      std::vector<char> bytes = constantBytes(c.getValue());
      weights.resize((weights.size() + 63) & ~size_t(63));
      Tensor t{"const_" + std::to_string(tensors.size()), c.getType(), Weight};
      t.offset = weights.size();
      t.nbytes = bytes.size();
      weights.insert(weights.end(), bytes.begin(), bytes.end());
      add(c.getResult(), t);
    } else if (auto l = dyn_cast<halide::LaunchOp>(op)) {
      launches.push_back(l);
      add(l.getResult(), {"t" + std::to_string(tensors.size()), l.getType(), Intermediate});
    } else if (!isa<func::ReturnOp>(op)) {
      return op.emitError("cannot emit this op into the model program");
    }
  }
  if (!badType.empty())
    return main.emitError("cannot emit ") << badType;
  for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
    Tensor &t = tensors[ids[v]];
    if (t.kind != Intermediate)
      return ret.emitError("output #") << i << " is not computed by a kernel (an input, a constant, "
                                       << "or returned twice); this is a compiler bug";
    t.kind = Output;
    t.ioIndex = i;
    if (outputNames && i < outputNames.size())
      t.name = cast<StringAttr>(outputNames[i]).str();
  }

  // The memory plan -kiln-plan-memory wrote: checked, since the module may be
  // hand-written, and a wrong plan would corrupt results silently.
  int64_t arenaSize = 0;
  if (failed(readMemoryPlan(main, launches, ids, tensors, symbolic, arenaSize)))
    return failure();
  for (Tensor &t : tensors) {
    if (t.kind == Weight)
      continue; // sized above
    // A tensor with symbolic dims is sized per call, at run time.
    t.nbytes = t.type.hasStaticShape() ? byteSize(t.type) : 0;
  }

  // Symbolic tables: every symbolic dim's expression, then the constraints.
  ExprTable exprs;
  std::vector<std::array<int32_t, 8>> dimExpr(tensors.size());
  for (auto [i, t] : llvm::enumerate(tensors)) {
    dimExpr[i].fill(-1);
    if (t.type.getRank() > 8)
      return main.emitError("tensor '") << t.name << "' has rank " << t.type.getRank()
                                        << "; the runtime takes at most 8";
    for (int64_t d = 0; d < t.type.getRank(); ++d)
      if (t.type.isDynamicDim(d) && (dimExpr[i][d] = exprs.add(t.dims[d], symbolNames)) < 0)
        return main.emitError("tensor '") << t.name << "' dim " << d << " = "
                                          << t.dims[d].str(symbolNames)
                                          << " is too long for the runtime's bytecode";
  }
  std::vector<int32_t> constraintExpr;
  for (const ModelConstraint &c : symbols->constraints) {
    constraintExpr.push_back(exprs.add(c.expr, symbolNames));
    if (constraintExpr.back() < 0)
      return main.emitError("the constraint ") << c.expr.str(symbolNames)
                                               << " is too long for the runtime's bytecode";
  }
  if (exprs.words().size() > (size_t)INT32_MAX)
    return main.emitError("the symbolic dims' expressions exceed 2^31 words");

  std::string base = opts.dir + "/" + opts.name;
  // Weights blob + the assembly that embeds it.
  {
    std::ofstream w(base + "_weights.bin", std::ios::binary);
    w.write(weights.data(), weights.size());
    std::ofstream s(base + "_weights.S");
    s << "  .section .rodata\n  .balign 64\n  .globl " << opts.name << "_weights\n"
      << opts.name << "_weights:\n  .incbin \"" << opts.name << "_weights.bin\"\n  .byte 0\n"
      << "  .section .note.GNU-stack,\"\",@progbits\n";
  }
  // The model table.
  {
    std::ofstream c(base + "_model.c");
    c << "/* generated by kiln " KILN_VERSION " from " << opts.source << ", do not edit */\n"
      << "#include \"kiln/model_abi.h\"\n\n";
    for (auto l : launches)
      c << "extern int " << opts.name << "_" << l.getKernel().str() << "_argv(void **args);\n";
    c << "extern const uint8_t " << opts.name << "_weights[];\n\n";
    if (symbolic) {
      c << "static const kiln_abi_symbol_t symbols[] = {\n";
      for (const ModelSymbol &sym : symbols->symbols)
        c << "  {" << cString(sym.name) << ", " << sym.input << ", " << sym.dim << "},\n";
      c << "};\n/* postfix: 1 v = CONST v, 2 k = SYM k, 3 ADD, 4 SUB, 5 MUL, 0 END */\n"
        << "static const int64_t exprs[] = {\n" << exprs.cInitializer() << "};\n";
      if (!constraintExpr.empty()) {
        c << "static const kiln_abi_constraint_t constraints[] = {\n";
        for (auto [i, con] : llvm::enumerate(symbols->constraints))
          c << "  {" << constraintExpr[i] << ", " << con.kind << ", " << cString(con.what)
            << "},\n";
        c << "};\n";
      }
      c << "\n";
    }
    c << "static const kiln_abi_tensor_t tensors[] = {\n";
    for (auto [i, t] : llvm::enumerate(tensors)) {
      c << "  {" << cString(t.name) << ", " << onnxDType(t.type.getElementType()) << ", " << t.kind
        << ", " << t.type.getRank() << ", " << t.ioIndex << ", {" << shapeList(t.type) << "}, "
        << t.offset << ", " << t.nbytes << ", " << t.indexBound << ", {";
      for (auto [d, e] : llvm::enumerate(dimExpr[i]))
        c << (d ? ", " : "") << e;
      c << "}, " << t.defStep << ", " << t.lastStep << ", " << t.reuse << "},\n";
    }
    c << "};\n";
    // Arguments in the order the kernel takes them (HalideTranslation.cpp):
    // input buffers, its halide.param @s<k> by k (-1 - k), the output.
    std::vector<std::vector<int32_t>> args;
    for (auto l : launches) {
      std::vector<int32_t> a;
      for (Value v : l.getInputs())
        a.push_back(ids[v]);
      auto kernel = module.lookupSymbol<halide::KernelOp>(l.getKernelAttr());
      std::vector<unsigned> params;
      if (kernel)
        for (auto p : kernel.getBody().front().getOps<halide::ParamOp>())
          params.push_back(p.getIndex());
      llvm::sort(params);
      for (unsigned k : params) {
        if (k >= symbolNames.size())
          return l.emitError("kernel ") << l.getKernelAttr() << " takes symbol s" << k << ", but @main declares "
                                        << symbolNames.size() << " symbols";
        a.push_back(-1 - (int32_t)k);
      }
      a.push_back(ids[l.getResult()]);
      args.push_back(std::move(a));
    }
    for (auto [step, a] : llvm::enumerate(args)) {
      c << "static const int32_t args" << step << "[] = {";
      for (auto [i, id] : llvm::enumerate(a))
        c << (i ? ", " : "") << id;
      c << "};\n";
    }
    c << "static const kiln_abi_step_t steps[] = {\n";
    for (auto [step, l] : llvm::enumerate(launches))
      c << "  {" << cString(l.getKernel()) << ", " << opts.name << "_" << l.getKernel().str()
        << "_argv, " << args[step].size() << ", args" << step << "},\n";
    if (launches.empty())
      c << "  {0, 0, 0, 0},\n";
    c << "};\n";
    c << "static const int32_t inputs[] = {";
    for (BlockArgument a : main.getArguments())
      c << ids[a] << ", ";
    c << "-1};\nstatic const int32_t outputs[] = {";
    for (Value v : ret.getOperands())
      c << ids[v] << ", ";
    c << "-1};\n\n";
    c << "static const kiln_model_t model = {\n  KILN_MODEL_ABI_VERSION, " << cString(opts.name)
      << ", " << cString(opts.source) << ", " << cString(opts.targetString) << ", "
      << (opts.cuda ? 1 : 0) << ",\n  " << tensors.size() << ", tensors, "
      << main.getNumArguments() << ", inputs, " << ret.getNumOperands() << ", outputs, "
      << launches.size() << ", steps,\n  " << opts.name << "_weights, " << weights.size() << ", "
      << arenaSize << ",\n  ";
    if (symbolic)
      c << symbols->symbols.size() << ", symbols, exprs, " << constraintExpr.size() << ", "
        << (constraintExpr.empty() ? "0" : "constraints") << "};\n\n";
    else
      c << "0, 0, 0, 0, 0}; /* static: no symbols, expressions or constraints */\n\n";
    c << "__attribute__((visibility(\"default\"))) const kiln_model_t *" << opts.name
      << "_model(void) { return &model; }\n";
  }
  // The header.
  {
    std::ofstream h(opts.dir + "/" + opts.name + ".h");
    std::string guard = "KILN_MODEL_" + llvm::StringRef(opts.name).upper() + "_H";
    h << "/* generated by kiln " KILN_VERSION " from " << opts.source << ", do not edit.\n"
      << " * target: " << opts.targetString << "\n";
    auto shown = [&](const Tensor &t) {
      return symbolic ? namedShape(t, symbolNames) : shapeList(t.type);
    };
    for (const Tensor &t : tensors)
      if (t.kind == Input)
        h << " * input  " << t.ioIndex << ": " << t.name << " " << dtypeName(t.type.getElementType())
          << " [" << shown(t) << "]\n";
    for (int i = 0; i < (int)ret.getNumOperands(); ++i) {
      const Tensor &t = tensors[ids[ret.getOperand(i)]];
      h << " * output " << i << ": " << t.name << " " << dtypeName(t.type.getElementType()) << " ["
        << shown(t) << "]\n";
    }
    for (const ModelSymbol &sym : symbols->symbols)
      h << " * symbol " << sym.name << ": dim " << sym.dim << " of input " << sym.input
        << ", at least 0\n";
    for (const ModelConstraint &con : symbols->constraints)
      h << " * requires " << exprText(con.expr, symbolNames) << (con.kind ? " == 0" : " >= 0")
        << (con.what.empty() ? "" : " (" + con.what + ")") << "\n";
    if (symbolic)
      h << " * workspace (arena): planned per size at run time (kiln_context_workspace_size); "
        << "weights: " << weights.size() << " bytes (embedded)\n */\n";
    else
      h << " * workspace (arena): " << arenaSize << " bytes; weights: " << weights.size()
        << " bytes (embedded)\n */\n";
    h
      << "#ifndef " << guard << "\n#define " << guard << "\n\n#include <kiln/runtime.h>\n\n"
      << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
      << "/* The model's table, for kiln_context_create and the kiln_model_* queries. */\n"
      << "const kiln_model_t *" << opts.name << "_model(void);\n\n"
      << "/* Typed run: inputs then outputs, in the order and shapes listed above. Each\n"
      << "   pointer is the caller's, dense row-major; bool is one byte per element. */\n";
    if (symbolic)
      h << "/* The symbols come first and give every shape. */\n";
    h << "static inline kiln_status_t " << opts.name << "_run(kiln_context_t *context";
    std::set<std::string> used{"context", "in", "out"};
    std::vector<std::string> params;
    std::vector<const Tensor *> ordered;
    for (BlockArgument a : main.getArguments())
      ordered.push_back(&tensors[ids[a]]);
    for (Value v : ret.getOperands())
      ordered.push_back(&tensors[ids[v]]);
    // The symbols as int64_t parameters; the shape arrays below are s<i>.
    std::vector<std::string> symbolParams;
    if (symbolic) {
      for (size_t i = 0; i < ordered.size(); ++i)
        used.insert("s" + std::to_string(i));
      for (const std::string &n : symbolNames) {
        symbolParams.push_back(cIdent(n, used));
        h << ", int64_t " << symbolParams.back();
      }
    }
    for (const Tensor *t : ordered) {
      params.push_back(cIdent(t->name, used));
      h << ",\n    " << (t->kind == Input ? "const " : "") << cType(t->type.getElementType()) << " *"
        << params.back();
    }
    h << ") {\n";
    for (size_t i = 0; i < ordered.size(); ++i) {
      if (!symbolic) {
        h << "  static const int64_t s" << i << "[] = {" << (ordered[i]->type.getRank() ? shapeList(ordered[i]->type) : "0")
          << "};\n";
        continue;
      }
      std::string dims;
      for (const SymExpr &d : ordered[i]->dims)
        dims += (dims.empty() ? "" : ", ") + d.str(symbolParams);
      h << "  const int64_t s" << i << "[] = {" << (dims.empty() ? "0" : dims) << "};\n";
    }
    size_t nin = main.getNumArguments(), nout = ret.getNumOperands();
    auto tensorInit = [&](size_t i) {
      return "{(kiln_dtype_t)" + std::to_string(onnxDType(ordered[i]->type.getElementType())) + ", " +
             std::to_string(ordered[i]->type.getRank()) + ", s" + std::to_string(i) + ", (void *)(uintptr_t)" +
             params[i] + "}";
    };
    h << "  kiln_tensor_t in[" << std::max<size_t>(nin, 1) << "] = {";
    for (size_t i = 0; i < nin; ++i)
      h << (i ? ", " : "") << tensorInit(i);
    h << "};\n  kiln_tensor_t out[" << std::max<size_t>(nout, 1) << "] = {";
    for (size_t i = 0; i < nout; ++i)
      h << (i ? ", " : "") << tensorInit(nin + i);
    h << "};\n  return kiln_context_run(context, in, " << nin << ", out, " << nout << ");\n}\n\n"
      << "#ifdef __cplusplus\n}\n#endif\n#endif\n";
  }

  // Compile the generated sources and archive everything.
  const char *ccEnv = getenv("CC");
  std::string cc = ccEnv && *ccEnv ? ccEnv : "cc";
  std::string modelObj = base + "_model.o", weightsObj = base + "_weights.o";
  std::string inc = "-I" + installedPath("include", KILN_RUNTIME_INCLUDE_DIR, "kiln/runtime.h");
  if (failed(run(main, {cc, "-O2", "-fPIC", "-c", inc, base + "_model.c", "-o", modelObj})))
    return failure();
  std::string wdir = "-I" + opts.dir;
  if (failed(run(main, {cc, "-c", wdir, base + "_weights.S", "-o", weightsObj})))
    return failure();
  std::string archive = opts.dir + "/lib" + opts.name + ".a";
  llvm::sys::fs::remove(archive);
  // D: zero timestamps, uids and modes, so one model always gives the same bytes.
  std::vector<StringRef> argv{"ar", "rcsD", archive, modelObj, weightsObj};
  for (const std::string &o : objects)
    argv.push_back(o);
  return run(main, argv);
}
