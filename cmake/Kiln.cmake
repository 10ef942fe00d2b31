# kiln_add_model: compile an ONNX model with kiln-compile at build time and expose it
# as a library target.
#
#   kiln_add_model(NAME MODEL file.onnx [TARGET host|host-cuda] [SHAPES batch=2 seq=16] [SYMBOLIC])
#   target_link_libraries(app PRIVATE NAME)
#
# Runs Kiln::kiln-compile into ${CMAKE_CURRENT_BINARY_DIR}/kiln_models/NAME, producing
# libNAME.a and NAME.h. NAME is an INTERFACE library that links, in this order,
# Kiln::runtime, libNAME.a, Threads::Threads, dl and m: the runtime calls the halide_*
# functions of the Halide runtime inside libNAME.a, so it must come first on the link
# line. NAME's include directories hold NAME.h; kiln/runtime.h comes from Kiln::runtime.
# The model is recompiled when the .onnx file or kiln-compile changes.
#
# One file for both users: in Kiln's own tree Kiln::kiln-compile and Kiln::runtime are
# aliases of its targets (cmake/Install.cmake, runtime/CMakeLists.txt); an app outside
# it gets the same names as imported targets from find_package(Kiln), whose
# KilnConfig.cmake includes this file from the installed package.

include_guard(GLOBAL)
find_package(Threads REQUIRED)

function(kiln_add_model name)
  cmake_parse_arguments(PARSE_ARGV 1 KILN "SYMBOLIC" "MODEL;TARGET" "SHAPES")
  if(NOT KILN_MODEL)
    message(FATAL_ERROR "kiln_add_model(${name}): MODEL is required")
  endif()
  if(KILN_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "kiln_add_model(${name}): unexpected arguments: ${KILN_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT name MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "kiln_add_model(${name}): the name must be a C identifier (it prefixes the model's symbols)")
  endif()
  if(NOT KILN_TARGET)
    set(KILN_TARGET host)
  endif()
  get_filename_component(model "${KILN_MODEL}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")

  set(out_dir "${CMAKE_CURRENT_BINARY_DIR}/kiln_models/${name}")
  set(archive "${out_dir}/lib${name}.a")
  set(header "${out_dir}/${name}.h")
  set(shape_args)
  if(KILN_SHAPES)
    list(JOIN KILN_SHAPES "," shapes) # kiln-compile takes --shape a=1,b=2
    set(shape_args --shape "${shapes}")
  endif()
  if(KILN_SYMBOLIC) # named dims stay symbolic: one library for every size
    list(APPEND shape_args --symbolic-dims)
  endif()

  add_custom_command(
    OUTPUT "${archive}" "${header}"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${out_dir}"
    COMMAND $<TARGET_FILE:Kiln::kiln-compile> "${model}" -o "${out_dir}" --name ${name}
            --target ${KILN_TARGET} ${shape_args}
    DEPENDS "${model}" Kiln::kiln-compile
    COMMENT "kiln-compile ${name} (${KILN_TARGET}) from ${KILN_MODEL}"
    VERBATIM)
  add_custom_target(${name}_kiln_compile DEPENDS "${archive}" "${header}")

  add_library(${name} INTERFACE)
  # Dependencies of an INTERFACE library are followed by whatever links it, so the
  # archive and the header exist before an app compiles or links.
  add_dependencies(${name} ${name}_kiln_compile)
  target_include_directories(${name} INTERFACE "${out_dir}")
  target_link_libraries(${name} INTERFACE Kiln::runtime "${archive}" Threads::Threads dl m)
endfunction()
