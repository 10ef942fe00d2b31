// RUN: kiln-opt %s -convert-kernel-to-halide -kiln-schedule-cpu | FileCheck %s

// sparse_threshold (XAttention) over 520 keys: blocks of 128 keys (5) and of
// 128 query rows; the estimate per head (antidiagonals of stride 16), the
// per-block mass and its rank; the state over explicit row tiles (t, ii)
// visits block kb where keep(b, t's query block, kb) holds. No target: AVX2's
// 8 lanes, tiles of 4 rows (32 to a query block).
// CHECK-LABEL: halide.kernel @k0_attention_f32
// CHECK-SAME: key_block = 128 : i64
// CHECK: halide.func @kst ["d3", "d2", "d1", "d0"] : f32
// CHECK: halide.update @raw rdom [0, 64] combine add
// CHECK: halide.update @est rdom [0, 16] combine add
// CHECK: halide.func @ee ["d2", "d1", "d0"] : f32 strict_float
// CHECK: halide.update @mass rdom [0, 8, 0, 8] combine add
// CHECK: halide.update @above rdom [0, 5] combine add
// CHECK: arith.cmpf ogt
// CHECK: halide.func @keep ["d2", "d1", "d0"] : i1
// CHECK:   arith.cmpf ole
// CHECK: halide.func @st ["d3", "d2", "d1", "d0"] : f32 tuple 3
// CHECK: halide.update @st rdom [0, 5] combine set where {
// CHECK-NEXT: ^bb0(%{{[a-z0-9]+}}: i32, %{{[a-z0-9]+}}: i32, %[[T:[a-z0-9]+]]: i32, %[[B:[a-z0-9]+]]: i32, %[[BLK:[a-z0-9]+]]: i32):
// CHECK:   %[[QB:.*]] = arith.divsi %[[T]], %c32_i32
// CHECK:   %[[K:.*]] = halide.call @keep(%[[BLK]], %[[QB]], %[[B]]) : (i32, i32, i32) -> i1
// CHECK:   halide.return %{{.*}}, %{{.*}}, %{{.*}}, %[[K]] : f32, f32, f32, i1
// CHECK: halide.func @out ["d2", "d1", "d0"] : f32
// CHECK:   arith.divsi %{{.*}}, %c4_i32
// CHECK:   arith.remsi %{{.*}}, %c4_i32
// The estimate and choice once per head, the block stages inside the
// state's loop over blocks, which runs inside the tile and outside its rows.
// CHECK: halide.schedule cpu
// CHECK-DAG: halide.compute_at @raw, @out "d0"
// CHECK-DAG: halide.compute_at @keep, @out "d0"
// CHECK-DAG: halide.reorder @st ["d3", "d2", "r0", "d1"] {stage = 1 : i64}
// CHECK-DAG: halide.compute_at @s, @st "r0"
// CHECK-DAG: halide.compute_at @bo, @st "r0"
func.func @sparse(%q: tensor<2x520x64xf32>, %k: tensor<2x520x64xf32>, %v: tensor<2x520x64xf32>) -> tensor<2x520x64xf32> {
  %0 = kernel.attention %q, %k, %v {head_dim = 64 : i64, key_len = 520 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], sparse_threshold = 9.000000e-01 : f32} : (tensor<2x520x64xf32>, tensor<2x520x64xf32>, tensor<2x520x64xf32>) -> tensor<2x520x64xf32>
  return %0 : tensor<2x520x64xf32>
}

// Up to 512 keys the attention stays exact (the row-block form).
// CHECK-LABEL: halide.kernel @k1_attention_f32
// CHECK-SAME: recipe = #halide.recipe<attention>
// CHECK-NOT: @keep
// CHECK: halide.schedule cpu
func.func @short(%q: tensor<2x64x64xf32>, %k: tensor<2x64x64xf32>, %v: tensor<2x64x64xf32>) -> tensor<2x64x64xf32> {
  %0 = kernel.attention %q, %k, %v {head_dim = 64 : i64, key_len = 64 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], sparse_threshold = 9.000000e-01 : f32} : (tensor<2x64x64xf32>, tensor<2x64x64xf32>, tensor<2x64x64xf32>) -> tensor<2x64x64xf32>
  return %0 : tensor<2x64x64xf32>
}
