// RUN: kiln-opt %s -convert-graph-to-kernel | FileCheck %s

// A patch embedding (stride = kernel, no padding): im2col copy, GEMM against
// the weight viewed as [CO, C*KH*KW], copy back to NCHW.
// CHECK-DAG: #[[COLS:.*]] = affine_map<(d0, d1, d2) -> (d0, d2 floordiv 16, (d1 floordiv 2) * 4 + (d2 floordiv 4) mod 4, (d1 mod 2) * 4 + d2 mod 4)>
// CHECK-DAG: #[[BACK:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2 * 2 + d3, d1)>
// CHECK-LABEL: func.func @patch_embedding
// CHECK: %[[C:.*]] = kernel.elementwise ins(%{{.*}} : tensor<1x3x8x8xf32>) maps [#[[COLS]]] -> tensor<1x4x48xf32>
// CHECK: %[[W:.*]] = graph.constant dense<1.000000e+00> : tensor<8x48xf32>
// CHECK: %[[M:.*]] = kernel.matmul %[[C]], %[[W]], %{{.*}} {trans_b = true} : (tensor<1x4x48xf32>, tensor<8x48xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
// CHECK: kernel.elementwise ins(%[[M]] : tensor<1x4x8xf32>) maps [#[[BACK]]] -> tensor<1x8x2x2xf32>
func.func @patch_embedding(%x: tensor<1x3x8x8xf32>, %b: tensor<8xf32>) -> tensor<1x8x2x2xf32> {
  %w = graph.constant dense<1.0> : tensor<8x3x4x4xf32> : tensor<8x3x4x4xf32>
  %0 = graph.conv %x, %w, %b {strides = [4, 4], pads = [0, 0, 0, 0], dilations = [1, 1], group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<8x3x4x4xf32>, tensor<8xf32>) -> tensor<1x8x2x2xf32>
  return %0 : tensor<1x8x2x2xf32>
}

// A padded, overlapping convolution stays a direct kernel.conv.
// CHECK-LABEL: func.func @padded
// CHECK: kernel.conv
// CHECK-NOT: kernel.matmul
func.func @padded(%x: tensor<1x3x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %w = graph.constant dense<1.0> : tensor<8x3x3x3xf32> : tensor<8x3x3x3xf32>
  %0 = graph.conv %x, %w {strides = [1, 1], pads = [1, 1, 1, 1], dilations = [1, 1], group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}
