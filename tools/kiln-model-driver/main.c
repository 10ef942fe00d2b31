/*===- main.c - The model driver for one model: -DKILN_MODEL_FN=NAME_model -===*
 *
 * Models are static libraries with one entry point each, NAME_model; the
 * driver itself is the library kiln_model_driver (driver.c). This file is
 * compiled once per model, so a driver is add_executable + link.
 *===----------------------------------------------------------------------===*/
#include "tools/kiln-model-driver/driver.h"

const kiln_model_t *KILN_MODEL_FN(void);

int main(int argc, char **argv) { return kiln_model_driver_main(KILN_MODEL_FN(), argc, argv); }
