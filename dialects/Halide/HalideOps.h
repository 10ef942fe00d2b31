//===- HalideOps.h - halide dialect ops -===//
#ifndef KILN_DIALECTS_HALIDE_HALIDEOPS_H
#define KILN_DIALECTS_HALIDE_HALIDEOPS_H

#include "dialects/Halide/HalideDialect.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dialects/Halide/HalideOps.h.inc"

#endif
