// RUN: kiln-opt %s -kiln-schedule-cuda | FileCheck %s

// One unscheduled kernel per recipe; kiln-schedule-cuda writes its cuda
// region: stages other than the output at root, one thread per point.

// CHECK-LABEL: halide.kernel @pointwise attributes
// CHECK: halide.schedule cuda
// CHECK-NEXT: halide.gpu_tile @out ["d1", "d0"] [32, 2]
// CHECK-NEXT: }
// CHECK-LABEL: halide.kernel @root_update attributes
// CHECK: halide.schedule cuda
// CHECK-NEXT: halide.compute_root @red
// CHECK-NEXT: halide.gpu_tile @red ["d0"] [4]
// CHECK-NEXT: halide.gpu_tile @red ["d0"] [4] {stage = 1 : i64}
// CHECK-NEXT: halide.gpu_tile @out ["d0"] [4]
// CHECK-NEXT: }
// CHECK-LABEL: halide.kernel @row_sums attributes
// CHECK: halide.schedule cuda
// CHECK-NEXT: halide.gpu_tile @out ["d1", "d0"] [32, 4]
// CHECK-NEXT: halide.compute_root @sum_part
// CHECK-NEXT: halide.gpu_tile @sum_part ["d1", "d0"] [8, 4]
// CHECK-NEXT: halide.gpu_tile @sum_part ["d1", "d0"] [8, 4] {stage = 1 : i64}
// CHECK-NEXT: halide.compute_root @sum
// CHECK-NEXT: halide.gpu_tile @sum ["d0"] [4]
// CHECK-NEXT: halide.gpu_tile @sum ["d0"] [4] {stage = 1 : i64}
// CHECK-NEXT: }
// CHECK-LABEL: halide.kernel @matmul attributes
// CHECK: halide.schedule cuda
// CHECK-NEXT: halide.compute_root @acc
// CHECK-NEXT: halide.gpu_tile @acc ["d1", "d0"] [32, 8]
// CHECK-NEXT: halide.gpu_tile @acc ["d1", "d0"] [32, 8] {stage = 1 : i64}
// CHECK-NEXT: halide.gpu_tile @out ["d1", "d0"] [32, 8]
// CHECK-NEXT: }
// CHECK-LABEL: halide.kernel @matmul_trans_b attributes
// CHECK: halide.schedule cuda
// CHECK-NEXT: halide.compute_root @acc
// CHECK-NEXT: halide.gpu_tile @acc ["d1", "d0"] [32, 8]
// CHECK-NEXT: halide.gpu_tile @acc ["d1", "d0"] [32, 8] {stage = 1 : i64}
// CHECK-NEXT: halide.gpu_tile @out ["d1", "d0"] [32, 8]
// CHECK-NEXT: }
// CHECK-LABEL: halide.kernel @matmul_packed attributes
// CHECK: halide.schedule cuda
// CHECK-NEXT: halide.compute_root @acc
// CHECK-NEXT: halide.gpu_tile @acc ["d2", "d1"] [16, 8]
// CHECK-NEXT: halide.gpu_tile @acc ["d2", "d1"] [16, 8] {stage = 1 : i64}
// CHECK-NEXT: halide.gpu_tile @out ["d1", "d0"] [32, 8]
// CHECK-NEXT: }
// CHECK-LABEL: halide.kernel @conv attributes
// CHECK: halide.schedule cuda
// CHECK-NEXT: halide.compute_root @acc
// CHECK-NEXT: halide.gpu_tile @acc ["d3", "d2"] [6, 6]
// CHECK-NEXT: halide.gpu_tile @acc ["d3", "d2"] [6, 6] {stage = 1 : i64}
// CHECK-NEXT: halide.gpu_tile @out ["d3", "d2"] [6, 6]
// CHECK-NEXT: }

