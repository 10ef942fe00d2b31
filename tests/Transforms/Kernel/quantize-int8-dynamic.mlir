// RUN: kiln-opt %s -split-input-file -kiln-quantize-int8-dynamic | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-quantize-int8-dynamic='skip=ffn' | FileCheck %s --check-prefix=SKIP

// Weights per column, symmetric, half to even: column 0 (max 1) scales by
// 1/127, so 0.5 -> 63.5 -> 64; column 1 (max 2) 1.0 -> 64 and 0.25 -> 16; an
// all-zero column keeps scale 1. Column sums 64, 80, 0. The activation stays
// f32: the qmatmul quantizes its rows itself (no a_scale / a_zero), so no
// reductions or elementwise ops are left between kernels.
// CHECK-LABEL: func.func @weights
// CHECK-DAG:   %[[W:.*]] = graph.constant dense_resource<weight_q8> : tensor<4x3xi8>
// CHECK-DAG:   %[[WS:.*]] = graph.constant dense_resource<weight_q8_scale> : tensor<3xf32>
// CHECK-DAG:   %[[WC:.*]] = graph.constant dense_resource<weight_q8_colsum> : tensor<3xi32>
// CHECK-NOT:   kernel.reduce
// CHECK-NOT:   kernel.elementwise
// CHECK:       kernel.qmatmul %arg0, %[[W]] scales(%[[WS]], %[[WC]]) : (tensor<2x4xf32>, tensor<4x3xi8>, tensor<3xf32>, tensor<3xi32>) -> tensor<2x3xf32>
// CHECK-NOT:   kernel.matmul
// CHECK:       weight_q8: "0x010000007F8100404000811000007F00"
// CHECK:       weight_q8_scale: "0x040000000402013C0402813C0000803F"
// CHECK:       weight_q8_colsum: "0x04000000400000005000000000000000"
func.func @weights(%a: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = graph.constant dense<[[1.0, -2.0, 0.0], [0.5, 1.0, 0.0], [-1.0, 0.25, 0.0], [0.0, 2.0, 0.0]]> : tensor<4x3xf32> : tensor<4x3xf32>
  %0 = kernel.matmul %a, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Gemm's trans_b weight is read transposed; alpha folds into the weight
// scales (2 * 1/127); the bias stays the qmatmul's bias. Batch dims stay.
// CHECK-LABEL: func.func @gemm
// CHECK:       kernel.qmatmul %arg0, %{{.*}} scales(%{{.*}}, %{{.*}}) bias %arg1 : (tensor<2x5x4xf32>, tensor<4x2xi8>, tensor<2xf32>, tensor<2xi32>, tensor<2xf32>) -> tensor<2x5x2xf32>
// CHECK:       weight_q8: "0x010000007F7F7F7F7F7F7F7F"
// CHECK:       weight_q8_scale: "0x040000000402813C0402813C"
func.func @gemm(%a: tensor<2x5x4xf32>, %bias: tensor<2xf32>) -> tensor<2x5x2xf32> {
  %w = graph.constant dense<1.0> : tensor<2x4xf32> : tensor<2x4xf32>
  %0 = kernel.matmul %a, %w, %bias {trans_b = true, alpha = 2.0 : f32} : (tensor<2x5x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<2x5x2xf32>
  return %0 : tensor<2x5x2xf32>
}

// -----

// Left in f32: an activation as B, and (SKIP) a node named in `skip`.
// CHECK-LABEL: func.func @left
// CHECK:       kernel.matmul %arg0, %arg1
// CHECK:       kernel.qmatmul
// SKIP-LABEL:  func.func @left
// SKIP:        kernel.matmul %arg0, %arg1
// SKIP:        kernel.matmul %arg0, %{{.*}} :
// SKIP-NOT:    kernel.qmatmul
func.func @left(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = kernel.matmul %a, %b : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %w = graph.constant dense<1.0> : tensor<4x3xf32> : tensor<4x3xf32>
  %1 = kernel.matmul %a, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32> loc("ffn")
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}
