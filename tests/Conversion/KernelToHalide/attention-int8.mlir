// RUN: kiln-opt %s -split-input-file -convert-kernel-to-halide -kiln-schedule-cpu | FileCheck %s

// kernel.attention with int8 on a target with VNNI: ViT-base's attention
// (197 keys padded to 224, 12 heads of 64 merged). K is quantized per key
// (kmx, kt8 in K^T's layout, kq interleaving it as [d/4, key, d%4], ksum),
// Q per row (qmx through vector partials, qu offset by 128 into u8), V per
// value column (vmx, vt8 zero past the 197 keys, vq as [key/4, e, key%4]); s and o are i32 sums of 4
// products per lane, vectorized atomically (vpdpbusd); the probabilities go
// to u8 in 255 steps and their own sum renormalises.
// CHECK-LABEL: halide.kernel @k0_attention_f32
// CHECK-SAME: padded_keys = 224 : i64, recipe = #halide.recipe<attention_int8>
// CHECK: halide.func @kmx
// CHECK: halide.update @kmx rdom [0, 64] combine max
// CHECK: halide.func @kt8 ["d3", "d2", "d1", "d0"] : i8
// CHECK:   math.roundeven
// CHECK: halide.func @kq ["d4", "d3", "d2", "d1", "d0"] : i8
// CHECK-NEXT: ^bb0
// CHECK-NEXT:   arith.constant 4
// CHECK-NEXT:   arith.muli
// CHECK-NEXT:   arith.addi
// CHECK-NEXT:   halide.call @kt8
// CHECK: halide.update @ksum rdom [0, 4, 0, 16] combine add
// CHECK: halide.func @qmx_part
// CHECK: halide.func @qu ["d3", "d2", "d1", "d0"] : ui8
// CHECK:   arith.addi %{{.*}}, %c128_i32
// CHECK: halide.func @s ["d3", "d2", "d1", "d0"] : i32
// CHECK: halide.update @s rdom [0, 4, 0, 16] combine add
// CHECK:   halide.call @qu
// CHECK:   halide.call @kq
// CHECK:   arith.muli
// CHECK: halide.func @sc
// CHECK:   halide.call @ksum
// CHECK:   arith.sitofp
// CHECK: halide.func @mref {{.*}} strict_float
// CHECK: halide.func @pu ["d3", "d2", "d1", "d0"] : ui8
// CHECK: halide.update @vmx rdom [0, 197] combine max
// CHECK: halide.func @vt8 ["d3", "d2", "d1", "d0"] : i8
// CHECK:   arith.cmpi slt, %{{.*}}, %c197_i32
// CHECK: halide.func @vq ["d4", "d3", "d2", "d1", "d0"] : i8
// CHECK: halide.update @o rdom [0, 4, 0, 50] combine add
// CHECK: halide.schedule cpu
// K's and V's bytes once per head.
// CHECK:      halide.compute_at @kq, @out "d2_o"
// CHECK:      halide.compute_at @vq, @out "d2_o"
// CHECK:      halide.vectorize @kq "d4" 4
// CHECK-NEXT: halide.vectorize @kq "d3" 16
// Scores: 6 rows x 2 vectors of i32, 4 products a lane.
// CHECK:      halide.split @s "d3" -> "d3_o", "d3_i" by 32 {stage = 1 : i64}
// CHECK-NEXT: halide.reorder @s ["r0", "d3_i", "d2", "r1", "d3_o"] {stage = 1 : i64}
// CHECK-NEXT: halide.atomic @s
// CHECK-NEXT: halide.vectorize @s "r0" 4 {stage = 1 : i64}
// P V: 6 rows x 4 vectors, all of E.
// CHECK:      halide.split @o "d3" -> "d3_o", "d3_i" by 64 {stage = 1 : i64}
// CHECK-NEXT: halide.reorder @o ["r0", "d3_i", "d2", "r1", "d3_o"] {stage = 1 : i64}
// CHECK-NEXT: halide.atomic @o
// CHECK-NEXT: halide.vectorize @o "r0" 4 {stage = 1 : i64}
#q = affine_map<(d0, d1, d2, d3) -> (0, d2, d1 * 64 + d3)>
#k = affine_map<(d0, d1, d2, d3) -> (0, d2, d1 * 64 + d3 + 768)>
#v = affine_map<(d0, d1, d2, d3) -> (0, d2, d1 * 64 + d3 + 1536)>
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_skylake-avx512_cannonlake-avx512_sapphirerapids-f16c-fma-sse41">} {
  func.func @vit(%qkv: tensor<1x197x2304xf32>) -> tensor<1x197x768xf32> {
    %0 = kernel.attention %qkv, %qkv, %qkv {head_dim = 64 : i64, int8, key_len = 197 : i64, merged_heads = 12 : i64, operand_maps = [#q, #k, #v], score_maps = []} : (tensor<1x197x2304xf32>, tensor<1x197x2304xf32>, tensor<1x197x2304xf32>) -> tensor<1x197x768xf32> score {
    ^bb0(%s: f32):
      %c = arith.constant 8.000000e+00 : f32
      %r = arith.divf %s, %c : f32
      kernel.yield %r : f32
    }
    return %0 : tensor<1x197x768xf32>
  }
}

