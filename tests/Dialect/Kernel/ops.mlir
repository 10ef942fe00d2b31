// RUN: kiln-opt %s | kiln-opt | FileCheck %s

// CHECK-LABEL: func.func @kernels
func.func @kernels(%a: tensor<2x16xf32>, %b: tensor<16xf32>, %w: tensor<16x8xf32>, %t: tensor<100x16xf32>, %i: tensor<2xi64>) -> tensor<2x8xf32> {
  // CHECK: kernel.elementwise ins(%{{.*}}, %{{.*}} : tensor<2x16xf32>, tensor<16xf32>) maps [#{{.*}}, #{{.*}}] -> tensor<2x16xf32> {
  // CHECK: arith.addf
  // CHECK: kernel.yield
  %0 = kernel.elementwise ins(%a, %b : tensor<2x16xf32>, tensor<16xf32>)
         maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>] -> tensor<2x16xf32> {
  ^bb0(%x: f32, %y: f32):
    %s = arith.addf %x, %y : f32
    kernel.yield %s : f32
  }
  // CHECK: kernel.matmul %{{.*}}, %{{.*}} : (tensor<2x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  %1 = kernel.matmul %0, %w : (tensor<2x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  // CHECK: kernel.softmax %{{.*}} {axis = 1 : i64}
  %2 = kernel.softmax %1 {axis = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  // CHECK: kernel.gather
  %3 = kernel.gather %t, %i {axis = 0 : i64} : (tensor<100x16xf32>, tensor<2xi64>) -> tensor<2x16xf32>
  // CHECK: kernel.layer_norm
  %4 = kernel.layer_norm %3, %b {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x16xf32>, tensor<16xf32>) -> tensor<2x16xf32>
  // CHECK: kernel.reduce
  %5 = kernel.reduce %4 {kind = #kernel.reduce_kind<max>, axes = [1], keepdims = false} : (tensor<2x16xf32>) -> tensor<2xf32>
  return %2 : tensor<2x8xf32>
}

// CHECK-LABEL: func.func @issue4_kernels
func.func @issue4_kernels(%x: tensor<3x4xf32>, %g: tensor<4xf32>, %v: tensor<f32>, %idx: tensor<2x1xi64>,
                          %upd: tensor<2x4xf32>, %k: tensor<i64>) -> tensor<3x4xf32> {
  // CHECK: kernel.log_softmax %{{.*}} {axis = 1 : i64}
  %0 = kernel.log_softmax %x {axis = 1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: kernel.rms_norm %{{.*}}, %{{.*}} {axis = 1 : i64, epsilon = 9.99999974E-6 : f32}
  %1 = kernel.rms_norm %0, %g {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK: kernel.arg_reduce %{{.*}} {axis = 1 : i64, keepdims = false, kind = #kernel.arg_reduce_kind<max>, select_last_index = true}
  %2 = kernel.arg_reduce %1 {kind = #kernel.arg_reduce_kind<max>, axis = 1 : i64, keepdims = false, select_last_index = true} : (tensor<3x4xf32>) -> tensor<3xi64>
  // CHECK: kernel.scan %{{.*}} {axis = 0 : i64, exclusive = true, kind = #kernel.scan_kind<add>, reverse = false}
  %3 = kernel.scan %1 {kind = #kernel.scan_kind<add>, axis = 0 : i64, exclusive = true, reverse = false} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: kernel.topk %{{.*}} {axis = 1 : i64, largest = true} : (tensor<3x4xf32>) -> tensor<3x2xi64>
  %4 = kernel.topk %3 {axis = 1 : i64, largest = true} : (tensor<3x4xf32>) -> tensor<3x2xi64>
  // CHECK: kernel.pad %{{.*}}, %{{.*}} {mode = #kernel.pad_mode<wrap>, pads = [0, 1, 0, 1]} : (tensor<3x2xf32>, tensor<f32>) -> tensor<3x4xf32>
  %5 = kernel.gather_elements %3, %4 {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  %6 = kernel.pad %5, %v {mode = #kernel.pad_mode<wrap>, pads = [0, 1, 0, 1]} : (tensor<3x2xf32>, tensor<f32>) -> tensor<3x4xf32>
  // CHECK: kernel.trilu %{{.*}}, %{{.*}} {upper = false} : (tensor<3x4xf32>, tensor<i64>) -> tensor<3x4xf32>
  %7 = kernel.trilu %6, %k {upper = false} : (tensor<3x4xf32>, tensor<i64>) -> tensor<3x4xf32>
  // CHECK: kernel.scatter_nd %{{.*}}, %{{.*}}, %{{.*}} {reduction = #kernel.scatter_reduction<none>}
  %8 = kernel.scatter_nd %7, %idx, %upd {reduction = #kernel.scatter_reduction<none>} : (tensor<3x4xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<3x4xf32>
  return %8 : tensor<3x4xf32>
}
