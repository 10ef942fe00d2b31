// RUN: kiln-opt %s -kiln-schedule-cpu=min-parallel=0 | FileCheck %s
// RUN: sed 's/avx2-f16c/avx2-avx512-avx512_skylake-f16c/' %s | kiln-opt -kiln-schedule-cpu=min-parallel=0 | FileCheck %s --check-prefix=AVX512

// RUN: kiln-opt %s -kiln-schedule-cpu | FileCheck %s --check-prefix=SMALL
// RUN: kiln-opt %s -kiln-schedule-cpu=min-parallel=128 | FileCheck %s --check-prefix=EDGE

// SMALL, the default: these kernels' static work is far under 2^18 elements,
// so pointwise kernels and root reductions stay on one thread. With
// min-parallel=128, the root reduction (4 points times its rdom extent 32)
// is parallel again.
// SMALL-LABEL: halide.kernel @pointwise attributes
// SMALL:       halide.schedule cpu
// SMALL-NEXT:  halide.vectorize @out "d1" 8
// SMALL-NEXT:  }
// SMALL-LABEL: halide.kernel @root_update attributes
// SMALL:       halide.schedule cpu
// SMALL-NEXT:  halide.compute_root @red
// SMALL-NEXT:  }
// EDGE-LABEL:  halide.kernel @root_update attributes
// EDGE:        halide.compute_root @red
// EDGE-NEXT:   halide.parallel @red "d0" {stage = 1 : i64}

// One unscheduled kernel per recipe; kiln-schedule-cpu writes its cpu region,
// vectors 32 bytes wide for this avx2 target and 64 with avx512.

// CHECK-LABEL: halide.kernel @pointwise attributes
// CHECK: halide.schedule cpu
// CHECK-NEXT: halide.vectorize @out "d1" 8
// CHECK-NEXT: halide.parallel @out "d0"
// CHECK-NEXT: }
// CHECK-LABEL: halide.kernel @root_update attributes
// CHECK: halide.schedule cpu
// CHECK-NEXT: halide.compute_root @red
// CHECK-NEXT: halide.parallel @red "d0" {stage = 1 : i64}
// CHECK-NEXT: }
// CHECK-LABEL: halide.kernel @row_sums attributes
// CHECK: halide.schedule cpu
// CHECK-NEXT: halide.vectorize @out "d1" 8
// CHECK-NEXT: halide.parallel @out "d0"
// CHECK-NEXT: halide.compute_at @sum_part, @out "d0"
// CHECK-NEXT: halide.vectorize @sum_part "d1" 8
// CHECK-NEXT: halide.vectorize @sum_part "d1" 8 {stage = 1 : i64}
// CHECK-NEXT: halide.compute_at @sum, @out "d0"
// CHECK-NEXT: }
// CHECK-LABEL: halide.kernel @matmul attributes
// CHECK: halide.schedule cpu
// CHECK-NEXT: halide.split @out "d1" -> "d1_o", "d1_i" by 24
// CHECK-NEXT: halide.split @out "d0" -> "d0_o", "d0_i" by 4
// CHECK-NEXT: halide.reorder @out ["d1_i", "d0_i", "d1_o", "d0_o"]
// CHECK-NEXT: halide.vectorize @out "d1_i" 8
// CHECK-NEXT: halide.unroll @out "d0_i"
// CHECK-NEXT: halide.parallel @out "d0_o"
// CHECK-NEXT: halide.compute_at @acc, @out "d1_o"
// CHECK-NEXT: halide.vectorize @acc "d1" 8
// CHECK-NEXT: halide.unroll @acc "d0"
// CHECK-NEXT: halide.reorder @acc ["d1", "d0", "r0"] {stage = 1 : i64}
// CHECK-NEXT: halide.vectorize @acc "d1" 8 {stage = 1 : i64}
// CHECK-NEXT: halide.unroll @acc "d0" {stage = 1 : i64}
// CHECK-NEXT: }
// CHECK-LABEL: halide.kernel @matmul_trans_b attributes
// CHECK: halide.schedule cpu
// CHECK-NEXT: halide.compute_at @acc, @out "d0"
// CHECK-NEXT: halide.vectorize @acc "d1" 8
// CHECK-NEXT: halide.reorder @acc ["d1", "d0", "r0"] {stage = 1 : i64}
// CHECK-NEXT: halide.vectorize @acc "d1" 8 {stage = 1 : i64}
// CHECK-NEXT: halide.vectorize @out "d1" 8
// CHECK-NEXT: halide.parallel @out "d0"
// CHECK-NEXT: }
// CHECK-LABEL: halide.kernel @matmul_packed attributes
// CHECK: halide.schedule cpu
// CHECK-NEXT: halide.split @out "d1" -> "d1_o", "d1_i" by 16
// CHECK-NEXT: halide.split @out "d0" -> "d0_o", "d0_i" by 4
// CHECK-NEXT: halide.reorder @out ["d1_i", "d0_i", "d0_o", "d1_o"]
// CHECK-NEXT: halide.vectorize @out "d1_i" 8
// CHECK-NEXT: halide.unroll @out "d0_i"
// CHECK-NEXT: halide.parallel @out "d1_o"
// CHECK-NEXT: halide.compute_at @acc, @out "d0_o"
// CHECK-NEXT: halide.vectorize @acc "d2" 8
// CHECK-NEXT: halide.unroll @acc "d2"
// CHECK-NEXT: halide.unroll @acc "d1"
// CHECK-NEXT: halide.reorder @acc ["d2", "d1", "r0"] {stage = 1 : i64}
// CHECK-NEXT: halide.vectorize @acc "d2" 8 {stage = 1 : i64}
// CHECK-NEXT: halide.unroll @acc "d2" {stage = 1 : i64}
// CHECK-NEXT: halide.unroll @acc "d1" {stage = 1 : i64}
// CHECK-NEXT: halide.split @acc "r0" -> "r0_o", "r0_i" by 4 {stage = 1 : i64}
// CHECK-NEXT: halide.unroll @acc "r0_i" {stage = 1 : i64}
// CHECK-NEXT: }
// CHECK-LABEL: halide.kernel @conv attributes
// CHECK: halide.schedule cpu
// CHECK-NEXT: halide.compute_at @acc, @out "d1"
// CHECK-NEXT: halide.parallel @out "d1"
// CHECK-NEXT: }

