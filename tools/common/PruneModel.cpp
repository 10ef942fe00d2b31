//===- PruneModel.cpp - kiln-compile --prune: zero weights of an ONNX model -===//
#include "tools/common/PruneModel.h"
#include "compiler/Import/Onnx/ExternalData.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#include "onnx/defs/parser.h"
#include "onnx/onnx_pb.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <numeric>

using namespace llvm;

namespace kiln::tools {

//===----------------------------------------------------------------------===//
// The spec
//===----------------------------------------------------------------------===//

namespace {

constexpr int64_t kMaxGroup = 1 << 16; // M, R, C: far past any useful block, and no overflow

/// "P%" with P a finite number.
bool parsePercent(StringRef s, double &p) {
  return s.consume_back("%") && !s.empty() && !s.getAsDouble(p) && std::isfinite(p);
}

} // namespace

bool parsePruneSpec(StringRef text, PruneSpec &spec, std::string &error) {
  spec = PruneSpec();
  spec.text = text.str();
  auto fail = [&](const Twine &why) {
    error = ("--prune '" + text + "': " + why).str();
    return false;
  };
  auto percentIn = [&](StringRef s) {
    if (!parsePercent(s, spec.percent))
      return fail("'" + s + "' is not a percentage (P%)");
    if (spec.percent < 0 || spec.percent > 100)
      return fail("the percentage must be from 0% to 100%");
    return true;
  };
  auto [method, rest] = text.split(':');
  if (method == "magnitude") {
    spec.method = PruneSpec::Method::Magnitude;
    return percentIn(rest);
  }
  if (method == "nm") {
    spec.method = PruneSpec::Method::NM;
    auto [n, m] = rest.split(':');
    if (n.getAsInteger(10, spec.n) || m.getAsInteger(10, spec.m))
      return fail("expected nm:N:M with integers N and M, e.g. nm:2:4");
    if (spec.m < 2 || spec.m > kMaxGroup || spec.n < 1 || spec.n >= spec.m)
      return fail("N must be from 1 to M - 1, and M from 2 to " + Twine(kMaxGroup));
    return true;
  }
  if (method == "block") {
    spec.method = PruneSpec::Method::Block;
    auto [dims, percent] = rest.split(':');
    auto [r, c] = dims.split('x');
    if (r.getAsInteger(10, spec.rows) || c.getAsInteger(10, spec.cols))
      return fail("expected block:RxC:P% with integers R and C, e.g. block:4x1:80%");
    if (spec.rows < 1 || spec.cols < 1 || spec.rows > kMaxGroup || spec.cols > kMaxGroup)
      return fail("block sides must be from 1 to " + Twine(kMaxGroup));
    return percentIn(percent);
  }
  return fail("expected magnitude:P%, nm:N:M or block:RxC:P%");
}

int64_t prunedCount(int64_t total, double percent) {
  return std::min<int64_t>(total, (int64_t)std::floor((double)total * percent / 100.0 + 0.5));
}

//===----------------------------------------------------------------------===//
// One weight
//===----------------------------------------------------------------------===//

namespace {

/// Whether item a is pruned before item b: smaller score first, NaN last,
/// and on a tie the later item first.
bool prunedBefore(double a, int64_t ia, double b, int64_t ib) {
  bool na = std::isnan(a), nb = std::isnan(b);
  if (na != nb)
    return nb;
  if (!na && a != b)
    return a < b;
  return ia > ib;
}

/// Calls zero(i) for the `count` items of [0, n) ranked lowest by score(i).
void lowest(int64_t n, int64_t count, const std::function<double(int64_t)> &score,
            const std::function<void(int64_t)> &zero) {
  if (count <= 0)
    return;
  std::vector<double> s(n);
  for (int64_t i = 0; i < n; ++i)
    s[i] = score(i);
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  if (count < n)
    std::nth_element(order.begin(), order.begin() + count, order.end(),
                     [&](int64_t a, int64_t b) { return prunedBefore(s[a], a, s[b], b); });
  for (int64_t i = 0; i < std::min(count, n); ++i)
    zero(order[i]);
}

} // namespace

void pruneWeight(float *w, int64_t K, int64_t N, int64_t strideK, int64_t strideN, const PruneSpec &spec) {
  auto at = [&](int64_t k, int64_t n) -> float & { return w[k * strideK + n * strideN]; };
  switch (spec.method) {
  case PruneSpec::Method::Magnitude:
    // Items in the [K, N] view's row-major order.
    lowest(K * N, prunedCount(K * N, spec.percent), [&](int64_t i) { return std::fabs(at(i / N, i % N)); },
           [&](int64_t i) { at(i / N, i % N) = 0.0f; });
    return;
  case PruneSpec::Method::NM:
    for (int64_t n = 0; n < N; ++n)
      for (int64_t g = 0; g < K; g += spec.m) {
        // A ragged last group keeps its N largest too.
        int64_t size = std::min(spec.m, K - g);
        lowest(size, size - std::min(spec.n, size), [&](int64_t i) { return std::fabs(at(g + i, n)); },
               [&](int64_t i) { at(g + i, n) = 0.0f; });
      }
    return;
  case PruneSpec::Method::Block: {
    int64_t R = spec.rows, C = spec.cols, nbK = (K + R - 1) / R, nbN = (N + C - 1) / C;
    // Blocks in row-major order of the block grid; an edge block is smaller.
    auto forBlock = [&](int64_t b, auto &&fn) {
      int64_t k0 = b / nbN * R, n0 = b % nbN * C;
      for (int64_t k = k0; k < std::min(K, k0 + R); ++k)
        for (int64_t n = n0; n < std::min(N, n0 + C); ++n)
          fn(at(k, n));
    };
    lowest(nbK * nbN, prunedCount(nbK * nbN, spec.percent),
           [&](int64_t b) {
             double sum = 0; // the L2 norm's square ranks the same
             forBlock(b, [&](float v) { sum += (double)v * v; });
             return sum;
           },
           [&](int64_t b) { forBlock(b, [](float &v) { v = 0.0f; }); });
    return;
  }
  }
}

//===----------------------------------------------------------------------===//
// The model
//===----------------------------------------------------------------------===//

namespace {

/// How an initializer is used: as a weight B (and in which orientation), or otherwise.
struct Uses {
  int plain = 0, transposed = 0, other = 0;
};

int64_t intAttr(const onnx::NodeProto &node, StringRef name, int64_t dflt) {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return a.i();
  return dflt;
}

/// Every name `g` (and any graph nested in it) reads. In a nested graph each
/// read is `other`: a weight used inside an If or Loop body is left alone.
void collectUses(const onnx::GraphProto &g, bool top, StringMap<Uses> &uses) {
  for (const auto &node : g.node()) {
    bool matmul = (node.domain().empty() || node.domain() == "ai.onnx") &&
                  (node.op_type() == "MatMul" || node.op_type() == "Gemm");
    for (int i = 0; i < node.input_size(); ++i) {
      Uses &u = uses[node.input(i)];
      if (top && matmul && i == 1)
        ++(node.op_type() == "Gemm" && intAttr(node, "transB", 0) ? u.transposed : u.plain);
      else
        ++u.other;
    }
    for (const auto &a : node.attribute()) {
      if (a.has_g())
        collectUses(a.g(), false, uses);
      for (const auto &sub : a.graphs())
        collectUses(sub, false, uses);
    }
  }
  for (const auto &out : g.output())
    ++uses[out.name()].other;
}

/// Calls fn(tensor, name) for every tensor stored in `g`: initializers,
/// sparse initializers' parts, node attributes, nested graphs.
void forEachTensor(onnx::GraphProto &g, const std::function<bool(onnx::TensorProto &, const std::string &)> &fn,
                   bool &ok);

void forEachNodeTensor(onnx::NodeProto &node,
                       const std::function<bool(onnx::TensorProto &, const std::string &)> &fn, bool &ok) {
  for (auto &a : *node.mutable_attribute()) {
    std::string where = "node '" + node.name() + "' attribute '" + a.name() + "'";
    if (a.has_t() && ok)
      ok = fn(*a.mutable_t(), a.t().name().empty() ? where : a.t().name());
    for (auto &t : *a.mutable_tensors())
      if (ok)
        ok = fn(t, t.name().empty() ? where : t.name());
    if (a.has_g())
      forEachTensor(*a.mutable_g(), fn, ok);
    for (auto &sub : *a.mutable_graphs())
      forEachTensor(sub, fn, ok);
  }
}

void forEachTensor(onnx::GraphProto &g, const std::function<bool(onnx::TensorProto &, const std::string &)> &fn,
                   bool &ok) {
  for (auto &t : *g.mutable_initializer())
    if (ok)
      ok = fn(t, t.name());
  for (auto &s : *g.mutable_sparse_initializer()) {
    if (ok)
      ok = fn(*s.mutable_values(), s.values().name());
    if (ok)
      ok = fn(*s.mutable_indices(), s.values().name() + " (indices)");
  }
  for (auto &node : *g.mutable_node())
    forEachNodeTensor(node, fn, ok);
}

bool forEachModelTensor(onnx::ModelProto &m,
                        const std::function<bool(onnx::TensorProto &, const std::string &)> &fn) {
  bool ok = true;
  forEachTensor(*m.mutable_graph(), fn, ok);
  for (auto &f : *m.mutable_functions())
    for (auto &node : *f.mutable_node())
      forEachNodeTensor(node, fn, ok);
  for (auto &ti : *m.mutable_training_info()) {
    forEachTensor(*ti.mutable_initialization(), fn, ok);
    forEachTensor(*ti.mutable_algorithm(), fn, ok);
  }
  return ok;
}

/// The element count of `t`, refusing negative dims and counts past 2^40.
bool elementCount(const onnx::TensorProto &t, const std::string &name, int64_t &n, std::string &error) {
  n = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || (d && n > (int64_t(1) << 40) / d)) {
      error = "'" + name + "' has a negative or too large dim";
      return false;
    }
    n *= d;
  }
  return true;
}

