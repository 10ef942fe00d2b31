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
}
