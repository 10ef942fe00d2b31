// RUN: kiln-opt %s -split-input-file -kiln-merge-projections=explain -verify-diagnostics | FileCheck %s

// Each matmul left alone says which rule kept it (kiln-merge-projections'
// "Left alone" cases).

// An activation rhs; the constant one is then alone.
// CHECK-LABEL: func.func @activation_rhs
// CHECK-COUNT-2: graph.matmul
// CHECK-NOT: graph.slice
func.func @activation_rhs(%x: tensor<4x8xf32>, %y: tensor<8x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %w = graph.constant dense<1.0> : tensor<8x8xf32> : tensor<8x8xf32>
  // expected-remark @+1 {{not merged: no other projection of the same input without a bias in this block}}
  %a = graph.matmul %x, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  // expected-remark @+1 {{not merged: the rhs is not a constant (an activation)}}
  %b = graph.matmul %x, %y : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  return %a, %b : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// A single projection of its input, with a bias.
// CHECK-LABEL: func.func @single
// CHECK: graph.matmul
// CHECK-NOT: graph.slice
func.func @single(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %w = graph.constant dense<1.0> : tensor<8x8xf32> : tensor<8x8xf32>
  %bias = graph.constant dense<1.0> : tensor<8xf32> : tensor<8xf32>
  // expected-remark @+1 {{not merged: no other projection of the same input with a constant bias in this block}}
  %a = graph.matmul %x, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %ab = graph.add %a, %bias : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %ab : tensor<4x8xf32>
}

// -----

// A batched weight is not a [K, N] projection.
// CHECK-LABEL: func.func @batched_rhs
// CHECK-COUNT-2: graph.matmul
// CHECK-NOT: graph.slice
func.func @batched_rhs(%x: tensor<2x4x8xf32>) -> (tensor<2x4x8xf32>, tensor<2x4x8xf32>) {
  %w = graph.constant dense<1.0> : tensor<2x8x8xf32> : tensor<2x8x8xf32>
  // expected-remark @+1 {{not merged: the rhs has rank 3, not 2 (batched weights)}}
  %a = graph.matmul %x, %w : (tensor<2x4x8xf32>, tensor<2x8x8xf32>) -> tensor<2x4x8xf32>
  // expected-remark @+1 {{not merged: the rhs has rank 3, not 2 (batched weights)}}
  %b = graph.matmul %x, %w : (tensor<2x4x8xf32>, tensor<2x8x8xf32>) -> tensor<2x4x8xf32>
  return %a, %b : tensor<2x4x8xf32>, tensor<2x4x8xf32>
}

// -----

// Integer weights are not a float projection.
// CHECK-LABEL: func.func @int_weights
// CHECK-COUNT-2: graph.matmul
// CHECK-NOT: graph.slice
func.func @int_weights(%x: tensor<4x8xi32>) -> (tensor<4x8xi32>, tensor<4x8xi32>) {
  %w = graph.constant dense<1> : tensor<8x8xi32> : tensor<8x8xi32>
  // expected-remark @+1 {{not merged: the weights are not float of the lhs's element type}}
  %a = graph.matmul %x, %w : (tensor<4x8xi32>, tensor<8x8xi32>) -> tensor<4x8xi32>
  // expected-remark @+1 {{not merged: the weights are not float of the lhs's element type}}
  %b = graph.matmul %x, %w : (tensor<4x8xi32>, tensor<8x8xi32>) -> tensor<4x8xi32>
  return %a, %b : tensor<4x8xi32>, tensor<4x8xi32>
}
