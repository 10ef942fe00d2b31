//===- Passes.td - Kiln's conversion passes -===//
#ifndef KILN_CONVERSION_PASSES
#define KILN_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def ConvertGraphToKernel : Pass<"convert-graph-to-kernel", "mlir::ModuleOp"> {
  let summary = "Lower graph ops to kernel ops, one kernel per op";
  let description = [{
    Elementwise ops, casts, Where and every pure data movement (reshape,
    transpose, expand, slice) become `kernel.elementwise` with affine index
    maps; MatMul/Gemm become `kernel.matmul`; the rest map one to one.
    `graph.constant` stays: constants are weights, not kernels.

    Before:
    ```mlir
    %1 = graph.transpose %0 {perm = [1, 0]} : (tensor<4x8xf32>) -> tensor<8x4xf32>
    ```
    After:
    ```mlir
    %1 = kernel.elementwise ins(%0 : tensor<4x8xf32>)
           maps [affine_map<(d0, d1) -> (d1, d0)>] -> tensor<8x4xf32> { ... }
    ```
  }];
  let dependentDialects = ["kiln::kernel::KernelDialect", "mlir::arith::ArithDialect",
                           "mlir::math::MathDialect"];
}

def ConvertKernelToHalide : Pass<"convert-kernel-to-halide", "mlir::ModuleOp"> {
  let summary = "Turn each kernel op into a halide.kernel (its algorithm and schedule recipe)";
  let description = [{
    Each kernel op becomes a `halide.kernel` symbol (named for what it computes,
    e.g. `k3_matmul_f32`) and, in the function, a `halide.launch` of it. The
    halide.kernel holds the algorithm (inputs, funcs, updates, the output) and
    the `recipe` kiln-schedule-cpu/-cuda write its schedules from, with the
    sizes those read (attention: head_dim, value_dim, lanes, padded_keys,
    key_block). The vector width of
    the algorithm's vector-wide partial sums comes from the module's
    `halide.target` (`#halide.target<"x86-64-linux-avx-avx2-avx512">`: 64
    bytes; none: 32).
  }];
  let dependentDialects = ["kiln::halide::HalideDialect", "mlir::arith::ArithDialect",
                           "mlir::math::MathDialect"];
}

#endif // KILN_CONVERSION_PASSES
