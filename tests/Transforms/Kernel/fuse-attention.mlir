// RUN: kiln-opt %s -split-input-file -kiln-fuse-attention | FileCheck %s

// BERT's attention: Q's head split folds into the q map, K is read
// transposed (trans_b), the scale and mask epilogue becomes the score region
// and the exporters' NaN guard the probs region.
// CHECK-DAG: #[[QMAP:.*]] = affine_map<(d0, d1, d2, d3) -> (0, d2, d1 * 8 + d3)>
// CHECK-DAG: #[[KV:.*]] = affine_map<(d0, d1, d2, d3) -> (0, d1, d2, d3)>
// CHECK-DAG: #[[MASK:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3)>
// CHECK-LABEL: func.func @bert
// CHECK: %[[O:.*]] = kernel.attention %arg0, %arg1, %arg2 scores(%arg3) {head_dim = 8 : i64, key_len = 8 : i64, operand_maps = [#[[QMAP]], #[[KV]], #[[KV]]], score_maps = [#[[MASK]]]}
// CHECK-SAME: -> tensor<1x4x8x8xf32> score {
// CHECK: ^bb0(%[[S:.*]]: f32, %[[M:.*]]: f32):
// CHECK:   %[[D:.*]] = arith.divf %[[S]]
// CHECK:   arith.addf %[[D]], %[[M]]
// CHECK: } probs {
// CHECK: ^bb0(%[[P:.*]]: f32):
// CHECK:   %[[N:.*]] = arith.cmpf uno, %[[P]], %[[P]]
// CHECK:   arith.select %[[N]], %{{.*}}, %[[P]]
// CHECK-NOT: kernel.elementwise
// CHECK-NOT: kernel.softmax
// CHECK-NOT: kernel.matmul
// CHECK: return %[[O]]
func.func @bert(%q: tensor<1x8x32xf32>, %k: tensor<1x4x8x8xf32>, %v: tensor<1x4x8x8xf32>, %mask: tensor<1x8xf32>) -> tensor<1x4x8x8xf32> {
  %qh = kernel.elementwise ins(%q : tensor<1x8x32xf32>) maps [affine_map<(d0, d1, d2, d3) -> (d0, d2, d1 * 8 + d3)>] -> tensor<1x4x8x8xf32> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  %s = kernel.matmul %qh, %k epilogue(%mask) {trans_b = true, epilogue_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d3)>]} : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x8xf32>) -> tensor<1x4x8x8xf32> {
  ^bb0(%acc: f32, %m: f32):
    %c = arith.constant 8.0 : f32
    %d = arith.divf %acc, %c : f32
    %a = arith.addf %d, %m : f32
    kernel.yield %a : f32
  }
  %p = kernel.softmax %s {axis = 3 : i64} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %g = kernel.elementwise ins(%p, %p : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) maps [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>] -> tensor<1x4x8x8xf32> {
  ^bb0(%x: f32, %y: f32):
    %z = arith.constant 0.0 : f32
    %n = arith.cmpf uno, %y, %y : f32
    %r = arith.select %n, %z, %x : f32
    kernel.yield %r : f32
  }
  %o = kernel.matmul %g, %v : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %o : tensor<1x4x8x8xf32>
}

// -----

// Grouped-query heads: K and V of 2 heads broadcast to 4 query heads by a
// data-movement kernel each; the maps read head h / 2. K is given as
// [.., d, keys] (no trans_b) and the scale is the matmul's alpha.
// CHECK-DAG: #[[KMAP:.*]] = affine_map<(d0, d1, d2) -> (d0 floordiv 2, d2, d1)>
// CHECK-DAG: #[[VMAP:.*]] = affine_map<(d0, d1, d2) -> (d0 floordiv 2, d1, d2)>
// CHECK-LABEL: func.func @gqa
// CHECK: kernel.attention %arg0, %arg1, %arg2 {alpha = 1.250000e-01 : f32, head_dim = 8 : i64, key_len = 16 : i64, operand_maps = [#{{.*}}, #[[KMAP]], #[[VMAP]]]} : (tensor<4x16x8xf32>, tensor<2x8x16xf32>, tensor<2x16x8xf32>) -> tensor<4x16x8xf32>
// CHECK-NOT: kernel.elementwise
func.func @gqa(%q: tensor<4x16x8xf32>, %k: tensor<2x8x16xf32>, %v: tensor<2x16x8xf32>) -> tensor<4x16x8xf32> {
  %kb = kernel.elementwise ins(%k : tensor<2x8x16xf32>) maps [affine_map<(d0, d1, d2) -> (d0 floordiv 2, d1, d2)>] -> tensor<4x8x16xf32> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  %vb = kernel.elementwise ins(%v : tensor<2x16x8xf32>) maps [affine_map<(d0, d1, d2) -> (d0 floordiv 2, d1, d2)>] -> tensor<4x16x8xf32> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  %s = kernel.matmul %q, %kb {alpha = 0.125 : f32} : (tensor<4x16x8xf32>, tensor<4x8x16xf32>) -> tensor<4x16x16xf32>
  %p = kernel.softmax %s {axis = 2 : i64} : (tensor<4x16x16xf32>) -> tensor<4x16x16xf32>
  %o = kernel.matmul %p, %vb : (tensor<4x16x16xf32>, tensor<4x16x8xf32>) -> tensor<4x16x8xf32>
  return %o : tensor<4x16x8xf32>
}

