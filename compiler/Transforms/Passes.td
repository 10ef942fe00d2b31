//===- Passes.td - Kiln's transformation passes -===//
#ifndef KILN_TRANSFORMS_PASSES
#define KILN_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def FuseElementwise : Pass<"kiln-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Fold kernel.elementwise producers into their elementwise consumer";
  let description = [{
    A `kernel.elementwise` whose only user is another `kernel.elementwise` is
    folded into it: the producer's inputs become the consumer's, read through
    the producer's maps composed with the consumer's, and the producer's body
    is inlined. Chains of casts, masks, scales, transposes and reshapes thus
    become one kernel that reads each input once and writes once.

    Before:
    ```mlir
    %t = kernel.elementwise ins(%x : tensor<4x8xf32>) maps [affine_map<(d0, d1) -> (d1, d0)>] -> tensor<8x4xf32> {
    ^bb0(%a: f32):
      kernel.yield %a : f32
    }
    %r = kernel.elementwise ins(%t : tensor<8x4xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<8x4xf32> {
    ^bb0(%a: f32):
      %e = math.exp %a : f32
      kernel.yield %e : f32
    }
    ```
    After:
    ```mlir
    %r = kernel.elementwise ins(%x : tensor<4x8xf32>) maps [affine_map<(d0, d1) -> (d1, d0)>] -> tensor<8x4xf32> {
    ^bb0(%a: f32):
      %e = math.exp %a : f32
      kernel.yield %e : f32
    }
    ```
    A producer with several users is left alone (fusing would recompute it).
  }];
  let dependentDialects = ["kiln::kernel::KernelDialect"];
}

#endif // KILN_TRANSFORMS_PASSES
