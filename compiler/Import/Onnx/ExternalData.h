//===- ExternalData.h - Reading a tensor's bytes from an external file ----===//
#ifndef KILN_COMPILER_IMPORT_ONNX_EXTERNALDATA_H
#define KILN_COMPILER_IMPORT_ONNX_EXTERNALDATA_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace onnx {
class TensorProto;
}

namespace kiln {

/// The `bytes` bytes of an initializer stored as external data. The location
/// is resolved inside `modelDir` and may not leave it: absolute paths, `..`
/// components and symlinks that lead outside are refused, and so are offsets
/// and lengths that do not parse, overflow or run past the file's end. On
/// failure `error` names the value and what is wrong.
std::optional<std::string> readExternalData(const onnx::TensorProto &t, llvm::StringRef modelDir,
                                            llvm::StringRef valueName, uint64_t bytes,
                                            std::string &error);

} // namespace kiln

#endif // KILN_COMPILER_IMPORT_ONNX_EXTERNALDATA_H