// -----

// The dynamo exporter's SDPA: q and k^T each scaled by sqrt(scale), k^T of a
// grouped-query cache (2 KV heads for 4 query heads). Both scales fold into
// alpha (0.5 * 0.25), and K is read from the cache through the map, so no
// copy of the cache per query head is left.
// CHECK-DAG: #[[KMAP:.*]] = affine_map<(d0, d1, d2) -> (d0 floordiv 2, d2, d1)>
// CHECK-LABEL: func.func @sdpa_scaled
// CHECK: kernel.attention %arg0, %arg1, %arg2 {alpha = 1.250000e-01 : f32, head_dim = 8 : i64, key_len = 16 : i64, operand_maps = [#{{.*}}, #[[KMAP]], #{{.*}}]} : (tensor<4x16x8xf32>, tensor<2x8x16xf32>, tensor<2x16x8xf32>) -> tensor<4x16x8xf32>
// CHECK-NOT: kernel.elementwise
func.func @sdpa_scaled(%q: tensor<4x16x8xf32>, %k: tensor<2x8x16xf32>, %v: tensor<2x16x8xf32>) -> tensor<4x16x8xf32> {
  %qs = kernel.elementwise ins(%q : tensor<4x16x8xf32>) maps [affine_map<(d0, d1, d2) -> (d0, d1, d2)>] -> tensor<4x16x8xf32> {
  ^bb0(%x: f32):
    %c = arith.constant 0.5 : f32
    %y = arith.mulf %x, %c : f32
    kernel.yield %y : f32
  }
  %ks = kernel.elementwise ins(%k : tensor<2x8x16xf32>) maps [affine_map<(d0, d1, d2) -> (d0 floordiv 2, d1, d2)>] -> tensor<4x8x16xf32> {
  ^bb0(%x: f32):
    %c = arith.constant 0.25 : f32
    %y = arith.mulf %c, %x : f32
    kernel.yield %y : f32
  }
  %vb = kernel.elementwise ins(%v : tensor<2x16x8xf32>) maps [affine_map<(d0, d1, d2) -> (d0 floordiv 2, d1, d2)>] -> tensor<4x16x8xf32> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  %s = kernel.matmul %qs, %ks : (tensor<4x16x8xf32>, tensor<4x8x16xf32>) -> tensor<4x16x16xf32>
  %p = kernel.softmax %s {axis = 2 : i64} : (tensor<4x16x16xf32>) -> tensor<4x16x16xf32>
  %o = kernel.matmul %p, %vb : (tensor<4x16x16xf32>, tensor<4x16x8xf32>) -> tensor<4x16x8xf32>
  return %o : tensor<4x16x8xf32>
}

// -----

// A scale of V is not a score scale: it stays.
// CHECK-LABEL: func.func @v_scaled
// CHECK: kernel.elementwise
// CHECK: kernel.attention
// CHECK-NOT: alpha
func.func @v_scaled(%q: tensor<4x16x8xf32>, %k: tensor<4x8x16xf32>, %v: tensor<4x16x8xf32>) -> tensor<4x16x8xf32> {
  %vs = kernel.elementwise ins(%v : tensor<4x16x8xf32>) maps [affine_map<(d0, d1, d2) -> (d0, d1, d2)>] -> tensor<4x16x8xf32> {
  ^bb0(%x: f32):
    %c = arith.constant 0.5 : f32
    %y = arith.mulf %x, %c : f32
    kernel.yield %y : f32
  }
  %s = kernel.matmul %q, %k : (tensor<4x16x8xf32>, tensor<4x8x16xf32>) -> tensor<4x16x16xf32>
  %p = kernel.softmax %s {axis = 2 : i64} : (tensor<4x16x16xf32>) -> tensor<4x16x16xf32>
  %o = kernel.matmul %p, %vs : (tensor<4x16x16xf32>, tensor<4x16x8xf32>) -> tensor<4x16x8xf32>
  return %o : tensor<4x16x8xf32>
}

