// RUN: kiln-opt %s -split-input-file -verify-diagnostics

func.func @f32_activations(%a: tensor<4x8xf32>, %v: tensor<2x4x1xi8>, %i: tensor<2xi32>, %o: tensor<3xi32>, %as: tensor<f32>, %az: tensor<i32>, %ws: tensor<2xf32>, %wsum: tensor<2xi32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{expects u8 activations and s8 values, got 'f32' and 'i8'}}
  %0 = kernel.sparse_qmatmul %a, %v indices(%i, %o) scales(%as, %az, %ws, %wsum) {block_k = 4 : i64, block_n = 1 : i64, max_blocks = 2 : i64} : (tensor<4x8xf32>, tensor<2x4x1xi8>, tensor<2xi32>, tensor<3xi32>, tensor<f32>, tensor<i32>, tensor<2xf32>, tensor<2xi32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @block_k_not_4(%a: tensor<4x8xui8>, %v: tensor<2x2x1xi8>, %i: tensor<2xi32>, %o: tensor<3xi32>, %as: tensor<f32>, %az: tensor<i32>, %ws: tensor<2xf32>, %wsum: tensor<2xi32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{block_k must be a multiple of 4, block_n >= 1 and max_blocks >= 0, got 2, 1, 2}}
  %0 = kernel.sparse_qmatmul %a, %v indices(%i, %o) scales(%as, %az, %ws, %wsum) {block_k = 2 : i64, block_n = 1 : i64, max_blocks = 2 : i64} : (tensor<4x8xui8>, tensor<2x2x1xi8>, tensor<2xi32>, tensor<3xi32>, tensor<f32>, tensor<i32>, tensor<2xf32>, tensor<2xi32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @values_shape(%a: tensor<4x8xui8>, %v: tensor<2x4x2xi8>, %i: tensor<2xi32>, %o: tensor<3xi32>, %as: tensor<f32>, %az: tensor<i32>, %ws: tensor<2xf32>, %wsum: tensor<2xi32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{values must be [2, 4, 1], got [2,4,2]}}
  %0 = kernel.sparse_qmatmul %a, %v indices(%i, %o) scales(%as, %az, %ws, %wsum) {block_k = 4 : i64, block_n = 1 : i64, max_blocks = 2 : i64} : (tensor<4x8xui8>, tensor<2x4x2xi8>, tensor<2xi32>, tensor<3xi32>, tensor<f32>, tensor<i32>, tensor<2xf32>, tensor<2xi32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @index_outside_k(%a: tensor<4x8xui8>, %as: tensor<f32>, %az: tensor<i32>, %ws: tensor<2xf32>, %wsum: tensor<2xi32>) -> tensor<4x2xf32> {
  %v = graph.constant dense<1> : tensor<2x4x1xi8> : tensor<2x4x1xi8>
  %i = graph.constant dense<[0, 2]> : tensor<2xi32> : tensor<2xi32>
  %o = graph.constant dense<[0, 1, 2]> : tensor<3xi32> : tensor<3xi32>
  // expected-error @+1 {{index 2 at entry 1 is outside [0, 2) (K = 8, block_k 4)}}
  %0 = kernel.sparse_qmatmul %a, %v indices(%i, %o) scales(%as, %az, %ws, %wsum) {block_k = 4 : i64, block_n = 1 : i64, max_blocks = 1 : i64} : (tensor<4x8xui8>, tensor<2x4x1xi8>, tensor<2xi32>, tensor<3xi32>, tensor<f32>, tensor<i32>, tensor<2xf32>, tensor<2xi32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @colsum_shape(%a: tensor<4x8xui8>, %v: tensor<2x4x1xi8>, %i: tensor<2xi32>, %o: tensor<3xi32>, %as: tensor<4x1xf32>, %az: tensor<4x1xi32>, %ws: tensor<2xf32>, %wsum: tensor<3xi32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{b_colsum must be [2], got [3]}}
  %0 = kernel.sparse_qmatmul %a, %v indices(%i, %o) scales(%as, %az, %ws, %wsum) {block_k = 4 : i64, block_n = 1 : i64, max_blocks = 2 : i64} : (tensor<4x8xui8>, tensor<2x4x1xi8>, tensor<2xi32>, tensor<3xi32>, tensor<4x1xf32>, tensor<4x1xi32>, tensor<2xf32>, tensor<3xi32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @row_zero_shape(%a: tensor<4x8xui8>, %v: tensor<2x4x1xi8>, %i: tensor<2xi32>, %o: tensor<3xi32>, %as: tensor<4x1xf32>, %az: tensor<3x1xi32>, %ws: tensor<2xf32>, %wsum: tensor<2xi32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{a_zero must be one value (rank 0) or one per row [4,1], got [3,1]}}
  %0 = kernel.sparse_qmatmul %a, %v indices(%i, %o) scales(%as, %az, %ws, %wsum) {block_k = 4 : i64, block_n = 1 : i64, max_blocks = 2 : i64} : (tensor<4x8xui8>, tensor<2x4x1xi8>, tensor<2xi32>, tensor<3xi32>, tensor<4x1xf32>, tensor<3x1xi32>, tensor<2xf32>, tensor<2xi32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}
