//===- HalideTranslation.cpp - halide dialect to Halide pipelines and objects -===//
//
// Expects: a module holding verified `halide.kernel` ops (see
// dialects/Halide/HalideOps.td), each with its inputs, funcs, updates, exactly
// one output, and optional "cpu"/"cuda" schedule regions.
// Produces: per kernel, one Halide pipeline built in-process through Halide
// 14's C++ API and compiled ahead of time to `<dir>/<prefix>_<sym>.o`, with C
// entry points `<prefix>_<sym>(halide_buffer_t *in..., halide_buffer_t *out)`
// and `<prefix>_<sym>_argv(void **args)` (args are the halide_buffer_t
// pointers, inputs in order then the output); plus one standalone runtime
// `<dir>/<prefix>_halide_runtime.o` for the target (unless the caller shares
// one written by emitHalideRuntime). Objects are
// position-independent (no R_X86_64_32 relocations; they link into shared
// objects) and need libm (tanhf), libpthread and libdl.
//
// Callers (the runtime): Halide's default error handler aborts, so install
// one with halide_set_error_handler to get the nonzero return code instead.
// On CUDA, set halide_buffer_flag_host_dirty on inputs whose host data is
// fresh (else nothing is copied up), call halide_copy_to_host on the output
// (it comes back device_dirty), and halide_device_free buffers when done.
//
// Layout: every buffer is dense, innermost dim first, min 0, stride 1 in dim 0
// and the product of the inner extents in dim i. All extents and strides are
// constant, so Halide specializes on them. i1 values are stored as UInt(8)
// (0 or 1) in buffers and Funcs, and are Bool in expressions.
//
// Schedules: the `halide.schedule` whose target is cuda for a GPU target,
// cpu otherwise, is applied directive by directive. Stage 0 is the pure
// definition, stage k the k-th halide.update of the func (f.update(k-1)).
// Names in directives resolve, per func and stage, to: vars created earlier by
// split/fuse/gpu_tile on that stage, then the func's own vars, then "r0",
// "r1", ... for the reduction vars r.x, r.y, ... of the stage's RDom, then a
// Halide::Var of that name. Splitting/tiling an RVar creates RVars; fusing two
// RVars creates an RVar. gpu_tile of var v names its block and thread vars
// "v_o" and "v_i", with TailStrategy::GuardWithIf. split and vectorize keep
// Halide's default tail strategy where it is exact or safe (the factor divides
// the var's extent, or a pure definition's extent is at least the factor) and
// use GuardWithIf otherwise, including whenever the extent is not known here
// (only the output func's vars, rdom vars and what split/fuse make of them
// have known extents): the defaults would read inputs or write the output out
// of bounds at run time.
//
// Symbolic tiles: where the CPU schedule splits a var of the output func whose
// extent is symbolic (rows, seq), the output is specialized on each such
// extent being at least its factor. There the split shifts inwards as a
// static extent's does, so the tile, and everything computed at it, has
// constant extents: register tiles unroll and their scratch lives on the stack
// instead of a guarded tail's heap allocation per tile. Below (a decode
// step's one row) those vars split by 1: one row per tile, as a static
// extent of 1 gets. BERT-base s128, 1 thread, on an Intel Xeon (family 6,
// model 207, AVX-512; docs/benchmark.md): symbolic / pinned 1.10 before,
// 1.01-1.03 after; the GPT-2 decode step 1.05 before, 1.01-1.04 after.
//
// Halide 14 (Debian) reports errors by throwing Halide::Error; this file and
// HalideExprBuilder.cpp are compiled with -fexceptions to catch them, and turn
// them into MLIR errors on the directive or func that caused them, or else on
// the kernel op.
//
//===----------------------------------------------------------------------===//

#include "compiler/Target/Halide/HalideTranslation.h"
#include "compiler/Target/Halide/CpuCodegen.h"
#include "compiler/Target/Halide/HalideExprBuilder.h"

#include "dialects/Halide/HalideOps.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include "llvm/Support/FileSystem.h"

#include <climits>
#include <functional>
#include <map>
#include <set>

using namespace mlir;

