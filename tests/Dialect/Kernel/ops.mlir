// RUN: kiln-opt %s | kiln-opt | FileCheck %s

// CHECK-LABEL: func.func @kernels
func.func @kernels(%a: tensor<2x16xf32>, %b: tensor<16xf32>, %w: tensor<16x8xf32>, %t: tensor<100x16xf32>, %i: tensor<2xi64>) -> tensor<2x8xf32> {
  // CHECK: kernel.elementwise ins(%{{.*}}, %{{.*}} : tensor<2x16xf32>, tensor<16xf32>) maps [#{{.*}}, #{{.*}}] -> tensor<2x16xf32> {
  // CHECK: arith.addf
  // CHECK: kernel.yield
  %0 = kernel.elementwise ins(%a, %b : tensor<2x16xf32>, tensor<16xf32>)
         maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>] -> tensor<2x16xf32> {
  ^bb0(%x: f32, %y: f32):
    %s = arith.addf %x, %y : f32
    kernel.yield %s : f32
  }
  // CHECK: kernel.matmul %{{.*}}, %{{.*}} : (tensor<2x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  %1 = kernel.matmul %0, %w : (tensor<2x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  // CHECK: kernel.softmax %{{.*}} {axis = 1 : i64}
  %2 = kernel.softmax %1 {axis = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  // CHECK: kernel.gather
  %3 = kernel.gather %t, %i {axis = 0 : i64} : (tensor<100x16xf32>, tensor<2xi64>) -> tensor<2x16xf32>
  // CHECK: kernel.layer_norm
  %4 = kernel.layer_norm %3, %b {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x16xf32>, tensor<16xf32>) -> tensor<2x16xf32>
  // CHECK: kernel.reduce
  %5 = kernel.reduce %4 {kind = "max", axes = [1], keepdims = false} : (tensor<2x16xf32>) -> tensor<2xf32>
  return %2 : tensor<2x8xf32>
}
