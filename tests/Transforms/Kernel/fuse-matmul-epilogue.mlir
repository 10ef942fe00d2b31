// RUN: kiln-opt %s -split-input-file -kiln-fuse-matmul-epilogue | FileCheck %s

// A residual add reads the product element for element: it becomes the
// epilogue, its other input an epilogue input.
// CHECK-LABEL: func.func @residual
// CHECK: %[[R:.*]] = kernel.matmul %arg0, %arg1 epilogue(%arg2) {epilogue_maps = [#map]} : (tensor<16x128xf32>, tensor<128x64xf32>, tensor<16x64xf32>) -> tensor<16x64xf32> {
// CHECK: ^bb0(%[[ACC:.*]]: f32, %[[Y:.*]]: f32):
// CHECK:   %[[S:.*]] = arith.addf %[[Y]], %[[ACC]] : f32
// CHECK:   kernel.yield %[[S]] : f32
// CHECK-NOT: kernel.elementwise
// CHECK: return %[[R]]
func.func @residual(%a: tensor<16x128xf32>, %w: tensor<128x64xf32>, %res: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %m = kernel.matmul %a, %w : (tensor<16x128xf32>, tensor<128x64xf32>) -> tensor<16x64xf32>
  %r = kernel.elementwise ins(%res, %m : tensor<16x64xf32>, tensor<16x64xf32>)
         maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>] -> tensor<16x64xf32> {
  ^bb0(%y: f32, %x: f32):
    %s = arith.addf %y, %x : f32
    kernel.yield %s : f32
  }
  return %r : tensor<16x64xf32>
}

// -----

// Bias and GELU after an FFN projection, with a broadcast bias input and a
// product used twice in the body; the result type changes (f16) in the epilogue.
// CHECK-LABEL: func.func @gelu_f16
// CHECK: kernel.matmul %arg0, %arg1 epilogue(%arg2) {epilogue_maps = [#map{{[0-9]*}}]} : (tensor<8x32xf32>, tensor<32x64xf32>, tensor<64xf32>) -> tensor<8x64xf16> {
// CHECK: ^bb0(%[[ACC:.*]]: f32, %[[B:.*]]: f32):
// CHECK:   arith.addf %[[ACC]], %[[B]]
// CHECK:   math.erf
// CHECK:   arith.truncf
// CHECK-NOT: kernel.elementwise
func.func @gelu_f16(%a: tensor<8x32xf32>, %w: tensor<32x64xf32>, %b: tensor<64xf32>) -> tensor<8x64xf16> {
  %m = kernel.matmul %a, %w : (tensor<8x32xf32>, tensor<32x64xf32>) -> tensor<8x64xf32>
  %r = kernel.elementwise ins(%m, %b : tensor<8x64xf32>, tensor<64xf32>)
         maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>] -> tensor<8x64xf16> {
  ^bb0(%x: f32, %bias: f32):
    %v = arith.addf %x, %bias : f32
    %e = math.erf %v : f32
    %p = arith.mulf %v, %e : f32
    %h = arith.truncf %p : f32 to f16
    kernel.yield %h : f16
  }
  return %r : tensor<8x64xf16>
}

// -----

// Left alone: the product read transposed.
// CHECK-LABEL: func.func @transposed
// CHECK: kernel.matmul %arg0, %arg1 : (tensor<8x32xf32>, tensor<32x64xf32>) -> tensor<8x64xf32>
// CHECK: kernel.elementwise
func.func @transposed(%a: tensor<8x32xf32>, %w: tensor<32x64xf32>) -> tensor<64x8xf32> {
  %m = kernel.matmul %a, %w : (tensor<8x32xf32>, tensor<32x64xf32>) -> tensor<8x64xf32>
  %r = kernel.elementwise ins(%m : tensor<8x64xf32>) maps [affine_map<(d0, d1) -> (d1, d0)>] -> tensor<64x8xf32> {
  ^bb0(%x: f32):
    %e = math.exp %x : f32
    kernel.yield %e : f32
  }
  return %r : tensor<64x8xf32>
}

