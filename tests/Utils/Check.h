//===- Check.h - The C++ unit tests' check macro and summary -===//
//
// CHECK(x) counts a pass or prints the failing line; finish(name) prints
// "name: N passed, N failed" and gives the exit status.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TESTS_UTILS_CHECK_H
#define KILN_TESTS_UTILS_CHECK_H

#include <cstdio>

namespace kiln::test {

inline int passed = 0, failed = 0;

inline void check(bool ok, const char *what, int line) {
  if (ok) {
    ++passed;
    return;
  }
  ++failed;
  std::printf("FAIL line %d: %s\n", line, what);
}

inline int finish(const char *name) {
  std::printf("%s: %d passed, %d failed\n", name, passed, failed);
  return failed ? 1 : 0;
}

} // namespace kiln::test

#define CHECK(x) ::kiln::test::check((x), #x, __LINE__)

#endif
