//===- QuantBuilders.h - Shared builders of the quantization passes -*- C++ -*-===//
//
// The constants and elementwise ops that kiln-quantize-int8-dynamic and
// kiln-lift-integer-matmul both create.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TRANSFORMS_KERNEL_QUANTBUILDERS_H
#define KILN_TRANSFORMS_KERNEL_QUANTBUILDERS_H

#include "dialects/Graph/GraphOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <string>

namespace kiln {

/// The ONNX node name a location carries (the importer's NameLoc), or "".
std::string nodeName(mlir::Location loc);

/// The resource key of a constant's data ("weight" when it is inline).
std::string constantKey(graph::ConstantOp c);

/// A graph.constant of `shape` and element type `et` holding `data`, stored
/// as the resource `name` (a weight of the library's blob).
template <typename T>
mlir::Value resourceConstant(mlir::OpBuilder &b, mlir::Location loc, llvm::ArrayRef<int64_t> shape,
                             mlir::Type et, llvm::ArrayRef<T> data, const std::string &name) {
  auto type = mlir::RankedTensorType::get(shape, et);
  auto blob = mlir::HeapAsmResourceBlob::allocateAndCopyInferAlign(data);
  return b.create<graph::ConstantOp>(loc, type, mlir::DenseResourceElementsAttr::get(type, name, std::move(blob)));
}

/// A kernel.elementwise of `type` over `inputs` read through `maps`, its body
/// built by `body` from one scalar per input.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
                             mlir::ValueRange inputs, llvm::ArrayRef<mlir::AffineMap> maps,
                             llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::ValueRange)> body);

} // namespace kiln

#endif
