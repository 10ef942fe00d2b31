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

def PackWeights : Pass<"kiln-pack-weights", "mlir::func::FuncOp"> {
  let summary = "Pre-pack constant GEMM weights into the micro-kernel's panel layout";
  let description = [{
    A `kernel.matmul` whose B is a 2-D constant gets B rewritten, at compile
    time, into panels [N/NR, K, NR] (NR = 1 to 3 SIMD vectors, the widest that
    divides N) and `b_panel = NR`. The micro-kernel then reads B with unit
    stride along K instead of striding by N (a 12 KiB stride on BERT's FFN
    weights costs 3-4x, see shared/notes/halide-gemm.md). `trans_b` weights
    (Gemm) are transposed in the same copy; an N that no panel width divides
    is padded with zero columns. Left alone: activations as B and batched B.

    Before:
    ```mlir
    %w = graph.constant dense_resource<w> : tensor<128x512xf32> : tensor<128x512xf32>
    %r = kernel.matmul %a, %w : (tensor<16x128xf32>, tensor<128x512xf32>) -> tensor<16x512xf32>
    ```
    After (AVX2, NR = 16):
    ```mlir
    %p = graph.constant dense_resource<w_panel16> : tensor<32x128x16xf32> : tensor<32x128x16xf32>
    %r = kernel.matmul %a, %p {b_panel = 16 : i64} : (tensor<16x128xf32>, tensor<32x128x16xf32>) -> tensor<16x512xf32>
    ```
  }];
  let options = [
    Option<"vectorBytes", "vector-bytes", "int64_t", /*default=*/"32",
           "SIMD register width in bytes (32: AVX2, 64: AVX-512)">,
  ];
  let dependentDialects = ["kiln::kernel::KernelDialect", "kiln::graph::GraphDialect"];
}

#endif // KILN_TRANSFORMS_PASSES
