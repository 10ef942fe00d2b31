// RUN: kiln-opt %s -convert-graph-to-kernel | FileCheck %s

// TopK's indices come from kernel.topk, its values from a gather of them.
// CHECK-LABEL: func.func @topk
// CHECK: %[[I:.*]] = kernel.topk %arg0 {axis = 1 : i64, largest = true} : (tensor<3x8xf32>) -> tensor<3x2xi64>
// CHECK: %[[V:.*]] = kernel.gather_elements %arg0, %[[I]] {axis = 1 : i64} : (tensor<3x8xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
// CHECK: return %[[V]], %[[I]]
func.func @topk(%x: tensor<3x8xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>) {
  %v, %i = graph.topk %x {axis = 1 : i64} : (tensor<3x8xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  return %v, %i : tensor<3x2xf32>, tensor<3x2xi64>
}

// CHECK-LABEL: func.func @one_to_one
// CHECK: kernel.arg_reduce %arg0 {axis = 1 : i64, keepdims = false, kind = #kernel.arg_reduce_kind<min>, select_last_index = true}
// CHECK: kernel.scan %arg0 {axis = 1 : i64, exclusive = true, kind = #kernel.scan_kind<add>, reverse = false}
// CHECK: kernel.log_softmax %arg0 {axis = 1 : i64}
// CHECK: kernel.rms_norm %arg0, %arg1 {axis = 1 : i64, epsilon = 9.99999997E-7 : f32}
// CHECK: kernel.pad %arg0, %arg2 {mode = #kernel.pad_mode<constant>, pads = [0, 1, 0, 1]} : (tensor<3x8xf32>, tensor<f32>) -> tensor<3x10xf32>
// CHECK: kernel.trilu %arg0, %arg5 {upper = true}
// CHECK: kernel.scatter_nd %arg0, %arg3, %arg4 {reduction = #kernel.scatter_reduction<add>}
// CHECK: kernel.reduce %arg0 {axes = [0], keepdims = false, kind = #kernel.reduce_kind<sum_square>}
func.func @one_to_one(%x: tensor<3x8xf32>, %g: tensor<8xf32>, %z: tensor<f32>, %idx: tensor<2x1xi64>,
                      %u: tensor<2x8xf32>, %k: tensor<i64>) -> (tensor<3xi64>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>,
                                              tensor<3x10xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<8xf32>) {
  %0 = graph.arg_reduce %x {kind = #graph.arg_reduce_kind<min>, axis = 1 : i64, keepdims = false, select_last_index = true} : (tensor<3x8xf32>) -> tensor<3xi64>
  %1 = graph.cumsum %x {axis = 1 : i64, exclusive = true} : (tensor<3x8xf32>) -> tensor<3x8xf32>
  %2 = graph.log_softmax %x {axis = 1 : i64} : (tensor<3x8xf32>) -> tensor<3x8xf32>
  %3 = graph.rms_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-6 : f32} : (tensor<3x8xf32>, tensor<8xf32>) -> tensor<3x8xf32>
  %4 = graph.pad %x, %z {mode = #graph.pad_mode<constant>, pads = [0, 1, 0, 1]} : (tensor<3x8xf32>, tensor<f32>) -> tensor<3x10xf32>
  %5 = graph.trilu %x, %k {upper = true} : (tensor<3x8xf32>, tensor<i64>) -> tensor<3x8xf32>
  %6 = graph.scatter_nd %x, %idx, %u {reduction = #graph.scatter_reduction<add>} : (tensor<3x8xf32>, tensor<2x1xi64>, tensor<2x8xf32>) -> tensor<3x8xf32>
  %7 = graph.reduce %x {kind = #graph.reduce_kind<sum_square>, axes = [0], keepdims = false} : (tensor<3x8xf32>) -> tensor<8xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<3xi64>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x10xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<8xf32>
}
