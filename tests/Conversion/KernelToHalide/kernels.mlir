// RUN: kiln-opt %s -convert-kernel-to-halide -kiln-schedule-cpu=min-parallel=0 -kiln-schedule-cuda | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: halide.launch @k0_addf_f32
// CHECK: halide.launch @k1_copy_f32
// CHECK: halide.launch @k2_matmul_f32
// CHECK: halide.launch @k3_softmax_f32

// CHECK-LABEL: halide.kernel @k0_addf_f32
// CHECK: halide.input @in0 : f32 [16, 2]
// CHECK: halide.input @in1 : f32 [16]
// CHECK: halide.func @out ["d1", "d0"] : f32
// CHECK: halide.call @in1(%{{.*}}) : (i32) -> f32
// CHECK: halide.output @out [16, 2]
// CHECK: halide.schedule cpu
// CHECK-NEXT: halide.vectorize @out "d1" 8
// CHECK-NEXT: halide.parallel @out "d0"
// CHECK: halide.schedule cuda
// CHECK-NEXT: halide.gpu_tile @out ["d1", "d0"] [16, 2]

// CHECK-LABEL: halide.kernel @k2_matmul_f32
// CHECK: halide.update @acc rdom [0, 4] combine add
// CHECK: halide.schedule cpu
// CHECK: halide.compute_at @acc, @out "d1_o"
// CHECK: halide.reorder @acc ["d1", "d0", "r0"] {stage = 1 : i64}

// CHECK-LABEL: halide.kernel @k3_softmax_f32
// CHECK: halide.update @row_max rdom [0, 24] combine max
// CHECK: halide.update @row_sum rdom [0, 24] combine add
// CHECK: math.exp

func.func @main(%a: tensor<2x16xf32>, %b: tensor<16xf32>, %w: tensor<4x24xf32>) -> tensor<8x24xf32> {
  %0 = kernel.elementwise ins(%a, %b : tensor<2x16xf32>, tensor<16xf32>)
         maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>] -> tensor<2x16xf32> {
  ^bb0(%x: f32, %y: f32):
    %s = arith.addf %x, %y : f32
    kernel.yield %s : f32
  }
  %r = kernel.elementwise ins(%0 : tensor<2x16xf32>)
         maps [affine_map<(d0, d1) -> (d0 floordiv 4, (d0 mod 4) * 4 + d1)>] -> tensor<8x4xf32> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  %1 = kernel.matmul %r, %w : (tensor<8x4xf32>, tensor<4x24xf32>) -> tensor<8x24xf32>
  %2 = kernel.softmax %1 {axis = 1 : i64} : (tensor<8x24xf32>) -> tensor<8x24xf32>
  return %2 : tensor<8x24xf32>
}
