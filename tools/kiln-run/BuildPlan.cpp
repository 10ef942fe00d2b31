//===- BuildPlan.cpp - Which build of the model each data set needs -===//
#include "tools/kiln-run/BuildPlan.h"

#include "onnx/onnx_pb.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>

using namespace llvm;
using namespace kiln::testdata;

namespace kiln::run {

ModelInputs ModelInputs::of(const onnx::ModelProto &model) {
  std::set<std::string> inits;
  for (const auto &i : model.graph().initializer())
    inits.insert(i.name());
  ModelInputs out;
  for (const auto &in : model.graph().input()) {
    if (inits.count(in.name()))
      continue;
    out.names.push_back(in.name());
    std::vector<std::string> params;
    for (const auto &d : in.type().tensor_type().shape().dim())
      params.push_back(d.has_dim_param() ? d.dim_param() : "");
    out.dimParams.push_back(std::move(params));
  }
  return out;
}

int ModelInputs::indexOf(const std::string &name) const {
  auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : int(it - names.begin());
}

std::vector<DataSet> findDataSets(const std::string &dir) {
  std::vector<DataSet> sets;
  std::error_code ec;
  for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec))
    if (sys::path::filename(it->path()).starts_with("test_data_set_")) {
      sets.emplace_back();
      sets.back().path = it->path();
      sets.back().name = sys::path::filename(it->path()).str();
    }
  std::sort(sets.begin(), sets.end(), [](const DataSet &a, const DataSet &b) { return a.path < b.path; });
  // Shapes only: a set's values are decoded when it runs, after the model
  // compiled (an element type Kiln lacks is the importer's to name).
  for (DataSet &s : sets)
    loadSet(s.path, "input_", s.inputShapes, s.error, /*withData=*/false);
  return sets;
}

namespace {

/// "[2, 12]" for a short integer tensor, else its dtype and shape.
std::string valueText(const Tensor &t) {
  size_t n = numElements(t.shape);
  if (isFloat(t.dtype) || n > 8)
    return dtypeName(t.dtype) + " " + shapeString(t.shape);
  std::string s = "[";
  for (size_t i = 0; i < n; ++i)
    s += (i ? ", " : "") + std::to_string(intAt(t, i));
  return s + "]";
}

} // namespace

bool planBuild(const ModelInputs &inputs, const DataSet &set, bool pinDims,
               const std::map<std::string, int64_t> &fixedDims, const std::set<std::string> &toBind,
               BuildKey &out, std::string &error) {
  out = BuildKey();
  if (pinDims)
    for (size_t k = 0; k < inputs.dimParams.size() && k < set.inputShapes.size(); ++k)
      for (size_t d = 0; d < inputs.dimParams[k].size() && d < set.inputShapes[k].shape.size(); ++d) {
        const std::string &param = inputs.dimParams[k][d];
        if (!param.empty() && !fixedDims.count(param))
          out.dims.emplace(param, set.inputShapes[k].shape[d]); // the first input that names it
      }
  std::string dims, bound;
  for (const auto &[name, value] : out.dims) {
    out.key += name + "=" + std::to_string(value) + ";";
    dims += (dims.empty() ? "" : ", ") + name + "=" + std::to_string(value);
  }
  for (const std::string &name : toBind) {
    int k = inputs.indexOf(name);
    std::string file = set.path + "/input_" + std::to_string(k) + ".pb";
    if (k < 0 || !sys::fs::exists(file)) {
      error = set.name + " has no value for input '" + name + "', which the model needs at compile time";
      return false;
    }
    Tensor t;
    if (!readTensor(file, t, error))
      return false;
    out.bound[name] = file;
    // The value's bytes, dtype and shape: equal keys are equal constants.
    out.key += name + ":" + std::to_string(t.dtype) + shapeString(t.shape) + ":" +
               std::string(t.data.begin(), t.data.end()) + ";";
    bound += (bound.empty() ? "" : ", ") + name + "=" + valueText(t);
  }
  out.description = dims;
  if (!bound.empty())
    out.description += (dims.empty() ? "" : "; ") + std::string("bound at compile time: ") + bound;
  return true;
}

} // namespace kiln::run