/// Bytes of `n` elements of ONNX type `type` as stored (4-bit types two a byte); 0 if unknown.
uint64_t storedBytes(int32_t type, int64_t n) {
  using T = onnx::TensorProto;
  switch (type) {
  case T::DOUBLE: case T::INT64: case T::UINT64: case T::COMPLEX64:
    return n * 8;
  case T::COMPLEX128:
    return n * 16;
  case T::FLOAT: case T::INT32: case T::UINT32:
    return n * 4;
  case T::FLOAT16: case T::BFLOAT16: case T::INT16: case T::UINT16:
    return n * 2;
  case T::INT8: case T::UINT8: case T::BOOL:
  case 17: case 18: case 19: case 20: // the FLOAT8 types, newer than Debian's libonnx headers
    return n;
  case 21: case 22: case 23: // UINT4, INT4, FLOAT4E2M1: two a byte
    return (n + 1) / 2;
  default:
    return 0;
  }
}

/// A tensor's external bytes moved inline (raw_data), read with the importer's checks.
bool inlineExternal(onnx::TensorProto &t, const std::string &name, StringRef modelDir, std::string &error) {
  if (t.data_location() != onnx::TensorProto::EXTERNAL)
    return true;
  int64_t n;
  if (!elementCount(t, name, n, error))
    return false;
  uint64_t bytes = storedBytes(t.data_type(), n);
  if (!bytes && n) {
    error = "'" + name + "' has external data of an element type that cannot be stored externally";
    return false;
  }
  std::optional<std::string> data = readExternalData(t, modelDir, name, bytes, error);
  if (!data)
    return false;
  t.clear_external_data();
  t.set_data_location(onnx::TensorProto::DEFAULT);
  t.set_raw_data(std::move(*data));
  return true;
}

