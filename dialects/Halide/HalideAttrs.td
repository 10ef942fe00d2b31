//===- HalideAttrs.td - halide dialect attributes -===//
#ifndef KILN_HALIDE_ATTRS
#define KILN_HALIDE_ATTRS

include "dialects/Halide/HalideDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

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

def Halide_CpuAttr : Halide_Attr<"Cpu", "cpu"> {
  let summary = "The LLVM CPU and features Kiln generates int8 dot-product kernels for";
  let description = [{
    Halide 14 emits VNNI (`vpdpbusd`) only for a target with
    `avx512_sapphirerapids`, and that feature makes its LLVM 14 generate code
    for the CPU "sapphirerapids", which may use AVX512-FP16 and AMX anywhere.
    A module carries `halide.cpu` (`halide::getCpu`) when that CPU must not
    be assumed: the CPU to run on lacks AVX512-FP16 (AMD Zen 4, Ice Lake) or
    `--cpu` named another. Then the translation builds the kernels that want
    int8 dot products with `avx512_sapphirerapids` to LLVM bitcode and
    generates their code with LLVM 19 for `name` and `features` (an LLVM
    `-mattr` list; FP16 and AMX always off), and every other kernel, and the
    runtime, without that feature. Without `halide.cpu`, Halide's target
    string alone decides, as before.

    ```mlir
    module attributes {halide.cpu = #halide.cpu<"znver4", "+avx512vnni,-avx512fp16">} {}
    ```
  }];
  let parameters = (ins StringRefParameter<"LLVM CPU name">:$name,
                        StringRefParameter<"LLVM feature list, +f,-g">:$features);
  let assemblyFormat = "`<` $name `,` $features `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Whether `features` enables `feature` ("avx512vnni" for "+avx512vnni").
    bool hasFeature(::llvm::StringRef feature) const;
  }];
}

//===----------------------------------------------------------------------===//
// Enums, printed bare in ops (`combine add`, `halide.schedule cpu`).
//===----------------------------------------------------------------------===//

def Halide_Combine : I32EnumAttr<"Combine", "how an update folds its value into the func", [
    I32EnumAttrCase<"Add", 0, "add">, I32EnumAttrCase<"Mul", 1, "mul">,
    I32EnumAttrCase<"Max", 2, "max">, I32EnumAttrCase<"Min", 3, "min">,
    I32EnumAttrCase<"Set", 4, "set">,
    // Halide's saturating_add: with `halide.atomic` the lanes of a u8 x s8
    // pair reduction become vpmaddubsw (AVX2). Not associative in general;
    // exact, and so order-free, only where no partial sum saturates.
    I32EnumAttrCase<"SatAdd", 5, "sat_add">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::kiln::halide";
}
def Halide_CombineAttr : EnumAttr<Halide_Dialect, Halide_Combine, "combine"> {
  let assemblyFormat = "``$value";
}

def Halide_ScheduleTarget : I32EnumAttr<"ScheduleTarget", "the target a schedule region is for", [
    I32EnumAttrCase<"Cpu", 0, "cpu">, I32EnumAttrCase<"Cuda", 1, "cuda">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::kiln::halide";
}
def Halide_ScheduleTargetAttr : EnumAttr<Halide_Dialect, Halide_ScheduleTarget, "schedule_target"> {
  let assemblyFormat = "``$value";
}

def Halide_Recipe : I32EnumAttr<"Recipe", "which schedule the kiln-schedule-* passes write for a kernel", [
    I32EnumAttrCase<"Pointwise", 0, "pointwise">,
    I32EnumAttrCase<"RootUpdate", 1, "root_update">,
    I32EnumAttrCase<"MatMul", 2, "matmul">,
    I32EnumAttrCase<"MatMulPacked", 3, "matmul_packed">,
    I32EnumAttrCase<"Conv", 4, "conv">,
    I32EnumAttrCase<"RowSums", 5, "row_sums">,
    I32EnumAttrCase<"Attention", 6, "attention">,
    I32EnumAttrCase<"AttentionBlocked", 7, "attention_blocked">,
    I32EnumAttrCase<"QMatMul", 8, "qmatmul">,
    I32EnumAttrCase<"QMatMulPacked", 9, "qmatmul_packed">,
    I32EnumAttrCase<"W4MatMul", 10, "w4matmul">,
    I32EnumAttrCase<"OutlierMatMul", 11, "outlier_matmul">,
    I32EnumAttrCase<"SparseMatMul", 12, "sparse_matmul">,
    // Spelled qmatmul_*: the int8 kernels are the ones built for VNNI.
    I32EnumAttrCase<"SparseQMatMul", 13, "qmatmul_sparse">,
    // kernel.qmatmul on 7-bit weights for AVX2 without VNNI: saturating u8 x s7
    // pairs (vpmaddubsw), then pairs of those into i32 (vpmaddwd by ones).
    I32EnumAttrCase<"QMatMulPairs", 14, "qmatmul_pairs">,
    // kernel.attention with int8: Q K^T and P V as u8 x s8 dot products (the
    // row-block form); built for VNNI like the qmatmul_* kernels.
    I32EnumAttrCase<"AttentionInt8", 15, "attention_int8">,
    // kernel.sparse_matmul with chunk: the columns inside the chunks of their
    // entries (the N:M form).
    I32EnumAttrCase<"SparseMatMulChunked", 16, "sparse_matmul_chunked">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::kiln::halide";
}
def Halide_RecipeAttr : EnumAttr<Halide_Dialect, Halide_Recipe, "recipe"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // KILN_HALIDE_ATTRS
