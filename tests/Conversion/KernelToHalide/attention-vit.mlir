// RUN: kiln-opt %s -split-input-file -convert-kernel-to-halide -kiln-schedule-cpu | FileCheck %s

// ViT-base's attention on AVX-512 (16 lanes): 197 tokens, 12 heads of 64 read
// from the merged QKV projection [1, 197, 2304], heads merged into [1, 197,
// 768]. 197 keys pad to 224 (7 pairs of vectors). The -inf of the padded
// keys is added to the score, so s (and K^T) cover all 224 keys: the score
// register tiles are whole, no masked last tile. kin is K^T of the 197 real
// keys, kt pads it. Rows go in tiles of 6 (198 rows computed, against 200 in
// tiles of 8), whose P V register tile holds all 64 values (6 x 4 vectors).
// CHECK-LABEL: halide.kernel @k0_attention_f32
// CHECK-SAME: {head_dim = 64 : i64, lanes = 16 : i64, padded_keys = 224 : i64, recipe = #halide.recipe<attention>, value_dim = 64 : i64}
// CHECK: halide.func @kin
// CHECK: halide.func @kt
// CHECK:   arith.minsi %{{.*}}, %c196_i32
// CHECK:   halide.call @kin
// CHECK: halide.func @sc
// CHECK:   %[[PAD:.*]] = arith.select
// CHECK:   arith.addf %{{.*}}, %[[PAD]]
// CHECK: halide.func @vt
// CHECK: halide.schedule cpu
// CHECK-NEXT: halide.split @out "d2" -> "d2_o", "d2_i" by 64
// CHECK-NEXT: halide.split @out "d1" -> "d1_o", "d1_i" by 6
// CHECK:      halide.parallel @out "d2_o"
// CHECK-NEXT: halide.compute_at @kin, @out "d2_o"
// CHECK-NEXT: halide.compute_at @kt, @out "d2_o"
// CHECK-NEXT: halide.vectorize @kt "d3" 16
// CHECK-NEXT: halide.split @kin "d3" -> "d3_o", "d3_i" by 16
// CHECK-NEXT: halide.split @kin "d2" -> "d2_o", "d2_i" by 16
// CHECK-NEXT: halide.reorder @kin ["d3_i", "d2_i", "d3_o", "d2_o"]
// CHECK-NEXT: halide.vectorize @kin "d3_i" 16
// CHECK-NEXT: halide.unroll @kin "d2_i"
// CHECK-NEXT: halide.compute_at @vt, @out "d2_o"
// CHECK-NEXT: halide.vectorize @vt "d3" 16
// Scores: 6 rows x 2 vectors (4 do not divide 224).
// CHECK:      halide.split @s "d3" -> "d3_o", "d3_i" by 32 {stage = 1 : i64}
// CHECK:      halide.unroll @s "d2" {stage = 1 : i64}
// CHECK:      halide.atomic @mx
// CHECK-NEXT: halide.vectorize @mx "r0" 16 {stage = 1 : i64}
// P V: 6 rows x 4 vectors, all of E.
// CHECK:      halide.split @o "d3" -> "d3_o", "d3_i" by 64 {stage = 1 : i64}
// CHECK-NEXT: halide.reorder @o ["d3_i", "d2", "r0", "d3_o"] {stage = 1 : i64}
// CHECK-NEXT: halide.vectorize @o "d3_i" 16 {stage = 1 : i64}
// CHECK-NEXT: halide.unroll @o "d3_i" {stage = 1 : i64}
// CHECK-NEXT: halide.unroll @o "d2" {stage = 1 : i64}
#q = affine_map<(d0, d1, d2, d3) -> (0, d2, d1 * 64 + d3)>
#k = affine_map<(d0, d1, d2, d3) -> (0, d2, d1 * 64 + d3 + 768)>
#v = affine_map<(d0, d1, d2, d3) -> (0, d2, d1 * 64 + d3 + 1536)>
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41">} {
  func.func @main(%qkv: tensor<1x197x2304xf32>) -> tensor<1x197x768xf32> {
    %0 = kernel.attention %qkv, %qkv, %qkv {head_dim = 64 : i64, key_len = 197 : i64, merged_heads = 12 : i64, operand_maps = [#q, #k, #v], score_maps = []} : (tensor<1x197x2304xf32>, tensor<1x197x2304xf32>, tensor<1x197x2304xf32>) -> tensor<1x197x768xf32> score {
    ^bb0(%s: f32):
      %c = arith.constant 8.000000e+00 : f32
      %r = arith.divf %s, %c : f32
      kernel.yield %r : f32
    }
    return %0 : tensor<1x197x768xf32>
  }
}

// -----

// BERT's 128 tokens stay in tiles of 8 rows (no row computed twice), P V in
// two passes of 8 x 2 vectors (8 x 4 would take all 32 registers).
// CHECK-LABEL: halide.kernel @k0_attention_f32
// CHECK-SAME: padded_keys = 128 : i64
// CHECK-NOT: @kin
// CHECK: halide.schedule cpu
// CHECK:      halide.split @out "d1" -> "d1_o", "d1_i" by 8
// CHECK:      halide.split @o "d3" -> "d3_o", "d3_i" by 32 {stage = 1 : i64}
#q2 = affine_map<(d0, d1, d2, d3) -> (0, d2, d1 * 64 + d3)>
#k2 = affine_map<(d0, d1, d2, d3) -> (0, d2, d1 * 64 + d3 + 768)>
#v2 = affine_map<(d0, d1, d2, d3) -> (0, d2, d1 * 64 + d3 + 1536)>
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41">} {
  func.func @main(%qkv: tensor<1x128x2304xf32>) -> tensor<1x128x768xf32> {
    %0 = kernel.attention %qkv, %qkv, %qkv {head_dim = 64 : i64, key_len = 128 : i64, merged_heads = 12 : i64, operand_maps = [#q2, #k2, #v2], score_maps = []} : (tensor<1x128x2304xf32>, tensor<1x128x2304xf32>, tensor<1x128x2304xf32>) -> tensor<1x128x768xf32> score {
    ^bb0(%s: f32):
      %c = arith.constant 8.000000e+00 : f32
      %r = arith.divf %s, %c : f32
      kernel.yield %r : f32
    }
    return %0 : tensor<1x128x768xf32>
  }
}
