// RUN: kiln-opt %s -convert-kernel-to-halide -kiln-schedule-cpu -kiln-schedule-cuda | FileCheck %s
// RUN: kiln-opt %s -convert-kernel-to-halide -kiln-schedule-cpu=min-parallel=4 | FileCheck %s --check-prefix=PAR

// Symbolic dims lower to kernels whose extents are maps over halide.param
// @s<k> (design step 5): the kernel takes the symbol as an int32 argument.

// CHECK-LABEL: halide.kernel @k0_addf_f32
// CHECK: halide.param @s0
// CHECK: halide.input @in0 : f32 affine_map<()[s0] -> (4, s0)>
// CHECK: halide.input @in1 : f32 [4]
// CHECK: halide.output @out affine_map<()[s0] -> (4, s0)>
// A symbolic dim counts as 1 in the work a parallel loop needs (min-parallel,
// 2^18 elements by default), as batch 1 or a decode step's one row would:
// [s0, 4] stays on one thread, as a pinned [1, 4] does; with min-parallel=4
// its static work suffices and the symbolic dim is the parallel loop.
// CHECK: halide.schedule cpu {
// CHECK-NEXT: }
// PAR-LABEL: halide.kernel @k0_addf_f32
// PAR: halide.schedule cpu {
// PAR-NEXT: halide.parallel @out "d0"
func.func @add(%a: tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>, %b: tensor<4xf32>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>> {
  %0 = kernel.elementwise ins(%a, %b : tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>, tensor<4xf32>)
         maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>] -> tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>> {
  ^bb0(%x: f32, %y: f32):
    %s = arith.addf %x, %y : f32
    kernel.yield %s : f32
  }
  return %0 : tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>
}

// HF's padding-mask index: d1 + d0 * seq, the symbol read in the body.
// CHECK-LABEL: halide.kernel @k1_index_expr_i64
// CHECK: halide.param @s0
// CHECK-NEXT: halide.param @s1
// CHECK: halide.func @out ["d1", "d0"] : i64
// CHECK: %[[S:.*]] = halide.sym @s1 : i32
// CHECK: arith.muli %{{.*}}, %[[S]] : i32
// CHECK: arith.extsi %{{.*}} : i32 to i64
// CHECK: halide.output @out affine_map<()[s0, s1] -> (s1, s0)>
func.func @mask_index() -> tensor<?x?xi64, affine_map<()[s0, s1] -> (s0, s1)>> {
  %0 = kernel.elementwise maps [] -> tensor<?x?xi64, affine_map<()[s0, s1] -> (s0, s1)>> {
    %i = kernel.index_expr {map = affine_map<(d0, d1)[s0, s1] -> (d1 + d0 * s1)>} : i64
    kernel.yield %i : i64
  }
  return %0 : tensor<?x?xi64, affine_map<()[s0, s1] -> (s0, s1)>>
}

// A gather into a symbolic dim clamps the index to that dim.
// CHECK-LABEL: halide.kernel @k2_gather_i1
// CHECK: halide.input @in0 : i1 affine_map<()[s0, s1] -> (1, s0 * s1)>
// CHECK: %[[N:.*]] = arith.muli
// CHECK: arith.subi %[[N]]
// CHECK: arith.minsi
func.func @gather_flat(%m: tensor<?x1xi1, affine_map<()[s0, s1] -> (s0 * s1, 1)>>, %i: tensor<?x?xi64, affine_map<()[s0, s1] -> (s0, s1)>>) -> tensor<?x?x1xi1, affine_map<()[s0, s1] -> (s0, s1, 1)>> {
  %0 = kernel.gather %m, %i {axis = 0 : i64} : (tensor<?x1xi1, affine_map<()[s0, s1] -> (s0 * s1, 1)>>, tensor<?x?xi64, affine_map<()[s0, s1] -> (s0, s1)>>) -> tensor<?x?x1xi1, affine_map<()[s0, s1] -> (s0, s1, 1)>>
  return %0 : tensor<?x?x1xi1, affine_map<()[s0, s1] -> (s0, s1, 1)>>
}

// Layer norm over a static hidden dim of symbolic rows.
// CHECK-LABEL: halide.kernel @k3_layer_norm_f32
// CHECK: halide.input @in0 : f32 affine_map<()[s0] -> (32, s0)>
// CHECK: halide.output @out affine_map<()[s0] -> (32, s0)>
func.func @norm(%x: tensor<?x32xf32, affine_map<()[s0] -> (s0, 32)>>, %s: tensor<32xf32>) -> tensor<?x32xf32, affine_map<()[s0] -> (s0, 32)>> {
  %0 = kernel.layer_norm %x, %s {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<?x32xf32, affine_map<()[s0] -> (s0, 32)>>, tensor<32xf32>) -> tensor<?x32xf32, affine_map<()[s0] -> (s0, 32)>>
  return %0 : tensor<?x32xf32, affine_map<()[s0] -> (s0, 32)>>
}

// Concat along a symbolic axis: the second input starts at s0. The first may
// be empty (s0 = 0): its read runs, and counts for Halide's bounds check, only
// under s0 > 0.
// CHECK-LABEL: halide.kernel @k4_concat_f32
// CHECK: %[[S:.*]] = halide.sym @s0 : i32
// CHECK: %[[A:.*]] = halide.call @in0
// CHECK: %[[SN:.*]] = halide.sym @s0 : i32
// CHECK: %[[NE:.*]] = arith.cmpi sgt, %[[SN]], %{{.*}} : i32
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[GA:.*]] = halide.if_then_else %[[NE]], %[[A]], %[[ZERO]] : f32
// CHECK: %[[S2:.*]] = halide.sym @s0 : i32
// CHECK: %[[OFF:.*]] = arith.addi %{{.*}}, %[[S2]] : i32
// CHECK-NOT: halide.if_then_else
// CHECK: %[[HERE:.*]] = arith.cmpi sge, %{{.*}}, %[[OFF]] : i32
// CHECK: arith.select %[[HERE]], %{{.*}}, %[[GA]] : f32
// CHECK: halide.output @out affine_map<()[s0] -> (4, s0 + 2)>
func.func @concat(%a: tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>, %b: tensor<2x4xf32>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0 + 2, 4)>> {
  %0 = kernel.concat %a, %b {axis = 0 : i64} : (tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>, tensor<2x4xf32>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0 + 2, 4)>>
  return %0 : tensor<?x4xf32, affine_map<()[s0] -> (s0 + 2, 4)>>
}
