// RUN: kiln-opt %s -kiln-merge-projections -split-input-file | FileCheck %s

// Q, K and V with biases, either operand order, K narrower: one matmul on
// [32, 80], one add of the [80] bias, one slice per projection.
// CHECK-LABEL: func.func @qkv_bias
// CHECK-SAME: (%[[X:.+]]: tensor<2x16x32xf32>)
// CHECK: %[[W:.+]] = graph.constant dense_resource<{{.+}}> : tensor<32x80xf32>
// CHECK: %[[M:.+]] = graph.matmul %[[X]], %[[W]] : (tensor<2x16x32xf32>, tensor<32x80xf32>) -> tensor<2x16x80xf32>
// CHECK: %[[B:.+]] = graph.constant dense_resource<{{.+}}> : tensor<80xf32>
// CHECK: %[[A:.+]] = graph.add %[[M]], %[[B]] : (tensor<2x16x80xf32>, tensor<80xf32>) -> tensor<2x16x80xf32>
// CHECK: %[[Q:.+]] = graph.slice %[[A]] {starts = [0, 0, 0], steps = [1, 1, 1]} : (tensor<2x16x80xf32>) -> tensor<2x16x32xf32>
// CHECK: %[[K:.+]] = graph.slice %[[A]] {starts = [0, 0, 32], steps = [1, 1, 1]} : (tensor<2x16x80xf32>) -> tensor<2x16x16xf32>
// CHECK: %[[V:.+]] = graph.slice %[[A]] {starts = [0, 0, 48], steps = [1, 1, 1]} : (tensor<2x16x80xf32>) -> tensor<2x16x32xf32>
// CHECK-NOT: graph.matmul
// CHECK-NOT: graph.add
// CHECK: return %[[Q]], %[[K]], %[[V]]
func.func @qkv_bias(%x: tensor<2x16x32xf32>) -> (tensor<2x16x32xf32>, tensor<2x16x16xf32>, tensor<2x16x32xf32>) {
  %wq = graph.constant dense<1.0> : tensor<32x32xf32> : tensor<32x32xf32>
  %bq = graph.constant dense<0.5> : tensor<32xf32> : tensor<32xf32>
  %q = graph.matmul %x, %wq : (tensor<2x16x32xf32>, tensor<32x32xf32>) -> tensor<2x16x32xf32>
  %qb = graph.add %bq, %q : (tensor<32xf32>, tensor<2x16x32xf32>) -> tensor<2x16x32xf32>
  %wk = graph.constant dense<2.0> : tensor<32x16xf32> : tensor<32x16xf32>
  %bk = graph.constant dense<0.25> : tensor<16xf32> : tensor<16xf32>
  %k = graph.matmul %x, %wk : (tensor<2x16x32xf32>, tensor<32x16xf32>) -> tensor<2x16x16xf32>
  %kb = graph.add %k, %bk : (tensor<2x16x16xf32>, tensor<16xf32>) -> tensor<2x16x16xf32>
  %wv = graph.constant dense<3.0> : tensor<32x32xf32> : tensor<32x32xf32>
  %bv = graph.constant dense<0.125> : tensor<32xf32> : tensor<32xf32>
  %v = graph.matmul %x, %wv : (tensor<2x16x32xf32>, tensor<32x32xf32>) -> tensor<2x16x32xf32>
  %vb = graph.add %v, %bv : (tensor<2x16x32xf32>, tensor<32xf32>) -> tensor<2x16x32xf32>
  return %qb, %kb, %vb : tensor<2x16x32xf32>, tensor<2x16x16xf32>, tensor<2x16x32xf32>
}

// -----

