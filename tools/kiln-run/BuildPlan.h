//===- BuildPlan.h - Which build of the model each data set needs -===//
//
// kiln-run checks every test_data_set_N of a folder. Sets may differ in their
// inputs' sizes (a symbolic batch or sequence) and in the values of inputs the
// importer needs at compile time (a Reshape's shape fed as a graph input). A
// set's build key names both: the dims it pins and the values it binds. Sets
// with equal keys share one build.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_KILN_RUN_BUILDPLAN_H
#define KILN_TOOLS_KILN_RUN_BUILDPLAN_H

#include "tools/common/TestData.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace onnx {
class ModelProto;
} // namespace onnx

namespace kiln::run {

/// The graph inputs the data sets feed (initializers left out), in order:
/// input_K.pb is the K-th.
struct ModelInputs {
  std::vector<std::string> names;
  /// Per input, per dim: its dim_param, or "".
  std::vector<std::vector<std::string>> dimParams;

  static ModelInputs of(const onnx::ModelProto &model);
  /// The index of input `name`, or -1.
  int indexOf(const std::string &name) const;
};

/// One test_data_set_N folder, its inputs read shape only.
struct DataSet {
  std::string path;
  std::string name; ///< "test_data_set_N"
  std::vector<testdata::Tensor> inputShapes;
  std::string error; ///< why its inputs could not be read; "" when they were
};

/// The test_data_set_N folders of `dir`, in name order, each one's input
/// shapes read (or its error kept).
std::vector<DataSet> findDataSets(const std::string &dir);

/// What one build is compiled with.
struct BuildKey {
  /// Symbolic dims pinned from the set's input shapes.
  std::map<std::string, int64_t> dims;
  /// Inputs bound at compile time from the set: input name -> its .pb file.
  std::map<std::string, std::string> bound;
  /// Equal for sets that can share a build: the dims and the bound values.
  std::string key;
  /// For the report: "batch=2, seq=7; bound at compile time: shape=[2, 12]"; "" when it
  /// pins and binds nothing.
  std::string description;
};

/// The key of `set`: with `pinDims`, every dim_param its inputs carry that
/// is not in `fixedDims` (--shape) is pinned to the set's size; every input
/// in `toBind` is bound to the set's value (read here). Returns false with
/// `error` set when the set lacks or cannot read such an input.
bool planBuild(const ModelInputs &inputs, const DataSet &set, bool pinDims,
               const std::map<std::string, int64_t> &fixedDims, const std::set<std::string> &toBind,
               BuildKey &out, std::string &error);

} // namespace kiln::run

#endif
