//===- HalideDialect.cpp - halide dialect registration -===//
#include "dialects/Halide/HalideDialect.h"
#include "dialects/Halide/HalideAttrs.h"
#include "dialects/Halide/HalideOps.h"

using namespace mlir;
using namespace kiln::halide;

#include "dialects/Halide/HalideDialect.cpp.inc"

void HalideDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Halide/HalideOps.cpp.inc"
      >();
  registerAttributes();
}
