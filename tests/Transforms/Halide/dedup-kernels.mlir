// RUN: kiln-opt %s -kiln-dedup-kernels | FileCheck %s

// Two kernels with one body: the second is dropped and its launch calls the
// first. The third differs in its extents and stays.
// CHECK-LABEL: func.func @main
// CHECK: halide.launch @k0_relu_f32(%arg0)
// CHECK: halide.launch @k0_relu_f32(%{{.*}})
// CHECK: halide.launch @k2_relu_f32(%arg1)
// CHECK: halide.kernel @k0_relu_f32
// CHECK-NOT: halide.kernel @k1_relu_f32
// CHECK: halide.kernel @k2_relu_f32
func.func @main(%x: tensor<4xf32>, %z: tensor<8xf32>) -> (tensor<4xf32>, tensor<8xf32>) {
  %0 = halide.launch @k0_relu_f32(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = halide.launch @k1_relu_f32(%0) : (tensor<4xf32>) -> tensor<4xf32>
  %2 = halide.launch @k2_relu_f32(%z) : (tensor<8xf32>) -> tensor<8xf32>
  return %1, %2 : tensor<4xf32>, tensor<8xf32>
}
halide.kernel @k0_relu_f32 {
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
    halide.gpu_tile @out ["d0"] [4]
  }
}
halide.kernel @k1_relu_f32 {
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
    halide.gpu_tile @out ["d0"] [4]
  }
}
halide.kernel @k2_relu_f32 {
  halide.input @in0 : f32 [8]
  halide.func @out ["d0"] : f32 {
  ^bb0(%arg0: i32):
    %0 = halide.call @in0(%arg0) : (i32) -> f32
    %cst = arith.constant 0.000000e+00 : f32
    %1 = arith.maximumf %0, %cst : f32
    halide.return %1 : f32
  }
  halide.output @out [8]
  halide.schedule "cpu" {
  }
  halide.schedule "cuda" {
    halide.gpu_tile @out ["d0"] [8]
  }
}

