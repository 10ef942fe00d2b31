// RUN: kiln-opt %s -convert-kernel-to-halide -kiln-schedule-cpu -kiln-schedule-cuda | FileCheck %s

// Four heads of 8 read straight from [1, 16, 32] (the head split is the
// operand map h * 8 + d); K is transposed once per head (kt, computed at the
// head loop); scores, row max/sum and P V exist per tile of 4 query rows
// only (computed at the row-tile loop d2_o); keys fill whole vectors, so the
// row max and sum reduce vector partials first.
// CHECK-LABEL: halide.kernel @k0_attention_f32
// The recipe and the sizes its schedules read.
// CHECK-SAME: {head_dim = 8 : i64, lanes = 8 : i64, padded_keys = 16 : i64, recipe = #halide.recipe<attention>, value_dim = 8 : i64}
// CHECK: halide.func @kt ["d3", "d2", "d1", "d0"]
// CHECK: ^bb0(%[[J:.*]]: i32, %[[D:.*]]: i32, %[[H:.*]]: i32, %[[B:.*]]: i32):
// CHECK:   %[[HD:.*]] = arith.muli %[[H]]
// CHECK:   %[[C:.*]] = arith.addi %[[HD]], %[[D]]
// CHECK:   halide.call @in1(%[[C]], %[[J]], %[[B]])
// CHECK: halide.update @s rdom [0, 8] combine add
// CHECK:   halide.call @in0
// CHECK:   halide.call @kt
// CHECK: halide.func @sc
// CHECK:   %[[S:.*]] = halide.call @s
// CHECK:   %[[A:.*]] = arith.mulf %[[S]]
// CHECK:   %[[M:.*]] = halide.call @in3
// CHECK:   arith.addf %[[A]], %[[M]]
// CHECK: halide.update @mx_part rdom [0, 2] combine max
// CHECK: halide.update @mx rdom [0, 8] combine max
// CHECK: halide.func @ex
// CHECK:   math.exp
// CHECK: halide.update @sum rdom [0, 8] combine add
// CHECK: halide.func @vt ["d3", "d2", "d1", "d0"]
// CHECK:   halide.call @in2
// CHECK: halide.update @o rdom [0, 16] combine add
// CHECK:   halide.call @ex
// CHECK:   halide.call @vt
// One division per row (rsum), a product per value.
// CHECK: halide.func @rsum ["d2", "d1", "d0"]
// CHECK:   %[[SUM:.*]] = halide.call @sum
// CHECK:   arith.divf %cst, %[[SUM]]
// CHECK: halide.func @out
// CHECK:   %[[O:.*]] = halide.call @o
// CHECK:   %[[R:.*]] = halide.call @rsum
// CHECK:   arith.mulf %[[O]], %[[R]]
// CHECK: halide.output @out [8, 16, 4, 1]
// CHECK: halide.schedule cpu
// CHECK:   halide.split @out "d2" -> "d2_o", "d2_i" by 4
// CHECK:   halide.parallel @out "d1"
// K^T in blocks of 8 keys x 8 of the head dim: a vector of keys per
// unrolled d. Keys are whole vector pairs here, so no kin.
// CHECK-NOT: @kin
// CHECK:   halide.compute_at @kt, @out "d1"
// CHECK-NEXT: halide.split @kt "d3" -> "d3_o", "d3_i" by 8
// CHECK-NEXT: halide.split @kt "d2" -> "d2_o", "d2_i" by 8
// CHECK-NEXT: halide.reorder @kt ["d3_i", "d2_i", "d3_o", "d2_o"]
// CHECK-NEXT: halide.vectorize @kt "d3_i" 8
// CHECK-NEXT: halide.unroll @kt "d2_i"
// V packed per head: 4 row tiles read it.
// CHECK-NEXT: halide.compute_at @vt, @out "d1"
// CHECK-NEXT: halide.vectorize @vt "d3" 8
// CHECK:   halide.compute_at @s, @out "d2_o"
// CHECK:   halide.compute_at @rsum, @out "d2_o"
// CHECK:   halide.compute_at @o, @out "d2_o"
// CHECK: halide.schedule cuda
// CHECK:   halide.compute_root @s
func.func @main(%q: tensor<1x16x32xf32>, %k: tensor<1x16x32xf32>, %v: tensor<1x16x32xf32>, %m: tensor<1x16xf32>) -> tensor<1x4x16x8xf32> {
  %0 = kernel.attention %q, %k, %v scores(%m) {alpha = 0.35 : f32, head_dim = 8 : i64, key_len = 16 : i64, operand_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d2, d1 * 8 + d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d2, d1 * 8 + d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d2, d1 * 8 + d3)>], score_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d3)>]} : (tensor<1x16x32xf32>, tensor<1x16x32xf32>, tensor<1x16x32xf32>, tensor<1x16xf32>) -> tensor<1x4x16x8xf32> score {
  ^bb0(%s: f32, %x: f32):
    %r = arith.addf %s, %x : f32
    kernel.yield %r : f32
  }
  return %0 : tensor<1x4x16x8xf32>
}

