//===- HalideAttrs.cpp - halide.target and halide.cpu: what kernels are built for -===//
#include "dialects/Halide/HalideAttrs.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace kiln::halide;

#include "dialects/Halide/HalideEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Halide/HalideAttrs.cpp.inc"

/// The dash-separated parts of a target string.
static SmallVector<StringRef> parts(StringRef s) {
  SmallVector<StringRef> r;
  s.split(r, '-');
  return r;
}

LogicalResult TargetAttr::verify(function_ref<InFlightDiagnostic()> emitError, StringRef value) {
  // Halide's form: arch-bits-os[-feature]*, each part lower-case [a-z0-9_].
  SmallVector<StringRef> p = parts(value);
  if (p.size() < 3)
    return emitError() << "target '" << value << "' is not arch-bits-os[-feature...]";
  bool archOk = llvm::is_contained({"x86", "arm", "powerpc", "hexagon", "wasm", "riscv"}, p[0]);
  if (!archOk)
    return emitError() << "target '" << value << "' has unknown arch '" << p[0] << "'";
  if (p[1] != "32" && p[1] != "64")
    return emitError() << "target '" << value << "' has bits '" << p[1] << "', expected 32 or 64";
  for (StringRef f : p)
    if (f.empty() || !llvm::all_of(f, [](char c) { return llvm::isLower(c) || llvm::isDigit(c) || c == '_'; }))
      return emitError() << "target '" << value << "' has a malformed part '" << f << "'";
  return success();
}

SmallVector<StringRef> TargetAttr::getFeatures() const {
  SmallVector<StringRef> p = parts(getValue());
  return SmallVector<StringRef>(p.begin() + 3, p.end());
}

StringRef TargetAttr::getArch() const { return parts(getValue())[0]; }

bool TargetAttr::hasFeature(StringRef feature) const { return llvm::is_contained(getFeatures(), feature); }

int64_t TargetAttr::getVectorBytes() const {
  SmallVector<StringRef> features = getFeatures();
  // avx512, avx512_skylake, avx512_cannonlake, avx512_sapphirerapids, ...
  if (llvm::any_of(features, [](StringRef f) { return f == "avx512" || f.starts_with("avx512_"); }))
    return 64;
  if (getArch() == "x86" && llvm::is_contained(features, "avx2"))
    return 32;
  return 16;
}

TargetAttr kiln::halide::getTarget(ModuleOp module) {
  return module->getAttrOfType<TargetAttr>(kTargetAttrName);
}

int64_t kiln::halide::getVectorBytes(ModuleOp module, int64_t fallback) {
  TargetAttr t = getTarget(module);
  return t ? t.getVectorBytes() : fallback;
}

LogicalResult CpuAttr::verify(function_ref<InFlightDiagnostic()> emitError, StringRef name, StringRef features) {
  auto word = [](StringRef s) {
    return !s.empty() && llvm::all_of(s, [](char c) { return llvm::isAlnum(c) || c == '-' || c == '_' || c == '.'; });
  };
  if (!word(name))
    return emitError() << "cpu name '" << name << "' is not an LLVM CPU name";
  if (features.empty())
    return success();
  SmallVector<StringRef> list;
  features.split(list, ',');
  for (StringRef f : list)
    if (f.size() < 2 || (f[0] != '+' && f[0] != '-') || !word(f.drop_front()))
      return emitError() << "cpu feature '" << f << "' is not +name or -name";
  return success();
}

bool CpuAttr::hasFeature(StringRef feature) const {
  SmallVector<StringRef> list;
  getFeatures().split(list, ',');
  // The last mention wins, as in LLVM's -mattr.
  bool on = false;
  for (StringRef f : list)
    if (f.drop_front() == feature)
      on = f[0] == '+';
  return on;
}

CpuAttr kiln::halide::getCpu(ModuleOp module) { return module->getAttrOfType<CpuAttr>(kCpuAttrName); }

bool kiln::halide::hasInt8DotProduct(TargetAttr target, CpuAttr cpu) {
  if (!target || target.getArch() != "x86" || target.isCuda())
    return false;
  if (!cpu)
    return target.hasFeature("avx512_sapphirerapids");
  // AVX-512 targets take the zmm form; AVX2 targets the VEX ymm form of
  // AVX-VNNI (Alder Lake and later client CPUs), which LLVM 19 selects for the
  // same 256-bit intrinsic when the CPU has avxvnni.
  if (target.hasFeature("avx512_skylake"))
    return cpu.hasFeature("avx512vnni");
  return target.hasFeature("avx2") && cpu.hasFeature("avxvnni");
}

bool kiln::halide::hasInt8DotProduct(ModuleOp module) { return hasInt8DotProduct(getTarget(module), getCpu(module)); }

void HalideDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Halide/HalideAttrs.cpp.inc"
      >();
}

LogicalResult HalideDialect::verifyOperationAttribute(Operation *op, NamedAttribute attr) {
  bool isTarget = attr.getName() == kTargetAttrName, isCpu = attr.getName() == kCpuAttrName;
  if (!isTarget && !isCpu)
    return op->emitError("unknown halide dialect attribute ") << attr.getName();
  if (!isa<ModuleOp>(op))
    return op->emitError() << attr.getName().getValue() << " belongs on a module";
  if (isTarget && !isa<TargetAttr>(attr.getValue()))
    return op->emitError() << kTargetAttrName << " must be a #halide.target";
  if (isCpu && !isa<CpuAttr>(attr.getValue()))
    return op->emitError() << kCpuAttrName << " must be a #halide.cpu";
  return success();
}