// -----

// The exporters' NaN guard as the probs region: int8 too, and a fully
// masked row (sum 0) gives 0, as the guard does, instead of 0 * inf.
// CHECK-LABEL: halide.kernel @k0_attention_f32
// CHECK-SAME: recipe = #halide.recipe<attention_int8>
// CHECK: halide.func @rsum
// CHECK:   %[[POS:.*]] = arith.cmpf ogt
// CHECK:   arith.select %[[POS]]
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_skylake-avx512_cannonlake-avx512_sapphirerapids-f16c-fma-sse41">} {
  func.func @guard(%q: tensor<2x12x8xf32>, %k: tensor<2x12x8xf32>, %v: tensor<2x12x8xf32>) -> tensor<2x12x8xf32> {
    %0 = kernel.attention %q, %k, %v {head_dim = 8 : i64, int8, key_len = 12 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]} : (tensor<2x12x8xf32>, tensor<2x12x8xf32>, tensor<2x12x8xf32>) -> tensor<2x12x8xf32> probs {
    ^bb0(%p: f32):
      %z = arith.constant 0.0 : f32
      %n = arith.cmpf uno, %p, %p : f32
      %r = arith.select %n, %z, %p : f32
      kernel.yield %r : f32
    }
    return %0 : tensor<2x12x8xf32>
  }
}

// -----

// Any other probs region needs the normalised f32 probabilities: f32 form.
// CHECK-LABEL: halide.kernel @k0_attention_f32
// CHECK-SAME: recipe = #halide.recipe<attention>
// CHECK-NOT: halide.func @kq
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_skylake-avx512_cannonlake-avx512_sapphirerapids-f16c-fma-sse41">} {
  func.func @scaled_probs(%q: tensor<2x12x8xf32>, %k: tensor<2x12x8xf32>, %v: tensor<2x12x8xf32>) -> tensor<2x12x8xf32> {
    %0 = kernel.attention %q, %k, %v {head_dim = 8 : i64, int8, key_len = 12 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]} : (tensor<2x12x8xf32>, tensor<2x12x8xf32>, tensor<2x12x8xf32>) -> tensor<2x12x8xf32> probs {
    ^bb0(%p: f32):
      %h = arith.constant 0.5 : f32
      %r = arith.mulf %p, %h : f32
      kernel.yield %r : f32
    }
    return %0 : tensor<2x12x8xf32>
  }
}

// -----

// A target without an int8 dot product (AVX-512 without VNNI): f32 form.
// CHECK-LABEL: halide.kernel @k0_attention_f32
// CHECK-SAME: recipe = #halide.recipe<attention>
// CHECK-NOT: halide.func @kq
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41">} {
  func.func @no_vnni(%q: tensor<2x12x8xf32>, %k: tensor<2x12x8xf32>, %v: tensor<2x12x8xf32>) -> tensor<2x12x8xf32> {
    %0 = kernel.attention %q, %k, %v {head_dim = 8 : i64, int8, key_len = 12 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]} : (tensor<2x12x8xf32>, tensor<2x12x8xf32>, tensor<2x12x8xf32>) -> tensor<2x12x8xf32>
    return %0 : tensor<2x12x8xf32>
  }
}
