//===- cpu_codegen_test.cpp - compileBitcodeForCpu and the CPU's AVX-512 ---===//
//
// Bitcode for a CPU without AVX-512 (AVX-VNNI only) may call vpdpbusd's
// 256-bit intrinsic, which LLVM 19 selects as the VEX form, but no other
// AVX-512 intrinsic: compileBitcodeForCpu refuses those by name instead of
// letting instruction selection fail. Ends with "N passed, N failed".
//
//===----------------------------------------------------------------------===//
#include "compiler/Target/Halide/CpuCodegen.h"

#include "llvm/AsmParser/Parser.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <string>

static int passed, failed;

static void check(bool ok, const std::string &what) {
  (ok ? passed : failed)++;
  std::printf("%s: %s\n", ok ? "PASS" : "FAIL", what.c_str());
}

/// Writes `ir` (LLVM assembly) as bitcode to a temporary file; its path.
static std::string bitcode(const char *ir) {
  llvm::LLVMContext context;
  llvm::SMDiagnostic err;
  std::unique_ptr<llvm::Module> m = llvm::parseAssemblyString(ir, err, context);
  if (!m)
    return "";
  llvm::SmallString<128> path;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("kiln-cpu-codegen", "bc", fd, path))
    return "";
  llvm::raw_fd_ostream out(fd, /*shouldClose=*/true);
  llvm::WriteBitcodeToFile(*m, out);
  return path.str().str();
}

static const char *kDot = R"(
target triple = "x86_64-unknown-linux-gnu"
declare <8 x i32> @llvm.x86.avx512.vpdpbusd.256(<8 x i32>, <8 x i32>, <8 x i32>)
define <8 x i32> @dot(<8 x i32> %c, <8 x i32> %a, <8 x i32> %b) {
  %r = call <8 x i32> @llvm.x86.avx512.vpdpbusd.256(<8 x i32> %c, <8 x i32> %a, <8 x i32> %b)
  ret <8 x i32> %r
}
)";

static const char *kWide = R"(
target triple = "x86_64-unknown-linux-gnu"
declare <16 x i32> @llvm.x86.avx512.pmaddw.d.512(<32 x i16>, <32 x i16>)
define <16 x i32> @madd(<32 x i16> %a, <32 x i16> %b) {
  %r = call <16 x i32> @llvm.x86.avx512.pmaddw.d.512(<32 x i16> %a, <32 x i16> %b)
  ret <16 x i32> %r
}
)";

int main() {
  std::string dot = bitcode(kDot), wide = bitcode(kWide), obj = dot + ".o", error;
  check(!dot.empty() && !wide.empty(), "the test bitcode is written");
  bool ok = kiln::compileBitcodeForCpu(dot, obj, "alderlake", "+avxvnni", error);
  check(ok, "vpdpbusd.256 for alderlake (AVX-VNNI, no AVX-512) " + error);
  error.clear();
  ok = !kiln::compileBitcodeForCpu(wide, obj, "alderlake", "+avxvnni", error);
  check(ok && error.find("llvm.x86.avx512.pmaddw.d.512") != std::string::npos && error.find("alderlake") != std::string::npos,
        "another AVX-512 intrinsic for alderlake is refused by name: " + error);
  error.clear();
  ok = kiln::compileBitcodeForCpu(wide, obj, "znver4", "+avx512vnni", error);
  check(ok, "the same on znver4 (AVX-512) compiles " + error);
  for (const std::string &f : {dot, wide, obj})
    llvm::sys::fs::remove(f);
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
