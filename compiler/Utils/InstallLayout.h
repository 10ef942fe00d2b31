//===- InstallLayout.h - Files an installed tool finds beside itself ------===//
//
// An installed kiln-compile or kiln-run finds the runtime's headers and
// library relative to its own binary (<prefix>/bin/../include, ../lib), so a
// prefix can move; a tool run from the build tree finds none there and falls
// back to the path baked in at build time.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_UTILS_INSTALLLAYOUT_H
#define KILN_COMPILER_UTILS_INSTALLLAYOUT_H

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <string>

namespace kiln {

/// `<dir of the running executable>/../relative` when it exists (with
/// `probe`, when `relative/probe` does), else `fallback`.
inline std::string installedPath(llvm::StringRef relative, llvm::StringRef fallback,
                                 llvm::StringRef probe = "") {
  static int anchor; // any address in the executable (/proc/self/exe decides on Linux)
  std::string exe = llvm::sys::fs::getMainExecutable("kiln", &anchor);
  if (!exe.empty()) {
    llvm::SmallString<256> path(llvm::sys::path::parent_path(llvm::sys::path::parent_path(exe)));
    llvm::sys::path::append(path, relative);
    llvm::SmallString<256> probed(path);
    if (!probe.empty())
      llvm::sys::path::append(probed, probe);
    if (llvm::sys::fs::exists(probed))
      return std::string(path);
  }
  return fallback.str();
}

} // namespace kiln

#endif // KILN_COMPILER_UTILS_INSTALLLAYOUT_H
