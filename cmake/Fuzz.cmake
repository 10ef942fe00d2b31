# KILN_FUZZ=ON: the libFuzzer build (scripts/fuzz.sh, docs/hardening.md). Needs
# clang (CC=clang-19 CXX=clang++-19) and its runtime libraries. Everything is
# compiled with ASan and UBSan plus libFuzzer's coverage hooks; only the fuzz
# targets in tests/fuzz link libFuzzer's main (-fsanitize=fuzzer). The top
# level then configures only what those targets link: the runtime, the
# dialects and the compiler's libraries, no tools, examples or tests.
option(KILN_FUZZ "Build the libFuzzer targets (tests/fuzz) and only what they need" OFF)
if(KILN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "KILN_FUZZ needs clang: configure with CC=clang-19 CXX=clang++-19")
  endif()
  # UBSan findings abort, so libFuzzer records them as crashes. Debian's
  # LLVM is built without RTTI, so UBSan's vptr check cannot apply.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
                      -fno-sanitize-recover=undefined -fno-sanitize=vptr
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
