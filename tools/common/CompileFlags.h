//===- CompileFlags.h - The compiler's options, declared once for every tool -===//
//
// kiln-compile and kiln-run (and any tool that calls kiln::compileModel) take
// the same spellings for what feeds the compiler: --target, --cpu, --shape, --bind,
// --symbolic-dims, --profile, --no-fuse, --skip-pass, --timing, --stats. They
// live here, in two option categories, so each tool's --help shows them
// grouped and the same way.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_COMMON_COMPILEFLAGS_H
#define KILN_TOOLS_COMMON_COMPILEFLAGS_H

#include "compiler/Pipelines/Pipeline.h"
#include "tools/common/Calibrate.h"
#include "tools/common/Progress.h"

#include "llvm/Support/CommandLine.h"

#include <string>

namespace kiln::tools {

/// --target, --cpu, --shape, --bind, --symbolic-dims, --profile.
llvm::cl::OptionCategory &compileCategory();
/// --no-fuse, --skip-pass, --timing, --stats, --progress.
llvm::cl::OptionCategory &debugCategory();

/// Hides every option outside `categories` and the two above, gives the shared
/// options the spellings LLVM also registers (claimOptionName), then parses.
void parseCommandLine(int argc, char **argv, llvm::StringRef overview,
                      llvm::ArrayRef<const llvm::cl::OptionCategory *> categories);

/// Copies the parsed options into `opts` (target, fusion, import options);
/// the --shape and --bind values are checked here. Returns false with `error`
/// set on a malformed value.
bool fillCompileOptions(CompileOptions &opts, std::string &error);

/// --calibrate, --calibrate-method, --calibrate-percentile, --report (all but
/// the runtime library), checked. Returns false with `error` set.
bool fillCalibrationOptions(CalibrationOptions &c, std::string &error);

/// --progress: auto (a terminal only), always or never.
Progress::Mode progressMode();

/// True when --shape pinned `dim` on the command line.
bool shapeGiven(llvm::StringRef dim);

/// Gives `ours` the spelling `name` when LLVM has registered an option of that
/// name too (its "-stats" statistics, a "-threads"): LLVM's is renamed
/// "llvm-NAME" first. Options are registered at static initialization, some of
/// LLVM's lazily at parse time, so ours is declared under another name and
/// renamed here, before parsing; the user's spelling stays the one they know.
void claimOptionName(llvm::cl::Option &ours, llvm::StringRef name);

} // namespace kiln::tools

#endif
