//===- HalideAttrs.cpp - halide.target: parsing Halide's target string -===//
#include "dialects/Halide/HalideAttrs.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace kiln::halide;

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

void HalideDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Halide/HalideAttrs.cpp.inc"
      >();
}

LogicalResult HalideDialect::verifyOperationAttribute(Operation *op, NamedAttribute attr) {
  if (attr.getName() != kTargetAttrName)
    return op->emitError("unknown halide dialect attribute ") << attr.getName();
  if (!isa<ModuleOp>(op))
    return op->emitError() << kTargetAttrName << " belongs on a module";
  if (!isa<TargetAttr>(attr.getValue()))
    return op->emitError() << kTargetAttrName << " must be a #halide.target";
  return success();
}
