//===- emit_library.cpp - A library from a hand-written halide-level module -===//
//
// kiln-compile starts from ONNX; until the lowerings produce symbolic halide
// modules, the symbolic library test starts from halide-dialect text. This
// runs kiln-compile's last two stages on IN.mlir (a func.func @main of
// halide.launch ops with @main's kiln.* attributes, and its halide.kernels):
// the kernel objects, then OUTDIR/libNAME.a and OUTDIR/NAME.h, as
// compileModel does (same functions, same options).
//
//===----------------------------------------------------------------------===//
#include "compiler/Pipelines/Pipeline.h"
#include "compiler/Pipelines/Registration.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  if (argc != 4) {
    llvm::errs() << "usage: kiln-emit-library IN.mlir OUTDIR NAME\n";
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
  kiln::HalideTargetOptions target;
  std::vector<std::string> objects;
  if (mlir::failed(kiln::emitHalideObjects(*module, target, argv[2], argv[3], objects)) ||
      mlir::failed(kiln::emitLibrary(*module, kiln::libraryOptions(target, argv[2], argv[3], argv[1]),
                                     objects)))
    return 1;
  for (const std::string &o : objects)
    llvm::sys::fs::remove(o);
  llvm::outs() << argv[2] << "/lib" << argv[3] << ".a\n";
  return 0;
}