// Attention kernels (see Attention.cpp): out in tiles of query rows, every
// stage but K^T per tile; blocked, per block of keys inside the state's loop.
// K^T per head in blocks of 8 keys (a vector) x 8 of the head dim (unrolled);
// V packed per head where more than one row tile reads it (6 rows, tiles of
// 4); the row max and sum reduce their vector partials in one horizontal step.
// CHECK-LABEL: halide.kernel @attention attributes
// CHECK: halide.schedule cpu
// CHECK-NEXT: halide.split @out "d1" -> "d1_o", "d1_i" by 4
// CHECK-NEXT: halide.reorder @out ["d2", "d1_i", "d1_o", "d0"]
// CHECK-NEXT: halide.vectorize @out "d2" 8
// CHECK-NEXT: halide.parallel @out "d0"
// CHECK-NEXT: halide.compute_at @kt, @out "d0"
// CHECK-NEXT: halide.split @kt "d2" -> "d2_o", "d2_i" by 8
// CHECK-NEXT: halide.split @kt "d1" -> "d1_o", "d1_i" by 8
// CHECK-NEXT: halide.reorder @kt ["d2_i", "d1_i", "d2_o", "d1_o"]
// CHECK-NEXT: halide.vectorize @kt "d2_i" 8
// CHECK-NEXT: halide.unroll @kt "d1_i"
// CHECK-NEXT: halide.compute_at @vt, @out "d0"
// CHECK-NEXT: halide.vectorize @vt "d2" 8
// CHECK-NEXT: halide.compute_at @s, @out "d1_o"
// CHECK-NEXT: halide.compute_at @sc, @out "d1_o"
// CHECK-NEXT: halide.vectorize @s "d2" 8
// CHECK-NEXT: halide.split @s "d2" -> "d2_o", "d2_i" by 16 {stage = 1 : i64}
// CHECK-NEXT: halide.reorder @s ["d2_i", "d1", "r0", "d2_o"] {stage = 1 : i64}
// CHECK-NEXT: halide.vectorize @s "d2_i" 8 {stage = 1 : i64}
// CHECK-NEXT: halide.unroll @s "d2_i" {stage = 1 : i64}
// CHECK-NEXT: halide.unroll @s "d1" {stage = 1 : i64}
// CHECK-NEXT: halide.vectorize @sc "d2" 8
// CHECK-NEXT: halide.compute_at @mx, @out "d1_o"
// CHECK-NEXT: halide.compute_at @mx_part, @out "d1_o"
// CHECK-NEXT: halide.vectorize @mx_part "d2" 8
// CHECK-NEXT: halide.vectorize @mx_part "d2" 8 {stage = 1 : i64}
// CHECK-NEXT: halide.atomic @mx
// CHECK-NEXT: halide.vectorize @mx "r0" 8 {stage = 1 : i64}
// CHECK-NEXT: halide.compute_at @sum, @out "d1_o"
// CHECK-NEXT: halide.compute_at @sum_part, @out "d1_o"
// CHECK-NEXT: halide.vectorize @sum_part "d2" 8
// CHECK-NEXT: halide.vectorize @sum_part "d2" 8 {stage = 1 : i64}
// CHECK-NEXT: halide.atomic @sum
// CHECK-NEXT: halide.vectorize @sum "r0" 8 {stage = 1 : i64}
// CHECK-NEXT: halide.compute_at @rsum, @out "d1_o"
// CHECK-NEXT: halide.compute_at @ex, @out "d1_o"
// CHECK-NEXT: halide.vectorize @ex "d2" 8
// CHECK-NEXT: halide.compute_at @o, @out "d1_o"
// CHECK-NEXT: halide.vectorize @o "d2" 8
// CHECK-NEXT: halide.split @o "d2" -> "d2_o", "d2_i" by 8 {stage = 1 : i64}
// CHECK-NEXT: halide.reorder @o ["d2_i", "d1", "r0", "d2_o"] {stage = 1 : i64}
// CHECK-NEXT: halide.vectorize @o "d2_i" 8 {stage = 1 : i64}
// CHECK-NEXT: halide.unroll @o "d2_i" {stage = 1 : i64}
// CHECK-NEXT: halide.unroll @o "d1" {stage = 1 : i64}
// CHECK-NEXT: }
// Symbolic rows (s0): the register tiles of s and o still unroll their rows,
// since the translation gives the row tile a constant extent (specialized on
// rows >= 4, split by 1 below).
// CHECK-LABEL: halide.kernel @attention_merged attributes
// CHECK: halide.schedule cpu
// CHECK-NEXT: halide.split @out "d2" -> "d2_o", "d2_i" by 8
// CHECK-NEXT: halide.split @out "d1" -> "d1_o", "d1_i" by 4
// CHECK-NEXT: halide.reorder @out ["d2_i", "d1_i", "d1_o", "d2_o", "d0"]
// CHECK-NEXT: halide.vectorize @out "d2_i" 8
// CHECK-NEXT: halide.parallel @out "d0"
// CHECK-NEXT: halide.compute_at @kt, @out "d2_o"
// CHECK-NEXT: halide.split @kt "d3" -> "d3_o", "d3_i" by 8
// CHECK-NEXT: halide.split @kt "d2" -> "d2_o", "d2_i" by 8
// CHECK-NEXT: halide.reorder @kt ["d3_i", "d2_i", "d3_o", "d2_o"]
// CHECK-NEXT: halide.vectorize @kt "d3_i" 8
// CHECK-NEXT: halide.unroll @kt "d2_i"
// CHECK-NEXT: halide.compute_at @s, @out "d1_o"
// CHECK-NEXT: halide.compute_at @sc, @out "d1_o"
// CHECK-NEXT: halide.vectorize @s "d3" 8
// CHECK-NEXT: halide.split @s "d3" -> "d3_o", "d3_i" by 16 {stage = 1 : i64}
// CHECK-NEXT: halide.reorder @s ["d3_i", "d2", "r0", "d3_o"] {stage = 1 : i64}
// CHECK-NEXT: halide.vectorize @s "d3_i" 8 {stage = 1 : i64}
// CHECK-NEXT: halide.unroll @s "d3_i" {stage = 1 : i64}
// CHECK-NEXT: halide.unroll @s "d2" {stage = 1 : i64}
// CHECK-NEXT: halide.vectorize @sc "d3" 8
// CHECK-NEXT: halide.compute_at @mx, @out "d1_o"
// CHECK-NEXT: halide.compute_at @sum, @out "d1_o"
// CHECK-NEXT: halide.compute_at @ex, @out "d1_o"
// CHECK-NEXT: halide.vectorize @ex "d3" 8
// CHECK-NEXT: halide.compute_at @p, @out "d1_o"
// CHECK-NEXT: halide.vectorize @p "d3" 8
// CHECK-NEXT: halide.compute_at @o, @out "d1_o"
// CHECK-NEXT: halide.vectorize @o "d3" 8
// CHECK-NEXT: halide.split @o "d3" -> "d3_o", "d3_i" by 8 {stage = 1 : i64}
// CHECK-NEXT: halide.reorder @o ["d3_i", "d2", "r0", "d3_o"] {stage = 1 : i64}
// CHECK-NEXT: halide.vectorize @o "d3_i" 8 {stage = 1 : i64}
// CHECK-NEXT: halide.unroll @o "d3_i" {stage = 1 : i64}
// CHECK-NEXT: halide.unroll @o "d2" {stage = 1 : i64}
// CHECK-NEXT: }
// CHECK-LABEL: halide.kernel @attention_blocked attributes
// CHECK: halide.schedule cpu
// CHECK-NEXT: halide.split @out "d1" -> "d1_o", "d1_i" by 4
// CHECK-NEXT: halide.reorder @out ["d2", "d1_i", "d1_o", "d0"]
// CHECK-NEXT: halide.vectorize @out "d2" 8
// CHECK-NEXT: halide.parallel @out "d0"
// CHECK-NEXT: halide.compute_at @kt, @out "d0"
// CHECK-NEXT: halide.split @kt "d2" -> "d2_o", "d2_i" by 8
// CHECK-NEXT: halide.split @kt "d1" -> "d1_o", "d1_i" by 8
// CHECK-NEXT: halide.reorder @kt ["d2_i", "d1_i", "d2_o", "d1_o"]
// CHECK-NEXT: halide.vectorize @kt "d2_i" 8
// CHECK-NEXT: halide.unroll @kt "d1_i"
// CHECK-NEXT: halide.compute_at @st, @out "d1_o"
// CHECK-NEXT: halide.vectorize @st "d2" 8
// CHECK-NEXT: halide.reorder @st ["d2", "d1", "r0"] {stage = 1 : i64}
// CHECK-NEXT: halide.vectorize @st "d2" 8 {stage = 1 : i64}
// CHECK-NEXT: halide.compute_at @s, @st "r0"
// CHECK-NEXT: halide.compute_at @sc, @st "r0"
// CHECK-NEXT: halide.compute_at @bref, @st "r0"
// CHECK-NEXT: halide.compute_at @ex, @st "r0"
// CHECK-NEXT: halide.compute_at @bo, @st "r0"
// CHECK-NEXT: halide.vectorize @s "d3" 8
// CHECK-NEXT: halide.split @s "d3" -> "d3_o", "d3_i" by 16 {stage = 1 : i64}
// CHECK-NEXT: halide.reorder @s ["d3_i", "d1", "r0", "d3_o"] {stage = 1 : i64}
// CHECK-NEXT: halide.vectorize @s "d3_i" 8 {stage = 1 : i64}
// CHECK-NEXT: halide.unroll @s "d3_i" {stage = 1 : i64}
// CHECK-NEXT: halide.unroll @s "d1" {stage = 1 : i64}
// CHECK-NEXT: halide.vectorize @sc "d3" 8
// CHECK-NEXT: halide.compute_at @bmx, @st "r0"
// CHECK-NEXT: halide.compute_at @bmx_part, @st "r0"
// CHECK-NEXT: halide.vectorize @bmx_part "d3" 8
// CHECK-NEXT: halide.vectorize @bmx_part "d3" 8 {stage = 1 : i64}
// CHECK-NEXT: halide.atomic @bmx
// CHECK-NEXT: halide.vectorize @bmx "r0" 8 {stage = 1 : i64}
// CHECK-NEXT: halide.compute_at @bsum, @st "r0"
// CHECK-NEXT: halide.compute_at @bsum_part, @st "r0"
// CHECK-NEXT: halide.vectorize @bsum_part "d3" 8
// CHECK-NEXT: halide.vectorize @bsum_part "d3" 8 {stage = 1 : i64}
// CHECK-NEXT: halide.atomic @bsum
// CHECK-NEXT: halide.vectorize @bsum "r0" 8 {stage = 1 : i64}
// CHECK-NEXT: halide.vectorize @ex "d3" 8
// CHECK-NEXT: halide.vectorize @bo "d3" 8
// CHECK-NEXT: halide.split @bo "d3" -> "d3_o", "d3_i" by 16 {stage = 1 : i64}
// CHECK-NEXT: halide.reorder @bo ["d3_i", "d1", "r0", "d3_o"] {stage = 1 : i64}
// CHECK-NEXT: halide.vectorize @bo "d3_i" 8 {stage = 1 : i64}
// CHECK-NEXT: halide.unroll @bo "d3_i" {stage = 1 : i64}
// CHECK-NEXT: halide.unroll @bo "d1" {stage = 1 : i64}
// CHECK-NEXT: }

