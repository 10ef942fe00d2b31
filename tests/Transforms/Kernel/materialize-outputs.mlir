// RUN: kiln-opt %s -split-input-file -kiln-materialize-outputs | FileCheck %s

// A result computed by a kernel, returned once, stays as it is.
// CHECK-LABEL: func.func @kernel_result
// CHECK:       %[[R:.*]] = kernel.softmax
// CHECK-NEXT:  return %[[R]]
func.func @kernel_result(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = kernel.softmax %x {axis = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// An argument returned as it is gets a copy: the caller's output buffer is
// written by a kernel, not aliased to the input's.
// CHECK-LABEL: func.func @argument
// CHECK:       %[[C:.*]] = kernel.elementwise ins(%arg0 : tensor<4xf32>) maps [#{{.*}}] -> tensor<4xf32>
// CHECK-NEXT:  ^bb0(%[[A:.*]]: f32):
// CHECK-NEXT:    kernel.yield %[[A]] : f32
// CHECK:       return %[[C]]
func.func @argument(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// A value returned twice: the second return gets its own copy; so does a constant.
// CHECK-LABEL: func.func @twice_and_constant
// CHECK:       %[[W:.*]] = graph.constant
// CHECK:       %[[R:.*]] = kernel.softmax
// CHECK:       %[[C1:.*]] = kernel.elementwise ins(%[[R]] : tensor<2x8xf32>)
// CHECK:       %[[C2:.*]] = kernel.elementwise ins(%[[W]] : tensor<2x8xf32>)
// CHECK:       return %[[R]], %[[C1]], %[[C2]]
func.func @twice_and_constant(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>) {
  %w = graph.constant dense<1.0> : tensor<2x8xf32> : tensor<2x8xf32>
  %0 = kernel.softmax %x {axis = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0, %0, %w : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>
}
