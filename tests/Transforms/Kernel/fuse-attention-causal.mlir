// RUN: kiln-opt %s -split-input-file -kiln-fuse-attention | FileCheck %s

// kiln-fuse-attention marks an attention `causal = P` when its constant
// score inputs provably send every key j > i + P to a score whose exp
// vanishes after the max, and leave key i + P unmasked (CausalMask.cpp).

// GPT-2: Where(tril bool buffer, s / 8, float lowest).
// CHECK-LABEL: func.func @where_tril
// CHECK: kernel.attention {{.*}}causal = 0 : i64
func.func @where_tril(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %m = graph.constant dense<[[[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]]]> : tensor<1x1x4x4xi1> : tensor<1x1x4x4xi1>
  %s = kernel.matmul %q, %k epilogue(%m) {trans_b = true, epilogue_maps = [affine_map<(d0, d1, d2, d3) -> (0, 0, d2, d3)>]} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x1x4x4xi1>) -> tensor<1x2x4x4xf32> {
  ^bb0(%acc: f32, %b: i1):
    %c = arith.constant 8.0 : f32
    %lowest = arith.constant -3.40282347E+38 : f32
    %d = arith.divf %acc, %c : f32
    %r = arith.select %b, %d, %lowest : f32
    kernel.yield %r : f32
  }
  %p = kernel.softmax %s {axis = 3 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %o = kernel.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// One key above the diagonal unmasked (row 1, key 3): not causal.
// CHECK-LABEL: func.func @where_flipped
// CHECK-NOT: causal
func.func @where_flipped(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %m = graph.constant dense<[[[[true, false, false, false], [true, true, false, true], [true, true, true, false], [true, true, true, true]]]]> : tensor<1x1x4x4xi1> : tensor<1x1x4x4xi1>
  %s = kernel.matmul %q, %k epilogue(%m) {trans_b = true, epilogue_maps = [affine_map<(d0, d1, d2, d3) -> (0, 0, d2, d3)>]} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x1x4x4xi1>) -> tensor<1x2x4x4xf32> {
  ^bb0(%acc: f32, %b: i1):
    %c = arith.constant 8.0 : f32
    %lowest = arith.constant -3.40282347E+38 : f32
    %d = arith.divf %acc, %c : f32
    %r = arith.select %b, %d, %lowest : f32
    kernel.yield %r : f32
  }
  %p = kernel.softmax %s {axis = 3 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %o = kernel.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// Row 1's diagonal masked too: its skipped keys would not be sure to vanish.
// CHECK-LABEL: func.func @where_diagonal_masked
// CHECK-NOT: causal
func.func @where_diagonal_masked(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %m = graph.constant dense<[[[[true, false, false, false], [true, false, false, false], [true, true, true, false], [true, true, true, true]]]]> : tensor<1x1x4x4xi1> : tensor<1x1x4x4xi1>
  %s = kernel.matmul %q, %k epilogue(%m) {trans_b = true, epilogue_maps = [affine_map<(d0, d1, d2, d3) -> (0, 0, d2, d3)>]} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x1x4x4xi1>) -> tensor<1x2x4x4xf32> {
  ^bb0(%acc: f32, %b: i1):
    %c = arith.constant 8.0 : f32
    %lowest = arith.constant -3.40282347E+38 : f32
    %d = arith.divf %acc, %c : f32
    %r = arith.select %b, %d, %lowest : f32
    kernel.yield %r : f32
  }
  %p = kernel.softmax %s {axis = 3 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %o = kernel.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// An additive tril of -inf.
// CHECK-LABEL: func.func @additive_ninf
// CHECK: kernel.attention {{.*}}causal = 0 : i64
func.func @additive_ninf(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %m = graph.constant dense<[[[[0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0, 0.0]]]]> : tensor<1x1x4x4xf32> : tensor<1x1x4x4xf32>
  %s = kernel.matmul %q, %k epilogue(%m) {trans_b = true, epilogue_maps = [affine_map<(d0, d1, d2, d3) -> (0, 0, d2, d3)>]} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  ^bb0(%acc: f32, %b: f32):
    %c = arith.constant 8.0 : f32
    %d = arith.divf %acc, %c : f32
    %r = arith.addf %d, %b : f32
    kernel.yield %r : f32
  }
  %p = kernel.softmax %s {axis = 3 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %o = kernel.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// An additive tril of float lowest (HF's finfo.min): s + lowest underflows
// for every score below 2^64.
// CHECK-LABEL: func.func @additive_lowest
// CHECK: kernel.attention {{.*}}causal = 0 : i64
func.func @additive_lowest(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %m = graph.constant dense<[[[[0.0, -3.40282347E+38, -3.40282347E+38, -3.40282347E+38], [0.0, 0.0, -3.40282347E+38, -3.40282347E+38], [0.0, 0.0, 0.0, -3.40282347E+38], [0.0, 0.0, 0.0, 0.0]]]]> : tensor<1x1x4x4xf32> : tensor<1x1x4x4xf32>
  %s = kernel.matmul %q, %k epilogue(%m) {trans_b = true, epilogue_maps = [affine_map<(d0, d1, d2, d3) -> (0, 0, d2, d3)>]} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  ^bb0(%acc: f32, %b: f32):
    %c = arith.constant 8.0 : f32
    %d = arith.divf %acc, %c : f32
    %r = arith.addf %d, %b : f32
    kernel.yield %r : f32
  }
  %p = kernel.softmax %s {axis = 3 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %o = kernel.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// An additive -1e4: a masked score of s - 1e4 need not vanish (s may exceed 1e4).
// CHECK-LABEL: func.func @additive_weak
// CHECK-NOT: causal
func.func @additive_weak(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %m = graph.constant dense<[[[[0.0, -1.0e+04, -1.0e+04, -1.0e+04], [0.0, 0.0, -1.0e+04, -1.0e+04], [0.0, 0.0, 0.0, -1.0e+04], [0.0, 0.0, 0.0, 0.0]]]]> : tensor<1x1x4x4xf32> : tensor<1x1x4x4xf32>
  %s = kernel.matmul %q, %k epilogue(%m) {trans_b = true, epilogue_maps = [affine_map<(d0, d1, d2, d3) -> (0, 0, d2, d3)>]} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  ^bb0(%acc: f32, %b: f32):
    %c = arith.constant 8.0 : f32
    %d = arith.divf %acc, %c : f32
    %r = arith.addf %d, %b : f32
    kernel.yield %r : f32
  }
  %p = kernel.softmax %s {axis = 3 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %o = kernel.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// Two rows after a past of 3 keys: row i sees keys up to i + 3.
// CHECK-LABEL: func.func @past
// CHECK: kernel.attention {{.*}}causal = 3 : i64
func.func @past(%q: tensor<1x2x2x8xf32>, %k: tensor<1x2x5x8xf32>, %v: tensor<1x2x5x8xf32>) -> tensor<1x2x2x8xf32> {
  %m = graph.constant dense<[[[[0.0, 0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0]]]]> : tensor<1x1x2x5xf32> : tensor<1x1x2x5xf32>
  %s = kernel.matmul %q, %k epilogue(%m) {trans_b = true, epilogue_maps = [affine_map<(d0, d1, d2, d3) -> (0, 0, d2, d3)>]} : (tensor<1x2x2x8xf32>, tensor<1x2x5x8xf32>, tensor<1x1x2x5xf32>) -> tensor<1x2x2x5xf32> {
  ^bb0(%acc: f32, %b: f32):
    %c = arith.constant 8.0 : f32
    %d = arith.divf %acc, %c : f32
    %r = arith.addf %d, %b : f32
    kernel.yield %r : f32
  }
  %p = kernel.softmax %s {axis = 3 : i64} : (tensor<1x2x2x5xf32>) -> tensor<1x2x2x5xf32>
  %o = kernel.matmul %p, %v : (tensor<1x2x2x5xf32>, tensor<1x2x5x8xf32>) -> tensor<1x2x2x8xf32>
  return %o : tensor<1x2x2x8xf32>
}

// -----

// ONNX Trilu of a ConstantOfShape(-inf), upper from diagonal 1: kernel.trilu of a splat.
// CHECK-LABEL: func.func @trilu
// CHECK: kernel.attention {{.*}}causal = 0 : i64
func.func @trilu(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %f = graph.constant dense<0xFF800000> : tensor<1x1x4x4xf32> : tensor<1x1x4x4xf32>
  %one = graph.constant dense<1> : tensor<i64> : tensor<i64>
  %m = kernel.trilu %f, %one {upper = true} : (tensor<1x1x4x4xf32>, tensor<i64>) -> tensor<1x1x4x4xf32>
  %s = kernel.matmul %q, %k epilogue(%m) {trans_b = true, epilogue_maps = [affine_map<(d0, d1, d2, d3) -> (0, 0, d2, d3)>]} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  ^bb0(%acc: f32, %b: f32):
    %c = arith.constant 8.0 : f32
    %d = arith.divf %acc, %c : f32
    %r = arith.addf %d, %b : f32
    kernel.yield %r : f32
  }
  %p = kernel.softmax %s {axis = 3 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %o = kernel.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// Trilu from diagonal 0 masks the diagonal: not causal.
// CHECK-LABEL: func.func @trilu_diagonal
// CHECK-NOT: causal
func.func @trilu_diagonal(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %f = graph.constant dense<0xFF800000> : tensor<1x1x4x4xf32> : tensor<1x1x4x4xf32>
  %zero = graph.constant dense<0> : tensor<i64> : tensor<i64>
  %m = kernel.trilu %f, %zero {upper = true} : (tensor<1x1x4x4xf32>, tensor<i64>) -> tensor<1x1x4x4xf32>
  %s = kernel.matmul %q, %k epilogue(%m) {trans_b = true, epilogue_maps = [affine_map<(d0, d1, d2, d3) -> (0, 0, d2, d3)>]} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  ^bb0(%acc: f32, %b: f32):
    %c = arith.constant 8.0 : f32
    %d = arith.divf %acc, %c : f32
    %r = arith.addf %d, %b : f32
    kernel.yield %r : f32
  }
  %p = kernel.softmax %s {axis = 3 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %o = kernel.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// A mask fed at run time proves nothing.
// CHECK-LABEL: func.func @input_mask
// CHECK-NOT: causal
func.func @input_mask(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %m: tensor<1x1x4x4xf32>) -> tensor<1x2x4x8xf32> {
  %s = kernel.matmul %q, %k epilogue(%m) {trans_b = true, epilogue_maps = [affine_map<(d0, d1, d2, d3) -> (0, 0, d2, d3)>]} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  ^bb0(%acc: f32, %b: f32):
    %c = arith.constant 8.0 : f32
    %d = arith.divf %acc, %c : f32
    %r = arith.addf %d, %b : f32
    kernel.yield %r : f32
  }
  %p = kernel.softmax %s {axis = 3 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %o = kernel.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// Range/Less masks as index arithmetic (graph.iota): j <= i, plus a constant
// padding mask that hides no key.
// CHECK-LABEL: func.func @index_range
// CHECK: kernel.attention {{.*}}causal = 0 : i64
func.func @index_range(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %m = graph.constant dense<true> : tensor<1x1x4x4xi1> : tensor<1x1x4x4xi1>
  %s = kernel.matmul %q, %k epilogue(%m) {trans_b = true, epilogue_maps = [affine_map<(d0, d1, d2, d3) -> (0, 0, d2, d3)>]} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x1x4x4xi1>) -> tensor<1x2x4x4xf32> {
  ^bb0(%acc: f32, %b: i1):
    %c = arith.constant 8.0 : f32
    %ninf = arith.constant 0xFF800000 : f32
    %z = arith.constant 0.0 : f32
    %i = kernel.index_expr {map = affine_map<(d0, d1, d2, d3) -> (d2)>} : i64
    %j = kernel.index_expr {map = affine_map<(d0, d1, d2, d3) -> (d3)>} : i64
    %le = arith.cmpi sle, %j, %i : i64
    %d = arith.divf %acc, %c : f32
    %r = arith.select %le, %d, %ninf : f32
    %pad = arith.select %b, %z, %ninf : f32
    %r2 = arith.addf %r, %pad : f32
    kernel.yield %r2 : f32
  }
  %p = kernel.softmax %s {axis = 3 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %o = kernel.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}