// 12 keys, padded to 16 (two vectors of 8): kin is K^T of the real keys
// (no clamp: Halide computes it over 12 keys), kt reads it at min(j, 11);
// the padded scores are -inf, added (a select would narrow s and kt to the
// real keys: a masked last register tile), and their exp 0; P V still sums
// the 12 real keys only. The probs region maps ex / sum before it weighs v.
// CHECK-LABEL: halide.kernel @k1_attention_f32
// CHECK-SAME: {head_dim = 8 : i64, lanes = 8 : i64, padded_keys = 16 : i64, recipe = #halide.recipe<attention>, value_dim = 8 : i64}
// CHECK: halide.func @kin ["d2", "d1", "d0"]
// CHECK-NOT: arith.minsi
// CHECK:   halide.call @in1
// CHECK: halide.func @kt ["d2", "d1", "d0"]
// CHECK: ^bb0(%[[KJ:.*]]: i32, %[[KD:.*]]: i32, %[[KB:.*]]: i32):
// CHECK:   %[[LAST:.*]] = arith.minsi %[[KJ]], %c11_i32
// CHECK:   halide.call @kin(%[[LAST]], %[[KD]], %[[KB]])
// CHECK: halide.func @sc
// CHECK:   %[[REAL:.*]] = arith.cmpi slt, %{{.*}}, %c12_i32
// CHECK:   %[[PAD:.*]] = arith.select %[[REAL]], %cst{{.*}}, %cst
// CHECK:   arith.addf %{{.*}}, %[[PAD]]
// CHECK: halide.update @mx_part rdom [0, 2] combine max
// The padded keys' exp is 0 by their index: exp(-inf - mx) is not 0 under
// fast math (one query row summed garbage there).
// CHECK: halide.func @ex
// CHECK:   %[[E:.*]] = math.exp
// CHECK:   %[[KEY:.*]] = arith.cmpi slt, %{{.*}}, %c12_i32
// CHECK:   arith.select %[[KEY]], %[[E]], %cst
// CHECK: halide.func @p
// CHECK:   arith.divf
// CHECK:   arith.cmpf uno
// CHECK: halide.update @o rdom [0, 12] combine add
// CHECK:   halide.call @p
// Both per head; kin is the transpose, kt a vector copy.
// CHECK: halide.schedule cpu
// CHECK:   halide.compute_at @kin, @out "d0"
// CHECK-NEXT: halide.compute_at @kt, @out "d0"
// CHECK-NEXT: halide.vectorize @kt "d2" 8
// CHECK-NEXT: halide.split @kin "d2" -> "d2_o", "d2_i" by 8
// CHECK-NEXT: halide.split @kin "d1" -> "d1_o", "d1_i" by 8
// CHECK-NEXT: halide.reorder @kin ["d2_i", "d1_i", "d2_o", "d1_o"]
// CHECK-NEXT: halide.vectorize @kin "d2_i" 8
// CHECK-NEXT: halide.unroll @kin "d1_i"
func.func @padded(%q: tensor<2x12x8xf32>, %k: tensor<2x12x8xf32>, %v: tensor<2x12x8xf32>) -> tensor<2x12x8xf32> {
  %0 = kernel.attention %q, %k, %v {head_dim = 8 : i64, key_len = 12 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]} : (tensor<2x12x8xf32>, tensor<2x12x8xf32>, tensor<2x12x8xf32>) -> tensor<2x12x8xf32> probs {
  ^bb0(%p: f32):
    %z = arith.constant 0.0 : f32
    %n = arith.cmpf uno, %p, %p : f32
    %r = arith.select %n, %z, %p : f32
    kernel.yield %r : f32
  }
  return %0 : tensor<2x12x8xf32>
}

// Heads merged into the result ([16, 4 x 8]): the canonical result is fin,
// out reads it at (c / 8, i, c % 8), and out's c loop splits into heads
// (K^T computed per head) and the 8 values of a head.
// CHECK-LABEL: halide.kernel @k2_attention_f32
// CHECK-SAME: {head_dim = 8 : i64, lanes = 8 : i64, padded_keys = 16 : i64, recipe = #halide.recipe<attention>, value_dim = 8 : i64}
// CHECK: halide.func @fin ["d2", "d1", "d0"]
// CHECK: halide.func @out ["d1", "d0"]
// CHECK:   arith.divsi %{{.*}}, %c8_i32
// CHECK:   arith.remsi %{{.*}}, %c8_i32
// CHECK:   halide.call @fin
// CHECK: halide.output @out [32, 16]
// CHECK: halide.split @out "d1" -> "d1_o", "d1_i" by 8
// CHECK: halide.split @out "d0" -> "d0_o", "d0_i" by 4
// CHECK: halide.reorder @out ["d1_i", "d0_i", "d0_o", "d1_o"]
// CHECK: halide.parallel @out "d1_o"
// CHECK: halide.compute_at @kt, @out "d1_o"
// CHECK: halide.compute_at @s, @out "d0_o"
func.func @merged(%q: tensor<4x16x8xf32>, %k: tensor<4x16x8xf32>, %v: tensor<4x16x8xf32>) -> tensor<16x32xf32> {
  %0 = kernel.attention %q, %k, %v {head_dim = 8 : i64, key_len = 16 : i64, merged_heads = 4 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]} : (tensor<4x16x8xf32>, tensor<4x16x8xf32>, tensor<4x16x8xf32>) -> tensor<16x32xf32>
  return %0 : tensor<16x32xf32>
}

