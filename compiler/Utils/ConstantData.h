//===- ConstantData.h - The bytes of a constant, as the runtime reads them -===//
#ifndef KILN_COMPILER_UTILS_CONSTANTDATA_H
#define KILN_COMPILER_UTILS_CONSTANTDATA_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinTypes.h"

#include <vector>

namespace kiln {

/// Bytes per element in Kiln's buffers (bool is one byte).
int64_t elementByteSize(mlir::Type t);

/// The bytes a constant stores, without copying: a dense_resource blob whole,
/// a dense attr's raw data (one element when splat). Not for i1 (packed bits).
llvm::ArrayRef<char> storedBytes(mlir::ElementsAttr value);

/// The dense row-major bytes of a constant (dense_resource blob or dense attr;
/// splats expanded, bools one byte each).
std::vector<char> constantBytes(mlir::ElementsAttr value);

} // namespace kiln

#endif
