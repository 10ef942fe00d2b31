# KILN_SANITIZE=address,undefined (any -fsanitize= list): builds the compiler,
# the runtime, the tools and the tests with those sanitizers, for
# scripts/test-sanitized.sh. Kernels that Halide generates are not
# instrumented. gcc or clang.
set(KILN_SANITIZE "" CACHE STRING "Sanitizers to build with (-fsanitize=), e.g. address,undefined")
if(KILN_SANITIZE)
  # -g1: line tables, so that reports name the file and line.
  add_compile_options(-fsanitize=${KILN_SANITIZE} -fno-omit-frame-pointer -g1)
  add_link_options(-fsanitize=${KILN_SANITIZE})
  if(KILN_SANITIZE MATCHES "undefined")
    # A UBSan finding fails the test that hit it instead of scrolling past.
    # Debian's LLVM is built without RTTI, so the vptr check cannot apply.
    add_compile_options(-fno-sanitize-recover=undefined -fno-sanitize=vptr)
  endif()
endif()
