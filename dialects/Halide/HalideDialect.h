//===- HalideDialect.h - halide dialect -===//
#ifndef KILN_DIALECTS_HALIDE_HALIDEDIALECT_H
#define KILN_DIALECTS_HALIDE_HALIDEDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Dialect.h"

#include "dialects/Halide/HalideDialect.h.inc"

#endif