// -----

// The probabilities are also a result (attention weights returned): the
// chain stays as it is.
// CHECK-LABEL: func.func @probs_used
// CHECK-NOT: kernel.attention
// CHECK: kernel.softmax
func.func @probs_used(%q: tensor<4x16x8xf32>, %k: tensor<4x16x8xf32>, %v: tensor<4x16x8xf32>) -> (tensor<4x16x8xf32>, tensor<4x16x16xf32>) {
  %s = kernel.matmul %q, %k {trans_b = true} : (tensor<4x16x8xf32>, tensor<4x16x8xf32>) -> tensor<4x16x16xf32>
  %p = kernel.softmax %s {axis = 2 : i64} : (tensor<4x16x16xf32>) -> tensor<4x16x16xf32>
  %o = kernel.matmul %p, %v : (tensor<4x16x16xf32>, tensor<4x16x8xf32>) -> tensor<4x16x8xf32>
  return %o, %p : tensor<4x16x8xf32>, tensor<4x16x16xf32>
}

// -----

// Softmax over the query axis is not attention.
// CHECK-LABEL: func.func @wrong_axis
// CHECK-NOT: kernel.attention
// CHECK: kernel.softmax %{{.*}} {axis = 1 : i64}
func.func @wrong_axis(%q: tensor<4x16x8xf32>, %k: tensor<4x16x8xf32>, %v: tensor<4x16x8xf32>) -> tensor<4x16x8xf32> {
  %s = kernel.matmul %q, %k {trans_b = true} : (tensor<4x16x8xf32>, tensor<4x16x8xf32>) -> tensor<4x16x16xf32>
  %p = kernel.softmax %s {axis = 1 : i64} : (tensor<4x16x16xf32>) -> tensor<4x16x16xf32>
  %o = kernel.matmul %p, %v : (tensor<4x16x16xf32>, tensor<4x16x8xf32>) -> tensor<4x16x8xf32>
  return %o : tensor<4x16x8xf32>
}

// -----

// The scores are used twice (a second softmax reads them): left alone.
// CHECK-LABEL: func.func @scores_shared
// CHECK-NOT: kernel.attention
func.func @scores_shared(%q: tensor<4x16x8xf32>, %k: tensor<4x16x8xf32>, %v: tensor<4x16x8xf32>) -> (tensor<4x16x8xf32>, tensor<4x16x16xf32>) {
  %s = kernel.matmul %q, %k {trans_b = true} : (tensor<4x16x8xf32>, tensor<4x16x8xf32>) -> tensor<4x16x16xf32>
  %p = kernel.softmax %s {axis = 2 : i64} : (tensor<4x16x16xf32>) -> tensor<4x16x16xf32>
  %p2 = kernel.softmax %s {axis = 1 : i64} : (tensor<4x16x16xf32>) -> tensor<4x16x16xf32>
  %o = kernel.matmul %p, %v : (tensor<4x16x16xf32>, tensor<4x16x8xf32>) -> tensor<4x16x8xf32>
  return %o, %p2 : tensor<4x16x8xf32>, tensor<4x16x16xf32>
}

// -----

// A head split that another kernel also reads stays a kernel; the attention
// reads its result.
// CHECK-LABEL: func.func @split_shared
// CHECK: %[[KH:.*]] = kernel.elementwise
// CHECK: kernel.attention %arg0, %[[KH]], %arg2
// CHECK: return
func.func @split_shared(%q: tensor<4x16x8xf32>, %k: tensor<16x4x8xf32>, %v: tensor<4x16x8xf32>) -> (tensor<4x16x8xf32>, tensor<4x16x8xf32>) {
  %kh = kernel.elementwise ins(%k : tensor<16x4x8xf32>) maps [affine_map<(d0, d1, d2) -> (d1, d0, d2)>] -> tensor<4x16x8xf32> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  %s = kernel.matmul %q, %kh {trans_b = true} : (tensor<4x16x8xf32>, tensor<4x16x8xf32>) -> tensor<4x16x16xf32>
  %p = kernel.softmax %s {axis = 2 : i64} : (tensor<4x16x16xf32>) -> tensor<4x16x16xf32>
  %o = kernel.matmul %p, %v : (tensor<4x16x16xf32>, tensor<4x16x8xf32>) -> tensor<4x16x8xf32>
  return %o, %kh : tensor<4x16x8xf32>, tensor<4x16x8xf32>
}

