//===- Shape.h - Static shape helpers shared by the dialects and importer -===//
//
// int64 shapes only: a `?` (kDynamic) read as a size is wrong, so symbolic
// shapes go through SymShape.h instead. No asserts here: the importer passes
// unchecked model values (a negative Expand dim) and reports the failure.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_UTILS_SHAPE_H
#define KILN_DIALECTS_UTILS_SHAPE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include <cstdint>
#include <optional>

namespace kiln {

/// Numpy broadcast of two static shapes; nullopt when they do not broadcast.
inline std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  llvm::SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

inline int64_t numElements(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// Formats a shape as [2,16,128] for messages.
inline std::string shapeString(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

} // namespace kiln

#endif