// Without biases: the matmuls merge, each result (read twice here) is a slice.
// CHECK-LABEL: func.func @no_bias
// CHECK-SAME: (%[[X:.+]]: tensor<4x8xf32>)
// CHECK: %[[M:.+]] = graph.matmul %[[X]], %{{.+}} : (tensor<4x8xf32>, tensor<8x24xf32>) -> tensor<4x24xf32>
// CHECK-NOT: graph.add
// CHECK: %[[A:.+]] = graph.slice %[[M]] {starts = [0, 0], steps = [1, 1]} : (tensor<4x24xf32>) -> tensor<4x16xf32>
// CHECK: %[[B:.+]] = graph.slice %[[M]] {starts = [0, 16], steps = [1, 1]} : (tensor<4x24xf32>) -> tensor<4x8xf32>
// CHECK-NOT: graph.matmul
// CHECK: graph.mul %[[A]], %[[A]]
// CHECK: graph.mul %[[B]], %[[B]]
func.func @no_bias(%x: tensor<4x8xf32>) -> (tensor<4x16xf32>, tensor<4x8xf32>) {
  %w0 = graph.constant dense<1.0> : tensor<8x16xf32> : tensor<8x16xf32>
  %w1 = graph.constant dense<2.0> : tensor<8x8xf32> : tensor<8x8xf32>
  %a = graph.matmul %x, %w0 : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %b = graph.matmul %x, %w1 : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %a2 = graph.mul %a, %a : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %b2 = graph.mul %b, %b : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %a2, %b2 : tensor<4x16xf32>, tensor<4x8xf32>
}

// -----

// The weights are concatenated row by row: [[1, 2], [3, 4]] and [[5], [6]]
// give [[1, 2, 5], [3, 4, 6]] (after the blob's 4-byte alignment header).
// CHECK-LABEL: func.func @concat_data
// CHECK: graph.constant dense_resource<[[NAME:[^>]+]]> : tensor<2x3xf32>
// CHECK: [[NAME]]: "0x040000000000803F000000400000A04000004040000080400000C040"
func.func @concat_data(%x: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<1x1xf32>) {
  %w0 = graph.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32> : tensor<2x2xf32>
  %w1 = graph.constant dense<[[5.0], [6.0]]> : tensor<2x1xf32> : tensor<2x1xf32>
  %a = graph.matmul %x, %w0 : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %b = graph.matmul %x, %w1 : (tensor<1x2xf32>, tensor<2x1xf32>) -> tensor<1x1xf32>
  return %a, %b : tensor<1x2xf32>, tensor<1x1xf32>
}

// -----

