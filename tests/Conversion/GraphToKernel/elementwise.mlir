// RUN: kiln-opt %s -convert-graph-to-kernel | FileCheck %s

// CHECK-LABEL: func.func @broadcast_add
func.func @broadcast_add(%a: tensor<2x16xf32>, %b: tensor<16xf32>) -> tensor<2x16xf32> {
  // CHECK: kernel.elementwise ins(%{{.*}}, %{{.*}} : tensor<2x16xf32>, tensor<16xf32>) maps [#[[ID:.*]], #[[BC:.*]]] -> tensor<2x16xf32>
  // CHECK: arith.addf
  %0 = graph.add %a, %b : (tensor<2x16xf32>, tensor<16xf32>) -> tensor<2x16xf32>
  return %0 : tensor<2x16xf32>
}

// A splat constant becomes an arith.constant in the body, not a kernel input.
// CHECK-LABEL: func.func @scale_by_splat
func.func @scale_by_splat(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %c = graph.constant dense<1.250000e-01> : tensor<f32> : tensor<f32>
  // CHECK: kernel.elementwise ins(%{{.*}} : tensor<4x8xf32>)
  // CHECK: arith.constant 1.250000e-01 : f32
  // CHECK: arith.mulf
  %0 = graph.mul %a, %c : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// CHECK-LABEL: func.func @gelu_exact
func.func @gelu_exact(%a: tensor<8xf32>) -> tensor<8xf32> {
  // CHECK: math.erf
  // CHECK: kernel.yield
  %0 = graph.gelu %a : (tensor<8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// CHECK-LABEL: func.func @mask
func.func @mask(%m: tensor<2x16xi64>, %x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  // CHECK: arith.cmpi ne
  %b = graph.cast %m : (tensor<2x16xi64>) -> tensor<2x16xi1>
  // CHECK: arith.cmpf uno
  %n = graph.isnan %x : (tensor<2x16xf32>) -> tensor<2x16xi1>
  %z = graph.constant dense<0.0> : tensor<f32> : tensor<f32>
  // CHECK: arith.select
  %r = graph.where %b, %x, %z : (tensor<2x16xi1>, tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32>
  return %r : tensor<2x16xf32>
}