/// Prunes initializer `t` ([K, N], or [N, K] when transposed) in place, in its own storage field.
bool pruneInitializer(onnx::TensorProto &t, bool transposed, const PruneSpec &spec, PrunedWeight &out,
                      std::string &error) {
  int64_t n;
  if (!elementCount(t, t.name(), n, error))
    return false;
  int64_t rows = t.dims(0), cols = t.dims(1);
  std::vector<float> w(n);
  if (t.has_raw_data()) {
    if (t.raw_data().size() != (uint64_t)n * 4) {
      error = "'" + t.name() + "' has " + std::to_string(t.raw_data().size()) + " bytes of raw_data, expected " +
              std::to_string(n * 4);
      return false;
    }
    std::memcpy(w.data(), t.raw_data().data(), n * 4);
  } else {
    if (t.float_data_size() != n) {
      error = "'" + t.name() + "' has " + std::to_string(t.float_data_size()) + " values in float_data, expected " +
              std::to_string(n);
      return false;
    }
    std::copy(t.float_data().begin(), t.float_data().end(), w.begin());
  }
  if (transposed) // stored [N, K]
    pruneWeight(w.data(), cols, rows, 1, cols, spec);
  else
    pruneWeight(w.data(), rows, cols, cols, 1, spec);
  if (t.has_raw_data())
    t.set_raw_data(std::string(reinterpret_cast<const char *>(w.data()), n * 4));
  else
    std::copy(w.begin(), w.end(), t.mutable_float_data()->begin());
  out.name = t.name();
  out.shape = {rows, cols};
  out.transposed = transposed;
  out.total = n;
  out.nonzeros = std::count_if(w.begin(), w.end(), [](float v) { return v != 0.0f; });
  return true;
}

