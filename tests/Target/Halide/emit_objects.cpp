//===- emit_objects.cpp - Objects of hand-written halide kernels -===//
//
// kiln-compile starts from ONNX; the symbolic-extent unit test starts from
// halide-dialect text. This writes one object per halide.kernel of IN.mlir
// (C functions PREFIX_<kernel>) and the Halide runtime object into OUTDIR.
//
//===----------------------------------------------------------------------===//
#include "compiler/Pipelines/Registration.h"
#include "compiler/Target/Halide/HalideTranslation.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  if (argc != 4) {
    llvm::errs() << "usage: kiln-emit-halide IN.mlir OUTDIR PREFIX\n";
    return 2;
  }
  mlir::DialectRegistry registry;
  kiln::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::parseSourceFile<mlir::ModuleOp>(argv[1], &context);
  if (!module)
    return 1;
  if (std::error_code ec = llvm::sys::fs::create_directories(argv[2])) {
    llvm::errs() << "cannot create " << argv[2] << ": " << ec.message() << "\n";
    return 1;
  }
  std::vector<std::string> objects;
  if (mlir::failed(kiln::emitHalideObjects(*module, kiln::HalideTargetOptions{}, argv[2], argv[3], objects)))
    return 1;
  for (const std::string &o : objects)
    llvm::outs() << o << "\n";
  return 0;
}
