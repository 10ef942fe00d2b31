//===- Pipeline.h - ONNX file to library: the one pipeline tools and tests use -===//
#ifndef KILN_COMPILER_PIPELINES_PIPELINE_H
#define KILN_COMPILER_PIPELINES_PIPELINE_H

#include "compiler/Import/Onnx/OnnxImporter.h"

#include "llvm/Support/raw_ostream.h"

#include <string>

namespace kiln {

struct CompileOptions {
  std::string input;          ///< the .onnx (or .onnxtxt) file
  std::string outDir = ".";   ///< where libNAME.a and NAME.h go
  std::string name;           ///< symbol prefix; a C identifier
  std::string target = "host"; ///< "host" or "host-cuda"
  std::string emit;           ///< "", "graph", "kernel" or "halide": print that stage and stop
  ImportOptions import;
  bool timing = false;        ///< print time per stage to stderr
  bool stats = false;         ///< print kernel counts to stderr
};

/// Runs the whole pipeline. Diagnostics go to stderr; the module printed by
/// --emit goes to `os`. Returns 0 on success, 1 on any error.
int compileModel(const CompileOptions &options, llvm::raw_ostream &os);

} // namespace kiln

#endif