// AVX512-LABEL: halide.kernel @pointwise attributes
// AVX512: halide.vectorize @out "d1" 16
// AVX512-LABEL: halide.kernel @row_sums attributes
// AVX512: halide.vectorize @out "d1" 16
// AVX512: halide.vectorize @sum_part "d1" 16
// AVX512: halide.vectorize @sum_part "d1" 16 {stage = 1 : i64}
// AVX512-LABEL: halide.kernel @matmul attributes
// AVX512: halide.split @out "d1" -> "d1_o", "d1_i" by 48
// AVX512: halide.vectorize @out "d1_i" 16
// AVX512: halide.vectorize @acc "d1" 16
// AVX512: halide.vectorize @acc "d1" 16 {stage = 1 : i64}
// AVX512-LABEL: halide.kernel @matmul_trans_b attributes
// AVX512: halide.vectorize @acc "d1" 16
// AVX512: halide.vectorize @acc "d1" 16 {stage = 1 : i64}
// AVX512: halide.vectorize @out "d1" 16
// AVX512-LABEL: halide.kernel @matmul_packed attributes
// AVX512: halide.split @out "d1" -> "d1_o", "d1_i" by 16
// AVX512: halide.vectorize @out "d1_i" 16
// AVX512: halide.vectorize @acc "d2" 16
// AVX512: halide.vectorize @acc "d2" 16 {stage = 1 : i64}

