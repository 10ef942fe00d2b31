//===- HalideAttrs.h - halide dialect attributes -===//
#ifndef KILN_DIALECTS_HALIDE_HALIDEATTRS_H
#define KILN_DIALECTS_HALIDE_HALIDEATTRS_H

#include "dialects/Halide/HalideDialect.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinOps.h"

#include "dialects/Halide/HalideEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Halide/HalideAttrs.h.inc"

namespace kiln::halide {
/// The module attribute that holds the compile target.
constexpr llvm::StringLiteral kTargetAttrName = "halide.target";
/// The module's `halide.target`, or null when it has none.
TargetAttr getTarget(mlir::ModuleOp module);
/// Its vector bytes, or `fallback` (32: AVX2) without a target.
int64_t getVectorBytes(mlir::ModuleOp module, int64_t fallback = 32);
/// The module attribute naming the CPU for int8 dot-product kernels (CpuAttr).
constexpr llvm::StringLiteral kCpuAttrName = "halide.cpu";
/// The module's `halide.cpu`, or null when it has none.
CpuAttr getCpu(mlir::ModuleOp module);
/// True when kernels built for `target` (and `cpu`, may be null) can use
/// vpdpbusd, u8 x s8 into s32 by 4: the target has avx512_sapphirerapids
/// (Halide's own code generation), or, through Kiln's LLVM 19 route, it has
/// avx512_skylake and `cpu` enables avx512vnni (zmm), or it has avx2 without
/// AVX-512 and `cpu` enables avxvnni (the VEX ymm form of AVX-VNNI CPUs).
bool hasInt8DotProduct(TargetAttr target, CpuAttr cpu);
bool hasInt8DotProduct(mlir::ModuleOp module);
} // namespace kiln::halide

#endif
