//===- Registration.h - Register Kiln's dialects and passes -===//
#ifndef KILN_COMPILER_PIPELINES_REGISTRATION_H
#define KILN_COMPILER_PIPELINES_REGISTRATION_H

#include "mlir/IR/DialectRegistry.h"

namespace kiln {
/// graph, kernel, halide plus the upstream dialects they use (func, arith, math).
void registerAllDialects(mlir::DialectRegistry &registry);
/// Every Kiln pass, for kiln-opt and the pass pipeline parser.
void registerAllPasses();
} // namespace kiln

#endif
