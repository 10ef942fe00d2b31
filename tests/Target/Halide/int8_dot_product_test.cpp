//===- int8_dot_product_test.cpp - halide::hasInt8DotProduct per target and cpu -===//
//
// What the schedule passes are told about vpdpbusd: Halide's own
// avx512_sapphirerapids, or AVX-512 with a halide.cpu that has AVX512-VNNI,
// or AVX2 with a halide.cpu that has AVX-VNNI (the LLVM 19 route, zmm and VEX
// ymm); never for AVX2-only CPUs, CUDA, or a CPU without VNNI.
// Ends with "N passed, N failed".
//
//===----------------------------------------------------------------------===//
#include "dialects/Halide/HalideAttrs.h"
#include "dialects/Halide/HalideDialect.h"

#include "mlir/IR/MLIRContext.h"

#include <cstdio>
#include <string>

using namespace kiln::halide;

static int passed, failed;

static void check(bool ok, const std::string &what) {
  (ok ? passed : failed)++;
  std::printf("%s: %s\n", ok ? "PASS" : "FAIL", what.c_str());
}

int main() {
  mlir::MLIRContext context;
  context.loadDialect<HalideDialect>();
  auto target = [&](const char *s) { return TargetAttr::get(&context, s); };
  auto cpu = [&](const char *name, const char *features) { return CpuAttr::get(&context, name, features); };
  TargetAttr spr = target("x86-64-linux-avx-avx2-avx512-avx512_cannonlake-avx512_sapphirerapids-avx512_skylake-fma");
  TargetAttr skx = target("x86-64-linux-avx-avx2-avx512-avx512_cannonlake-avx512_skylake-fma");
  TargetAttr avx2 = target("x86-64-linux-avx-avx2-fma");
  TargetAttr cuda = target("x86-64-linux-avx-avx2-avx512-avx512_sapphirerapids-avx512_skylake-cuda");
  CpuAttr zen4 = cpu("znver4", "+avx512vnni,-avx512fp16,-amx-tile");
  CpuAttr zen3 = cpu("znver3", "-avx512fp16,-amx-tile");
  CpuAttr off = cpu("x", "+avx512vnni,-avx512vnni");
  CpuAttr adl = cpu("alderlake", "+avxvnni,-avx512fp16,-amx-tile");

  check(hasInt8DotProduct(spr, {}), "sapphirerapids target, no cpu: Halide emits it");
  check(!hasInt8DotProduct(skx, {}), "avx512 target without sapphirerapids, no cpu");
  check(hasInt8DotProduct(skx, zen4), "avx512 target, cpu with +avx512vnni: the LLVM 19 route");
  check(hasInt8DotProduct(spr, zen4), "sapphirerapids target, cpu with VNNI");
  check(!hasInt8DotProduct(skx, zen3), "cpu without VNNI");
  check(!hasInt8DotProduct(skx, off), "the last mention of a feature wins");
  check(!hasInt8DotProduct(avx2, zen4), "AVX2 target, cpu with AVX512-VNNI but no AVX-VNNI");
  check(hasInt8DotProduct(avx2, adl), "AVX2 target, cpu with AVX-VNNI: VEX vpdpbusd on ymm");
  check(!hasInt8DotProduct(skx, adl), "AVX-512 target, cpu with AVX-VNNI only");
  check(!hasInt8DotProduct(avx2, zen3), "AVX2 target, cpu without VNNI");
  check(!hasInt8DotProduct(avx2, {}), "AVX2 target, no cpu");
  check(!hasInt8DotProduct(cuda, {}), "CUDA target");
  check(!hasInt8DotProduct(TargetAttr(), zen4), "no target");
  check(zen4.hasFeature("avx512vnni") && !zen4.hasFeature("avx512fp16") && !zen4.hasFeature("amx"),
        "CpuAttr::hasFeature");

  std::printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
