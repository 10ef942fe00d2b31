// RUN: kiln-opt %s -convert-graph-to-kernel | FileCheck %s

// CHECK-LABEL: func.func @batched
func.func @batched(%a: tensor<2x16x128xf32>, %w: tensor<128x64xf32>) -> tensor<2x16x64xf32> {
  // CHECK: kernel.matmul %{{.*}}, %{{.*}} : (tensor<2x16x128xf32>, tensor<128x64xf32>) -> tensor<2x16x64xf32>
  %0 = graph.matmul %a, %w : (tensor<2x16x128xf32>, tensor<128x64xf32>) -> tensor<2x16x64xf32>
  return %0 : tensor<2x16x64xf32>
}

// Gemm keeps trans_b and alpha; C becomes the bias, scaled when beta != 1.
// CHECK-LABEL: func.func @gemm
func.func @gemm(%a: tensor<2x8xf32>, %b: tensor<4x8xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  // CHECK: kernel.elementwise
  // CHECK: arith.constant 5.000000e-01
  // CHECK: kernel.matmul %{{.*}}, %{{.*}}, %{{.*}} {alpha = 2.000000e+00 : f32, trans_b = true}
  %0 = graph.gemm %a, %b, %c {alpha = 2.0 : f32, beta = 0.5 : f32, trans_b = true} : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// A 1-D right operand is promoted to a column and the unit dim dropped after.
// CHECK-LABEL: func.func @vector
func.func @vector(%a: tensor<3x8xf32>, %v: tensor<8xf32>) -> tensor<3xf32> {
  // CHECK: kernel.elementwise ins(%{{.*}} : tensor<8xf32>) {{.*}} -> tensor<8x1xf32>
  // CHECK: kernel.matmul {{.*}} -> tensor<3x1xf32>
  // CHECK: kernel.elementwise ins(%{{.*}} : tensor<3x1xf32>) {{.*}} -> tensor<3xf32>
  %0 = graph.matmul %a, %v : (tensor<3x8xf32>, tensor<8xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// Integer matmuls (MatMulInteger, widened to i32 by the importer) keep their type.
// CHECK-LABEL: func.func @int32
func.func @int32(%a: tensor<4x8xi32>, %b: tensor<8x3xi32>) -> tensor<4x3xi32> {
  // CHECK: kernel.matmul %{{.*}}, %{{.*}} : (tensor<4x8xi32>, tensor<8x3xi32>) -> tensor<4x3xi32>
  %0 = graph.matmul %a, %b : (tensor<4x8xi32>, tensor<8x3xi32>) -> tensor<4x3xi32>
  return %0 : tensor<4x3xi32>
}

