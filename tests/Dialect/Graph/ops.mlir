// RUN: kiln-opt %s | kiln-opt | FileCheck %s

// CHECK-LABEL: func.func @encoder_ops
func.func @encoder_ops(%x: tensor<2x16x128xf32>, %w: tensor<128x128xf32>, %g: tensor<128xf32>,
                       %ids: tensor<2x16xi64>, %table: tensor<1000x128xf32>) -> tensor<2x4x16x32xf32> {
  // CHECK: graph.gather %{{.*}}, %{{.*}} {axis = 0 : i64}
  %e = graph.gather %table, %ids {axis = 0 : i64} : (tensor<1000x128xf32>, tensor<2x16xi64>) -> tensor<2x16x128xf32>
  // CHECK: graph.add
  %0 = graph.add %x, %e : (tensor<2x16x128xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  // CHECK: graph.layer_norm %{{.*}}, %{{.*}} {axis = 2 : i64, epsilon = 9.99999996E-13 : f32}
  %1 = graph.layer_norm %0, %g {axis = 2 : i64, epsilon = 1.0e-12 : f32} : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
  // CHECK: graph.matmul
  %2 = graph.matmul %1, %w : (tensor<2x16x128xf32>, tensor<128x128xf32>) -> tensor<2x16x128xf32>
  // CHECK: graph.gelu %{{.*}} {approximate = #graph.gelu_approximation<tanh>}
  %3 = graph.gelu %2 {approximate = #graph.gelu_approximation<tanh>} : (tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  // CHECK: graph.reshape
  %4 = graph.reshape %3 : (tensor<2x16x128xf32>) -> tensor<2x16x4x32xf32>
  // CHECK: graph.transpose %{{.*}} {perm = [0, 2, 1, 3]}
  %5 = graph.transpose %4 {perm = [0, 2, 1, 3]} : (tensor<2x16x4x32xf32>) -> tensor<2x4x16x32xf32>
  // CHECK: graph.softmax %{{.*}} {axis = 3 : i64}
  %6 = graph.softmax %5 {axis = 3 : i64} : (tensor<2x4x16x32xf32>) -> tensor<2x4x16x32xf32>
  return %6 : tensor<2x4x16x32xf32>
}

// CHECK-LABEL: func.func @masks
func.func @masks(%m: tensor<2x1x1x16xi64>, %s: tensor<2x1x16x16xf32>) -> tensor<2x1x16x16xf32> {
  // CHECK: graph.cast %{{.*}} : (tensor<2x1x1x16xi64>) -> tensor<2x1x1x16xi1>
  %b = graph.cast %m : (tensor<2x1x1x16xi64>) -> tensor<2x1x1x16xi1>
  // CHECK: graph.constant dense<0xFF800000> : tensor<f32> : tensor<f32>
  %ninf = graph.constant dense<0xFF800000> : tensor<f32> : tensor<f32>
  %zero = graph.constant dense<0.0> : tensor<f32> : tensor<f32>
  // CHECK: graph.where
  %bias = graph.where %b, %zero, %ninf : (tensor<2x1x1x16xi1>, tensor<f32>, tensor<f32>) -> tensor<2x1x1x16xf32>
  %r = graph.add %s, %bias : (tensor<2x1x16x16xf32>, tensor<2x1x1x16xf32>) -> tensor<2x1x16x16xf32>
  // CHECK: graph.isnan
  %n = graph.isnan %r : (tensor<2x1x16x16xf32>) -> tensor<2x1x16x16xi1>
  %o = graph.where %n, %zero, %r : (tensor<2x1x16x16xi1>, tensor<f32>, tensor<2x1x16x16xf32>) -> tensor<2x1x16x16xf32>
  return %o : tensor<2x1x16x16xf32>
}

// CHECK-LABEL: func.func @data_movement
func.func @data_movement(%x: tensor<2x16x8xf32>, %i: tensor<2x1x1x16x2xi64>, %m: tensor<2x16xi1>, %w: tensor<8x3x4x4xf32>, %img: tensor<1x3x8x8xf32>) -> tensor<2x17x8xf32> {
  // CHECK: graph.slice %{{.*}} {starts = [0, 0, 0], steps = [1, 1, 1]}
  %s = graph.slice %x {starts = [0, 0, 0], steps = [1, 1, 1]} : (tensor<2x16x8xf32>) -> tensor<2x1x8xf32>
  // CHECK: graph.concat
  %c = graph.concat %s, %x {axis = 1 : i64} : (tensor<2x1x8xf32>, tensor<2x16x8xf32>) -> tensor<2x17x8xf32>
  // CHECK: graph.gather_nd
  %g = graph.gather_nd %m, %i {batch_dims = 0 : i64} : (tensor<2x16xi1>, tensor<2x1x1x16x2xi64>) -> tensor<2x1x1x16xi1>
  // CHECK: graph.conv
  %v = graph.conv %img, %w {strides = [4, 4], pads = [0, 0, 0, 0], dilations = [1, 1], group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<8x3x4x4xf32>) -> tensor<1x8x2x2xf32>
  // CHECK: graph.reduce %{{.*}} {axes = [2], keepdims = true, kind = #graph.reduce_kind<mean>}
  %r = graph.reduce %x {kind = #graph.reduce_kind<mean>, axes = [2], keepdims = true} : (tensor<2x16x8xf32>) -> tensor<2x16x1xf32>
  // CHECK: graph.gemm
  %a = graph.constant dense<1.0> : tensor<2x8xf32> : tensor<2x8xf32>
  %gm = graph.gemm %a, %a {trans_b = true} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x2xf32>
  return %c : tensor<2x17x8xf32>
}

// CHECK-LABEL: func.func @issue4_elementwise
func.func @issue4_elementwise(%x: tensor<2x8xf32>, %i: tensor<2x8xi64>, %u: tensor<8xui8>,
                              %p: tensor<8xi1>) -> tensor<2x8xf32> {
  %lo = graph.constant dense<-1.0> : tensor<f32> : tensor<f32>
  %hi = graph.constant dense<1.0> : tensor<f32> : tensor<f32>
  // CHECK: graph.clip %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x8xf32>, tensor<f32>, tensor<f32>) -> tensor<2x8xf32>
  %0 = graph.clip %x, %lo, %hi : (tensor<2x8xf32>, tensor<f32>, tensor<f32>) -> tensor<2x8xf32>
  // CHECK: graph.abs %{{.*}} : (tensor<2x8xi64>) -> tensor<2x8xi64>
  %1 = graph.abs %i : (tensor<2x8xi64>) -> tensor<2x8xi64>
  // CHECK: graph.sign
  %2 = graph.sign %1 : (tensor<2x8xi64>) -> tensor<2x8xi64>
  // CHECK: graph.mod %{{.*}}, %{{.*}} {fmod = true}
  %3 = graph.mod %x, %0 {fmod = true} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  // CHECK: graph.max
  %4 = graph.max %u, %u : (tensor<8xui8>, tensor<8xui8>) -> tensor<8xui8>
  // CHECK: graph.xor
  %5 = graph.xor %p, %p : (tensor<8xi1>, tensor<8xi1>) -> tensor<8xi1>
  // CHECK: graph.hard_sigmoid %{{.*}} {alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32}
  %6 = graph.hard_sigmoid %3 {alpha = 0.2 : f32, beta = 0.5 : f32} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  // CHECK: graph.isinf %{{.*}} {detect_negative = false}
  %7 = graph.isinf %6 {detect_negative = false} : (tensor<2x8xf32>) -> tensor<2x8xi1>
  // CHECK: graph.softplus
  %8 = graph.softplus %6 : (tensor<2x8xf32>) -> tensor<2x8xf32>
  // CHECK: graph.log_softmax %{{.*}} {axis = 1 : i64}
  %9 = graph.log_softmax %8 {axis = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %9 : tensor<2x8xf32>
}

// CHECK-LABEL: func.func @issue4_tensor
func.func @issue4_tensor(%x: tensor<3x4xf32>, %g: tensor<4xf32>, %idx: tensor<2x1xi64>,
                         %upd: tensor<2x4xf32>) -> tensor<3x4xf32> {
  // CHECK: graph.rms_norm %{{.*}}, %{{.*}} {axis = 1 : i64, epsilon = 9.99999997E-7 : f32}
  %0 = graph.rms_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-6 : f32} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK: graph.arg_reduce %{{.*}} {axis = 1 : i64, keepdims = false, kind = #graph.arg_reduce_kind<max>}
  %1 = graph.arg_reduce %0 {kind = #graph.arg_reduce_kind<max>, axis = 1 : i64, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xi64>
  // CHECK: graph.cumsum %{{.*}} {axis = 0 : i64, reverse = true}
  %2 = graph.cumsum %0 {axis = 0 : i64, reverse = true} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: %{{.*}}, %{{.*}} = graph.topk %{{.*}} {axis = 1 : i64} : (tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  %v, %i = graph.topk %2 {axis = 1 : i64} : (tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  %z = graph.constant dense<0.0> : tensor<f32> : tensor<f32>
  // CHECK: graph.pad %{{.*}}, %{{.*}} {mode = #graph.pad_mode<edge>, pads = [0, 1, 0, 1]} : (tensor<3x2xf32>, tensor<f32>) -> tensor<3x4xf32>
  %3 = graph.pad %v, %z {mode = #graph.pad_mode<edge>, pads = [0, 1, 0, 1]} : (tensor<3x2xf32>, tensor<f32>) -> tensor<3x4xf32>
  %k = graph.constant dense<1> : tensor<i64> : tensor<i64>
  // CHECK: graph.trilu %{{.*}}, %{{.*}} {upper = true} : (tensor<3x4xf32>, tensor<i64>) -> tensor<3x4xf32>
  %4 = graph.trilu %3, %k {upper = true} : (tensor<3x4xf32>, tensor<i64>) -> tensor<3x4xf32>
  // CHECK: graph.scatter_nd %{{.*}}, %{{.*}}, %{{.*}} {reduction = #graph.scatter_reduction<mul>}
  %5 = graph.scatter_nd %4, %idx, %upd {reduction = #graph.scatter_reduction<mul>} : (tensor<3x4xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<3x4xf32>
  // CHECK: graph.reduce %{{.*}} {axes = [1], keepdims = true, kind = #graph.reduce_kind<log_sum_exp>}
  %6 = graph.reduce %5 {kind = #graph.reduce_kind<log_sum_exp>, axes = [1], keepdims = true} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  return %5 : tensor<3x4xf32>
}
