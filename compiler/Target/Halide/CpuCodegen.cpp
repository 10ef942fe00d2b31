//===- CpuCodegen.cpp - the CPU int8 kernels run on, and LLVM 19 code for it -===//
#include "compiler/Target/Halide/CpuCodegen.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Metadata.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <algorithm>
#include <memory>
#include <mutex>
#include <vector>

using namespace llvm;

namespace kiln {

const char *const kForbiddenCpuFeatures = "-avx512fp16,-amx-tile,-amx-int8,-amx-bf16,-amx-fp16,-amx-complex";

namespace {

bool cpuidLeaf7(unsigned &ecx, unsigned &edx) {
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax, ebx;
  return __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx);
#else
  return false;
#endif
}

/// Kiln's tools register no LLVM targets of their own (MLIR needs none): the
/// x86 back end is set up once, on first use.
const Target *x86Target(std::string &error) {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
  });
  return TargetRegistry::lookupTarget("x86_64-unknown-linux-gnu", error);
}

/// An integer module flag Halide sets (halide_use_pic, ...), or `fallback`.
bool moduleFlag(const Module &m, StringRef name, bool fallback) {
  auto *c = mdconst::dyn_extract_or_null<ConstantInt>(m.getModuleFlag(name));
  return c ? !c->isZero() : fallback;
}

} // namespace

bool hostHasAvx512Fp16() {
  unsigned ecx, edx;
  return cpuidLeaf7(ecx, edx) && ((edx >> 23) & 1);
}

bool hostHasAvx512Vnni() {
  unsigned ecx, edx;
  return cpuidLeaf7(ecx, edx) && ((ecx >> 11) & 1);
}

bool hostHasAvxVnni() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax, ebx, ecx, edx;
  return __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) && ((eax >> 4) & 1);
#else
  return false;
#endif
}

std::string hostCpuName() { return sys::getHostCPUName().str(); }

std::string hostCpuFeatures() {
  // Sorted: the module attribute, and so the printed IR, is the same each run.
  SmallVector<StringRef> forbidden;
  StringRef(kForbiddenCpuFeatures).split(forbidden, ',');
  std::vector<std::string> list;
  for (const auto &f : sys::getHostCPUFeatures())
    if (!llvm::is_contained(forbidden, "-" + f.first().str()))
      list.push_back((f.second ? "+" : "-") + f.first().str());
  std::sort(list.begin(), list.end(), [](const std::string &a, const std::string &b) {
    return StringRef(a).drop_front() < StringRef(b).drop_front();
  });
  list.push_back(kForbiddenCpuFeatures);
  return join(list, ",");
}

bool namedCpuFeatures(StringRef cpu, std::string &features, std::string &error) {
  const Target *target = x86Target(error);
  if (!target)
    return false;
  std::unique_ptr<MCSubtargetInfo> sti(target->createMCSubtargetInfo("x86_64-unknown-linux-gnu", cpu, ""));
  if (!sti || !sti->isCPUStringValid(cpu)) {
    error = "unknown CPU '" + cpu.str() + "' (an LLVM x86 CPU name: znver4, icelake-server, host, ...)";
    return false;
  }
  features.clear();
  for (const char *vnni : {"+avx512vnni", "+avxvnni"})
    if (sti->checkFeatures(vnni))
      features += std::string(vnni) + ",";
  features += kForbiddenCpuFeatures;
  return true;
}

bool compileBitcodeForCpu(StringRef bitcodePath, StringRef objectPath, StringRef cpu, StringRef features,
                          std::string &error) {
  const Target *target = x86Target(error);
  if (!target)
    return false;
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer = MemoryBuffer::getFile(bitcodePath);
  if (!buffer) {
    error = "cannot read " + bitcodePath.str() + ": " + buffer.getError().message();
    return false;
  }
  LLVMContext context;
  Expected<std::unique_ptr<Module>> parsed = parseBitcodeFile((*buffer)->getMemBufferRef(), context);
  if (!parsed) {
    error = "cannot parse Halide's bitcode: " + toString(parsed.takeError());
    return false;
  }
  Module &module = **parsed;

  // Halide 14's get_target_options, from the flags it leaves on the module.
  bool perInstructionFastMath = moduleFlag(module, "halide_per_instruction_fast_math_flags", false);
  TargetOptions options;
  options.AllowFPOpFusion = perInstructionFastMath ? FPOpFusion::Strict : FPOpFusion::Fast;
  options.UnsafeFPMath = !perInstructionFastMath;
  options.NoInfsFPMath = !perInstructionFastMath;
  options.NoNaNsFPMath = !perInstructionFastMath;
  options.HonorSignDependentRoundingFPMathOption = !perInstructionFastMath;
  options.NoZerosInBSS = false;
  options.GuaranteedTailCallOpt = false;
  options.FunctionSections = true;
  options.UseInitArray = true;
  options.FloatABIType = FloatABI::Hard;
  Reloc::Model reloc = moduleFlag(module, "halide_use_pic", true) ? Reloc::PIC_ : Reloc::Static;
  CodeModel::Model code =
      moduleFlag(module, "halide_use_large_code_model", false) ? CodeModel::Large : CodeModel::Small;

  std::string triple = module.getTargetTriple();
  std::unique_ptr<TargetMachine> machine(
      target->createTargetMachine(triple, cpu, features, options, reloc, code, CodeGenOptLevel::Aggressive));
  if (!machine) {
    error = "LLVM cannot generate code for " + triple + " cpu " + cpu.str();
    return false;
  }
  // Halide's sapphirerapids bitcode may call AVX-512 intrinsics; on a CPU
  // without AVX-512 only vpdpbusd's 128/256-bit forms have a VEX encoding
  // (AVX-VNNI). Anything else would stop LLVM's instruction selection.
  if (!machine->getMCSubtargetInfo()->checkFeatures("+avx512f"))
    for (Function &f : module)
      if (f.isDeclaration() && f.getName().starts_with("llvm.x86.avx512.") &&
          f.getName() != "llvm.x86.avx512.vpdpbusd.256" && f.getName() != "llvm.x86.avx512.vpdpbusd.128" &&
          !f.use_empty()) {
        error = "Halide's bitcode calls " + f.getName().str() + ", which CPU " + cpu.str() + " lacks";
        return false;
      }
  module.setDataLayout(machine->createDataLayout());
  // Per-function attributes win over the machine's CPU: Halide leaves none in
  // its bitcode today, but one naming sapphirerapids would bring FP16 back.
  for (Function &f : module) {
    if (f.isDeclaration())
      continue;
    f.addFnAttr("target-cpu", cpu);
    f.addFnAttr("target-features", features);
  }

  std::error_code ec;
  raw_fd_ostream out(objectPath, ec, sys::fs::OF_None);
  if (ec) {
    error = "cannot write " + objectPath.str() + ": " + ec.message();
    return false;
  }
  legacy::PassManager passes;
  if (machine->addPassesToEmitFile(passes, out, nullptr, CodeGenFileType::ObjectFile)) {
    error = "LLVM cannot emit an object for " + triple;
    return false;
  }
  passes.run(module);
  out.flush();
  if (out.has_error()) {
    error = "cannot write " + objectPath.str() + ": " + out.error().message();
    out.clear_error();
    return false;
  }
  return true;
}

} // namespace kiln
