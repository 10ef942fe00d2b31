//===- HalideDialect.td - The halide dialect: Halide's model, in MLIR -===//
#ifndef KILN_HALIDE_DIALECT
#define KILN_HALIDE_DIALECT

include "mlir/IR/OpBase.td"

def Halide_Dialect : Dialect {
  let name = "halide";
  let summary = "A close mirror of Halide: funcs, pure definitions, updates, schedules";
  let description = [{
    A `halide.kernel` is one Halide pipeline: its input buffers, its funcs, its
    output, and one schedule region per target. Dims are in Halide order
    (innermost first), vars are i32, and func bodies use `arith`/`math` ops on
    scalars plus `halide.call` to read buffers and other funcs. What is printed
    is exactly what Halide is asked to build.

    ```mlir
    halide.kernel @k0_add_f32 {
      halide.input @in0 : f32 [128, 32]
      halide.func @out ["x", "y"] : f32 {
      ^bb0(%x: i32, %y: i32):
        %a = halide.call @in0(%x, %y) : (i32, i32) -> f32
        %b = arith.addf %a, %a : f32
        halide.return %b : f32
      }
      halide.output @out [128, 32]
      halide.schedule "cpu" {
        halide.vectorize @out "x" 8
        halide.parallel @out "y"
      }
    }
    ```
  }];
  let cppNamespace = "::kiln::halide";
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect"];
  let useDefaultAttributePrinterParser = 1;
  // The module's `halide.target` is checked to be a #halide.target.
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

class Halide_Op<string mnemonic, list<Trait> traits = []>
    : Op<Halide_Dialect, mnemonic, traits>;

#endif // KILN_HALIDE_DIALECT
