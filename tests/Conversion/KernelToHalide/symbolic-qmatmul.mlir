// RUN: kiln-opt %s -split-input-file -convert-kernel-to-halide -kiln-schedule-cpu | FileCheck %s

// The quantized matmuls of a --symbolic-dims --quantize build: rows (and
// batch) are symbols, K and N numbers. The kernels take the symbols as params,
// the per-row quantization parameters are read at [batch, row, 0], and the
// row tile is the static one (4 rows, a split the translation guards).

// int8-dynamic's packed qmatmul: A [s0, s1, 8] u8, per-row a_scale/a_zero.
// CHECK-LABEL: halide.kernel @k0_qmatmul_f32
// CHECK-DAG: halide.param @s0
// CHECK-DAG: halide.param @s1
// CHECK: halide.input @in0 : ui8 affine_map<()[s0, s1] -> (8, s1, s0)>
// CHECK: halide.input @in1 : i8 [4, 16, 2, 2]
// CHECK: halide.input @in2 : f32 affine_map<()[s0, s1] -> (1, s1, s0)>
// CHECK: halide.input @in3 : i32 affine_map<()[s0, s1] -> (1, s1, s0)>
// CHECK: halide.update @acc rdom [0, 4, 0, 2] combine add
// CHECK: halide.output @out affine_map<()[s0, s1] -> (32, s1, s0)>
// CHECK: halide.schedule cpu
// CHECK: halide.split @out "d2" -> "d2_o", "d2_i" by 16
// CHECK: halide.split @out "d1" -> "d1_o", "d1_i" by 4
// CHECK: halide.compute_at @acc, @out "d1_o"
// CHECK: halide.vectorize @acc "r0" 4 {stage = 1 : i64}
func.func @qpacked(%a: tensor<?x?x8xui8, affine_map<()[s0, s1] -> (s0, s1, 8)>>,
                   %sa: tensor<?x?x1xf32, affine_map<()[s0, s1] -> (s0, s1, 1)>>,
                   %za: tensor<?x?x1xi32, affine_map<()[s0, s1] -> (s0, s1, 1)>>)
    -> tensor<?x?x32xf32, affine_map<()[s0, s1] -> (s0, s1, 32)>> {
  %w = graph.constant dense<1> : tensor<2x2x16x4xi8> : tensor<2x2x16x4xi8>
  %sb = graph.constant dense<0.5> : tensor<32xf32> : tensor<32xf32>
  %cs = graph.constant dense<8> : tensor<32xi32> : tensor<32xi32>
  %0 = kernel.qmatmul %a, %w scales(%sa, %za, %sb, %cs) {b_panel = 16 : i64}
       : (tensor<?x?x8xui8, affine_map<()[s0, s1] -> (s0, s1, 8)>>, tensor<2x2x16x4xi8>,
          tensor<?x?x1xf32, affine_map<()[s0, s1] -> (s0, s1, 1)>>, tensor<?x?x1xi32, affine_map<()[s0, s1] -> (s0, s1, 1)>>,
          tensor<32xf32>, tensor<32xi32>) -> tensor<?x?x32xf32, affine_map<()[s0, s1] -> (s0, s1, 32)>>
  return %0 : tensor<?x?x32xf32, affine_map<()[s0, s1] -> (s0, s1, 32)>>
}

// -----

// w4's matmul on flattened rows [s0 * s1, 8]: 4-row tiles of 32 columns.
// CHECK-LABEL: halide.kernel @k0_w4matmul_f32
// CHECK-DAG: halide.param @s0
// CHECK-DAG: halide.param @s1
// CHECK: halide.input @in0 : f32 affine_map<()[s0, s1] -> (8, s0 * s1)>
// CHECK: halide.update @acc rdom [0, 4] combine add
// CHECK: halide.output @out affine_map<()[s0, s1] -> (32, s0 * s1)>
// CHECK: halide.split @out "d1" -> "d1_o", "d1_i" by 32
// CHECK: halide.split @out "d0" -> "d0_o", "d0_i" by 4
// CHECK: halide.compute_at @acc, @out "d0_o"
// CHECK: halide.compute_at @blk, @acc "r0"
func.func @w4(%a: tensor<?x8xf32, affine_map<()[s0, s1] -> (s0 * s1, 8)>>)
    -> tensor<?x32xf32, affine_map<()[s0, s1] -> (s0 * s1, 32)>> {
  %w = graph.constant dense<17> : tensor<1x4x32xui8> : tensor<1x4x32xui8>
  %s = graph.constant dense<0.5> : tensor<1x4x32xf16> : tensor<1x4x32xf16>
  %z = graph.constant dense<8> : tensor<1x4x32xui8> : tensor<1x4x32xui8>
  %0 = kernel.w4matmul %a, %w scales(%s, %z) {b_panel = 32 : i64, group_size = 2 : i64}
       : (tensor<?x8xf32, affine_map<()[s0, s1] -> (s0 * s1, 8)>>, tensor<1x4x32xui8>, tensor<1x4x32xf16>, tensor<1x4x32xui8>)
      -> tensor<?x32xf32, affine_map<()[s0, s1] -> (s0 * s1, 32)>>
  return %0 : tensor<?x32xf32, affine_map<()[s0, s1] -> (s0 * s1, 32)>>
}
