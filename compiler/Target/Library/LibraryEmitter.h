//===- LibraryEmitter.h - The model's archive, header and tables -===//
#ifndef KILN_COMPILER_TARGET_LIBRARY_LIBRARYEMITTER_H
#define KILN_COMPILER_TARGET_LIBRARY_LIBRARYEMITTER_H

#include "dialects/Halide/HalideOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace kiln {

struct LibraryOptions {
  std::string dir;          ///< output folder
  std::string name;         ///< model name: prefix of every symbol
  std::string source;       ///< the ONNX file, for the header comment
  std::string targetString; ///< Halide target, recorded in the model table
  bool cuda = false;
};

/// Writes DIR/libNAME.a (kernel objects + weights + model table + one Halide
/// runtime) and DIR/NAME.h from a module at the halide level (func @main made
/// of halide.launch ops and graph.constant weights) whose memory is planned
/// (-kiln-plan-memory; the plan is checked). `objects` are the kernel
/// and runtime objects emitHalideObjects wrote. Compiles the generated C and
/// assembly with the system C compiler ($CC or cc) and archives with ar.
mlir::LogicalResult emitLibrary(mlir::ModuleOp module, const LibraryOptions &options,
                                const std::vector<std::string> &objects);

} // namespace kiln

#endif
