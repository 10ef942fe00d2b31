//===- OnnxImporter.h - ONNX ModelProto to the graph dialect -===//
#ifndef KILN_COMPILER_IMPORT_ONNX_ONNXIMPORTER_H
#define KILN_COMPILER_IMPORT_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <map>
#include <string>

namespace kiln {

struct ImportOptions {
  /// Values for symbolic input dims, by dim_param name ("batch" -> 2).
  std::map<std::string, int64_t> dimValues;
};

/// Reads an ONNX model (binary ModelProto, or ONNX text syntax when the file
/// ends in .onnxtxt) and returns a module with one `func.func @main` made of
/// graph ops with static shapes. Shape arithmetic and every node whose inputs
/// are all constant are folded here. On failure returns null and fills
/// `error` with every problem found, one per line, each naming the file, the
/// node, its op type and what is wrong.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxFile(mlir::MLIRContext &context,
                                                 const std::string &path,
                                                 const ImportOptions &options,
                                                 std::string &error);

} // namespace kiln

#endif
