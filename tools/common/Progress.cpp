//===- Progress.cpp - One rewritten status line while a long compile runs -===//
#include "tools/common/Progress.h"

#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace kiln::tools {

Progress::Progress(StringRef tool, Mode mode, std::chrono::milliseconds delay)
    : tool(tool.str()), tty(sys::Process::StandardErrIsDisplayed()),
      start(Clock::now()), delay(mode == Mode::Always ? std::chrono::milliseconds(0) : delay) {
  enabled = mode == Mode::Always || (mode == Mode::Auto && tty);
}

Progress::~Progress() { clear(); }

std::string Progress::line(StringRef tool, StringRef stage, unsigned done, unsigned total) {
  std::string s = (tool + ": " + stage).str();
  if (total)
    s += " " + std::to_string(done) + "/" + std::to_string(total) + " kernels";
  return s;
}

void Progress::update(StringRef stage, unsigned done, unsigned total) {
  if (!enabled)
    return;
  Clock::time_point now = Clock::now();
  if (now - start < delay)
    return;
  // A stage start and the last kernel always show; counts at most 10 a second.
  bool milestone = total == 0 || done == total || delay.count() == 0;
  if (shown && !milestone && now - lastDraw < std::chrono::milliseconds(100))
    return;
  lastDraw = now;
  shown = true;
  // Back to column 0 and erase, write, back to column 0 again: a diagnostic
  // printed meanwhile starts at the left margin, over this line.
  if (tty)
    errs() << "\r\x1b[K" << line(tool, stage, done, total) << "\r";
  else
    errs() << line(tool, stage, done, total) << "\n";
  errs().flush();
}

void Progress::clear() {
  if (!shown || !tty)
    return;
  errs() << "\r\x1b[K";
  errs().flush();
  shown = false;
}

std::function<void(StringRef, unsigned, unsigned)> Progress::callback() {
  if (!enabled)
    return {};
  return [this](StringRef stage, unsigned done, unsigned total) { update(stage, done, total); };
}

} // namespace kiln::tools