bool readModel(const std::string &path, onnx::ModelProto &model, std::string &error) {
  auto fail = [&](const std::string &why) {
    error = path + ": cannot parse ONNX model: " + why;
    return false;
  };
  if (sys::fs::is_directory(path))
    return fail("is a directory");
  if (!StringRef(path).ends_with(".onnxtxt")) {
    uint64_t size = 0;
    if (!sys::fs::file_size(path, size) && size > (uint64_t)INT32_MAX)
      return fail("the file is over 2 GiB; store the weights as external data");
    int fd = -1;
    if (std::error_code ec = sys::fs::openFileForRead(path, fd))
      return fail(ec.message());
    bool ok = model.ParseFromFileDescriptor(fd);
    sys::Process::SafelyCloseFileDescriptor(fd);
    return ok || fail("not a valid ModelProto (corrupt or truncated protobuf)");
  }
  auto buf = MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/true);
  if (!buf)
    return fail(buf.getError().message());
  onnx::OnnxParser parser((*buf)->getBufferStart());
  auto status = parser.Parse(model);
  if (!status.IsOK())
    return fail(status.ErrorMessage());
  return parser.EndOfInput() || fail("unexpected text after the graph");
}

/// Moves every raw_data of 1 KiB or more into `dataPath` (named `location` in
/// the model), as onnx.save_model(save_as_external_data=True) would.
bool externalize(onnx::ModelProto &model, const std::string &dataPath, const std::string &location,
                 std::string &error) {
  std::ofstream data(dataPath, std::ios::binary | std::ios::trunc);
  uint64_t offset = 0;
  bool ok = forEachModelTensor(model, [&](onnx::TensorProto &t, const std::string &) {
    if (t.raw_data().size() < 1024)
      return true;
    data.write(t.raw_data().data(), t.raw_data().size());
    auto add = [&](const char *k, const std::string &v) {
      auto *e = t.add_external_data();
      e->set_key(k);
      e->set_value(v);
    };
    add("location", location);
    add("offset", std::to_string(offset));
    add("length", std::to_string(t.raw_data().size()));
    offset += t.raw_data().size();
    t.clear_raw_data();
    t.set_data_location(onnx::TensorProto::EXTERNAL);
    return (bool)data;
  });
  data.close();
  if (!ok || !data) {
    error = dataPath + ": cannot write the external data";
    return false;
  }
  return true;
}

} // namespace

