//===- ConstantData.h - The bytes of a constant, as the runtime reads them -===//
#ifndef KILN_COMPILER_UTILS_CONSTANTDATA_H
#define KILN_COMPILER_UTILS_CONSTANTDATA_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <string>

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

/// `data` as a dense_resource attribute of `type`, stored as the resource
/// `name` (a weight of the library's blob): what compile-time weight
/// rewrites (packing, quantization) put in their graph.constant.
template <typename T>
mlir::DenseResourceElementsAttr resourceAttr(mlir::RankedTensorType type, llvm::ArrayRef<T> data,
                                             const std::string &name) {
  // An empty array may have a null data pointer, which the blob's memcpy
  // must not see (UBSan): an empty table (an all-zero sparse weight).
  static const T none{};
  auto blob = mlir::HeapAsmResourceBlob::allocateAndCopyInferAlign(data.empty() ? llvm::ArrayRef<T>(&none, size_t(0))
                                                                                 : data);
  return mlir::DenseResourceElementsAttr::get(type, name, std::move(blob));
}

/// The resource key a constant's data is stored under, or `fallback` when it
/// is inline: derived weights are named after their source.
std::string resourceKey(mlir::ElementsAttr value, llvm::StringRef fallback);

} // namespace kiln

#endif