// 600 keys (past kOnlineMinKeys): blocks of 256 keys (3, the last padded)
// under an online softmax. Per block: scores s/sc, the block max bmx (bref:
// at least the lowest float, strict), exps, their sum and P V (bo); the
// state st = (o, l, m) is a tuple updated once per block ("set", reading
// itself), computed per row tile with its blocks loop outermost and every
// block func computed inside that loop. out = o / l.
// CHECK-LABEL: halide.kernel @k3_attention_f32
// CHECK-SAME: {head_dim = 32 : i64, key_block = 256 : i64, lanes = 8 : i64, padded_keys = 768 : i64, recipe = #halide.recipe<attention_blocked>, value_dim = 32 : i64}
// CHECK: halide.func @s ["d3", "d2", "d1", "d0"] : f32
// CHECK: halide.func @bref ["d2", "d1", "d0"] : f32 strict_float
// CHECK:   arith.maximumf %{{.*}}, %cst : f32
// CHECK: halide.func @ex ["d3", "d2", "d1", "d0"] : f32
// CHECK:   math.exp
// CHECK:   arith.cmpi slt, %{{.*}}, %c600_i32
// CHECK: halide.update @bo rdom [0, 256] combine add
// CHECK: halide.func @st ["d2", "d1", "d0"] : f32 tuple 3 {
// CHECK:   halide.return %{{.*}}, %{{.*}}, %{{.*}} : f32, f32, f32
// CHECK: halide.update @st rdom [0, 3] combine set {
// CHECK:   halide.call @st(%{{.*}}) {element = 2 : i64}
// CHECK:   halide.call @bref(
// CHECK:   arith.maximumf
// CHECK:   halide.call @bo(
// CHECK:   halide.call @bsum(
// CHECK:   halide.return %{{.*}}, %{{.*}}, %{{.*}} : f32, f32, f32
// CHECK: halide.func @out ["d2", "d1", "d0"] : f32
// CHECK-DAG:   %[[L:.*]] = halide.call @st({{.*}}) {element = 1 : i64}
// CHECK-DAG:   %[[O:.*]] = halide.call @st({{.*}}) {element = 0 : i64}
// CHECK:   arith.divf %[[O]], %[[L]]
// CHECK: halide.schedule cpu
// CHECK:   halide.compute_at @st, @out "d1_o"
// CHECK:   halide.reorder @st ["d2", "d1", "r0"] {stage = 1 : i64}
// CHECK:   halide.compute_at @s, @st "r0"
// CHECK:   halide.compute_at @bo, @st "r0"
// CHECK:   halide.compute_at @bmx, @st "r0"
// CHECK:   halide.compute_at @bsum, @st "r0"
func.func @online(%q: tensor<2x8x32xf32>, %k: tensor<2x600x32xf32>, %v: tensor<2x600x32xf32>) -> tensor<2x8x32xf32> {
  %0 = kernel.attention %q, %k, %v {head_dim = 32 : i64, key_len = 600 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]} : (tensor<2x8x32xf32>, tensor<2x600x32xf32>, tensor<2x600x32xf32>) -> tensor<2x8x32xf32>
  return %0 : tensor<2x8x32xf32>
}

// A decode step, one query row over 20 keys: K^T is still built per head
// (kin, padded by kt), but V is read in place: one row tile reads it once.
// CHECK-LABEL: halide.kernel @k4_attention_f32
// CHECK: halide.schedule cpu
// CHECK:   halide.compute_at @kin, @out "d0"
// CHECK-NOT: @vt
// CHECK: halide.schedule cuda
func.func @step(%q: tensor<2x1x8xf32>, %k: tensor<2x20x8xf32>, %v: tensor<2x20x8xf32>) -> tensor<2x1x8xf32> {
  %0 = kernel.attention %q, %k, %v {head_dim = 8 : i64, key_len = 20 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]} : (tensor<2x1x8xf32>, tensor<2x20x8xf32>, tensor<2x20x8xf32>) -> tensor<2x1x8xf32>
  return %0 : tensor<2x1x8xf32>
}