bool pruneModelFile(const std::string &input, const std::string &output, const PruneSpec &spec,
                    std::vector<PrunedWeight> &pruned, std::string &error) {
  onnx::ModelProto model;
  if (!readModel(input, model, error))
    return false;
  std::string modelDir = sys::path::parent_path(input).str();
  auto fail = [&](const std::string &why) {
    error = input + ": --prune: " + why;
    return false;
  };
  // Every tensor inline first: the output lives elsewhere, so the input's
  // external files cannot be referenced from it.
  std::string why;
  if (!forEachModelTensor(model, [&](onnx::TensorProto &t, const std::string &name) {
        return inlineExternal(t, name, modelDir, why);
      }))
    return fail(why);

  StringMap<Uses> uses;
  collectUses(model.graph(), true, uses);
  pruned.clear();
  for (auto &t : *model.mutable_graph()->mutable_initializer()) {
    auto it = uses.find(t.name());
    if (it == uses.end() || t.data_type() != onnx::TensorProto::FLOAT || t.dims_size() != 2)
      continue;
    const Uses &u = it->second;
    // Used otherwise, or as B in both orientations: not one [K, N] weight.
    if (u.other || (u.plain && u.transposed))
      continue;
    PrunedWeight p;
    if (!pruneInitializer(t, u.transposed > 0, spec, p, why))
      return fail(why);
    pruned.push_back(std::move(p));
  }

  // Written beside `output` under a temporary name, then renamed: a failure leaves nothing.
  std::string dataPath = output + ".data";
  bool external = model.ByteSizeLong() > (size_t)INT32_MAX;
  SmallString<256> tmp, tmpData;
  auto cleanup = make_scope_exit([&] {
    if (!tmp.empty())
      sys::fs::remove(tmp);
    if (!tmpData.empty())
      sys::fs::remove(tmpData);
  });
  if (external) {
    if (std::error_code ec = sys::fs::createUniqueFile(dataPath + "-%%%%%%.tmp", tmpData))
      return fail("cannot write '" + dataPath + "': " + ec.message());
    if (!externalize(model, tmpData.str().str(), sys::path::filename(dataPath).str(), why))
      return fail(why);
    if (model.ByteSizeLong() > (size_t)INT32_MAX)
      return fail("the pruned model is over 2 GiB even with its weights as external data");
  }
  int fd = -1;
  if (std::error_code ec = sys::fs::createUniqueFile(output + "-%%%%%%.tmp", fd, tmp))
    return fail("cannot write '" + output + "': " + ec.message());
  bool written = model.SerializeToFileDescriptor(fd);
  written &= !sys::Process::SafelyCloseFileDescriptor(fd);
  if (!written)
    return fail("cannot write '" + output + "'");
  if (external) {
    if (std::error_code ec = sys::fs::rename(tmpData, dataPath))
      return fail("cannot write '" + dataPath + "': " + ec.message());
    tmpData.clear();
  }
  if (std::error_code ec = sys::fs::rename(tmp, output))
    return fail("cannot write '" + output + "': " + ec.message());
  tmp.clear();
  return true;
}

void printPruneStats(const std::vector<PrunedWeight> &pruned, raw_ostream &os) {
  for (const PrunedWeight &p : pruned)
    os << "kiln: pruned '" << p.name << "' " << p.shape[0] << "x" << p.shape[1]
       << (p.transposed ? " (N x K, transB)" : " (K x N)") << ": density "
       << format("%.4f", p.total ? (double)p.nonzeros / p.total : 0.0) << " (" << p.nonzeros << " of "
       << p.total << " nonzero)\n";
}

} // namespace kiln::tools
