// RUN: kiln-opt %s -split-input-file -kiln-fuse-matmul-epilogue=explain -verify-diagnostics | FileCheck %s

// Each matmul left without an epilogue says which rule kept it
// (kiln-fuse-matmul-epilogue's "Left alone" cases).

// The product read transposed.
// CHECK-LABEL: func.func @transposed
// CHECK: kernel.matmul %arg0, %arg1 :
// CHECK: kernel.elementwise
func.func @transposed(%a: tensor<8x32xf32>, %w: tensor<32x64xf32>) -> tensor<64x8xf32> {
  // expected-remark @+1 {{no epilogue fused: the product is read transposed or broadcast (its shape differs from the result's)}}
  %m = kernel.matmul %a, %w : (tensor<8x32xf32>, tensor<32x64xf32>) -> tensor<8x64xf32>
  %r = kernel.elementwise ins(%m : tensor<8x64xf32>) maps [affine_map<(d0, d1) -> (d1, d0)>] -> tensor<64x8xf32> {
  ^bb0(%x: f32):
    %e = math.exp %x : f32
    kernel.yield %e : f32
  }
  return %r : tensor<64x8xf32>
}

// -----

// The product read through a permutation of a square result: same shape,
// not element for element.
// CHECK-LABEL: func.func @permuted_square
// CHECK: kernel.matmul %arg0, %arg1 :
// CHECK: kernel.elementwise
func.func @permuted_square(%a: tensor<8x32xf32>, %w: tensor<32x8xf32>) -> tensor<8x8xf32> {
  // expected-remark @+1 {{no epilogue fused: the product is read through a non-identity map}}
  %m = kernel.matmul %a, %w : (tensor<8x32xf32>, tensor<32x8xf32>) -> tensor<8x8xf32>
  %r = kernel.elementwise ins(%m : tensor<8x8xf32>) maps [affine_map<(d0, d1) -> (d1, d0)>] -> tensor<8x8xf32> {
  ^bb0(%x: f32):
    %e = math.exp %x : f32
    kernel.yield %e : f32
  }
  return %r : tensor<8x8xf32>
}

// -----

// The plain product has a second user.
// CHECK-LABEL: func.func @second_user
// CHECK: %[[M:.*]] = kernel.matmul %arg0, %arg1 :
// CHECK: return %{{.*}}, %[[M]]
func.func @second_user(%a: tensor<8x32xf32>, %w: tensor<32x64xf32>) -> (tensor<8x64xf32>, tensor<8x64xf32>) {
  // expected-remark @+1 {{no epilogue fused: the product has another user (func.return at}}
  %m = kernel.matmul %a, %w : (tensor<8x32xf32>, tensor<32x64xf32>) -> tensor<8x64xf32>
  %r = kernel.elementwise ins(%m : tensor<8x64xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<8x64xf32> {
  ^bb0(%x: f32):
    %e = math.exp %x : f32
    kernel.yield %e : f32
  }
  return %r, %m : tensor<8x64xf32>, tensor<8x64xf32>
}

// -----

// The matmul already has an epilogue.
// CHECK-LABEL: func.func @has_epilogue
// CHECK: kernel.matmul %arg0, %arg1 epilogue(%arg2)
// CHECK: kernel.elementwise
func.func @has_epilogue(%a: tensor<8x32xf32>, %w: tensor<32x64xf32>, %r: tensor<8x64xf32>) -> tensor<8x64xf32> {
  // expected-remark @+1 {{no epilogue fused: the matmul already has an epilogue}}
  %m = kernel.matmul %a, %w epilogue(%r) {epilogue_maps = [affine_map<(d0, d1) -> (d0, d1)>]} : (tensor<8x32xf32>, tensor<32x64xf32>, tensor<8x64xf32>) -> tensor<8x64xf32> {
  ^bb0(%acc: f32, %y: f32):
    %s = arith.addf %acc, %y : f32
    kernel.yield %s : f32
  }
  %e = kernel.elementwise ins(%m : tensor<8x64xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<8x64xf32> {
  ^bb0(%x: f32):
    %v = math.exp %x : f32
    kernel.yield %v : f32
  }
  return %e : tensor<8x64xf32>
}
