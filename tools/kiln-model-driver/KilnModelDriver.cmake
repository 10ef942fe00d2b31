# kiln_add_model_driver(EXE MODEL): an executable EXE running the model target
# MODEL (made by kiln_add_model, whose entry point is MODEL_model) through the
# generic driver (driver.c's header lists its modes).
set(KILN_MODEL_DRIVER_MAIN ${CMAKE_CURRENT_LIST_DIR}/main.c CACHE INTERNAL "")
function(kiln_add_model_driver exe model)
  add_executable(${exe} ${KILN_MODEL_DRIVER_MAIN})
  target_compile_definitions(${exe} PRIVATE KILN_MODEL_FN=${model}_model)
  # The model first: the driver calls into the runtime it links.
  target_link_libraries(${exe} PRIVATE kiln_model_driver ${model})
endfunction()
