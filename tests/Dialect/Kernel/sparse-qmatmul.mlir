// RUN: kiln-opt %s -split-input-file | kiln-opt -split-input-file | FileCheck %s

// Round trip: K = 10 in 4x1 blocks (3 block rows, the last padded), N = 6,
// per-row activation parameters, per-column weight scales, a bias and an
// epilogue.
// CHECK-LABEL: func.func @sparse_q
// CHECK:       kernel.sparse_qmatmul %arg0, %arg1 indices(%arg2, %arg3) scales(%arg4, %arg5, %arg6, %arg7) bias %arg8 {block_k = 4 : i64, block_n = 1 : i64, epilogue_maps = [], max_blocks = 3 : i64} : (tensor<2x16x10xui8>, tensor<9x4x1xi8>, tensor<9xi32>, tensor<7xi32>, tensor<2x16x1xf32>, tensor<2x16x1xi32>, tensor<6xf32>, tensor<6xi32>, tensor<6xf32>) -> tensor<2x16x6xf32> {
// CHECK:         arith.maximumf
func.func @sparse_q(%a: tensor<2x16x10xui8>, %v: tensor<9x4x1xi8>, %i: tensor<9xi32>, %o: tensor<7xi32>,
                    %as: tensor<2x16x1xf32>, %az: tensor<2x16x1xi32>, %ws: tensor<6xf32>, %wsum: tensor<6xi32>,
                    %b: tensor<6xf32>) -> tensor<2x16x6xf32> {
  %0 = kernel.sparse_qmatmul %a, %v indices(%i, %o) scales(%as, %az, %ws, %wsum) bias %b epilogue() {block_k = 4 : i64, block_n = 1 : i64, max_blocks = 3 : i64, epilogue_maps = []} : (tensor<2x16x10xui8>, tensor<9x4x1xi8>, tensor<9xi32>, tensor<7xi32>, tensor<2x16x1xf32>, tensor<2x16x1xi32>, tensor<6xf32>, tensor<6xi32>, tensor<6xf32>) -> tensor<2x16x6xf32> {
  ^bb0(%x: f32):
    %c0 = arith.constant 0.0 : f32
    %r = arith.maximumf %x, %c0 : f32
    kernel.yield %r : f32
  }
  return %0 : tensor<2x16x6xf32>
}

// -----

// Per-tensor activation parameters and one weight scale; constant tables
// that hold up (offsets 0..2, the longest column 2, indices in [0, 2)).
// CHECK-LABEL: func.func @per_tensor
// CHECK:       kernel.sparse_qmatmul %arg0, %{{.*}} scales(%arg1, %arg2, %arg3, %arg4) {block_k = 4 : i64, block_n = 1 : i64, max_blocks = 2 : i64}
func.func @per_tensor(%a: tensor<4x8xui8>, %as: tensor<f32>, %az: tensor<i32>, %ws: tensor<f32>, %wsum: tensor<2xi32>) -> tensor<4x2xf32> {
  %v = graph.constant dense<1> : tensor<2x4x1xi8> : tensor<2x4x1xi8>
  %i = graph.constant dense<[0, 1]> : tensor<2xi32> : tensor<2xi32>
  %o = graph.constant dense<[0, 2, 2]> : tensor<3xi32> : tensor<3xi32>
  %0 = kernel.sparse_qmatmul %a, %v indices(%i, %o) scales(%as, %az, %ws, %wsum) {block_k = 4 : i64, block_n = 1 : i64, max_blocks = 2 : i64} : (tensor<4x8xui8>, tensor<2x4x1xi8>, tensor<2xi32>, tensor<3xi32>, tensor<f32>, tensor<i32>, tensor<f32>, tensor<2xi32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}
