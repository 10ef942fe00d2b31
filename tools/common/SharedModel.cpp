//===- SharedModel.cpp - Load a just-compiled model into the running tool -===//
#include "tools/common/SharedModel.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Program.h"

#include <dlfcn.h>

bool kiln::loadSharedModel(const std::string &cc, const std::string &dir, const std::string &name,
                           const std::string &runtimeLibrary, SharedModel &out, std::string &error) {
  std::string so = dir + "/lib" + name + ".so", archive = dir + "/lib" + name + ".a", msg;
  // Whole archives: nothing in the shared object references the runtime yet.
  llvm::SmallVector<llvm::StringRef> link{cc, "-shared", "-o", so, "-Wl,--whole-archive", archive,
                                          runtimeLibrary, "-Wl,--no-whole-archive", "-lpthread",
                                          "-ldl", "-lm"};
  if (llvm::sys::ExecuteAndWait(cc, link, std::nullopt, {}, 0, 0, &msg) != 0) {
    error = "linking " + so + " failed " + msg;
    return false;
  }
  out.handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!out.handle) {
    error = std::string("dlopen: ") + dlerror();
    return false;
  }
  auto sym = [&](auto &fn, const char *symbol) { fn = (std::decay_t<decltype(fn)>)dlsym(out.handle, symbol); };
  sym(out.create, "kiln_context_create");
  sym(out.run, "kiln_context_run");
  sym(out.destroy, "kiln_context_destroy");
  sym(out.lastError, "kiln_context_last_error");
  sym(out.outputInfo, "kiln_model_output_info");
  sym(out.resolve, "kiln_context_resolve");
  sym(out.contextOutputInfo, "kiln_context_output_info");
  auto getModel = (const kiln_model_t *(*)(void))dlsym(out.handle, (name + "_model").c_str());
  if (!getModel || !out.create || !out.run || !out.destroy || !out.lastError || !out.outputInfo || !out.resolve ||
      !out.contextOutputInfo) {
    error = "the shared object " + so + " lacks its entry points";
    return false;
  }
  out.model = getModel();
  return true;
}

void kiln::unloadSharedModel(SharedModel &model) {
  if (model.handle)
    dlclose(model.handle);
  model = SharedModel();
}

bool kiln::runSharedModel(const SharedModel &sm, kiln_context_t *ctx, const std::vector<kiln_tensor_t> &in,
                          std::vector<testdata::Tensor> &outs, std::vector<kiln_tensor_t> &out, std::string &error) {
  const kiln_model_t *m = sm.model;
  if (m->num_symbols > 0 && sm.resolve(ctx, in.data(), in.size()) != KILN_OK) {
    error = sm.lastError(ctx);
    return false;
  }
  outs.assign(m->num_outputs, testdata::Tensor());
  out.clear();
  for (int i = 0; i < m->num_outputs; ++i) {
    kiln_tensor_info_t info;
    if (m->num_symbols > 0)
      sm.contextOutputInfo(ctx, i, &info);
    else
      sm.outputInfo(m, i, &info);
    testdata::Tensor &r = outs[i];
    r.dtype = info.dtype;
    r.shape.assign(info.shape, info.shape + info.rank);
    r.data.assign(testdata::numElements(r.shape) * testdata::elementSize(info.dtype), 0);
    r.name = info.name;
    out.push_back({info.dtype, info.rank, r.shape.data(), r.data.data()});
  }
  if (sm.run(ctx, in.data(), in.size(), out.data(), out.size()) != KILN_OK) {
    error = sm.lastError(ctx);
    return false;
  }
  return true;
}