namespace kiln {

/// Halide 14 reports avx512_sapphirerapids for any CPU with AVX-VNNI and
/// AVX512-BF16 (AMD Zen 4 has both), and then emits AVX512-FP16 instructions
/// (vmovw for i1 vectors) that such CPUs lack: SIGILL. The target keeps the
/// feature only when CPUID says AVX512-FP16 is there; VNNI then comes back
/// through halide.cpu (resolveHalideCpu).
/// This host's target; `cuda` adds Halide's CUDA backend, `profile` its
/// sampling profiler (each kernel prints where its time went at exit).
static Halide::Target hostTarget(bool cuda, bool profile) {
  Halide::Target t = Halide::get_host_target();
  if (t.has_feature(Halide::Target::AVX512_SapphireRapids) && !hostHasAvx512Fp16())
    t = t.without_feature(Halide::Target::AVX512_SapphireRapids);
  if (cuda)
    // sm_80 PTX: runs natively on A100 and is JIT-compiled by the driver for
    // newer GPUs (sm_86/89/90), PTX being forward compatible.
    t = t.with_feature(Halide::Target::CUDA).with_feature(Halide::Target::CUDACapability80);
  if (profile)
    t = t.with_feature(Halide::Target::Profile);
  return t;
}

bool resolveHalideCpu(llvm::StringRef target, llvm::StringRef cpu, std::string &name, std::string &features,
                      std::string &error) {
  name.clear();
  features.clear();
  if (cpu.empty()) {
    // Only a host with VNNI (AVX512-VNNI or AVX-VNNI) but no FP16 needs one:
    // elsewhere Halide's target string says all (sapphirerapids is safe, or
    // there is no VNNI to use).
    if (target != "host" || !(hostHasAvx512Vnni() || hostHasAvxVnni()) || hostHasAvx512Fp16())
      return true;
    cpu = "host";
  }
  if (cpu == "host") {
    name = hostCpuName();
    features = hostCpuFeatures();
    return true;
  }
  if (!namedCpuFeatures(cpu, features, error))
    return false;
  name = cpu.str();
  return true;
}

std::string resolveHalideTarget(llvm::StringRef target, bool profile, std::string &error) {
  Halide::Target t;
  if (target == "host" || target == "host-cuda") {
    t = hostTarget(target == "host-cuda", profile);
  } else if (Halide::Target::validate_target_string(target.str())) {
    t = Halide::Target(target.str());
    if (profile)
      t = t.with_feature(Halide::Target::Profile);
  } else {
    error = "unknown target '" + target.str() + "' (expected host, host-cuda or a Halide target string)";
    return "";
  }
  // Kernels are built without a runtime; the target names the machine.
  return t.without_feature(Halide::Target::NoRuntime).to_string();
}

namespace {

/// Runs `fn`, turning a Halide::Error it throws into an error on `op`.
template <typename Fn>
LogicalResult guarded(Operation *op, Fn &&fn) {
  try {
    return fn();
  } catch (const Halide::Error &e) {
    return op->emitError("halide translation: Halide error: ") << StringRef(e.what()).trim();
  }
}

bool isCIdentifier(StringRef s) {
  if (s.empty() || isdigit((unsigned char)s[0]))
    return false;
  return llvm::all_of(s, [](char c) { return isalnum((unsigned char)c) || c == '_'; });
}

/// Halide names: letters, digits and '_' (Halide uses '.' and '$' itself).
std::string halideName(StringRef s) {
  std::string n;
  for (char c : s)
    n += (isalnum((unsigned char)c) || c == '_') ? c : '_';
  if (n.empty() || isdigit((unsigned char)n[0]))
    n = "_" + n;
  return n;
}

/// Sets min 0, the given extents and dense innermost-first strides. Constant
/// extents are checked here; symbolic ones by the runtime (which keeps every
/// extent and element count in int32) and by Halide's checks at run time.
template <typename Param>
LogicalResult setDenseLayout(Param param, ArrayRef<Halide::Expr> extents, Operation *op) {
  int64_t stride = 1;
  Halide::Expr strideExpr = 1;
  bool constant = true;
  for (auto [i, e] : llvm::enumerate(extents)) {
    const int64_t *c = Halide::Internal::as_const_int(e);
    if (constant && c && (*c > INT_MAX || stride > INT_MAX))
      return op->emitError("halide translation: buffer too large for Halide's 32-bit extents and strides");
    param.dim((int)i).set_bounds(0, e).set_stride(strideExpr);
    constant &= c != nullptr;
    if (constant) {
      stride *= std::max<int64_t>(*c, 1);
      strideExpr = (int)std::min<int64_t>(stride, INT_MAX);
    } else {
      strideExpr = strideExpr * Halide::max(e, 1);
    }
  }
  return success();
}

/// Halide 14 flattens an update stage's read of the output Func into a Load
/// with no Parameter, and codegen then takes the output buffer's host pointer
/// to be aligned to the native vector width (aligned vector loads: vmovaps on
/// AVX-512, a crash on a 32-byte-aligned buffer). This pass, run after all of
/// Halide's lowering, gives those Loads the output buffer's Parameter, whose
/// host alignment is only the element size.
class OutputLoadParam : public Halide::Internal::IRMutator {
public:
  OutputLoadParam(std::string name, Halide::Internal::Parameter param)
      : name(std::move(name)), param(std::move(param)) {}

  using Halide::Internal::IRMutator::visit;
  Halide::Expr visit(const Halide::Internal::Load *op) override {
    Halide::Expr e = Halide::Internal::IRMutator::visit(op);
    const auto *load = e.as<Halide::Internal::Load>();
    if (!load || load->name != name || load->param.defined())
      return e;
    return Halide::Internal::Load::make(load->type, load->name, load->index, load->image, param, load->predicate,
                                        load->alignment);
  }

private:
  std::string name;
  Halide::Internal::Parameter param;
};

struct FuncInfo {
  halide::FuncOp op;
  Halide::Func func;
  bool isBool = false;
  std::vector<Halide::Var> vars;
  std::vector<halide::UpdateOp> updates;
  /// One RDom per update (default-constructed, undefined, when the rdom is empty).
  std::vector<Halide::RDom> rdoms;
  /// Per stage: names created by split/fuse/gpu_tile.
  std::vector<std::map<std::string, Halide::VarOrRVar>> created;
  /// Per stage: loop extents known at compile time, by name (the output
  /// func's vars, rdom vars, and what split/fuse/gpu_tile make of them).
  std::vector<std::map<std::string, int64_t>> extents;
};

class KernelTranslator {
public:
  KernelTranslator(halide::KernelOp kernel, bool cuda) : kernel(kernel), cuda(cuda) {}

