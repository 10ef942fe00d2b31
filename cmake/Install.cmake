# `cmake --install build --prefix P`: what an app outside this tree needs.
#
#   P/bin/kiln-compile, kiln-run, kiln-opt, kiln-translate
#   P/include/kiln/runtime.h, model_abi.h, runtime.hpp
#   P/lib/libkiln_runtime.a                 (the planner's object inside: one archive)
#   P/lib/cmake/Kiln/KilnConfig.cmake ...   find_package(Kiln): Kiln::runtime,
#                                           Kiln::kiln-compile, kiln_add_model()
#   P/lib/pkgconfig/kiln.pc
#
# The layout is fixed (bin, include, lib): the installed tools find the runtime's
# headers and library from their own location (compiler/Utils/InstallLayout.h).
# Kiln's compiler libraries are not installed (LLVM_INSTALL_TOOLCHAIN_ONLY, top level).

include_guard(GLOBAL)
include(CMakePackageConfigHelpers)

set(KILN_INSTALL_CMAKEDIR lib/cmake/Kiln)

# kiln_add_model names the compiler Kiln::kiln-compile in this tree as in the package.
add_executable(Kiln::kiln-compile ALIAS kiln-compile)

# LLVM's install RPATH is $ORIGIN/../lib alone; libLLVM.so.19 lives in Debian's
# LLVM folder, outside the linker's default path.
set_target_properties(kiln-compile kiln-run kiln-opt kiln-translate PROPERTIES
  INSTALL_RPATH "${LLVM_LIBRARY_DIR}")
install(TARGETS kiln-compile kiln-run kiln-opt kiln-translate
  EXPORT KilnTargets
  RUNTIME DESTINATION bin)
install(TARGETS kiln_runtime
  EXPORT KilnTargets
  ARCHIVE DESTINATION lib)
install(FILES
  ${PROJECT_SOURCE_DIR}/runtime/include/kiln/model_abi.h
  ${PROJECT_SOURCE_DIR}/runtime/include/kiln/runtime.h
  ${PROJECT_SOURCE_DIR}/runtime/include/kiln/runtime.hpp
  DESTINATION include/kiln)

install(EXPORT KilnTargets
  NAMESPACE Kiln::
  DESTINATION ${KILN_INSTALL_CMAKEDIR})
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/KilnConfig.cmake.in
  ${PROJECT_BINARY_DIR}/package/KilnConfig.cmake
  INSTALL_DESTINATION ${KILN_INSTALL_CMAKEDIR}
  NO_SET_AND_CHECK_MACRO)
# 0.x: a minor version may change the model ABI.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/package/KilnConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/package/KilnConfig.cmake
  ${PROJECT_BINARY_DIR}/package/KilnConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/Kiln.cmake
  DESTINATION ${KILN_INSTALL_CMAKEDIR})

# pkg-config: the prefix comes from the .pc file's own place, so P can move.
configure_file(${CMAKE_CURRENT_LIST_DIR}/kiln.pc.in ${PROJECT_BINARY_DIR}/package/kiln.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/package/kiln.pc DESTINATION lib/pkgconfig)

# The package as an app outside the tree sees it: install into a temporary
# prefix, build examples/installed_app against it alone, and a C program with
# pkg-config. Not in a sanitized build: the installed runtime would carry
# sanitizer calls that an outside app does not link.
if(NOT KILN_SANITIZE)
  add_test(NAME install.example_app
    COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/install-check.sh ${PROJECT_BINARY_DIR})
  set_tests_properties(install.example_app PROPERTIES PASS_REGULAR_EXPRESSION "install-check: ok")
endif()
