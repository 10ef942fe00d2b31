// RUN: kiln-opt %s -split-input-file -kiln-fuse-attention=explain -verify-diagnostics | FileCheck %s

// Each softmax left alone says which rule kept it (kiln-fuse-attention's
// "Left alone" cases).

// The probabilities are also a result.
// CHECK-LABEL: func.func @probs_used
// CHECK: kernel.softmax
func.func @probs_used(%q: tensor<4x16x8xf32>, %k: tensor<4x16x8xf32>, %v: tensor<4x16x8xf32>) -> (tensor<4x16x8xf32>, tensor<4x16x16xf32>) {
  %s = kernel.matmul %q, %k {trans_b = true} : (tensor<4x16x8xf32>, tensor<4x16x8xf32>) -> tensor<4x16x16xf32>
  // expected-remark @+1 {{not fused into attention: the probabilities have another user (func.return at}}
  %p = kernel.softmax %s {axis = 2 : i64} : (tensor<4x16x16xf32>) -> tensor<4x16x16xf32>
  %o = kernel.matmul %p, %v : (tensor<4x16x16xf32>, tensor<4x16x8xf32>) -> tensor<4x16x8xf32>
  return %o, %p : tensor<4x16x8xf32>, tensor<4x16x16xf32>
}

// -----

// Softmax over the query axis; and a score matrix another softmax reads.
// CHECK-LABEL: func.func @scores_shared
// CHECK-NOT: kernel.attention
func.func @scores_shared(%q: tensor<4x16x8xf32>, %k: tensor<4x16x8xf32>, %v: tensor<4x16x8xf32>) -> (tensor<4x16x8xf32>, tensor<4x16x16xf32>) {
  %s = kernel.matmul %q, %k {trans_b = true} : (tensor<4x16x8xf32>, tensor<4x16x8xf32>) -> tensor<4x16x16xf32>
  // expected-remark @+1 {{not fused into attention: the score matrix has another user (kernel.softmax at}}
  %p = kernel.softmax %s {axis = 2 : i64} : (tensor<4x16x16xf32>) -> tensor<4x16x16xf32>
  // expected-remark @+1 {{not fused into attention: the softmax is over axis 1, not the last axis}}
  %p2 = kernel.softmax %s {axis = 1 : i64} : (tensor<4x16x16xf32>) -> tensor<4x16x16xf32>
  %o = kernel.matmul %p, %v : (tensor<4x16x16xf32>, tensor<4x16x8xf32>) -> tensor<4x16x8xf32>
  return %o, %p2 : tensor<4x16x8xf32>, tensor<4x16x16xf32>
}

// -----

// Scores that are not a matmul's.
// CHECK-LABEL: func.func @plain_softmax
// CHECK: kernel.softmax
func.func @plain_softmax(%s: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-remark @+1 {{not fused into attention: the scores do not come from a kernel.matmul}}
  %p = kernel.softmax %s {axis = 1 : i64} : (tensor<4x16xf32>) -> tensor<4x16xf32>
  return %p : tensor<4x16xf32>
}

// -----

// A P V matmul with an epilogue (it would be lost).
// CHECK-LABEL: func.func @pv_epilogue
// CHECK: kernel.softmax
func.func @pv_epilogue(%q: tensor<4x16x8xf32>, %k: tensor<4x16x8xf32>, %v: tensor<4x16x8xf32>, %r: tensor<4x16x8xf32>) -> tensor<4x16x8xf32> {
  %s = kernel.matmul %q, %k {trans_b = true} : (tensor<4x16x8xf32>, tensor<4x16x8xf32>) -> tensor<4x16x16xf32>
  // expected-remark @+1 {{not fused into attention: the PV matmul has a bias, an epilogue, a packed or transposed B or an alpha}}
  %p = kernel.softmax %s {axis = 2 : i64} : (tensor<4x16x16xf32>) -> tensor<4x16x16xf32>
  %o = kernel.matmul %p, %v epilogue(%r) {epilogue_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>]} : (tensor<4x16x16xf32>, tensor<4x16x8xf32>, tensor<4x16x8xf32>) -> tensor<4x16x8xf32> {
  ^bb0(%acc: f32, %y: f32):
    %a = arith.addf %acc, %y : f32
    kernel.yield %a : f32
  }
  return %o : tensor<4x16x8xf32>
}

// -----

// f16 attention: the kernel computes in f32 only.
// CHECK-LABEL: func.func @half
// CHECK: kernel.softmax
func.func @half(%q: tensor<4x16x8xf16>, %k: tensor<4x16x8xf16>, %v: tensor<4x16x8xf16>) -> tensor<4x16x8xf16> {
  %s = kernel.matmul %q, %k {trans_b = true} : (tensor<4x16x8xf16>, tensor<4x16x8xf16>) -> tensor<4x16x16xf16>
  // expected-remark @+1 {{not fused into attention: not f32}}
  %p = kernel.softmax %s {axis = 2 : i64} : (tensor<4x16x16xf16>) -> tensor<4x16x16xf16>
  %o = kernel.matmul %p, %v : (tensor<4x16x16xf16>, tensor<4x16x8xf16>) -> tensor<4x16x8xf16>
  return %o : tensor<4x16x8xf16>
}
