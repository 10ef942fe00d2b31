//===- KernelDialect.cpp - kernel dialect registration -===//
#include "dialects/Kernel/KernelDialect.h"
#include "dialects/Kernel/KernelOps.h"

using namespace mlir;
using namespace kiln::kernel;

#include "dialects/Kernel/KernelDialect.cpp.inc"

void KernelDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Kernel/KernelOps.cpp.inc"
      >();
}
