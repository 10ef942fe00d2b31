//===- CpuCodegen.h - the CPU int8 kernels run on, and LLVM 19 code for it -===//
//
// Halide 14 emits vpdpbusd only for targets with avx512_sapphirerapids, and
// then lets its LLVM 14 generate code for the CPU "sapphirerapids" (with
// AVX512-FP16 and AMX). For a CPU without those, Kiln has Halide write the
// kernel as LLVM bitcode instead and generates the object here, with the
// LLVM 19 it links, for the real CPU (halide::CpuAttr, docs/notes/vnni-targets.md).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_TARGET_HALIDE_CPUCODEGEN_H
#define KILN_COMPILER_TARGET_HALIDE_CPUCODEGEN_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace kiln {

/// CPUID leaf 7: AVX512-FP16 (EDX bit 23) and AVX512-VNNI (ECX bit 11);
/// leaf 7 subleaf 1: AVX-VNNI (EAX bit 4, the VEX form).
bool hostHasAvx512Fp16();
bool hostHasAvx512Vnni();
bool hostHasAvxVnni();

/// Features that must stay off whatever the CPU: AVX512-FP16 and AMX, which
/// Halide's sapphirerapids bitcode must not be allowed to reach.
extern const char *const kForbiddenCpuFeatures;

/// The LLVM feature list for the host (every feature LLVM detects, sorted,
/// with kForbiddenCpuFeatures appended) and its LLVM CPU name.
std::string hostCpuName();
std::string hostCpuFeatures();

/// The feature list for a named LLVM x86 CPU ("znver4"): "+avx512vnni" and
/// "+avxvnni" when the CPU has them, then kForbiddenCpuFeatures. False with `error` when LLVM
/// does not know the CPU.
bool namedCpuFeatures(llvm::StringRef cpu, std::string &features, std::string &error);

/// Reads Halide's bitcode at `bitcodePath` and writes an object to
/// `objectPath` for `cpu` and `features`, at -O3 codegen with the target
/// options Halide 14 would use (its module flags: PIC, fast math). Every
/// function's target-cpu and target-features are replaced. The bitcode is
/// already optimized by Halide; no IR pass pipeline runs again.
bool compileBitcodeForCpu(llvm::StringRef bitcodePath, llvm::StringRef objectPath, llvm::StringRef cpu,
                          llvm::StringRef features, std::string &error);

} // namespace kiln

#endif
