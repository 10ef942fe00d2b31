// RUN: kiln-opt %s -split-input-file -kiln-fuse-matmul-epilogue | FileCheck %s

// The elementwise op after a qmatmul (GELU and a residual, merged by
// kiln-fuse-elementwise) folds into its epilogue as after a matmul: the
// dequantized f32 value is the body's first argument, the residual an
// epilogue input.
// CHECK-LABEL: func.func @gelu_residual
// CHECK:       %[[R:.*]] = kernel.qmatmul %arg0, %arg1 scales(%arg2, %arg3, %arg4, %arg5) epilogue(%arg6) {epilogue_maps = [#map]} : {{.*}} -> tensor<4x8xf32> {
// CHECK-NEXT:  ^bb0(%[[V:.*]]: f32, %[[RES:.*]]: f32):
// CHECK:         math.erf
// CHECK:         arith.addf %{{.*}}, %[[RES]] : f32
// CHECK:       return %[[R]]
func.func @gelu_residual(%a: tensor<4x16xui8>, %w: tensor<16x8xi8>, %s: tensor<4x1xf32>, %z: tensor<4x1xi32>, %ws: tensor<8xf32>, %wc: tensor<8xi32>, %res: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = kernel.qmatmul %a, %w scales(%s, %z, %ws, %wc) : (tensor<4x16xui8>, tensor<16x8xi8>, tensor<4x1xf32>, tensor<4x1xi32>, tensor<8xf32>, tensor<8xi32>) -> tensor<4x8xf32>
  %1 = kernel.elementwise ins(%0, %res : tensor<4x8xf32>, tensor<4x8xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x8xf32> {
  ^bb0(%x: f32, %y: f32):
    %c = arith.constant 0.707106769 : f32
    %h = arith.constant 0.5 : f32
    %one = arith.constant 1.0 : f32
    %t = arith.mulf %x, %c : f32
    %e = math.erf %t : f32
    %p = arith.addf %e, %one : f32
    %q = arith.mulf %x, %h : f32
    %r = arith.mulf %q, %p : f32
    %o = arith.addf %r, %y : f32
    kernel.yield %o : f32
  }
  return %1 : tensor<4x8xf32>
}

// -----

// A requantization (QLinearMatMul's output) changes the result type to i8.
// CHECK-LABEL: func.func @requantize
// CHECK:       kernel.qmatmul {{.*}} -> tensor<4x8xi8> {
// CHECK:         arith.fptosi %{{.*}} : f32 to i8
func.func @requantize(%a: tensor<4x16xui8>, %w: tensor<16x8xi8>, %s: tensor<f32>, %z: tensor<i32>, %ws: tensor<8xf32>, %wc: tensor<8xi32>) -> tensor<4x8xi8> {
  %0 = kernel.qmatmul %a, %w scales(%s, %z, %ws, %wc) : (tensor<4x16xui8>, tensor<16x8xi8>, tensor<f32>, tensor<i32>, tensor<8xf32>, tensor<8xi32>) -> tensor<4x8xf32>
  %1 = kernel.elementwise ins(%0 : tensor<4x8xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x8xi8> {
  ^bb0(%x: f32):
    %lo = arith.constant -128.0 : f32
    %hi = arith.constant 127.0 : f32
    %r = math.roundeven %x : f32
    %c = arith.maximumf %r, %lo : f32
    %d = arith.minimumf %c, %hi : f32
    %i = arith.fptosi %d : f32 to i8
    kernel.yield %i : i8
  }
  return %1 : tensor<4x8xi8>
}

// -----

// The same after a sparse_qmatmul (sparse and int8 in one kernel): its tables
// and block attributes carry over, the residual becomes an epilogue input.
// CHECK-LABEL: func.func @sparse_residual
// CHECK:       %[[R:.*]] = kernel.sparse_qmatmul %arg0, %arg1 indices(%arg2, %arg3) scales(%arg4, %arg5, %arg6, %arg7) epilogue(%arg8) {block_k = 4 : i64, block_n = 1 : i64, epilogue_maps = [#map], max_blocks = 2 : i64} : {{.*}} -> tensor<16x8xf32> {
// CHECK-NEXT:  ^bb0(%[[V:.*]]: f32, %[[RES:.*]]: f32):
// CHECK:         %[[M:.*]] = arith.maximumf %[[V]]
// CHECK:         arith.addf %[[M]], %[[RES]] : f32
// CHECK:       return %[[R]]
func.func @sparse_residual(%a: tensor<16x16xui8>, %v: tensor<5x4x1xi8>, %i: tensor<5xi32>, %o: tensor<9xi32>, %s: tensor<16x1xf32>, %z: tensor<16x1xi32>, %ws: tensor<8xf32>, %wc: tensor<8xi32>, %res: tensor<16x8xf32>) -> tensor<16x8xf32> {
  %0 = kernel.sparse_qmatmul %a, %v indices(%i, %o) scales(%s, %z, %ws, %wc) {block_k = 4 : i64, block_n = 1 : i64, max_blocks = 2 : i64} : (tensor<16x16xui8>, tensor<5x4x1xi8>, tensor<5xi32>, tensor<9xi32>, tensor<16x1xf32>, tensor<16x1xi32>, tensor<8xf32>, tensor<8xi32>) -> tensor<16x8xf32>
  %1 = kernel.elementwise ins(%0, %res : tensor<16x8xf32>, tensor<16x8xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>] -> tensor<16x8xf32> {
  ^bb0(%x: f32, %y: f32):
    %c0 = arith.constant 0.0 : f32
    %m = arith.maximumf %x, %c0 : f32
    %r = arith.addf %m, %y : f32
    kernel.yield %r : f32
  }
  return %1 : tensor<16x8xf32>
}
