//===- TestData.h - Tensors of the ONNX backend-test layout ------------===//
//
// kiln-run and kiln-conformance read the same folders: model.onnx beside
// test_data_set_N/{input_K.pb, output_K.pb}. The .pb files are untrusted
// input like the model: their element type, dims and value counts are checked
// before anything is allocated or copied.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_COMMON_TESTDATA_H
#define KILN_TOOLS_COMMON_TESTDATA_H

#include "dialects/Utils/Shape.h" // shapeString, numElements

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kiln::testdata {

using kiln::numElements; // dialects/Utils/Shape.h
using kiln::shapeString;

/// A tensor in host memory, element type an ONNX TensorProto code.
struct Tensor {
  int dtype = 0;
  std::vector<int64_t> shape;
  std::vector<char> data;
  std::string name;
};

/// Bytes per element of the dtypes test data can hold here; 0 for the rest.
size_t elementSize(int dtype);
/// "FLOAT", "STRING", ... or "type N".
std::string dtypeName(int dtype);

/// Reads one TensorProto file. Without `withData`, only its name, dtype and
/// shape (checked all the same). Returns false with `err` set on any problem.
bool readTensor(const std::string &path, Tensor &out, std::string &err, bool withData = true);
/// Reads PREFIX0.pb, PREFIX1.pb, ... from a data-set folder.
bool loadSet(const std::string &set, const char *prefix, std::vector<Tensor> &out, std::string &err,
             bool withData = true);

float halfToFloat(uint16_t h);
bool isFloat(int dtype);
/// Element i as an integer (integer and bool dtypes) or a float (FLOAT, FLOAT16).
int64_t intAt(const Tensor &t, size_t i);
double floatAt(const Tensor &t, size_t i);

} // namespace kiln::testdata

#endif
