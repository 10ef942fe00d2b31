// RUN: kiln-opt %s -convert-graph-to-kernel | FileCheck %s

// Data movement is a copy whose meaning is its index map.
// CHECK-DAG: #[[T:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d1, d3)>
// CHECK-DAG: #[[R:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 * 32 + d3)>
// CHECK-DAG: #[[S:.*]] = affine_map<(d0, d1) -> (d0 * 2 + 1, d1)>

// CHECK-LABEL: func.func @heads
func.func @heads(%x: tensor<2x16x128xf32>) -> tensor<2x4x16x32xf32> {
  // CHECK: kernel.elementwise ins(%{{.*}} : tensor<2x16x128xf32>) maps [#[[R]]] -> tensor<2x16x4x32xf32>
  %0 = graph.reshape %x : (tensor<2x16x128xf32>) -> tensor<2x16x4x32xf32>
  // CHECK: kernel.elementwise ins(%{{.*}} : tensor<2x16x4x32xf32>) maps [#[[T]]] -> tensor<2x4x16x32xf32>
  %1 = graph.transpose %0 {perm = [0, 2, 1, 3]} : (tensor<2x16x4x32xf32>) -> tensor<2x4x16x32xf32>
  return %1 : tensor<2x4x16x32xf32>
}

// CHECK-LABEL: func.func @strided_slice
func.func @strided_slice(%x: tensor<8x4xf32>) -> tensor<3x4xf32> {
  // CHECK: maps [#[[S]]]
  %0 = graph.slice %x {starts = [1, 0], steps = [2, 1]} : (tensor<8x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @gathers
func.func @gathers(%t: tensor<100x8xf32>, %i: tensor<2x3xi64>) -> tensor<2x3x8xf32> {
  // CHECK: kernel.gather %{{.*}}, %{{.*}} {axis = 0 : i64}
  %0 = graph.gather %t, %i {axis = 0 : i64} : (tensor<100x8xf32>, tensor<2x3xi64>) -> tensor<2x3x8xf32>
  return %0 : tensor<2x3x8xf32>
}