// Two members with a bias and one without: the two with a bias merge, the
// third is left alone (it would need a bias of zeros in the merged add).
// CHECK-LABEL: func.func @mixed_bias
// CHECK: graph.matmul %{{.+}}, %{{.+}} : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
// CHECK: graph.add %{{.+}}, %{{.+}} : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
// CHECK-COUNT-2: graph.slice
// CHECK: graph.matmul %{{.+}}, %{{.+}} : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
// CHECK-NOT: graph.matmul
func.func @mixed_bias(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %w = graph.constant dense<1.0> : tensor<8x8xf32> : tensor<8x8xf32>
  %bias = graph.constant dense<1.0> : tensor<8xf32> : tensor<8xf32>
  %a = graph.matmul %x, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %ab = graph.add %a, %bias : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %b = graph.matmul %x, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %bb = graph.add %bias, %b : (tensor<8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %c = graph.matmul %x, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  return %ab, %bb, %c : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Left alone: the matmuls read different inputs.
// CHECK-LABEL: func.func @different_lhs
// CHECK-NOT: graph.slice
// CHECK-COUNT-2: graph.matmul
// CHECK-NOT: graph.slice
func.func @different_lhs(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %w0 = graph.constant dense<1.0> : tensor<8x8xf32> : tensor<8x8xf32>
  %w1 = graph.constant dense<2.0> : tensor<8x8xf32> : tensor<8x8xf32>
  %a = graph.matmul %x, %w0 : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %b = graph.matmul %y, %w1 : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  return %a, %b : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Left alone: one rhs is an activation, so only one matmul of %x has a
// constant weight.
// CHECK-LABEL: func.func @activation_rhs
// CHECK-NOT: graph.slice
// CHECK-COUNT-2: graph.matmul
// CHECK-NOT: graph.slice
func.func @activation_rhs(%x: tensor<4x8xf32>, %y: tensor<8x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %w = graph.constant dense<1.0> : tensor<8x8xf32> : tensor<8x8xf32>
  %a = graph.matmul %x, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %b = graph.matmul %x, %y : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  return %a, %b : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Left alone: a single projection of its input.
// CHECK-LABEL: func.func @single
// CHECK: %[[M:.+]] = graph.matmul
// CHECK: graph.add %[[M]]
// CHECK-NOT: graph.slice
func.func @single(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %w = graph.constant dense<1.0> : tensor<8x8xf32> : tensor<8x8xf32>
  %bias = graph.constant dense<1.0> : tensor<8xf32> : tensor<8xf32>
  %a = graph.matmul %x, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %ab = graph.add %a, %bias : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %ab : tensor<4x8xf32>
}

// -----

// Left alone: a batched weight is not a [K, N] projection.
// CHECK-LABEL: func.func @batched_rhs
// CHECK-NOT: graph.slice
// CHECK-COUNT-2: graph.matmul
// CHECK-NOT: graph.slice
func.func @batched_rhs(%x: tensor<2x4x8xf32>) -> (tensor<2x4x8xf32>, tensor<2x4x8xf32>) {
  %w = graph.constant dense<1.0> : tensor<2x8x8xf32> : tensor<2x8x8xf32>
  %a = graph.matmul %x, %w : (tensor<2x4x8xf32>, tensor<2x8x8xf32>) -> tensor<2x4x8xf32>
  %b = graph.matmul %x, %w : (tensor<2x4x8xf32>, tensor<2x8x8xf32>) -> tensor<2x4x8xf32>
  return %a, %b : tensor<2x4x8xf32>, tensor<2x4x8xf32>
}

// -----

// Symbolic rows: the merged product and the slices keep the batch and seq
// exprs; only the static last dim is split.
// CHECK-LABEL: func.func @symbolic_rows
// CHECK: %[[M:.+]] = graph.matmul %arg0, %{{.+}} : (tensor<?x?x32xf32, #[[X:.+]]>, tensor<32x48xf32>) -> tensor<?x?x48xf32, #{{.+}}>
// CHECK: graph.slice %[[M]] {starts = [0, 0, 0], steps = [1, 1, 1]} : (tensor<?x?x48xf32, #{{.+}}>) -> tensor<?x?x32xf32, #[[X]]>
// CHECK: graph.slice %[[M]] {starts = [0, 0, 32], steps = [1, 1, 1]} : (tensor<?x?x48xf32, #{{.+}}>) -> tensor<?x?x16xf32, #{{.+}}>
// CHECK-NOT: graph.matmul
func.func @symbolic_rows(%x: tensor<?x?x32xf32, affine_map<()[s0, s1] -> (s0, s1, 32)>>)
    -> (tensor<?x?x32xf32, affine_map<()[s0, s1] -> (s0, s1, 32)>>, tensor<?x?x16xf32, affine_map<()[s0, s1] -> (s0, s1, 16)>>) {
  %wq = graph.constant dense<1.0> : tensor<32x32xf32> : tensor<32x32xf32>
  %q = graph.matmul %x, %wq : (tensor<?x?x32xf32, affine_map<()[s0, s1] -> (s0, s1, 32)>>, tensor<32x32xf32>) -> tensor<?x?x32xf32, affine_map<()[s0, s1] -> (s0, s1, 32)>>
  %wk = graph.constant dense<2.0> : tensor<32x16xf32> : tensor<32x16xf32>
  %k = graph.matmul %x, %wk : (tensor<?x?x32xf32, affine_map<()[s0, s1] -> (s0, s1, 32)>>, tensor<32x16xf32>) -> tensor<?x?x16xf32, affine_map<()[s0, s1] -> (s0, s1, 16)>>
  return %q, %k : tensor<?x?x32xf32, affine_map<()[s0, s1] -> (s0, s1, 32)>>, tensor<?x?x16xf32, affine_map<()[s0, s1] -> (s0, s1, 16)>>
}
