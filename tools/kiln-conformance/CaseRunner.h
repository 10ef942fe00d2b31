//===- CaseRunner.h - One ONNX backend-test case: compile, link, run, compare -===//
//
// kiln-conformance forks one child per case; the child calls runCase, which
// compiles the case's model in process, links it with the runtime into a
// shared object, loads it, runs every test_data_set_N and compares the outputs.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_KILN_CONFORMANCE_CASERUNNER_H
#define KILN_TOOLS_KILN_CONFORMANCE_CASERUNNER_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <string>
#include <vector>

namespace kiln::conformance {

enum class Outcome { Pass, Fail, CompileError, Unsupported, OutOfScope };

/// "PASS", "FAIL", "COMPILE-ERROR", "UNSUPPORTED", "OUT-OF-SCOPE".
const char *outcomeName(Outcome outcome);

struct CaseResult {
  Outcome outcome = Outcome::Fail;
  /// One line; for a pass, empty or "bound at compile time: NAMES" when
  /// shape-like inputs were fixed per data set (ImportOptions::boundInputs).
  std::string message;
};

/// A case folder, as the parent inspected it before running anything.
struct Case {
  std::string id;                   ///< "<root folder name>/<case folder name>", e.g. "node/test_abs"
  std::string dir;                  ///< the case folder: model.onnx, test_data_set_N/
  std::string name;                 ///< the case folder's name, e.g. "test_abs"
  std::string row;                  ///< the table row: an op type, or "<root>/<group>" for a multi-op model
  std::vector<std::string> opTypes; ///< distinct top-level op types, in first-use order
  std::string outOfScope;           ///< why the case is out of scope (a dtype); empty if in scope
  /// Per graph input that is not an initializer, per dim: its dim_param, or "".
  std::vector<std::vector<std::string>> inputDimParams;
  std::vector<std::string> inputNames; ///< those inputs' names, in order
};

struct RunSettings {
  std::string target = "host";
  std::string halideRuntime;  ///< the shared runtime object (CompileOptions::halideRuntime)
  std::string runtimeLibrary; ///< libkiln_runtime.a
  std::string cc;             ///< the C compiler that links the shared object
  bool fuse = true;           ///< CompileOptions::fuse
  int threads = 1;            ///< kernel threads (kiln_context_options_t)
  double atol = 1e-7, rtol = 1e-3; ///< ONNX's own backend-test tolerance
  std::map<std::string, double> caseAtol; ///< per case id: a wider atol (tolerances.txt)
};

/// Compiles, links, loads, runs and compares `c` in `workDir` (which it
/// creates). Calls `progress` with each stage's name ("compile", "link",
/// "run") before it starts, so a crash can be placed. Returns the outcome.
CaseResult runCase(const Case &c, const std::string &workDir, const RunSettings &settings,
                   llvm::function_ref<void(llvm::StringRef)> progress);

} // namespace kiln::conformance

#endif
