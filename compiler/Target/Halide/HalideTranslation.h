//===- HalideTranslation.h - halide dialect to Halide IR to objects -===//
#ifndef KILN_COMPILER_TARGET_HALIDE_HALIDETRANSLATION_H
#define KILN_COMPILER_TARGET_HALIDE_HALIDETRANSLATION_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"

#include <functional>
#include <string>
#include <vector>

namespace kiln {

/// The target string the pipeline attaches (halide.target) for a user's
/// `target`: "host" and "host-cuda" become this machine's string, any other
/// must be a valid Halide target string; "-profile" is added when asked.
/// Returns "" and sets `error` for an unknown target.
std::string resolveHalideTarget(llvm::StringRef target, bool profile, std::string &error);

/// The CPU the int8 dot-product kernels are generated for (halide.cpu), for
/// a user's `target` and `cpu`: "" picks one only for target "host" on a CPU
/// with AVX512-VNNI and no AVX512-FP16 (the host); "host" is this machine's
/// LLVM CPU name and features; any other must be an LLVM x86 CPU name. Sets
/// `name` ("" for none) and `features` (FP16 and AMX always off); returns
/// false and sets `error` for a CPU LLVM does not know.
bool resolveHalideCpu(llvm::StringRef target, llvm::StringRef cpu, std::string &name, std::string &features,
                      std::string &error);

/// Called after each kernel object is written: (done, total).
using KernelProgress = std::function<void(unsigned done, unsigned total)>;

/// Builds every `halide.kernel` in `module` through Halide's C++ API for the
/// module's `halide.target`, using the schedule region for it ("cuda" when it
/// has a GPU feature, else "cpu"), and writes one object per kernel into
/// `dir` (kernels that want int8 dot products through LLVM 19 under a
/// `halide.cpu`, see halide::CpuAttr). The C function of kernel @k is named `<prefix>_k` (and
/// `<prefix>_k_argv`). Also writes the one standalone Halide runtime object
/// for the target, `<dir>/<prefix>_halide_runtime.o`, unless `withRuntime` is
/// false (the caller then links one written by emitHalideRuntime). Appends the
/// object paths to `objects`. Errors are emitted as MLIR diagnostics on the
/// offending op.
mlir::LogicalResult emitHalideObjects(mlir::ModuleOp module, const std::string &dir,
                                      const std::string &prefix, std::vector<std::string> &objects,
                                      bool withRuntime = true, const KernelProgress &progress = {});

/// Writes the standalone Halide runtime object for a target string to `path`:
/// the one emitHalideObjects writes, for tools that build many libraries and
/// compile it once (kiln-conformance). On failure sets `error`.
mlir::LogicalResult emitHalideRuntime(llvm::StringRef targetString, const std::string &path,
                                      std::string &error);

} // namespace kiln

#endif
