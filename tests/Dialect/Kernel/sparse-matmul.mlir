// RUN: kiln-opt %s -split-input-file | kiln-opt -split-input-file | FileCheck %s

// Round trip: K = 10 in 4x1 blocks (3 block rows, the last padded), N = 6 in
// one column block of 4 and one of 2 columns (1x4 would pad it: here block_n
// = 2, so 3 column blocks), a bias and an epilogue.
// CHECK-LABEL: func.func @sparse
// CHECK:       kernel.sparse_matmul %arg0, %arg1 indices(%arg2, %arg3) bias %arg4 {block_k = 4 : i64, block_n = 2 : i64, epilogue_maps = [], max_blocks = 3 : i64} : (tensor<2x6x10xf32>, tensor<5x4x2xf32>, tensor<5xi32>, tensor<4xi32>, tensor<6xf32>) -> tensor<2x6x6xf32> {
// CHECK:         arith.maximumf
func.func @sparse(%a: tensor<2x6x10xf32>, %v: tensor<5x4x2xf32>, %i: tensor<5xi32>, %o: tensor<4xi32>, %b: tensor<6xf32>) -> tensor<2x6x6xf32> {
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) bias %b epilogue() {block_k = 4 : i64, block_n = 2 : i64, max_blocks = 3 : i64, epilogue_maps = []} : (tensor<2x6x10xf32>, tensor<5x4x2xf32>, tensor<5xi32>, tensor<4xi32>, tensor<6xf32>) -> tensor<2x6x6xf32> {
  ^bb0(%x: f32):
    %c0 = arith.constant 0.0 : f32
    %r = arith.maximumf %x, %c0 : f32
    kernel.yield %r : f32
  }
  return %0 : tensor<2x6x6xf32>
}

// -----

// Constant tables that hold up: offsets 0..2, the longest column 2, indices
// in [0, K).
// CHECK-LABEL: func.func @constant_tables
// CHECK:       kernel.sparse_matmul
func.func @constant_tables(%a: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %v = graph.constant dense<[[[1.0]], [[2.0]]]> : tensor<2x1x1xf32> : tensor<2x1x1xf32>
  %i = graph.constant dense<[0, 2]> : tensor<2xi32> : tensor<2xi32>
  %o = graph.constant dense<[0, 2, 2]> : tensor<3xi32> : tensor<3xi32>
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 2 : i64} : (tensor<4x3xf32>, tensor<2x1x1xf32>, tensor<2xi32>, tensor<3xi32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}
