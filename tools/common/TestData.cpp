//===- TestData.cpp - Tensors of the ONNX backend-test layout ----------===//
#include "tools/common/TestData.h"

#include "onnx/onnx_pb.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <cstring>
#include <fstream>

using namespace llvm;

namespace kiln::testdata {

/// Bytes per element of the dtypes test data can hold here; 0 for the rest.
size_t elementSize(int dtype) {
  switch (dtype) {
  case 2:
  case 3:
  case 9: return 1; // UINT8, INT8, BOOL
  case 4:
  case 5:
  case 10: return 2; // UINT16, INT16, FLOAT16
  case 1:
  case 6:
  case 12: return 4; // FLOAT, INT32, UINT32
  case 7:
  case 13: return 8; // INT64, UINT64
  default: return 0;
  }
}

std::string dtypeName(int dtype) {
  return onnx::TensorProto_DataType_IsValid(dtype)
             ? onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(dtype))
             : "type " + std::to_string(dtype);
}

bool readTensor(const std::string &path, Tensor &out, std::string &err, bool withData) {
  std::ifstream f(path, std::ios::binary);
  onnx::TensorProto t;
  if (!f || !t.ParseFromIstream(&f)) {
    err = "cannot read " + path;
    return false;
  }
  out.dtype = t.data_type();
  out.name = t.name();
  out.shape.assign(t.dims().begin(), t.dims().end());
  // The dtype matters only for the values: a shape-only read of a STRING
  // input lets the importer refuse the model by name first.
  size_t es = elementSize(out.dtype);
  if (es == 0 && !withData)
    es = 1;
  if (es == 0) {
    err = sys::path::filename(path).str() + " holds " + dtypeName(out.dtype) + ", which is not read here";
    return false;
  }
  // The file is data, not a promise: dims that are negative or multiply past
  // 2^40 bytes are refused before anything is allocated.
  size_t n = 1;
  for (int64_t d : out.shape) {
    if (d < 0 || (d && n > (size_t(1) << 40) / es / (size_t)d)) {
      err = path + ": shape " + shapeString(out.shape) + " is negative or too large";
      return false;
    }
    n *= d;
  }
  if (!withData)
    return true;
  out.data.assign(n * es, 0);
  if (t.has_raw_data()) {
    if (t.raw_data().size() != n * es) {
      err = path + ": raw_data has the wrong size";
      return false;
    }
    if (n > 0) // an empty vector's data() may be NULL, which memcpy must not see
      memcpy(out.data.data(), t.raw_data().data(), n * es);
    return true;
  }
  size_t have = out.dtype == 1    ? t.float_data_size()
                : out.dtype == 7  ? t.int64_data_size()
                : out.dtype >= 12 ? t.uint64_data_size()
                                  : t.int32_data_size();
  if (have != n) {
    err = path + ": holds " + std::to_string(have) + " values, its shape " + std::to_string(n);
    return false;
  }
  for (size_t i = 0; i < n; ++i) {
    char *p = out.data.data() + i * es;
    if (out.dtype == 1) {
      float v = t.float_data(i);
      memcpy(p, &v, 4);
    } else if (out.dtype == 7) {
      int64_t v = t.int64_data(i);
      memcpy(p, &v, 8);
    } else if (out.dtype >= 12) {
      uint64_t v = t.uint64_data(i);
      memcpy(p, &v, es);
    } else {
      int32_t v = t.int32_data(i); // FLOAT16 as its bits; narrow ints in the low bytes.
      memcpy(p, &v, es);
    }
  }
  return true;
}

/// Reads PREFIX0.pb, PREFIX1.pb, ... from a data-set folder.
bool loadSet(const std::string &set, const char *prefix, std::vector<Tensor> &out, std::string &err,
             bool withData) {
  for (int k = 0;; ++k) {
    std::string p = set + "/" + prefix + std::to_string(k) + ".pb";
    if (!sys::fs::exists(p))
      return true;
    out.emplace_back();
    if (!readTensor(p, out.back(), err, withData))
      return false;
  }
}

float halfToFloat(uint16_t h) {
  int exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float f = exp == 0    ? std::ldexp((float)mant, -24)
            : exp == 31 ? (mant ? NAN : INFINITY)
                        : std::ldexp((float)(mant | 0x400), exp - 25);
  return (h & 0x8000) ? -f : f;
}

bool isFloat(int dtype) { return dtype == 1 || dtype == 10; }

namespace {
template <typename T> T load(const char *p) {
  T v;
  memcpy(&v, p, sizeof(T));
  return v;
}

} // namespace

int64_t intAt(const Tensor &t, size_t i) {
  const char *p = t.data.data() + i * elementSize(t.dtype);
  switch (t.dtype) {
  case 2:
  case 9: return load<uint8_t>(p);
  case 3: return load<int8_t>(p);
  case 4: return load<uint16_t>(p);
  case 5: return load<int16_t>(p);
  case 6: return load<int32_t>(p);
  case 12: return load<uint32_t>(p);
  default: return load<int64_t>(p);
  }
}

double floatAt(const Tensor &t, size_t i) {
  const char *p = t.data.data() + i * elementSize(t.dtype);
  return t.dtype == 1 ? load<float>(p) : halfToFloat(load<uint16_t>(p));
}

} // namespace kiln::testdata
