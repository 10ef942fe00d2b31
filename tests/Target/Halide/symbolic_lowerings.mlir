// Kernel-level ops over symbolic dims, lowered by convert-kernel-to-halide,
// compiled once (kiln-translate --halide-to-objects) and run at many sizes from C by the ctest
// unit.lowerings_symbolic (symbolic_lowerings_test.c). The lowered text is
// checked here.
// RUN: kiln-opt %s -convert-kernel-to-halide | FileCheck %s

// CHECK-LABEL: halide.kernel @k0_index_expr_i64
// CHECK-LABEL: halide.kernel @k1_gather_i1
// CHECK-LABEL: halide.kernel @k2_layer_norm_f32
// CHECK-LABEL: halide.kernel @k3_concat_f32
// A softmax and a mean over a symbolic axis: the rdom's extent is s1.
// CHECK-LABEL: halide.kernel @k4_softmax_f32
// CHECK: halide.update @row_max rdom affine_map<()[s0, s1] -> (0, s1)> combine max
// CHECK-LABEL: halide.kernel @k5_reduce_f32
// CHECK: halide.update @red rdom affine_map<()[s0, s1] -> (0, s1)> combine add
// CHECK: arith.sitofp
// A sum over s1, also at s1 = 0 (the ONNX identity, 0).
// CHECK-LABEL: halide.kernel @k6_reduce_f32
// CHECK: halide.update @red rdom affine_map<()[s0, s1] -> (0, s1)> combine add
func.func @main(%m: tensor<?x1xi1, affine_map<()[s0, s1] -> (s0 * s1, 1)>>,
                %x: tensor<?x32xf32, affine_map<()[s0, s1] -> (s1, 32)>>, %scale: tensor<32xf32>, %bias: tensor<32xf32>,
                %a: tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>>, %b: tensor<2x4xf32>,
                %t: tensor<2x?xf32, affine_map<()[s0, s1] -> (2, s1)>>, %u: tensor<?x3xf32, affine_map<()[s0, s1] -> (s1, 3)>>)
    -> (tensor<?x?xi64, affine_map<()[s0, s1] -> (s0, s1)>>, tensor<?x?x1xi1, affine_map<()[s0, s1] -> (s0, s1, 1)>>,
        tensor<?x32xf32, affine_map<()[s0, s1] -> (s1, 32)>>, tensor<?x4xf32, affine_map<()[s0, s1] -> (s0 + 2, 4)>>,
        tensor<2x?xf32, affine_map<()[s0, s1] -> (2, s1)>>, tensor<3xf32>, tensor<3xf32>) {
  // idx(b, k) = k + b * seq: HF's flattened padding-mask index.
  %idx = kernel.elementwise maps [] -> tensor<?x?xi64, affine_map<()[s0, s1] -> (s0, s1)>> {
    %i = kernel.index_expr {map = affine_map<(d0, d1)[s0, s1] -> (d1 + d0 * s1)>} : i64
    kernel.yield %i : i64
  }
  %g = kernel.gather %m, %idx {axis = 0 : i64} : (tensor<?x1xi1, affine_map<()[s0, s1] -> (s0 * s1, 1)>>, tensor<?x?xi64, affine_map<()[s0, s1] -> (s0, s1)>>) -> tensor<?x?x1xi1, affine_map<()[s0, s1] -> (s0, s1, 1)>>
  %n = kernel.layer_norm %x, %scale, %bias {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<?x32xf32, affine_map<()[s0, s1] -> (s1, 32)>>, tensor<32xf32>, tensor<32xf32>) -> tensor<?x32xf32, affine_map<()[s0, s1] -> (s1, 32)>>
  %c = kernel.concat %a, %b {axis = 0 : i64} : (tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>>, tensor<2x4xf32>) -> tensor<?x4xf32, affine_map<()[s0, s1] -> (s0 + 2, 4)>>
  %sm = kernel.softmax %t {axis = 1 : i64} : (tensor<2x?xf32, affine_map<()[s0, s1] -> (2, s1)>>) -> tensor<2x?xf32, affine_map<()[s0, s1] -> (2, s1)>>
  %mean = kernel.reduce %u {axes = [0], keepdims = false, kind = #kernel.reduce_kind<mean>} : (tensor<?x3xf32, affine_map<()[s0, s1] -> (s1, 3)>>) -> tensor<3xf32>
  %sum = kernel.reduce %u {axes = [0], keepdims = false, kind = #kernel.reduce_kind<sum>} : (tensor<?x3xf32, affine_map<()[s0, s1] -> (s1, 3)>>) -> tensor<3xf32>
  return %idx, %g, %n, %c, %sm, %mean, %sum : tensor<?x?xi64, affine_map<()[s0, s1] -> (s0, s1)>>, tensor<?x?x1xi1, affine_map<()[s0, s1] -> (s0, s1, 1)>>,
         tensor<?x32xf32, affine_map<()[s0, s1] -> (s1, 32)>>, tensor<?x4xf32, affine_map<()[s0, s1] -> (s0 + 2, 4)>>,
         tensor<2x?xf32, affine_map<()[s0, s1] -> (2, s1)>>, tensor<3xf32>, tensor<3xf32>
}
