// RUN: kiln-opt %s -kiln-dedup-kernels | FileCheck %s

// Same shapes, different constants (relu vs clip at 1): both stay.
// CHECK-LABEL: func.func @main
// CHECK: halide.launch @k0_max_f32
// CHECK: halide.launch @k1_max_f32
// CHECK: halide.kernel @k0_max_f32
// CHECK: halide.kernel @k1_max_f32
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = halide.launch @k0_max_f32(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = halide.launch @k1_max_f32(%0) : (tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}
halide.kernel @k0_max_f32 {
  halide.input @in0 : f32 [4]
  halide.func @out ["d0"] : f32 {
  ^bb0(%arg0: i32):
    %0 = halide.call @in0(%arg0) : (i32) -> f32
    %cst = arith.constant 0.000000e+00 : f32
    %1 = arith.maximumf %0, %cst : f32
    halide.return %1 : f32
  }
  halide.output @out [4]
  halide.schedule "cpu" {
  }
  halide.schedule "cuda" {
  }
}
halide.kernel @k1_max_f32 {
  halide.input @in0 : f32 [4]
  halide.func @out ["d0"] : f32 {
  ^bb0(%arg0: i32):
    %0 = halide.call @in0(%arg0) : (i32) -> f32
    %cst = arith.constant 1.000000e+00 : f32
    %1 = arith.maximumf %0, %cst : f32
    halide.return %1 : f32
  }
  halide.output @out [4]
  halide.schedule "cpu" {
  }
  halide.schedule "cuda" {
  }
}
