// RUN: kiln-opt %s -split-input-file -convert-kernel-to-halide -kiln-schedule-cpu -kiln-schedule-cuda | FileCheck %s

// Constant pad: the value where the index falls outside, the input (read at a
// clamped index) inside. Unpadded dims read their own index. The clamp's top
// is the last index, 7 (regression: a shadowing helper once clamped to 8,
// past the buffer).
// CHECK-LABEL: halide.kernel @k0_pad_f32
// CHECK: halide.input @in0 : f32 [8, 3]
// CHECK: halide.input @in1 : f32 []
// CHECK: halide.func @out ["d1", "d0"] : f32
// CHECK: ^bb0(%[[D1:.*]]: i32, %[[D0:.*]]: i32):
// CHECK: arith.subi %[[D1]]
// CHECK: %[[Z:.*]] = arith.constant 0 : i32
// CHECK: arith.maxsi %{{.*}}, %[[Z]]
// CHECK-NEXT: %[[C7:.*]] = arith.constant 7 : i32
// CHECK-NEXT: %[[J:.*]] = arith.minsi %{{.*}}, %[[C7]]
// CHECK: %[[X:.*]] = halide.call @in0(%[[J]], %[[D0]])
// CHECK: %[[V:.*]] = halide.call @in1() : () -> f32
// CHECK: arith.select %{{.*}}, %[[X]], %[[V]] : f32
// CHECK: halide.output @out [11, 3]
func.func @pad_constant(%x: tensor<3x8xf32>, %v: tensor<f32>) -> tensor<3x11xf32> {
  %0 = kernel.pad %x, %v {mode = #kernel.pad_mode<constant>, pads = [0, 2, 0, 1]} : (tensor<3x8xf32>, tensor<f32>) -> tensor<3x11xf32>
  return %0 : tensor<3x11xf32>
}

// -----

// Reflect: -i before the start, 2(n-1) - i past the end, then clamped.
// CHECK-LABEL: halide.kernel @k0_pad_f32
// CHECK: %[[C14:.*]] = arith.constant 14 : i32
// CHECK: arith.subi %[[C14]]
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK-NOT: halide.input @in1
func.func @pad_reflect(%x: tensor<3x8xf32>, %v: tensor<f32>) -> tensor<3x11xf32> {
  %0 = kernel.pad %x, %v {mode = #kernel.pad_mode<reflect>, pads = [0, 2, 0, 1]} : (tensor<3x8xf32>, tensor<f32>) -> tensor<3x11xf32>
  return %0 : tensor<3x11xf32>
}

// -----

// CHECK-LABEL: halide.kernel @k0_pad_i64
// CHECK: arith.remsi
// CHECK: arith.remsi
func.func @pad_wrap(%x: tensor<3x8xi64>, %v: tensor<i64>) -> tensor<3x12xi64> {
  %0 = kernel.pad %x, %v {mode = #kernel.pad_mode<wrap>, pads = [0, 1, 0, 3]} : (tensor<3x8xi64>, tensor<i64>) -> tensor<3x12xi64>
  return %0 : tensor<3x12xi64>
}

// -----

// Lower triangle: keep (i, j) when j - i <= k, k read at run time (clamped
// into i32).
// CHECK-LABEL: halide.kernel @k0_trilu_f32
// CHECK: halide.input @in1 : i64 []
// CHECK: ^bb0(%[[J:.*]]: i32, %[[I:.*]]: i32):
// CHECK: halide.call @in1() : () -> i64
// CHECK: %[[K:.*]] = arith.trunci %{{.*}} : i64 to i32
// CHECK: %[[D:.*]] = arith.subi %[[J]], %[[I]] : i32
// CHECK: %[[KEEP:.*]] = arith.cmpi sle, %[[D]], %[[K]] : i32
// CHECK: arith.select %[[KEEP]]
func.func @trilu(%x: tensor<3x8xf32>, %k: tensor<i64>) -> tensor<3x8xf32> {
  %0 = kernel.trilu %x, %k {upper = false} : (tensor<3x8xf32>, tensor<i64>) -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

// A uint8 trilu's zero is an i8 constant seen as ui8.
// CHECK-LABEL: halide.kernel @k0_trilu_ui8
// CHECK: %[[Z:.*]] = arith.constant 0 : i8
// CHECK: builtin.unrealized_conversion_cast %[[Z]] : i8 to ui8
func.func @trilu_ui8(%x: tensor<4x4xui8>, %k: tensor<i64>) -> tensor<4x4xui8> {
  %0 = kernel.trilu %x, %k {upper = true} : (tensor<4x4xui8>, tensor<i64>) -> tensor<4x4xui8>
  return %0 : tensor<4x4xui8>
}

// -----

// ScatterND without reduction: which(prefix) is the last update to it.
// CHECK-LABEL: halide.kernel @k0_scatter_nd_f32
// CHECK: halide.func @which ["d0"] : i32
// CHECK: halide.update @which rdom [0, 2] combine max
// CHECK: halide.call @in1
// CHECK: halide.func @out ["d1", "d0"] : f32
// CHECK: %[[W:.*]] = halide.call @which
// CHECK: %[[HIT:.*]] = arith.cmpi sge, %[[W]]
// CHECK: %[[D:.*]] = halide.call @in0
// CHECK: %[[U:.*]] = halide.call @in2
// CHECK: arith.select %[[HIT]], %[[U]], %[[D]] : f32
// CHECK: halide.compute_root @which
func.func @scatter_none(%d: tensor<3x8xf32>, %i: tensor<2x1xi64>, %u: tensor<2x8xf32>) -> tensor<3x8xf32> {
  %0 = kernel.scatter_nd %d, %i, %u {reduction = #kernel.scatter_reduction<none>} : (tensor<3x8xf32>, tensor<2x1xi64>, tensor<2x8xf32>) -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

// With a reduction, every update is combined into the data (identity elsewhere).
// CHECK-LABEL: halide.kernel @k0_scatter_nd_f32
// CHECK: halide.func @acc ["d1", "d0"] : f32
// CHECK: halide.update @acc rdom [0, 2] combine max
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: halide.output @out [8, 3]
func.func @scatter_max(%d: tensor<3x8xf32>, %i: tensor<2x1xi64>, %u: tensor<2x8xf32>) -> tensor<3x8xf32> {
  %0 = kernel.scatter_nd %d, %i, %u {reduction = #kernel.scatter_reduction<max>} : (tensor<3x8xf32>, tensor<2x1xi64>, tensor<2x8xf32>) -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}
