//===- Registration.cpp - Register Kiln's dialects and passes -===//
#include "compiler/Pipelines/Registration.h"
#include "compiler/Conversion/Passes.h"
#include "compiler/Pipelines/GraphToHalide.h"
#include "compiler/Transforms/Passes.h"
#include "dialects/Graph/GraphDialect.h"
#include "dialects/Halide/HalideDialect.h"
#include "dialects/Kernel/KernelDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/Passes.h"

void kiln::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<graph::GraphDialect, kernel::KernelDialect, halide::HalideDialect,
                  mlir::func::FuncDialect, mlir::arith::ArithDialect, mlir::math::MathDialect>();
}

void kiln::registerAllPasses() {
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  registerConversionPasses();
  registerTransformsPasses();
  registerPipelines();
}
