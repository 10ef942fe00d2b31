//===- KernelDialect.td - The kernel dialect: one op per generated kernel -===//
#ifndef KILN_KERNEL_DIALECT
#define KILN_KERNEL_DIALECT

include "mlir/IR/OpBase.td"

def Kernel_Dialect : Dialect {
  let name = "kernel";
  let summary = "One op per generated kernel";
  let description = [{
    Each op becomes one Halide pipeline. Elementwise work and every kind of pure
    data movement (transpose, reshape, expand, slice) share one op,
    `kernel.elementwise`, whose inputs are read through affine index maps, so
    fusion grows a region and absorbs layout changes into maps instead of
    adding kernel kinds. Contractions, normalisations and gathers have their
    own ops because their schedules differ.

    ```mlir
    %t = kernel.elementwise ins(%x : tensor<2x16x4x32xf32>)
           maps [affine_map<(d0, d1, d2, d3) -> (d0, d2, d1, d3)>] -> tensor<2x4x16x32xf32> {
    ^bb0(%a: f32):
      kernel.yield %a : f32
    }
    ```
  }];
  let cppNamespace = "::kiln::kernel";
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect"];
}

// Symbolic dims (KernelTraits.h): every op checks its types' encodings; only
// ops with Kernel_SymbolicDims accept `?` dims.
def Kernel_ShapeEncoding : NativeOpTrait<"ShapeEncoding"> {
  let cppNamespace = "::kiln::kernel::OpTrait";
}
def Kernel_SymbolicDims : NativeOpTrait<"SymbolicDims"> {
  let cppNamespace = "::kiln::kernel::OpTrait";
}

class Kernel_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kernel_Dialect, mnemonic, !listconcat([Kernel_ShapeEncoding], traits)>;

#endif // KILN_KERNEL_DIALECT