  /// Builds the pipeline and compiles it to `path` as C function `fnName`:
  /// by Halide, or, given `cpu`, by Halide to bitcode and LLVM 19 to code for
  /// that CPU.
  LogicalResult run(const std::string &path, const std::string &fnName, const Halide::Target &target,
                    halide::CpuAttr cpu = {});

private:
  halide::KernelOp kernel;
  bool cuda; ///< build the "cuda" schedule (else "cpu")
  std::map<std::string, Halide::Var> vars;
  llvm::StringMap<std::pair<Halide::ImageParam, bool>> inputs; // param, is i1
  std::vector<Halide::ImageParam> inputOrder;
  /// halide.param @s<k> by k: the symbolic dims, arguments after the inputs.
  std::map<unsigned, Halide::Param<int32_t>> params;
  llvm::StringMap<FuncInfo> funcs;
  std::vector<std::string> funcOrder;

  /// The output func's stage 0 split over symbolic extents (file header).
  struct SymbolicTiles {
    std::string func;
    std::map<std::string, Halide::Expr> extents; ///< its vars' symbolic extents
    std::optional<Halide::Stage> likely;         ///< specialized on extent >= factor
    std::map<std::string, int64_t> likelyKnown;  ///< known extents in `likely`
    enum Branch { None, Likely, Small } branch = None;
  } tiles;

  Halide::Var var(const std::string &name) {
    auto it = vars.find(name);
    if (it == vars.end())
      it = vars.emplace(name, Halide::Var(halideName(name))).first;
    return it->second;
  }

