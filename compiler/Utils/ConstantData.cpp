//===- ConstantData.cpp - The bytes of a constant, as the runtime reads them -===//
#include "compiler/Utils/ConstantData.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

int64_t kiln::elementByteSize(Type t) {
  return t.isInteger(1) ? 1 : std::max<int64_t>(1, t.getIntOrFloatBitWidth() / 8);
}

ArrayRef<char> kiln::storedBytes(ElementsAttr value) {
  if (auto res = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    return blob ? blob->getData() : ArrayRef<char>();
  }
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    return dense.getRawData();
  return {};
}

std::vector<char> kiln::constantBytes(ElementsAttr value) {
  auto type = cast<RankedTensorType>(value.getType());
  std::vector<char> out(type.getNumElements() * elementByteSize(type.getElementType()));
  if (isa<DenseResourceElementsAttr>(value)) {
    ArrayRef<char> data = storedBytes(value);
    std::copy_n(data.begin(), std::min(data.size(), out.size()), out.begin());
    return out;
  }
  auto dense = cast<DenseElementsAttr>(value);
  if (type.getElementType().isInteger(1)) {
    size_t i = 0;
    for (bool b : dense.getValues<bool>())
      out[i++] = b;
    return out;
  }
  ArrayRef<char> raw = dense.getRawData();
  if (dense.isSplat()) {
    for (size_t i = 0; i + raw.size() <= out.size(); i += raw.size())
      std::copy(raw.begin(), raw.end(), out.begin() + i);
  } else {
    std::copy_n(raw.begin(), out.size(), out.begin());
  }
  return out;
}

std::string kiln::resourceKey(mlir::ElementsAttr value, llvm::StringRef fallback) {
  if (auto r = llvm::dyn_cast<mlir::DenseResourceElementsAttr>(value))
    return r.getRawHandle().getKey().str();
  return fallback.str();
}