// Attention: every stage at root over its canonical extents (symbolic ones
// tiled as if large), one thread per point.
// CHECK-LABEL: halide.kernel @attention attributes
// CHECK: halide.schedule cuda
// CHECK-NEXT: halide.compute_root @kt
// CHECK-NEXT: halide.gpu_tile @kt ["d2", "d1"] [16, 8]
// CHECK-NEXT: halide.compute_root @s
// CHECK-NEXT: halide.gpu_tile @s ["d2", "d1"] [16, 6]
// CHECK-NEXT: halide.gpu_tile @s ["d2", "d1"] [16, 6] {stage = 1 : i64}
// CHECK-NEXT: halide.compute_root @sc
// CHECK-NEXT: halide.gpu_tile @sc ["d2", "d1"] [16, 6]
// CHECK-NEXT: halide.compute_root @mx_part
// CHECK-NEXT: halide.gpu_tile @mx_part ["d2", "d1"] [8, 6]
// CHECK-NEXT: halide.gpu_tile @mx_part ["d2", "d1"] [8, 6] {stage = 1 : i64}
// CHECK-NEXT: halide.compute_root @mx
// CHECK-NEXT: halide.gpu_tile @mx ["d1", "d0"] [6, 2]
// CHECK-NEXT: halide.gpu_tile @mx ["d1", "d0"] [6, 2] {stage = 1 : i64}
// CHECK-NEXT: halide.compute_root @sum_part
// CHECK-NEXT: halide.gpu_tile @sum_part ["d2", "d1"] [8, 6]
// CHECK-NEXT: halide.gpu_tile @sum_part ["d2", "d1"] [8, 6] {stage = 1 : i64}
// CHECK-NEXT: halide.compute_root @sum
// CHECK-NEXT: halide.gpu_tile @sum ["d1", "d0"] [6, 2]
// CHECK-NEXT: halide.gpu_tile @sum ["d1", "d0"] [6, 2] {stage = 1 : i64}
// CHECK-NEXT: halide.compute_root @ex
// CHECK-NEXT: halide.gpu_tile @ex ["d2", "d1"] [16, 6]
// CHECK-NEXT: halide.compute_root @o
// CHECK-NEXT: halide.gpu_tile @o ["d2", "d1"] [8, 6]
// CHECK-NEXT: halide.gpu_tile @o ["d2", "d1"] [8, 6] {stage = 1 : i64}
// CHECK-NEXT: halide.gpu_tile @out ["d2", "d1"] [8, 6]
// CHECK-NEXT: }
// CHECK-LABEL: halide.kernel @attention_merged attributes
// CHECK: halide.schedule cuda
// CHECK-NEXT: halide.compute_root @kt
// CHECK-NEXT: halide.gpu_tile @kt ["d3", "d2"] [32, 8]
// CHECK-NEXT: halide.compute_root @s
// CHECK-NEXT: halide.gpu_tile @s ["d3", "d2"] [32, 8]
// CHECK-NEXT: halide.gpu_tile @s ["d3", "d2"] [32, 8] {stage = 1 : i64}
// CHECK-NEXT: halide.compute_root @sc
// CHECK-NEXT: halide.gpu_tile @sc ["d3", "d2"] [32, 8]
// CHECK-NEXT: halide.compute_root @mx
// CHECK-NEXT: halide.gpu_tile @mx ["d2", "d1"] [32, 2]
// CHECK-NEXT: halide.gpu_tile @mx ["d2", "d1"] [32, 2] {stage = 1 : i64}
// CHECK-NEXT: halide.compute_root @sum
// CHECK-NEXT: halide.gpu_tile @sum ["d2", "d1"] [32, 2]
// CHECK-NEXT: halide.gpu_tile @sum ["d2", "d1"] [32, 2] {stage = 1 : i64}
// CHECK-NEXT: halide.compute_root @ex
// CHECK-NEXT: halide.gpu_tile @ex ["d3", "d2"] [32, 8]
// CHECK-NEXT: halide.compute_root @p
// CHECK-NEXT: halide.gpu_tile @p ["d3", "d2"] [32, 8]
// CHECK-NEXT: halide.compute_root @o
// CHECK-NEXT: halide.gpu_tile @o ["d3", "d2"] [8, 8]
// CHECK-NEXT: halide.gpu_tile @o ["d3", "d2"] [8, 8] {stage = 1 : i64}
// CHECK-NEXT: halide.gpu_tile @out ["d2", "d1"] [16, 8]
// CHECK-NEXT: }
// CHECK-LABEL: halide.kernel @attention_blocked attributes
// CHECK: halide.schedule cuda
// CHECK-NEXT: halide.compute_root @kt
// CHECK-NEXT: halide.gpu_tile @kt ["d2", "d1"] [32, 8]
// CHECK-NEXT: halide.compute_root @s
// CHECK-NEXT: halide.gpu_tile @s ["d3", "d2"] [32, 3]
// CHECK-NEXT: halide.gpu_tile @s ["d3", "d2"] [32, 3] {stage = 1 : i64}
// CHECK-NEXT: halide.compute_root @sc
// CHECK-NEXT: halide.gpu_tile @sc ["d3", "d2"] [32, 3]
// CHECK-NEXT: halide.compute_root @bmx_part
// CHECK-NEXT: halide.gpu_tile @bmx_part ["d3", "d2"] [8, 3]
// CHECK-NEXT: halide.gpu_tile @bmx_part ["d3", "d2"] [8, 3] {stage = 1 : i64}
// CHECK-NEXT: halide.compute_root @bmx
// CHECK-NEXT: halide.gpu_tile @bmx ["d2", "d1"] [3, 8]
// CHECK-NEXT: halide.gpu_tile @bmx ["d2", "d1"] [3, 8] {stage = 1 : i64}
// CHECK-NEXT: halide.compute_root @bsum_part
// CHECK-NEXT: halide.gpu_tile @bsum_part ["d3", "d2"] [8, 3]
// CHECK-NEXT: halide.gpu_tile @bsum_part ["d3", "d2"] [8, 3] {stage = 1 : i64}
// CHECK-NEXT: halide.compute_root @bsum
// CHECK-NEXT: halide.gpu_tile @bsum ["d2", "d1"] [3, 8]
// CHECK-NEXT: halide.gpu_tile @bsum ["d2", "d1"] [3, 8] {stage = 1 : i64}
// CHECK-NEXT: halide.compute_root @bref
// CHECK-NEXT: halide.gpu_tile @bref ["d2", "d1"] [3, 8]
// CHECK-NEXT: halide.compute_root @ex
// CHECK-NEXT: halide.gpu_tile @ex ["d3", "d2"] [32, 3]
// CHECK-NEXT: halide.compute_root @bo
// CHECK-NEXT: halide.gpu_tile @bo ["d3", "d2"] [16, 3]
// CHECK-NEXT: halide.gpu_tile @bo ["d3", "d2"] [16, 3] {stage = 1 : i64}
// CHECK-NEXT: halide.compute_root @st
// CHECK-NEXT: halide.gpu_tile @st ["d2", "d1"] [16, 8]
// CHECK-NEXT: halide.gpu_tile @st ["d2", "d1"] [16, 8] {stage = 1 : i64}
// CHECK-NEXT: halide.gpu_tile @out ["d2", "d1"] [16, 8]
// CHECK-NEXT: }

module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-f16c-fma-sse41-cuda-cuda_capability_80">} {
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