// -----

// The head merge after attention (transpose + reshape to [1, 16, 4 x 8], as
// composed by kiln-fuse-elementwise, with the batch dim of size 1 read at 0)
// becomes the layout the attention writes: merged_heads = 4.
// CHECK-LABEL: func.func @merge_heads
// CHECK: %[[O:.*]] = kernel.attention %arg0, %arg1, %arg2 {head_dim = 8 : i64, key_len = 16 : i64, merged_heads = 4 : i64
// CHECK-SAME: -> tensor<1x16x32xf32>
// CHECK-NOT: kernel.elementwise
// CHECK: return %[[O]]
func.func @merge_heads(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x16x32xf32> {
  %s = kernel.matmul %q, %k {trans_b = true} : (tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>) -> tensor<1x4x16x16xf32>
  %p = kernel.softmax %s {axis = 3 : i64} : (tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32>
  %o = kernel.matmul %p, %v : (tensor<1x4x16x16xf32>, tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32>
  %m = kernel.elementwise ins(%o : tensor<1x4x16x8xf32>) maps [affine_map<(d0, d1, d2) -> (0, (d2 floordiv 8) mod 4, d1, d2 mod 8)>] -> tensor<1x16x32xf32> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  return %m : tensor<1x16x32xf32>
}

// -----

// A transpose after attention that is not the head merge stays a kernel.
// CHECK-LABEL: func.func @other_transpose
// CHECK: %[[O:.*]] = kernel.attention
// CHECK-NOT: merged_heads
// CHECK-SAME: -> tensor<1x4x16x8xf32>
// CHECK: kernel.elementwise ins(%[[O]]
func.func @other_transpose(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x8x16xf32> {
  %s = kernel.matmul %q, %k {trans_b = true} : (tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>) -> tensor<1x4x16x16xf32>
  %p = kernel.softmax %s {axis = 3 : i64} : (tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32>
  %o = kernel.matmul %p, %v : (tensor<1x4x16x16xf32>, tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32>
  %t = kernel.elementwise ins(%o : tensor<1x4x16x8xf32>) maps [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3, d2)>] -> tensor<1x4x8x16xf32> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  return %t : tensor<1x4x8x16xf32>
}

// -----

// GPT-2's Conv1D works on 2-D rows: the head merge reads [1, 4, 16, 8] as
// [16, 32]. The unit batch dim leaves the attention's index space (its maps
// read index 0 there) and the result is [16, 32].
// CHECK-DAG: #[[Q2:.*]] = affine_map<(d0, d1, d2) -> (0, d0, d1, d2)>
// CHECK-DAG: #[[MASK2:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @merge_heads_2d
// CHECK: kernel.attention %arg0, %arg1, %arg2 scores(%arg3) {head_dim = 8 : i64, key_len = 16 : i64, merged_heads = 4 : i64, operand_maps = [#[[Q2]], #[[Q2]], #[[Q2]]], score_maps = [#[[MASK2]]]}
// CHECK-SAME: -> tensor<16x32xf32>
// CHECK-NOT: kernel.elementwise
func.func @merge_heads_2d(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>, %mask: tensor<16x16xf32>) -> tensor<16x32xf32> {
  %s = kernel.matmul %q, %k epilogue(%mask) {trans_b = true, epilogue_maps = [affine_map<(d0, d1, d2, d3) -> (d2, d3)>]} : (tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<16x16xf32>) -> tensor<1x4x16x16xf32> {
  ^bb0(%acc: f32, %m: f32):
    %a = arith.addf %acc, %m : f32
    kernel.yield %a : f32
  }
  %p = kernel.softmax %s {axis = 3 : i64} : (tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32>
  %o = kernel.matmul %p, %v : (tensor<1x4x16x16xf32>, tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32>
  %m = kernel.elementwise ins(%o : tensor<1x4x16x8xf32>) maps [affine_map<(d0, d1) -> (0, (d1 floordiv 8) mod 4, d0, d1 mod 8)>] -> tensor<16x32xf32> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  return %m : tensor<16x32xf32>
}

// -----

// One query row (a decode step) fuses like any other row count.
// CHECK-LABEL: func.func @one_row
// CHECK: kernel.attention %arg0, %arg1, %arg2 {head_dim = 8 : i64, key_len = 40 : i64
// CHECK-SAME: -> tensor<4x1x8xf32>
// CHECK-NOT: kernel.softmax
// CHECK-NOT: kernel.matmul
func.func @one_row(%q: tensor<4x1x8xf32>, %k: tensor<4x40x8xf32>, %v: tensor<4x40x8xf32>) -> tensor<4x1x8xf32> {
  %s = kernel.matmul %q, %k {trans_b = true} : (tensor<4x1x8xf32>, tensor<4x40x8xf32>) -> tensor<4x1x40xf32>
  %p = kernel.softmax %s {axis = 2 : i64} : (tensor<4x1x40xf32>) -> tensor<4x1x40xf32>
  %o = kernel.matmul %p, %v : (tensor<4x1x40xf32>, tensor<4x40x8xf32>) -> tensor<4x1x8xf32>
  return %o : tensor<4x1x8xf32>
}

// -----

// BERT's attention over batch s0 and seq s1: rows and keys are s1 (key_len
// a map over the symbols), Q's head split (over the symbols) folds into the
// q map, and the head merge into the layout it writes.
#q = affine_map<()[s0, s1] -> (s0, s1, 32)>
#h = affine_map<()[s0, s1] -> (s0, 4, s1, 8)>
#sc = affine_map<()[s0, s1] -> (s0, 4, s1, s1)>
// CHECK-DAG: #[[QMAP:.*]] = affine_map<(d0, d1, d2, d3)[s0, s1] -> (d0, d2, d1 * 8 + d3)>
// CHECK-DAG: #[[KEYS:.*]] = affine_map<()[s0, s1] -> (s1)>
// CHECK-LABEL: func.func @symbolic_bert
// CHECK: %[[O:.*]] = kernel.attention %arg0, %arg1, %arg2 scores(%arg3) {head_dim = 8 : i64, key_len = #[[KEYS]], merged_heads = 4 : i64, operand_maps = [#[[QMAP]], #{{.*}}, #{{.*}}], score_maps = [#{{.*}}]}
// CHECK-SAME: -> tensor<?x?x32xf32, #{{.*}}> score {
// CHECK-NOT: kernel.elementwise
// CHECK-NOT: kernel.softmax
// CHECK-NOT: kernel.matmul
// CHECK: return %[[O]]
func.func @symbolic_bert(%q: tensor<?x?x32xf32, #q>, %k: tensor<?x4x?x8xf32, #h>, %v: tensor<?x4x?x8xf32, #h>,
                         %mask: tensor<?x?xf32, affine_map<()[s0, s1] -> (s0, s1)>>) -> tensor<?x?x32xf32, #q> {
  %qh = kernel.elementwise ins(%q : tensor<?x?x32xf32, #q>) maps [affine_map<(d0, d1, d2, d3)[s0, s1] -> (d0, d2, d1 * 8 + d3)>] -> tensor<?x4x?x8xf32, #h> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  %s = kernel.matmul %qh, %k epilogue(%mask) {trans_b = true, epilogue_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d3)>]}
       : (tensor<?x4x?x8xf32, #h>, tensor<?x4x?x8xf32, #h>, tensor<?x?xf32, affine_map<()[s0, s1] -> (s0, s1)>>) -> tensor<?x4x?x?xf32, #sc> {
  ^bb0(%acc: f32, %m: f32):
    %a = arith.addf %acc, %m : f32
    kernel.yield %a : f32
  }
  %p = kernel.softmax %s {axis = 3 : i64} : (tensor<?x4x?x?xf32, #sc>) -> tensor<?x4x?x?xf32, #sc>
  %o = kernel.matmul %p, %v : (tensor<?x4x?x?xf32, #sc>, tensor<?x4x?x8xf32, #h>) -> tensor<?x4x?x8xf32, #h>
  %m = kernel.elementwise ins(%o : tensor<?x4x?x8xf32, #h>) maps [affine_map<(d0, d1, d2)[s0, s1] -> (d0, d2 floordiv 8, d1, d2 mod 8)>] -> tensor<?x?x32xf32, #q> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  return %m : tensor<?x?x32xf32, #q>
}
