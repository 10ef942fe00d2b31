/*===- driver.h - The model driver's entry point, for one model's main -===*/
#ifndef KILN_TOOLS_KILN_MODEL_DRIVER_DRIVER_H
#define KILN_TOOLS_KILN_MODEL_DRIVER_DRIVER_H

#include <kiln/runtime.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Runs the driver (usage: driver.c's header) on `model`. */
int kiln_model_driver_main(const kiln_model_t *model, int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif
