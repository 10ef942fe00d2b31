// RUN: kiln-opt %s -split-input-file -kiln-fuse-norm-qmatmul | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-fuse-norm-qmatmul='explain=true' -verify-diagnostics -o /dev/null

// Pre-LN: the LayerNorm's only user quantizes its rows itself, so the
// LayerNorm becomes the qmatmul's prologue (its input, scale, bias, epsilon);
// the bias and epilogue stay.
// CHECK-LABEL: func.func @pre_ln
// CHECK-NOT:   kernel.layer_norm
// CHECK:       %[[R:.*]] = kernel.qmatmul %arg0, %arg1 scales(%arg2, %arg3) norm(%arg4, %arg5) bias %arg6 epilogue(%arg0) {epilogue_maps = [#{{.*}}], norm_epsilon = 9.99999974E-6 : f32}
// CHECK:         arith.addf
// CHECK:       return %[[R]]
func.func @pre_ln(%x: tensor<1x8x32xf32>, %w: tensor<32x32xi8>, %ws: tensor<32xf32>, %wc: tensor<32xi32>,
                  %g: tensor<32xf32>, %b: tensor<32xf32>, %bias: tensor<32xf32>) -> tensor<1x8x32xf32> {
  %n = kernel.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-5 : f32}
      : (tensor<1x8x32xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<1x8x32xf32>
  %0 = kernel.qmatmul %n, %w scales(%ws, %wc) bias %bias epilogue(%x) {epilogue_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>]}
      : (tensor<1x8x32xf32>, tensor<32x32xi8>, tensor<32xf32>, tensor<32xi32>, tensor<32xf32>, tensor<1x8x32xf32>) -> tensor<1x8x32xf32> {
  ^bb0(%acc: f32, %r: f32):
    %s = arith.addf %acc, %r : f32
    kernel.yield %s : f32
  }
  return %0 : tensor<1x8x32xf32>
}

// -----

// Post-LN (BERT): the residual reads the LayerNorm too, so it stays a kernel.
// CHECK-LABEL: func.func @post_ln
// CHECK:       %[[N:.*]] = kernel.layer_norm
// CHECK:       kernel.qmatmul %[[N]], %arg1 scales(%arg2, %arg3) :
func.func @post_ln(%x: tensor<8x32xf32>, %w: tensor<32x32xi8>, %ws: tensor<32xf32>, %wc: tensor<32xi32>,
                   %g: tensor<32xf32>) -> (tensor<8x32xf32>, tensor<8x32xf32>) {
  // expected-remark @+1 {{the LayerNorm has another user, which needs its f32 rows}}
  %n = kernel.layer_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-5 : f32}
      : (tensor<8x32xf32>, tensor<32xf32>) -> tensor<8x32xf32>
  %0 = kernel.qmatmul %n, %w scales(%ws, %wc)
      : (tensor<8x32xf32>, tensor<32x32xi8>, tensor<32xf32>, tensor<32xi32>) -> tensor<8x32xf32>
  return %0, %n : tensor<8x32xf32>, tensor<8x32xf32>
}

// -----

// Left alone: a LayerNorm over more than the last dim, and a qmatmul given
// its activation scales (int8-static's u8 A cannot take a prologue).
// CHECK-LABEL: func.func @left
// CHECK:       kernel.layer_norm
// CHECK:       kernel.qmatmul %{{.*}}, %arg1 scales(%arg2, %arg3) :
// CHECK-NOT:   norm(
func.func @left(%x: tensor<2x4x8xf32>, %w: tensor<8x32xi8>, %ws: tensor<32xf32>, %wc: tensor<32xi32>,
                %g: tensor<4x8xf32>) -> tensor<2x4x32xf32> {
  // expected-remark @+1 {{not an f32 LayerNorm over the last dim alone}}
  %n = kernel.layer_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-5 : f32}
      : (tensor<2x4x8xf32>, tensor<4x8xf32>) -> tensor<2x4x8xf32>
  %0 = kernel.qmatmul %n, %w scales(%ws, %wc)
      : (tensor<2x4x8xf32>, tensor<8x32xi8>, tensor<32xf32>, tensor<32xi32>) -> tensor<2x4x32xf32>
  return %0 : tensor<2x4x32xf32>
}
