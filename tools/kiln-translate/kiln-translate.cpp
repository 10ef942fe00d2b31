//===- kiln-translate.cpp - mlir-translate for Kiln's back end -===//
//
//   kiln-translate --halide-to-objects IN.mlir --output-dir DIR --name P
//   kiln-translate --emit-library      IN.mlir --output-dir DIR --name NAME
//
// IN.mlir is at the halide level: the output of kiln-opt
// --kiln-graph-to-halide (or hand-written halide.kernels). The first writes
// one object per halide.kernel (C functions P_<kernel>) and the Halide
// runtime; the second the whole library (libNAME.a + NAME.h), and needs
// @main's memory plan (-kiln-plan-memory). Both print the files they wrote.
// The module's halide.target picks the machine; --target stands in for it
// when the module has none. --cpu NAME (or host) sets the module's halide.cpu:
// the CPU its int8 dot-product kernels are generated for by LLVM 19.
//
//===----------------------------------------------------------------------===//
#include "compiler/Target/Halide/HalideTranslation.h"
#include "compiler/Target/Library/ModelLibrary.h"
#include "dialects/Graph/GraphDialect.h"
#include "dialects/Halide/HalideDialect.h"
#include "dialects/Halide/HalideOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"

using namespace mlir;
using namespace llvm;

static cl::OptionCategory category("kiln-translate options");
static cl::opt<std::string> outputDir("output-dir", cl::desc("Folder for the objects or the library"),
                                      cl::init("."), cl::cat(category));
static cl::opt<std::string> name("name", cl::desc("Symbol prefix, a C identifier (the library's NAME)"),
                                 cl::init("model"), cl::cat(category));
static cl::opt<std::string> target("target",
                                   cl::desc("host, host-cuda or a Halide target string: used when the "
                                            "module has no halide.target"),
                                   cl::init("host"), cl::cat(category));
static cl::opt<std::string> cpu("cpu",
                                cl::desc("host or an LLVM CPU name (znver4): the int8 dot-product kernels "
                                         "are generated for it, replacing the module's halide.cpu"),
                                cl::value_desc("NAME"), cl::cat(category));
static cl::opt<bool> keepIntermediates("keep-intermediates",
                                       cl::desc("Keep the objects, the table's C source and the weights "
                                                "blob in their temporary folder (printed)"),
                                       cl::cat(category));
static cl::opt<std::string> source("source", cl::desc("The model's file name, for the header's comment"),
                                   cl::init("model.mlir"), cl::cat(category));

static void registerDialects(DialectRegistry &registry) {
  registry.insert<kiln::graph::GraphDialect, kiln::halide::HalideDialect, func::FuncDialect,
                  arith::ArithDialect, math::MathDialect>();
}

/// The module's target, or --target attached as its halide.target.
static LogicalResult ensureTarget(ModuleOp module) {
  if (kiln::halide::getTarget(module))
    return success();
  std::string error, resolved = kiln::resolveHalideTarget(target, /*profile=*/false, error);
  if (resolved.empty())
    return module.emitError(error);
  module.getContext()->getOrLoadDialect<kiln::halide::HalideDialect>(); // a module of no halide op
  module->setAttr(kiln::halide::kTargetAttrName, kiln::halide::TargetAttr::get(module.getContext(), resolved));
  return success();
}

/// --cpu, resolved, as the module's halide.cpu.
static LogicalResult applyCpu(ModuleOp module) {
  if (cpu.empty())
    return success();
  std::string name, features, error;
  if (!kiln::resolveHalideCpu(target, cpu, name, features, error))
    return module.emitError("--cpu: ") << error;
  module->setAttr(kiln::halide::kCpuAttrName, kiln::halide::CpuAttr::get(module.getContext(), name, features));
  return success();
}

static LogicalResult prepare(Operation *op, ModuleOp &module) {
  module = dyn_cast<ModuleOp>(op);
  if (!module)
    return op->emitError("expected a builtin.module");
  if (auto ec = sys::fs::create_directories(outputDir))
    return module.emitError("cannot create ") << outputDir << ": " << ec.message();
  return failure(failed(ensureTarget(module)) || failed(applyCpu(module)));
}

int main(int argc, char **argv) {
  TranslateFromMLIRRegistration objects(
      "halide-to-objects", "Halide objects, one per halide.kernel, and the Halide runtime",
      [](Operation *op, raw_ostream &os) -> LogicalResult {
        ModuleOp module;
        std::vector<std::string> written;
        if (failed(prepare(op, module)) || failed(kiln::emitHalideObjects(module, outputDir, name, written)))
          return failure();
        for (const std::string &f : written)
          os << f << "\n";
        return success();
      },
      registerDialects);
  TranslateFromMLIRRegistration library(
      "emit-library", "The model library libNAME.a and its header NAME.h",
      [](Operation *op, raw_ostream &os) -> LogicalResult {
        ModuleOp module;
        if (failed(prepare(op, module)))
          return failure();
        kiln::ModelLibraryOptions opts;
        opts.outDir = outputDir;
        opts.name = name;
        opts.source = source;
        opts.keepIntermediates = keepIntermediates;
        opts.tool = "kiln-translate";
        DefaultTimingManager timing;
        TimingScope root = timing.getRootScope();
        if (failed(kiln::emitModelLibrary(module, opts, root)))
          return failure();
        os << outputDir << "/lib" << name << ".a\n" << outputDir << "/" << name << ".h\n";
        return success();
      },
      registerDialects);
  // LLVM's backend options are no business of this tool; mlirTranslateMain
  // registers its own (the translations, -o, --split-input-file) after this.
  cl::HideUnrelatedOptions(category);
  return failed(mlirTranslateMain(argc, argv, "Kiln translation: halide dialect to objects and libraries\n"));
}
