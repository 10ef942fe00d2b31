// RUN: kiln-opt %s -split-input-file -verify-diagnostics

func.func @int_values(%a: tensor<4x8xf32>, %v: tensor<3x1x1xi32>, %i: tensor<3xi32>, %o: tensor<3xi32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{expects f32 activations and values, got 'f32' and 'i32'}}
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 2 : i64} : (tensor<4x8xf32>, tensor<3x1x1xi32>, tensor<3xi32>, tensor<3xi32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @zero_block(%a: tensor<4x8xf32>, %v: tensor<3x1x1xf32>, %i: tensor<3xi32>, %o: tensor<3xi32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{block_k and block_n must be >= 1 and max_blocks >= 0, got 0, 1, 2}}
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 0 : i64, block_n = 1 : i64, max_blocks = 2 : i64} : (tensor<4x8xf32>, tensor<3x1x1xf32>, tensor<3xi32>, tensor<3xi32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @offsets_shape(%a: tensor<4x8xf32>, %v: tensor<3x1x2xf32>, %i: tensor<3xi32>, %o: tensor<3xi32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{offsets must be [4] (N = 5, block_n 2), got [3]}}
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 2 : i64, max_blocks = 2 : i64} : (tensor<4x8xf32>, tensor<3x1x2xf32>, tensor<3xi32>, tensor<3xi32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @values_shape(%a: tensor<4x8xf32>, %v: tensor<3x1x1xf32>, %i: tensor<3xi32>, %o: tensor<3xi32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{values must be [3, 2, 1], got [3,1,1]}}
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 2 : i64, block_n = 1 : i64, max_blocks = 2 : i64} : (tensor<4x8xf32>, tensor<3x1x1xf32>, tensor<3xi32>, tensor<3xi32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// The kernel reads A at the stored rows: a constant index past K is refused.
func.func @index_out_of_range(%a: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %v = graph.constant dense<[[[1.0]], [[2.0]]]> : tensor<2x1x1xf32> : tensor<2x1x1xf32>
  %i = graph.constant dense<[0, 3]> : tensor<2xi32> : tensor<2xi32>
  %o = graph.constant dense<[0, 2, 2]> : tensor<3xi32> : tensor<3xi32>
  // expected-error @+1 {{index 3 at entry 1 is outside [0, 3) (K = 3, block_k 1)}}
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 2 : i64} : (tensor<4x3xf32>, tensor<2x1x1xf32>, tensor<2xi32>, tensor<3xi32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @offsets_decrease(%a: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %v = graph.constant dense<[[[1.0]], [[2.0]]]> : tensor<2x1x1xf32> : tensor<2x1x1xf32>
  %i = graph.constant dense<[0, 2]> : tensor<2xi32> : tensor<2xi32>
  %o = graph.constant dense<[0, 3, 2]> : tensor<3xi32> : tensor<3xi32>
  // expected-error @+1 {{offsets decrease at column block 1}}
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 3 : i64} : (tensor<4x3xf32>, tensor<2x1x1xf32>, tensor<2xi32>, tensor<3xi32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @offsets_range(%a: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %v = graph.constant dense<[[[1.0]], [[2.0]]]> : tensor<2x1x1xf32> : tensor<2x1x1xf32>
  %i = graph.constant dense<[0, 2]> : tensor<2xi32> : tensor<2xi32>
  %o = graph.constant dense<[0, 1, 1]> : tensor<3xi32> : tensor<3xi32>
  // expected-error @+1 {{offsets must run from 0 to 2, got 0 .. 1}}
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 1 : i64} : (tensor<4x3xf32>, tensor<2x1x1xf32>, tensor<2xi32>, tensor<3xi32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// max_blocks is the loop bound the kernel runs: it must be the longest column's count.
func.func @max_blocks(%a: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %v = graph.constant dense<[[[1.0]], [[2.0]]]> : tensor<2x1x1xf32> : tensor<2x1x1xf32>
  %i = graph.constant dense<[0, 2]> : tensor<2xi32> : tensor<2xi32>
  %o = graph.constant dense<[0, 1, 2]> : tensor<3xi32> : tensor<3xi32>
  // expected-error @+1 {{max_blocks is 2 but the longest column block has 1}}
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 2 : i64} : (tensor<4x3xf32>, tensor<2x1x1xf32>, tensor<2xi32>, tensor<3xi32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// With group 2 every column's count is a multiple of 2 (the kernel's partial sums).
func.func @group(%a: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %v = graph.constant dense<[[[1.0]], [[2.0]], [[0.0]]]> : tensor<3x1x1xf32> : tensor<3x1x1xf32>
  %i = graph.constant dense<[0, 2, 2]> : tensor<3xi32> : tensor<3xi32>
  %o = graph.constant dense<[0, 1, 3]> : tensor<3xi32> : tensor<3xi32>
  // expected-error @+1 {{column block 0 has 1 blocks, not a multiple of group 2}}
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 2 : i64, group = 2 : i64} : (tensor<1x3xf32>, tensor<3x1x1xf32>, tensor<3xi32>, tensor<3xi32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

func.func @group_max(%a: tensor<1x3xf32>, %v: tensor<3x1x1xf32>, %i: tensor<3xi32>, %o: tensor<3xi32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{group must be >= 1 and divide max_blocks, got group 4, max_blocks 6}}
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 6 : i64, group = 4 : i64} : (tensor<1x3xf32>, tensor<3x1x1xf32>, tensor<3xi32>, tensor<3xi32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// Indices are i16 (kiln-sparsify's form when every row block fits) or i32.
func.func @index_type(%a: tensor<4x8xf32>, %v: tensor<3x1x1xf32>, %i: tensor<3xi8>, %o: tensor<3xi32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{indices must be i16 or i32}}
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 2 : i64} : (tensor<4x8xf32>, tensor<3x1x1xf32>, tensor<3xi8>, tensor<3xi32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// A constant i16 table is range-checked like an i32 one.
func.func @i16_index_range(%a: tensor<4x8xf32>) -> tensor<4x2xf32> {
  %v = graph.constant dense<[[[1.0]], [[2.0]]]> : tensor<2x1x1xf32> : tensor<2x1x1xf32>
  %i = graph.constant dense<[0, 8]> : tensor<2xi16> : tensor<2xi16>
  %o = graph.constant dense<[0, 1, 2]> : tensor<3xi32> : tensor<3xi32>
  // expected-error @+1 {{index 8 at entry 1 is outside [0, 8) (K = 8, block_k 1)}}
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 1 : i64} : (tensor<4x8xf32>, tensor<2x1x1xf32>, tensor<2xi16>, tensor<3xi32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @chunk_group(%a: tensor<1x4xf32>, %v: tensor<4x1x1xf32>, %i: tensor<4xi32>, %o: tensor<3xi32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{chunk needs group 1 and must be >= 1, got chunk 2, group 2}}
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 2 : i64, group = 2 : i64, chunk = 2 : i64} : (tensor<1x4xf32>, tensor<4x1x1xf32>, tensor<4xi32>, tensor<3xi32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// With chunk, one list per (chunk, column block): K = 8 in chunks of 4 rows
// by 2 columns is 4 lists, 5 offsets.
func.func @chunk_offsets(%a: tensor<8x8xf32>, %v: tensor<4x1x1xf32>, %i: tensor<4xi32>, %o: tensor<3xi32>) -> tensor<8x2xf32> {
  // expected-error @+1 {{offsets must be [5] (N = 2, block_n 1, 2 chunks of 4 block rows), got [3]}}
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 2 : i64, chunk = 4 : i64} : (tensor<8x8xf32>, tensor<4x1x1xf32>, tensor<4xi32>, tensor<3xi32>) -> tensor<8x2xf32>
  return %0 : tensor<8x2xf32>
}

// -----

func.func @chunk_longest(%a: tensor<8x8xf32>) -> tensor<8x2xf32> {
  %v = graph.constant dense<0.0> : tensor<4x1x1xf32> : tensor<4x1x1xf32>
  %i = graph.constant dense<[0, 1, 4, 5]> : tensor<4xi32> : tensor<4xi32>
  %o = graph.constant dense<[0, 2, 2, 3, 4]> : tensor<5xi32> : tensor<5xi32>
  // expected-error @+1 {{max_blocks is 3 but the longest list has 2}}
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 3 : i64, chunk = 4 : i64} : (tensor<8x8xf32>, tensor<4x1x1xf32>, tensor<4xi32>, tensor<5xi32>) -> tensor<8x2xf32>
  return %0 : tensor<8x2xf32>
}
