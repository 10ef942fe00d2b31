//===- SharedModel.h - Load a just-compiled model into the running tool -===//
//
// kiln-run and kiln-conformance compile a model, then need to call it: they
// link libNAME.a with the runtime into a shared object and dlopen it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_COMMON_SHAREDMODEL_H
#define KILN_TOOLS_COMMON_SHAREDMODEL_H

#include "kiln/runtime.h"
#include "tools/common/TestData.h"

#include <string>
#include <vector>

namespace kiln {

/// The loaded library's model table and the runtime entry points it carries.
struct SharedModel {
  void *handle = nullptr;
  const kiln_model_t *model = nullptr;
  decltype(&kiln_context_create) create = nullptr;
  decltype(&kiln_context_run) run = nullptr;
  decltype(&kiln_context_destroy) destroy = nullptr;
  decltype(&kiln_context_last_error) lastError = nullptr;
  decltype(&kiln_model_output_info) outputInfo = nullptr;
  /// For symbolic models: bind the dims from the inputs, then the resolved
  /// output shapes.
  decltype(&kiln_context_resolve) resolve = nullptr;
  decltype(&kiln_context_output_info) contextOutputInfo = nullptr;
};

/// Links DIR/libNAME.a and `runtimeLibrary` (libkiln_runtime.a) into
/// DIR/libNAME.so with the C compiler `cc`, loads it and resolves NAME_model
/// and the runtime's functions. On failure returns false and sets `error`.
bool loadSharedModel(const std::string &cc, const std::string &dir, const std::string &name,
                     const std::string &runtimeLibrary, SharedModel &out, std::string &error);

/// Unloads a library loadSharedModel loaded (every context destroyed first),
/// so a tool that builds one model several times holds one at a time.
void unloadSharedModel(SharedModel &model);

/// Runs the loaded model on `in`: binds its symbolic dims from the inputs
/// (when it has any), allocates `outs` at the output shapes and `out` over
/// them, runs. On failure returns false with the runtime's message in `error`.
bool runSharedModel(const SharedModel &sm, kiln_context_t *ctx, const std::vector<kiln_tensor_t> &in,
                    std::vector<testdata::Tensor> &outs, std::vector<kiln_tensor_t> &out, std::string &error);

} // namespace kiln

#endif
