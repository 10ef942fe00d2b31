//===- ModelLibrary.h - A planned halide-level module to libNAME.a + NAME.h -===//
#ifndef KILN_COMPILER_TARGET_LIBRARY_MODELLIBRARY_H
#define KILN_COMPILER_TARGET_LIBRARY_MODELLIBRARY_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/Timing.h"

#include <functional>
#include <string>

namespace kiln {

struct ModelLibraryOptions {
  std::string outDir = "."; ///< where libNAME.a and NAME.h go, and nothing else
  std::string name;         ///< symbol prefix; a C identifier
  std::string source;       ///< the model's file name, for the header's comment
  /// A Halide runtime object for the module's target, archived instead of
  /// compiling one per library (kiln-conformance builds hundreds). Empty:
  /// compile one.
  std::string halideRuntime;
  /// Keep the objects, the table's C source and the weights blob in their
  /// temporary folder and print its path; by default it is removed.
  bool keepIntermediates = false;
  std::string tool = "kiln-compile"; ///< names the tool in that message
  /// Called at the start of each stage ("halide-codegen", "library") with
  /// (stage, 0, 0), and after each kernel object with (stage, done, total).
  std::function<void(llvm::StringRef stage, unsigned done, unsigned total)> progress;
};

/// The translation's whole back half: one object per halide.kernel for the
/// module's halide.target, then the model table, header and archive
/// (emitLibrary). Everything is built in a temporary folder; libNAME.a and
/// NAME.h reach `outDir` only once both exist, so a failed build writes
/// nothing there. Errors are diagnostics on the module. `timing` gets a
/// nested timer per stage.
mlir::LogicalResult emitModelLibrary(mlir::ModuleOp module, const ModelLibraryOptions &options,
                                     mlir::TimingScope &timing);

} // namespace kiln

#endif