// -----

// Left alone: the plain product has a second user.
// CHECK-LABEL: func.func @second_user
// CHECK: %[[M:.*]] = kernel.matmul %arg0, %arg1 : (tensor<8x32xf32>, tensor<32x64xf32>) -> tensor<8x64xf32>
// CHECK: kernel.elementwise ins(%[[M]]
// CHECK: return %{{.*}}, %[[M]]
func.func @second_user(%a: tensor<8x32xf32>, %w: tensor<32x64xf32>) -> (tensor<8x64xf32>, tensor<8x64xf32>) {
  %m = kernel.matmul %a, %w : (tensor<8x32xf32>, tensor<32x64xf32>) -> tensor<8x64xf32>
  %r = kernel.elementwise ins(%m : tensor<8x64xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<8x64xf32> {
  ^bb0(%x: f32):
    %e = math.exp %x : f32
    kernel.yield %e : f32
  }
  return %r, %m : tensor<8x64xf32>, tensor<8x64xf32>
}

// -----

// Left alone: the consumer broadcasts the product into a larger result.
// CHECK-LABEL: func.func @broadcast
// CHECK: kernel.matmul %arg0, %arg1 : (tensor<8x32xf32>, tensor<32x64xf32>) -> tensor<8x64xf32>
// CHECK: kernel.elementwise
func.func @broadcast(%a: tensor<8x32xf32>, %w: tensor<32x64xf32>) -> tensor<2x8x64xf32> {
  %m = kernel.matmul %a, %w : (tensor<8x32xf32>, tensor<32x64xf32>) -> tensor<8x64xf32>
  %r = kernel.elementwise ins(%m : tensor<8x64xf32>) maps [affine_map<(d0, d1, d2) -> (d1, d2)>] -> tensor<2x8x64xf32> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  return %r : tensor<2x8x64xf32>
}

// -----

// Symbolic rows: the residual reads a product of the same shape (as exprs).
// CHECK-LABEL: func.func @symbolic_residual
// CHECK: %[[R:.*]] = kernel.matmul %arg0, %arg1 epilogue(%arg2) {epilogue_maps = [#{{.*}}]} : (tensor<?x128xf32, #[[T:.*]]>, tensor<128x64xf32>, tensor<?x64xf32, #[[U:.*]]>) -> tensor<?x64xf32, #[[U]]> {
// CHECK: arith.addf
// CHECK-NOT: kernel.elementwise
// CHECK: return %[[R]]
func.func @symbolic_residual(%a: tensor<?x128xf32, affine_map<()[s0, s1] -> (s0 * s1, 128)>>, %w: tensor<128x64xf32>,
                             %res: tensor<?x64xf32, affine_map<()[s0, s1] -> (s0 * s1, 64)>>) -> tensor<?x64xf32, affine_map<()[s0, s1] -> (s0 * s1, 64)>> {
  %m = kernel.matmul %a, %w : (tensor<?x128xf32, affine_map<()[s0, s1] -> (s0 * s1, 128)>>, tensor<128x64xf32>) -> tensor<?x64xf32, affine_map<()[s0, s1] -> (s0 * s1, 64)>>
  %r = kernel.elementwise ins(%res, %m : tensor<?x64xf32, affine_map<()[s0, s1] -> (s0 * s1, 64)>>, tensor<?x64xf32, affine_map<()[s0, s1] -> (s0 * s1, 64)>>)
         maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>] -> tensor<?x64xf32, affine_map<()[s0, s1] -> (s0 * s1, 64)>> {
  ^bb0(%y: f32, %x: f32):
    %s = arith.addf %y, %x : f32
    kernel.yield %s : f32
  }
  return %r : tensor<?x64xf32, affine_map<()[s0, s1] -> (s0 * s1, 64)>>
}
