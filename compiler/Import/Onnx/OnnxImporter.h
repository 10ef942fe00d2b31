//===- OnnxImporter.h - ONNX ModelProto to the graph dialect -===//
#ifndef KILN_COMPILER_IMPORT_ONNX_ONNXIMPORTER_H
#define KILN_COMPILER_IMPORT_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <map>
#include <string>
#include <vector>

namespace onnx {
class ModelProto;
} // namespace onnx

namespace kiln {

struct ImportOptions {
  /// Values for symbolic input dims, by dim_param name ("batch" -> 2).
  std::map<std::string, int64_t> dimValues;
  /// Graph inputs whose value is fixed at compile time, by input name: a
  /// TensorProto file (.pb) or a comma-separated list of integers (a 1-D
  /// INT64 tensor). A bound input becomes a constant and leaves the model's
  /// inputs; shape-like inputs (Reshape's shape, Slice's starts) need this.
  std::map<std::string, std::string> boundInputs;
  /// Unpinned named dims become symbols (docs/design-symbolic-shapes.md):
  /// the graph is imported once for every size, its shape arithmetic folded
  /// into polynomials of the symbols. Off: they must be pinned.
  bool symbolicDims = false;
};

/// What the importer found besides errors, for tools that react to it.
struct ImportReport {
  /// Graph inputs used where a compile-time constant is required (a shape,
  /// an axis list); binding them (ImportOptions::boundInputs) lifts the error.
  std::vector<std::string> inputsToBind;
  /// The first error that says Kiln lacks something (an op, an element type,
  /// a form of an op, a value it needs at compile time), as opposed to an
  /// invalid model; empty when there is none. Tools sort failures by it.
  std::string firstUnsupported;
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
                                                 std::string &error,
                                                 ImportReport *report = nullptr);

/// As importOnnxFile, for a model already in memory (the fuzzer's entry: no
/// file is read unless the model names external data). `path` names the model
/// in messages and locations; external data files resolve against its folder.
/// The importer may move initializer bytes out of `model`.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxModel(mlir::MLIRContext &context,
                                                  onnx::ModelProto &model,
                                                  const std::string &path,
                                                  const ImportOptions &options,
                                                  std::string &error,
                                                  ImportReport *report = nullptr);

} // namespace kiln

#endif
