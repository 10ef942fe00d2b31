//===- HalideAttrs.td - halide dialect attributes -===//
#ifndef KILN_HALIDE_ATTRS
#define KILN_HALIDE_ATTRS

include "dialects/Halide/HalideDialect.td"
include "mlir/IR/AttrTypeBase.td"

class Halide_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Halide_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def Halide_TargetAttr : Halide_Attr<"Target", "target"> {
  let summary = "Halide's target string: arch-bits-os then features";
  let description = [{
    What the kernels are compiled for, as Halide spells it. Schedules read
    target facts (vector width, CUDA) from its parsed feature list. A module
    carries it as the discardable attribute `halide.target`
    (`halide::getTarget`).

    ```mlir
    module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-fma-sse41">} {}
    ```
  }];
  let parameters = (ins StringRefParameter<"Halide target string">:$value);
  let assemblyFormat = "`<` $value `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The parts after arch-bits-os, in order.
    ::llvm::SmallVector<::llvm::StringRef> getFeatures() const;
    ::llvm::StringRef getArch() const;
    /// Whether the feature list names `feature` exactly.
    bool hasFeature(::llvm::StringRef feature) const;
    bool isCuda() const { return hasFeature("cuda"); }
    /// SIMD register bytes for CPU schedules: 64 with any of Halide's avx512
    /// features, 32 for x86 with avx2, else 16.
    int64_t getVectorBytes() const;
  }];
}

#endif // KILN_HALIDE_ATTRS
