//===- Progress.h - One rewritten status line while a long compile runs -===//
//
// A compile of a large model takes tens of seconds, most of it in Halide code
// generation. On a terminal the tools show where it is, on one line that is
// rewritten ("kiln-compile: halide-codegen 37/120 kernels"); piped or
// redirected, stderr gets nothing, so logs and tests see only real messages.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_COMMON_PROGRESS_H
#define KILN_TOOLS_COMMON_PROGRESS_H

#include "llvm/ADT/StringRef.h"

#include <chrono>
#include <functional>
#include <string>

namespace kiln::tools {

class Progress {
public:
  enum class Mode {
    Auto,   ///< on a terminal, once the compile has run for `delay`
    Always, ///< at once, wherever stderr goes (tests check the line with it)
    Never,
  };
  /// With Mode::Auto shows nothing unless stderr is a terminal, and nothing in
  /// the first `delay` (a quick compile stays silent).
  explicit Progress(llvm::StringRef tool, Mode mode = Mode::Auto,
                    std::chrono::milliseconds delay = std::chrono::seconds(2));
  /// Clears the line if one was shown.
  ~Progress();
  Progress(const Progress &) = delete;
  Progress &operator=(const Progress &) = delete;

  /// The CompileOptions::progress callback: (stage, 0, 0) starts a stage,
  /// (stage, done, total) counts its kernels.
  void update(llvm::StringRef stage, unsigned done, unsigned total);
  /// Erases the line (before other output, and at the end).
  void clear();
  /// A callback for CompileOptions::progress that updates this object; empty
  /// when stderr is not a terminal, so the compiler skips the calls.
  std::function<void(llvm::StringRef, unsigned, unsigned)> callback();

  /// The line shown for an update: "TOOL: STAGE" or "TOOL: STAGE D/T kernels".
  static std::string line(llvm::StringRef tool, llvm::StringRef stage, unsigned done, unsigned total);

private:
  using Clock = std::chrono::steady_clock;
  std::string tool;
  bool enabled;
  bool tty; ///< rewrite one line; else (Mode::Always, piped) one line each

  bool shown = false;
  Clock::time_point start, lastDraw;
  std::chrono::milliseconds delay;
};

} // namespace kiln::tools

#endif