  LogicalResult declare();
  FailureOr<Halide::Expr> expr(AffineExpr e, Operation *op);
  FailureOr<std::vector<Halide::Expr>> exprs(AffineMap map, Operation *op);
  LogicalResult define(FuncInfo &info);
  LogicalResult defineAll();
  FailureOr<Halide::Expr> call(halide::CallOp op, const std::vector<Halide::Expr> &indices);
  LogicalResult schedule();
  LogicalResult applyDirective(Operation *op);
  FailureOr<FuncInfo *> lookupFunc(Operation *op, FlatSymbolRefAttr sym);
  FailureOr<Halide::Stage> stage(Operation *op, FuncInfo &f, int64_t index);
  Halide::VarOrRVar resolve(FuncInfo &f, int64_t stageIndex, const std::string &name);
  void remember(FuncInfo &f, int64_t stageIndex, const std::string &name, Halide::VarOrRVar v);
};

/// An extent over the kernel's params; every symbol has a param (verified).
FailureOr<Halide::Expr> KernelTranslator::expr(AffineExpr e, Operation *op) {
  if (auto c = dyn_cast<AffineConstantExpr>(e)) {
    if (c.getValue() < INT_MIN || c.getValue() > INT_MAX)
      return op->emitError("halide translation: ") << c.getValue() << " is out of 32-bit range";
    return Halide::Expr((int)c.getValue());
  }
  if (auto sym = dyn_cast<AffineSymbolExpr>(e)) {
    auto it = params.find(sym.getPosition());
    if (it == params.end())
      return op->emitError("halide translation: s") << sym.getPosition() << " has no halide.param";
    return Halide::Expr(it->second);
  }
  auto bin = dyn_cast<AffineBinaryOpExpr>(e);
  if (!bin)
    return op->emitError("halide translation: an extent may not use dims");
  FailureOr<Halide::Expr> l = expr(bin.getLHS(), op), r = expr(bin.getRHS(), op);
  if (failed(l) || failed(r))
    return failure();
  switch (e.getKind()) {
  case AffineExprKind::Add: return *l + *r;
  case AffineExprKind::Mul: return *l * *r;
  case AffineExprKind::FloorDiv: return *l / *r; // Halide rounds int division down.
  case AffineExprKind::CeilDiv: return (*l + *r - 1) / *r;
  case AffineExprKind::Mod: return *l % *r;
  default: return op->emitError("halide translation: unsupported extent expression");
  }
}

FailureOr<std::vector<Halide::Expr>> KernelTranslator::exprs(AffineMap map, Operation *op) {
  std::vector<Halide::Expr> r;
  for (AffineExpr e : map.getResults()) {
    FailureOr<Halide::Expr> x = expr(e, op);
    if (failed(x))
      return failure();
    r.push_back(*x);
  }
  return r;
}

LogicalResult KernelTranslator::declare() {
  std::set<std::string> names;
  auto unique = [&](Operation *op, StringRef sym) -> LogicalResult {
    if (!names.insert(halideName(sym)).second)
      return op->emitError("halide translation: name '") << sym << "' clashes with another after sanitizing";
    return success();
  };
  for (auto p : kernel.getBody().front().getOps<halide::ParamOp>()) {
    if (failed(unique(p, p.getSymName())))
      return failure();
    params.emplace(p.getIndex(), Halide::Param<int32_t>(halideName(p.getSymName())));
  }
  for (Operation &op : kernel.getBody().front()) {
    if (auto in = dyn_cast<halide::InputOp>(op)) {
      std::optional<Halide::Type> t = halideStorageType(in.getElementType());
      if (!t)
        return in.emitError("halide translation: unsupported element type ") << in.getElementType();
      if (failed(unique(in, in.getSymName())))
        return failure();
      Halide::ImageParam p(*t, (int)in.getRank(), halideName(in.getSymName()));
      FailureOr<std::vector<Halide::Expr>> extents = exprs(in.getExtents(), in);
      if (failed(extents) || failed(setDenseLayout(p, *extents, in)))
        return failure();
      inputs.try_emplace(in.getSymName(), p, in.getElementType().isInteger(1));
      inputOrder.push_back(p);
    } else if (auto f = dyn_cast<halide::FuncOp>(op)) {
      if (!halideStorageType(f.getResultType()))
        return f.emitError("halide translation: unsupported result type ") << f.getResultType();
      if (failed(unique(f, f.getSymName())))
        return failure();
      FuncInfo info;
      info.op = f;
      info.func = Halide::Func(halideName(f.getSymName()));
      info.isBool = f.getResultType().isInteger(1);
      for (Attribute a : f.getVars())
        info.vars.push_back(var(cast<StringAttr>(a).str()));
      info.created.resize(1);
      info.extents.resize(1);
      funcs.try_emplace(f.getSymName(), std::move(info));
      funcOrder.push_back(f.getSymName().str());
    }
  }
  for (auto u : kernel.getBody().front().getOps<halide::UpdateOp>()) {
    auto it = funcs.find(u.getFunc());
    if (it == funcs.end())
      return u.emitError("halide translation: update of unknown func ") << u.getFuncAttr();
    FuncInfo &info = it->second;
    info.updates.push_back(u);
    info.created.emplace_back();
    info.extents.emplace_back();
    FailureOr<std::vector<Halide::Expr>> rdom = exprs(u.getRdom(), u);
    if (failed(rdom))
      return failure();
    // Only constant extents are known to the schedule's tail choices.
    for (size_t i = 0; i + 1 < rdom->size(); i += 2)
      if (const int64_t *c = Halide::Internal::as_const_int((*rdom)[i + 1]))
        info.extents.back()["r" + std::to_string(i / 2)] = *c;
    if (rdom->empty()) {
      info.rdoms.emplace_back();
      continue;
    }
    std::vector<Halide::Range> region;
    for (size_t i = 0; i + 1 < rdom->size(); i += 2)
      region.emplace_back((*rdom)[i], (*rdom)[i + 1]);
    info.rdoms.emplace_back(region, info.func.name() + "_r" + std::to_string(info.updates.size() - 1));
  }
  return success();
}

FailureOr<Halide::Expr> KernelTranslator::call(halide::CallOp op, const std::vector<Halide::Expr> &indices) {
  auto in = inputs.find(op.getCallee());
  if (in != inputs.end()) {
    Halide::Expr e = in->second.first(indices);
    return in->second.second ? Halide::Expr(e != 0) : e;
  }
  auto f = funcs.find(op.getCallee());
  if (f != funcs.end()) {
    if (!f->second.func.defined())
      return op.emitError("halide translation: call of ") << op.getCalleeAttr() << " before its definition";
    if (auto k = op.getElement())
      return Halide::Expr(f->second.func(indices)[(int)*k]);
    Halide::Expr e = f->second.func(indices);
    return f->second.isBool ? Halide::Expr(e != 0) : e;
  }
  return op.emitError("halide translation: call of unknown buffer or func ") << op.getCalleeAttr();
}

LogicalResult KernelTranslator::define(FuncInfo &info) {
  auto resolver = [this](halide::CallOp op, const std::vector<Halide::Expr> &idx) { return call(op, idx); };
  auto symbol = [this](halide::SymOp op) -> FailureOr<Halide::Expr> {
    auto it = params.find(cast<halide::ParamOp>(SymbolTable::lookupSymbolIn(kernel, op.getParamAttr())).getIndex());
    return Halide::Expr(it->second);
  };
  auto store = [&](Halide::Expr e) { return info.isBool ? Halide::cast(Halide::UInt(8), e) : e; };
  std::vector<Halide::Expr> args(info.vars.begin(), info.vars.end());

  bool strict = info.op.getStrictFloat();
  // The Halide definition of one body's values (a Tuple for a tuple func).
  auto value = [&](std::vector<Halide::Expr> &vals) -> Halide::Tuple {
    for (Halide::Expr &v : vals)
      v = strict ? Halide::strict_float(v) : v;
    return Halide::Tuple(vals);
  };
  FailureOr<std::vector<Halide::Expr>> pure = buildHalideExpr(info.op.getBody().front(), args, resolver, symbol);
  if (failed(pure))
    return failure();
  if (info.op.getTuple())
    info.func(info.vars) = value(*pure);
  else
    info.func(info.vars) = store(value(*pure)[0]);

  for (auto [u, r] : llvm::zip(info.updates, info.rdoms)) {
    std::vector<Halide::Expr> uargs = args;
    for (int i = 0; r.defined() && i < r.dimensions(); ++i)
      uargs.push_back(r[i]);
    FailureOr<std::vector<Halide::Expr>> values = buildHalideExpr(u.getBody().front(), uargs, resolver, symbol);
    if (failed(values))
      return failure();
    if (u.getWhere()) {
      // Before the definition: Halide freezes an RDom once a definition uses it.
      r.where(values->back());
      values->pop_back();
    }
    halide::Combine combine = u.getCombine();
    if (info.op.getTuple()) { // set (verified)
      info.func(info.vars) = value(*values);
      continue;
    }
    Halide::Expr cur = info.func(args);
    Halide::Expr v = value(*values)[0], next;
    if (combine == halide::Combine::Set) {
      next = store(v);
    } else if (info.isBool) {
      // Stored 0/1: max is "or", min is "and"; i1 add is xor, mul is and.
      Halide::Expr b = Halide::cast(Halide::UInt(8), v);
      switch (combine) {
      case halide::Combine::Max:
        next = Halide::max(cur, b);
        break;
      case halide::Combine::Min:
      case halide::Combine::Mul:
        next = Halide::min(cur, b);
        break;
      default:
        next = cur ^ b;
      }
    } else {
      switch (combine) {
      case halide::Combine::Add:
        next = cur + v;
        break;
      case halide::Combine::Mul:
        next = cur * v;
        break;
      case halide::Combine::Max:
        next = Halide::max(cur, v);
        break;
      case halide::Combine::Min:
        next = Halide::min(cur, v);
        break;
      case halide::Combine::SatAdd:
        next = Halide::Internal::saturating_add(cur, v);
        break;
      case halide::Combine::Set:
        llvm_unreachable("set is handled above");
      }
    }
    info.func(info.vars) = next;
  }
  return success();
}

/// Defines funcs callees first (Halide cannot call a Func before it has a
/// pure definition).
LogicalResult KernelTranslator::defineAll() {
  enum State { Unvisited, Visiting, Done };
  llvm::StringMap<State> state;
  std::function<LogicalResult(FuncInfo &)> visit = [&](FuncInfo &info) -> LogicalResult {
    State &s = state[info.op.getSymName()];
    if (s == Done)
      return success();
    if (s == Visiting)
      return info.op.emitError("halide translation: funcs call each other in a cycle");
    s = Visiting;
    auto visitCallees = [&](Region &region) -> LogicalResult {
      for (auto c : region.getOps<halide::CallOp>()) {
        auto it = funcs.find(c.getCallee());
        if (it == funcs.end() || it->first() == info.op.getSymName())
          continue;
        if (failed(visit(it->second)))
          return failure();
      }
      return success();
    };
    if (failed(visitCallees(info.op.getBody())))
      return failure();
    for (auto u : info.updates)
      if (failed(visitCallees(u.getBody())))
        return failure();
    state[info.op.getSymName()] = Done;
    return guarded(info.op, [&] { return define(info); });
  };
  for (const std::string &name : funcOrder)
    if (failed(visit(funcs.find(name)->second)))
      return failure();
  return success();
}

FailureOr<FuncInfo *> KernelTranslator::lookupFunc(Operation *op, FlatSymbolRefAttr sym) {
  auto it = funcs.find(sym.getValue());
  if (it == funcs.end())
    return op->emitError("halide translation: schedule names unknown func ") << sym;
  return &it->second;
}

FailureOr<Halide::Stage> KernelTranslator::stage(Operation *op, FuncInfo &f, int64_t index) {
  if (index < 0 || index > (int64_t)f.updates.size())
    return op->emitError("halide translation: func @") << f.op.getSymName() << " has no stage " << index;
  if (index == 0)
    return Halide::Stage(f.func);
  return f.func.update((int)index - 1);
}

Halide::VarOrRVar KernelTranslator::resolve(FuncInfo &f, int64_t stageIndex, const std::string &name) {
  auto &created = f.created[stageIndex];
  auto it = created.find(name);
  if (it != created.end())
    return it->second;
  for (Attribute a : f.op.getVars())
    if (cast<StringAttr>(a).getValue() == name)
      return var(name);
  if (stageIndex > 0 && name.size() > 1 && name[0] == 'r' &&
      llvm::all_of(StringRef(name).drop_front(), [](char c) { return isdigit((unsigned char)c); })) {
    const Halide::RDom &r = f.rdoms[stageIndex - 1];
    unsigned index = std::stoul(name.substr(1));
    if (r.defined() && (int)index < r.dimensions())
      return r[(int)index];
  }
  return var(name);
}

void KernelTranslator::remember(FuncInfo &f, int64_t stageIndex, const std::string &name, Halide::VarOrRVar v) {
  auto &created = f.created[stageIndex];
  created.erase(name);
  created.emplace(name, v);
}

/// The tail strategy for splitting `var` (extent `extent` if known) by
/// `factor` in stage `stage`. Halide's default (Auto) is ShiftInwards for pure
/// definitions and RoundUp for pure vars of updates; both are exact when the
/// factor divides the extent, and ShiftInwards is safe when the extent is at
/// least the factor. Otherwise they compute points outside the realized region,
/// which for buffers with fixed extents means reading inputs (or writing the
/// output) out of bounds, a runtime error; GuardWithIf is always legal.
static Halide::TailStrategy tailFor(std::optional<int64_t> extent, int64_t factor, int64_t stage) {
  if (extent && factor > 0 && (*extent % factor == 0 || (stage == 0 && *extent >= factor)))
    return Halide::TailStrategy::Auto;
  return Halide::TailStrategy::GuardWithIf;
}

static Halide::VarOrRVar like(const Halide::VarOrRVar &model, const std::string &name) {
  if (model.is_rvar)
    return Halide::RVar(halideName(name));
  return Halide::Var(halideName(name));
}

LogicalResult KernelTranslator::applyDirective(Operation *op) {
  if (auto d = dyn_cast<halide::ComputeRootOp>(op)) {
    FailureOr<FuncInfo *> f = lookupFunc(op, d.getFuncAttr());
    if (failed(f))
      return failure();
    (*f)->func.compute_root();
    return success();
  }
  if (auto d = dyn_cast<halide::ComputeAtOp>(op)) {
    FailureOr<FuncInfo *> f = lookupFunc(op, d.getFuncAttr());
    FailureOr<FuncInfo *> consumer = lookupFunc(op, d.getConsumerAttr());
    if (failed(f) || failed(consumer))
      return failure();
    FuncInfo &c = **consumer;
    Halide::VarOrRVar v = resolve(c, (int64_t)c.updates.size(), d.getVar().str());
    if (v.is_rvar)
      (*f)->func.compute_at(c.func, v.rvar);
    else
      (*f)->func.compute_at(c.func, v.var);
    return success();
  }

  // Stage directives: all carry `func` and `stage`.
  FlatSymbolRefAttr funcAttr = op->getAttrOfType<FlatSymbolRefAttr>("func");
  auto stageAttr = op->getAttrOfType<IntegerAttr>("stage");
  if (!funcAttr)
    return op->emitError("halide translation: unsupported schedule directive '") << op->getName() << "'";
  FailureOr<FuncInfo *> fi = lookupFunc(op, funcAttr);
  if (failed(fi))
    return failure();
  FuncInfo &f = **fi;
  int64_t si = stageAttr ? stageAttr.getInt() : 0;
  FailureOr<Halide::Stage> st = stage(op, f, si);
  if (failed(st))
    return failure();
  bool likely = tiles.branch == SymbolicTiles::Likely;
  if (likely)
    st = *tiles.likely;
  // A split of a symbolic output var, in one branch of the specialization.
  auto symbolicSplit = [&](StringRef v) {
    return tiles.branch != SymbolicTiles::None && tiles.extents.count(v.str());
  };
  auto R = [&](StringRef name) { return resolve(f, si, name.str()); };
  auto &known = likely ? tiles.likelyKnown : f.extents[si];
  auto extentOf = [&](StringRef name) -> std::optional<int64_t> {
    auto it = known.find(name.str());
    if (it == known.end())
      return std::nullopt;
    return it->second;
  };

  if (auto d = dyn_cast<halide::SplitOp>(op)) {
    Halide::VarOrRVar old = R(d.getVar());
    Halide::VarOrRVar outer = like(old, d.getOuter().str()), inner = like(old, d.getInner().str());
    int64_t factor = d.getFactor();
    if (factor < 1 || factor > INT_MAX)
      return d.emitError("halide translation: split factor must be positive");
    std::optional<int64_t> extent = extentOf(d.getVar());
    Halide::TailStrategy tail = tailFor(extent, factor, si);
    if (symbolicSplit(d.getVar())) {
      // Likely: extent >= factor, so shifting inwards stays in bounds; Small:
      // a factor of 1 divides any extent.
      tail = Halide::TailStrategy::Auto;
      if (tiles.branch == SymbolicTiles::Small)
        factor = 1;
    }
    st->split(old, outer, inner, (int)factor, tail);
    known.erase(d.getOuter().str());
    known[d.getInner().str()] = factor;
    if (extent)
      known[d.getOuter().str()] = (*extent + factor - 1) / factor;
    remember(f, si, d.getOuter().str(), outer);
    remember(f, si, d.getInner().str(), inner);
    return success();
  }
  if (auto d = dyn_cast<halide::FuseOp>(op)) {
    Halide::VarOrRVar inner = R(d.getInner()), outer = R(d.getOuter());
    std::string name = d.getFused().str();
    Halide::VarOrRVar fused = (inner.is_rvar && outer.is_rvar) ? Halide::VarOrRVar(Halide::RVar(halideName(name)))
                                                               : Halide::VarOrRVar(Halide::Var(halideName(name)));
    st->fuse(inner, outer, fused);
    remember(f, si, name, fused);
    std::optional<int64_t> ei = extentOf(d.getInner()), eo = extentOf(d.getOuter());
    known.erase(name);
    if (ei && eo)
      known[name] = *ei * *eo;
    return success();
  }
  if (auto d = dyn_cast<halide::ReorderOp>(op)) {
    std::vector<Halide::VarOrRVar> order;
    for (Attribute a : d.getVars())
      order.push_back(R(cast<StringAttr>(a).getValue()));
    st->reorder(order);
    return success();
  }
  if (auto d = dyn_cast<halide::VectorizeOp>(op)) {
    int64_t width = d.getWidth();
    if (width < 1 || width > INT_MAX)
      return d.emitError("halide translation: vector width must be positive");
    st->vectorize(R(d.getVar()), (int)width, tailFor(extentOf(d.getVar()), width, si));
    return success();
  }
  if (auto d = dyn_cast<halide::UnrollOp>(op)) {
    st->unroll(R(d.getVar()));
    return success();
  }
  if (isa<halide::AtomicOp>(op)) {
    // Halide cannot prove saturating_add associative (it is not, in general);
    // a sat_add update is only built where no partial sum can saturate.
    bool saturating = si >= 1 && si <= (int64_t)f.updates.size() &&
                      f.updates[si - 1].getCombine() == halide::Combine::SatAdd;
    st->atomic(saturating);
    return success();
  }
  if (auto d = dyn_cast<halide::ParallelOp>(op)) {
    st->parallel(R(d.getVar()));
    return success();
  }
  if (auto d = dyn_cast<halide::PrefetchOp>(op)) {
    auto in = inputs.find(d.getInput());
    if (in == inputs.end())
      return d.emitError("halide translation: prefetch of unknown input ") << d.getInputAttr();
    if (d.getOffset() < 0 || d.getOffset() > INT_MAX)
      return d.emitError("halide translation: prefetch offset must be non-negative");
    st->prefetch(in->second.first, R(d.getAt()), R(d.getFrom()), (int)d.getOffset(),
                 Halide::PrefetchBoundStrategy::NonFaulting);
    return success();
  }
  if (auto d = dyn_cast<halide::GpuSingleThreadOp>(op)) {
    st->gpu_single_thread();
    return success();
  }
  if (auto d = dyn_cast<halide::GpuTileOp>(op)) {
    std::vector<Halide::VarOrRVar> v, b, t;
    std::vector<Halide::Expr> sizes;
    for (auto [a, size] : llvm::zip(d.getVars(), d.getSizes())) {
      std::string name = cast<StringAttr>(a).str();
      v.push_back(R(name));
      b.push_back(like(v.back(), name + "_o"));
      t.push_back(like(v.back(), name + "_i"));
      if (size < 1 || size > INT_MAX)
        return d.emitError("halide translation: gpu_tile sizes must be positive");
      sizes.push_back((int)size);
      remember(f, si, name + "_o", b.back());
      remember(f, si, name + "_i", t.back());
      std::optional<int64_t> extent = extentOf(name);
      known.erase(name + "_o");
      known[name + "_i"] = size;
      if (extent)
        known[name + "_o"] = (*extent + size - 1) / size;
    }
    auto tail = Halide::TailStrategy::GuardWithIf;
    switch (v.size()) {
    case 1:
      st->gpu_tile(v[0], b[0], t[0], sizes[0], tail);
      break;
    case 2:
      st->gpu_tile(v[0], v[1], b[0], b[1], t[0], t[1], sizes[0], sizes[1], tail);
      break;
    case 3:
      st->gpu_tile(v[0], v[1], v[2], b[0], b[1], b[2], t[0], t[1], t[2], sizes[0], sizes[1], sizes[2], tail);
      break;
    default:
      return op->emitError("halide translation: gpu_tile needs 1 to 3 vars");
    }
    return success();
  }
  return op->emitError("halide translation: unsupported schedule directive '") << op->getName() << "'";
}

LogicalResult KernelTranslator::schedule() {
  halide::ScheduleTarget target = cuda ? halide::ScheduleTarget::Cuda : halide::ScheduleTarget::Cpu;
  halide::ScheduleOp chosen;
  for (auto s : kernel.getBody().front().getOps<halide::ScheduleOp>()) {
    if (s.getTarget() != target)
      continue;
    if (chosen)
      return s.emitError("halide translation: more than one halide.schedule ") << stringifyScheduleTarget(target);
    chosen = s;
  }
  if (!chosen || chosen.getBody().empty())
    return success();
  // Stage 0 of the output func: the directives that go to both branches.
  auto outStage0 = [&](Operation &op) {
    auto func = op.getAttrOfType<FlatSymbolRefAttr>("func");
    auto index = op.getAttrOfType<IntegerAttr>("stage");
    return func && func.getValue() == tiles.func && (!index || index.getInt() == 0) &&
           !isa<halide::ComputeAtOp, halide::ComputeRootOp>(op);
  };
  Halide::Expr likely;
  if (!cuda)
    for (Operation &op : chosen.getBody().front())
      if (auto d = dyn_cast<halide::SplitOp>(op); d && outStage0(op)) {
        auto it = tiles.extents.find(d.getVar().str());
        if (it == tiles.extents.end())
          continue;
        Halide::Expr big = it->second >= (int)std::min<int64_t>(d.getFactor(), INT_MAX);
        likely = likely.defined() ? (likely && big) : big;
      }
  if (likely.defined()) {
    FuncInfo &out = funcs.find(tiles.func)->second;
    LogicalResult made = guarded(chosen.getOperation(), [&] {
      tiles.likely = out.func.specialize(likely);
      return success();
    });
    if (failed(made))
      return failure();
    tiles.likelyKnown = out.extents[0];
  }
  for (Operation &op : chosen.getBody().front()) {
    if (!tiles.likely || !outStage0(op)) {
      if (failed(guarded(&op, [&] { return applyDirective(&op); })))
        return failure();
      continue;
    }
    for (auto branch : {SymbolicTiles::Likely, SymbolicTiles::Small}) {
      tiles.branch = branch;
      LogicalResult r = guarded(&op, [&] { return applyDirective(&op); });
      tiles.branch = SymbolicTiles::None;
      if (failed(r))
        return failure();
    }
  }
  return success();
}

LogicalResult KernelTranslator::run(const std::string &path, const std::string &fnName, const Halide::Target &target,
                                    halide::CpuAttr cpu) {
  if (failed(declare()) || failed(defineAll()))
    return failure();

  auto outputs = llvm::to_vector(kernel.getBody().front().getOps<halide::OutputOp>());
  if (outputs.size() != 1)
    return kernel.emitError("halide translation: expected exactly one halide.output, found ") << outputs.size();
  halide::OutputOp out = outputs.front();
  auto it = funcs.find(out.getFunc());
  if (it == funcs.end())
    return out.emitError("halide translation: output of unknown func ") << out.getFuncAttr();
  Halide::Func outFunc = it->second.func;
  FailureOr<std::vector<Halide::Expr>> outExtents = exprs(out.getExtents(), out);
  if (failed(outExtents))
    return failure();
  tiles.func = out.getFunc().str();
  for (auto [var, extent] : llvm::zip(it->second.op.getVars(), *outExtents)) {
    std::string name = cast<StringAttr>(var).str();
    const int64_t *c = Halide::Internal::as_const_int(extent);
    for (auto &stageExtents : it->second.extents)
      if (c)
        stageExtents[name] = *c;
    if (!c)
      tiles.extents[name] = extent;
  }
  if (failed(setDenseLayout(outFunc.output_buffer(), *outExtents, out)))
    return failure();

  if (failed(schedule()))
    return failure();

  std::vector<Halide::Argument> args(inputOrder.begin(), inputOrder.end());
  for (auto &[k, p] : params)
    args.push_back(p);
  Halide::Pipeline pipeline(outFunc);
  pipeline.add_custom_lowering_pass(new OutputLoadParam(outFunc.name(), outFunc.output_buffer().parameter()));
  if (!cpu) {
    pipeline.compile_to_object(path, args, fnName, target);
    return success();
  }
  std::string bitcode = path + ".bc", error;
  pipeline.compile_to_bitcode(bitcode, args, fnName, target);
  bool ok = compileBitcodeForCpu(bitcode, path, cpu.getName(), cpu.getFeatures(), error);
  llvm::sys::fs::remove(bitcode);
  if (!ok)
    return kernel.emitError("halide translation: ") << error;
  return success();
}

/// Whether `kernel` is one for vpdpbusd: a quantized matmul or int8 attention
/// recipe, or (for kernels with no recipe, hand-written) a reduction reading
/// 8-bit integers.
/// Only these are built with avx512_sapphirerapids under a halide.cpu.
static bool wantsInt8DotProduct(halide::KernelOp kernel) {
  if (std::optional<halide::Recipe> recipe = kernel.getRecipe())
    return *recipe == halide::Recipe::AttentionInt8 || halide::stringifyRecipe(*recipe).starts_with("qmatmul");
  Block &body = kernel.getBody().front();
  bool reads8 = llvm::any_of(body.getOps<halide::InputOp>(),
                             [](halide::InputOp in) { return in.getElementType().isInteger(8); });
  bool reduces = llvm::any_of(body.getOps<halide::UpdateOp>(),
                              [](halide::UpdateOp u) { return u.getRdom().getNumResults() > 0; });
  return reads8 && reduces;
}

} // namespace

LogicalResult emitHalideObjects(ModuleOp module, const std::string &dir, const std::string &prefix,
                                std::vector<std::string> &objects, bool withRuntime,
                                const KernelProgress &progress) {
  halide::TargetAttr targetAttr = halide::getTarget(module);
  if (!targetAttr)
    return module.emitError("halide translation: the module has no ")
           << halide::kTargetAttrName << " (kiln-set-target attaches it)";
  if (!Halide::Target::validate_target_string(targetAttr.getValue().str()))
    return module.emitError("halide translation: Halide does not know the target '")
           << targetAttr.getValue() << "'";
  Halide::Target target(targetAttr.getValue().str());
  // Under a halide.cpu, Halide's sapphirerapids CPU may not be assumed: only
  // the int8 dot-product kernels get the feature, and LLVM 19 their code.
  halide::CpuAttr cpu = halide::getCpu(module);
  if (cpu)
    target = target.without_feature(Halide::Target::AVX512_SapphireRapids);
  bool dotProducts = cpu && halide::hasInt8DotProduct(targetAttr, cpu);
  Halide::Target kernelTarget = target.with_feature(Halide::Target::NoRuntime);
  // Halide links its dpbusd wrappers (x86_avx512.ll) only under the plain
  // avx512 feature, which an AVX2 target for an AVX-VNNI CPU lacks; the
  // schedule's 8-lane vectors keep the kernel in ymm, and CpuCodegen refuses
  // any other AVX-512 intrinsic for a CPU without AVX-512.
  Halide::Target dotTarget =
      kernelTarget.with_feature(Halide::Target::AVX512_SapphireRapids).with_feature(Halide::Target::AVX512);

  auto kernels = llvm::to_vector(module.getOps<halide::KernelOp>());
  module.walk([&](halide::KernelOp k) {
    if (k->getParentOp() != module.getOperation())
      kernels.push_back(k);
  });

  for (halide::KernelOp kernel : kernels) {
    std::string fnName = prefix + "_" + kernel.getSymName().str();
    if (!isCIdentifier(fnName))
      return kernel.emitError("halide translation: '") << fnName << "' is not a C identifier";
    std::string path = dir + "/" + fnName + ".o";
    KernelTranslator translator(kernel, target.has_gpu_feature());
    try {
      bool viaLlvm = dotProducts && wantsInt8DotProduct(kernel);
      if (failed(viaLlvm ? translator.run(path, fnName, dotTarget, cpu) : translator.run(path, fnName, kernelTarget)))
        return failure();
    } catch (const Halide::Error &e) {
      return kernel.emitError("halide translation: Halide error in @")
             << kernel.getSymName() << ": " << StringRef(e.what()).trim();
    } catch (const std::exception &e) {
      return kernel.emitError("halide translation: error in @") << kernel.getSymName() << ": " << e.what();
    }
    objects.push_back(path);
    if (progress)
      progress(objects.size(), kernels.size());
  }

  if (!withRuntime)
    return success();
  std::string runtime = dir + "/" + prefix + "_halide_runtime.o", error;
  if (failed(emitHalideRuntime(target.to_string(), runtime, error)))
    return module.emitError("halide translation: ") << error;
  objects.push_back(runtime);
  return success();
}

LogicalResult emitHalideRuntime(llvm::StringRef targetString, const std::string &path, std::string &error) {
  if (!Halide::Target::validate_target_string(targetString.str())) {
    error = "Halide does not know the target '" + targetString.str() + "'";
    return failure();
  }
  try {
    Halide::compile_standalone_runtime(path, Halide::Target(targetString.str()).without_feature(Halide::Target::NoRuntime));
  } catch (const Halide::Error &e) {
    error = "Halide error building the runtime: " + StringRef(e.what()).trim().str();
    return failure();
  }
  return success();
}

} // namespace kiln