// Attention vectors are the lanes its lowering padded the keys to, whatever the target.
// AVX512-LABEL: halide.kernel @attention attributes
// AVX512: halide.vectorize @out "d2" 8

module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-f16c-fma-sse41">} {
  halide.kernel @pointwise attributes {recipe = #halide.recipe<pointwise>} {
      halide.func @out ["d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.output @out [64, 2]
  }
  halide.kernel @root_update attributes {recipe = #halide.recipe<root_update>} {
      halide.func @red ["d0"] : f32 attributes {root = tensor<4xf32>} {
      ^bb0(%a0: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.update @red rdom [0, 32] combine add {
      ^bb0(%a0: i32, %r0: i32):
        %z = arith.constant 1.0 : f32
        halide.return %z : f32
      }
      halide.func @out ["d0"] : f32 {
      ^bb0(%a0: i32):
        %v = halide.call @red(%a0) : (i32) -> f32
        halide.return %v : f32
      }
      halide.output @out [4]
  }
  halide.kernel @row_sums attributes {recipe = #halide.recipe<row_sums>} {
      halide.func @sum ["d0"] : f32 attributes {root = tensor<4xf32>} {
      ^bb0(%a0: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.update @sum rdom [0, 8] combine add {
      ^bb0(%a0: i32, %r0: i32):
        %z = arith.constant 1.0 : f32
        halide.return %z : f32
      }
      halide.func @sum_part ["d1", "d0"] : f32 attributes {root = tensor<4x8xf32>} {
      ^bb0(%a0: i32, %a1: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.update @sum_part rdom [0, 8] combine add {
      ^bb0(%a0: i32, %a1: i32, %r0: i32):
        %z = arith.constant 1.0 : f32
        halide.return %z : f32
      }
      halide.func @out ["d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.output @out [64, 4]
  }
  halide.kernel @matmul attributes {recipe = #halide.recipe<matmul>} {
      halide.func @acc ["d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.update @acc rdom [0, 16] combine add {
      ^bb0(%a0: i32, %a1: i32, %r0: i32):
        %z = arith.constant 1.0 : f32
        halide.return %z : f32
      }
      halide.func @out ["d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32):
        %v = halide.call @acc(%a0, %a1) : (i32, i32) -> f32
        halide.return %v : f32
      }
      halide.output @out [64, 32]
  }
  halide.kernel @matmul_trans_b attributes {recipe = #halide.recipe<matmul>, trans_b} {
      halide.func @acc ["d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.update @acc rdom [0, 16] combine add {
      ^bb0(%a0: i32, %a1: i32, %r0: i32):
        %z = arith.constant 1.0 : f32
        halide.return %z : f32
      }
      halide.func @out ["d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32):
        %v = halide.call @acc(%a0, %a1) : (i32, i32) -> f32
        halide.return %v : f32
      }
      halide.output @out [64, 32]
  }
  halide.kernel @matmul_packed attributes {recipe = #halide.recipe<matmul_packed>, b_panel = 16 : i64} {
      halide.func @acc ["d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.update @acc rdom [0, 64] combine add {
      ^bb0(%a0: i32, %a1: i32, %a2: i32, %r0: i32):
        %z = arith.constant 1.0 : f32
        halide.return %z : f32
      }
      halide.func @out ["d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.output @out [64, 32]
  }
  halide.kernel @conv attributes {recipe = #halide.recipe<conv>} {
      halide.func @acc ["d3", "d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32, %a3: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.update @acc rdom [0, 3, 0, 3, 0, 3] combine add {
      ^bb0(%a0: i32, %a1: i32, %a2: i32, %a3: i32, %r0: i32, %r1: i32, %r2: i32):
        %z = arith.constant 1.0 : f32
        halide.return %z : f32
      }
      halide.func @out ["d3", "d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32, %a3: i32):
        %v = halide.call @acc(%a0, %a1, %a2, %a3) : (i32, i32, i32, i32) -> f32
        halide.return %v : f32
      }
      halide.output @out [6, 6, 8, 1]
  }
  halide.kernel @attention attributes {recipe = #halide.recipe<attention>, head_dim = 8 : i64, value_dim = 8 : i64, lanes = 8 : i64, padded_keys = 16 : i64} {
      halide.func @kt ["d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @s ["d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @sc ["d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @mx ["d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @mx_part ["d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @ex ["d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @sum ["d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @sum_part ["d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @rsum ["d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @vt ["d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @o ["d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @out ["d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.output @out [8, 6, 2]
  }
  halide.kernel @attention_merged attributes {recipe = #halide.recipe<attention>, head_dim = 8 : i64, value_dim = 8 : i64, lanes = 8 : i64} {
      halide.param @s0
      halide.func @kt ["d3", "d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32, %a3: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @s ["d3", "d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32, %a3: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @sc ["d3", "d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32, %a3: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @mx ["d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @ex ["d3", "d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32, %a3: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @sum ["d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @p ["d3", "d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32, %a3: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @o ["d3", "d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32, %a3: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @fin ["d3", "d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32, %a3: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @out ["d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.output @out affine_map<()[s0] -> (16, s0, 2)>
  }
  halide.kernel @attention_blocked attributes {recipe = #halide.recipe<attention_blocked>, head_dim = 8 : i64, value_dim = 16 : i64, lanes = 8 : i64, padded_keys = 768 : i64, key_block = 256 : i64} {
      halide.func @kt ["d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @s ["d3", "d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32, %a3: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @sc ["d3", "d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32, %a3: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @bmx ["d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @bmx_part ["d3", "d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32, %a3: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @bref ["d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @ex ["d3", "d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32, %a3: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @bsum ["d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @bsum_part ["d3", "d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32, %a3: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @bo ["d3", "d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32, %a3: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @st ["d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.func @out ["d2", "d1", "d0"] : f32 {
      ^bb0(%a0: i32, %a1: i32, %a2: i32):
        %z = arith.constant 0.0 : f32
        halide.return %z : f32
      }
      halide.output @out [16, 32, 2]
  }
}
