// RUN: kiln-opt %s -split-input-file -convert-kernel-to-halide -kiln-schedule-cpu -kiln-schedule-cuda -verify-diagnostics | FileCheck %s

// Symbolic rows and batch dims (docs/design-symbolic-shapes.md step 5): the
// extents are maps over the module's symbols and the kernel takes them as
// params; K and N stay numbers, and the row tile is the static one (MR = 4,
// its split guarded by the translation since the extent is not constant).

// Packed weight (distilbert's QKV projection) with a bias and a symbolic
// residual epilogue: A is [batch, seq, 128] = [s0, s1, 128].
// CHECK-LABEL: func.func @packed
// CHECK: halide.launch @k0_matmul_f32
// CHECK-LABEL: halide.kernel @k0_matmul_f32
// CHECK-DAG: halide.param @s0
// CHECK-DAG: halide.param @s1
// CHECK: halide.input @in0 : f32 affine_map<()[s0, s1] -> (128, s1, s0)>
// CHECK: halide.input @in1 : f32 [48, 128, 8]
// CHECK: halide.input @in2 : f32 [384]
// CHECK: halide.input @in3 : f32 affine_map<()[s0, s1] -> (384, s1, s0)>
// CHECK: halide.update @acc rdom [0, 128] combine add
// CHECK: halide.output @out affine_map<()[s0, s1] -> (384, s1, s0)>
// CHECK: halide.schedule cpu
// CHECK: halide.split @out "d2" -> "d2_o", "d2_i" by 48
// CHECK: halide.split @out "d1" -> "d1_o", "d1_i" by 4
// CHECK: halide.parallel @out "d2_o"
func.func @packed(%a: tensor<?x?x128xf32, affine_map<()[s0, s1] -> (s0, s1, 128)>>,
                  %r: tensor<?x?x384xf32, affine_map<()[s0, s1] -> (s0, s1, 384)>>)
    -> tensor<?x?x384xf32, affine_map<()[s0, s1] -> (s0, s1, 384)>> {
  %w = graph.constant dense<1.0> : tensor<8x128x48xf32> : tensor<8x128x48xf32>
  %bias = graph.constant dense<0.5> : tensor<384xf32> : tensor<384xf32>
  %0 = kernel.matmul %a, %w, %bias epilogue(%r) {b_panel = 48 : i64, epilogue_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>]}
       : (tensor<?x?x128xf32, affine_map<()[s0, s1] -> (s0, s1, 128)>>, tensor<8x128x48xf32>, tensor<384xf32>,
          tensor<?x?x384xf32, affine_map<()[s0, s1] -> (s0, s1, 384)>>) -> tensor<?x?x384xf32, affine_map<()[s0, s1] -> (s0, s1, 384)>> {
  ^bb0(%acc: f32, %y: f32):
    %s = arith.addf %acc, %y : f32
    kernel.yield %s : f32
  }
  return %0 : tensor<?x?x384xf32, affine_map<()[s0, s1] -> (s0, s1, 384)>>
}

// -----

// Plain weight, rows = batch * seq flattened: the register tile, not the
// per-row fallback (a `?` is not read as a small number).
// CHECK-LABEL: halide.kernel @k0_matmul_f32
// CHECK-DAG: halide.param @s0
// CHECK-DAG: halide.param @s1
// CHECK: halide.input @in0 : f32 affine_map<()[s0, s1] -> (64, s0 * s1)>
// CHECK: halide.input @in1 : f32 [32, 64]
// CHECK: halide.output @out affine_map<()[s0, s1] -> (32, s0 * s1)>
// CHECK: halide.split @out "d1" -> "d1_o", "d1_i" by 24
// CHECK: halide.split @out "d0" -> "d0_o", "d0_i" by 4
// CHECK: halide.parallel @out "d0_o"
// CHECK: halide.compute_at @acc, @out "d1_o"
func.func @plain(%a: tensor<?x64xf32, affine_map<()[s0, s1] -> (s0 * s1, 64)>>, %w: tensor<64x32xf32>)
    -> tensor<?x32xf32, affine_map<()[s0, s1] -> (s0 * s1, 32)>> {
  %0 = kernel.matmul %a, %w : (tensor<?x64xf32, affine_map<()[s0, s1] -> (s0 * s1, 64)>>, tensor<64x32xf32>)
       -> tensor<?x32xf32, affine_map<()[s0, s1] -> (s0 * s1, 32)>>
  return %0 : tensor<?x32xf32, affine_map<()[s0, s1] -> (s0 * s1, 32)>>
}

// -----

// Scores Q K^T over a symbolic key count: N is symbolic, refused by name.
func.func @symbolic_n(%q: tensor<?x64xf32, affine_map<()[s0] -> (s0, 64)>>, %k: tensor<?x64xf32, affine_map<()[s0] -> (s0, 64)>>)
    -> tensor<?x?xf32, affine_map<()[s0] -> (s0, s0)>> {
  // expected-error @+1 {{'kernel.matmul' op symbolic K or N is not supported by convert-kernel-to-halide}}
  %0 = kernel.matmul %q, %k {trans_b = true} : (tensor<?x64xf32, affine_map<()[s0] -> (s0, 64)>>, tensor<?x64xf32, affine_map<()[s0] -> (s0, 64)>>)
       -> tensor<?x?xf32, affine_map<()[s0] -> (s0, s0)>>
  return %0 : tensor<?x?xf32, affine_map<()[s0] -> (s0, s0)>>
}
