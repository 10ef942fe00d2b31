// RUN: kiln-opt %s -kiln-recognize-patterns -split-input-file | FileCheck %s

//===----------------------------------------------------------------------===//
// GELU, erf form
//===----------------------------------------------------------------------===//

// TorchScript's nn.GELU: (x * (1 + erf(x / sqrt2))) * 0.5. The printer elides
// approximate = "none", the default.
// CHECK-LABEL: func.func @gelu_erf_torchscript
// CHECK-SAME: (%[[X:.+]]: tensor<2x512xf32>)
// CHECK-NEXT: %[[R:.+]] = graph.gelu %[[X]] : (tensor<2x512xf32>) -> tensor<2x512xf32>
// CHECK-NEXT: return %[[R]]
func.func @gelu_erf_torchscript(%x: tensor<2x512xf32>) -> tensor<2x512xf32> {
  %s = graph.constant dense<1.41421354> : tensor<f32> : tensor<f32>
  %one = graph.constant dense<1.0> : tensor<f32> : tensor<f32>
  %half = graph.constant dense<0.5> : tensor<f32> : tensor<f32>
  %0 = graph.div %x, %s : (tensor<2x512xf32>, tensor<f32>) -> tensor<2x512xf32>
  %1 = graph.erf %0 : (tensor<2x512xf32>) -> tensor<2x512xf32>
  %2 = graph.add %1, %one : (tensor<2x512xf32>, tensor<f32>) -> tensor<2x512xf32>
  %3 = graph.mul %x, %2 : (tensor<2x512xf32>, tensor<2x512xf32>) -> tensor<2x512xf32>
  %r = graph.mul %3, %half : (tensor<2x512xf32>, tensor<f32>) -> tensor<2x512xf32>
  return %r : tensor<2x512xf32>
}

// -----

// 0.5 * x * (1 + erf(0.70710678 * x)): constants first, a [1] constant.
// CHECK-LABEL: func.func @gelu_erf_half_first
// CHECK: graph.gelu %{{.+}} : (
// CHECK-NOT: graph.erf
// CHECK-NOT: graph.mul
func.func @gelu_erf_half_first(%x: tensor<2x16x64xf32>) -> tensor<2x16x64xf32> {
  %k = graph.constant dense<0.70710678> : tensor<1xf32> : tensor<1xf32>
  %one = graph.constant dense<1.0> : tensor<f32> : tensor<f32>
  %half = graph.constant dense<0.5> : tensor<f32> : tensor<f32>
  %0 = graph.mul %half, %x : (tensor<f32>, tensor<2x16x64xf32>) -> tensor<2x16x64xf32>
  %1 = graph.mul %k, %x : (tensor<1xf32>, tensor<2x16x64xf32>) -> tensor<2x16x64xf32>
  %2 = graph.erf %1 : (tensor<2x16x64xf32>) -> tensor<2x16x64xf32>
  %3 = graph.add %one, %2 : (tensor<f32>, tensor<2x16x64xf32>) -> tensor<2x16x64xf32>
  %r = graph.mul %0, %3 : (tensor<2x16x64xf32>, tensor<2x16x64xf32>) -> tensor<2x16x64xf32>
  return %r : tensor<2x16x64xf32>
}

// -----

// x * (0.5 * (1 + erf(x / sqrt2))), the 0.5 a full-shape splat.
// CHECK-LABEL: func.func @gelu_erf_nested
// CHECK: graph.gelu %{{.+}} : (
// CHECK-NOT: graph.erf
func.func @gelu_erf_nested(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %s = graph.constant dense<1.41421354> : tensor<f32> : tensor<f32>
  %one = graph.constant dense<1.0> : tensor<f32> : tensor<f32>
  %half = graph.constant dense<0.5> : tensor<4x8xf32> : tensor<4x8xf32>
  %0 = graph.div %x, %s : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %1 = graph.erf %0 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = graph.add %1, %one : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %3 = graph.mul %half, %2 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = graph.mul %x, %3 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// Left alone: 0.4 is not 0.5.
// CHECK-LABEL: func.func @gelu_erf_wrong_half
// CHECK-NOT: graph.gelu
// CHECK: graph.erf
func.func @gelu_erf_wrong_half(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %s = graph.constant dense<1.41421354> : tensor<f32> : tensor<f32>
  %one = graph.constant dense<1.0> : tensor<f32> : tensor<f32>
  %c = graph.constant dense<0.4> : tensor<f32> : tensor<f32>
  %0 = graph.div %x, %s : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %1 = graph.erf %0 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = graph.add %1, %one : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %3 = graph.mul %x, %2 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = graph.mul %3, %c : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// Left alone: the erf has a second user, and a GELU of another tensor's erf.
// CHECK-LABEL: func.func @gelu_erf_not_exact
// CHECK-NOT: graph.gelu
// CHECK-COUNT-2: graph.erf
func.func @gelu_erf_not_exact(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %s = graph.constant dense<1.41421354> : tensor<f32> : tensor<f32>
  %one = graph.constant dense<1.0> : tensor<f32> : tensor<f32>
  %half = graph.constant dense<0.5> : tensor<f32> : tensor<f32>
  %0 = graph.div %x, %s : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %1 = graph.erf %0 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = graph.add %1, %one : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %3 = graph.mul %x, %2 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = graph.mul %3, %half : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %4 = graph.div %y, %s : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %5 = graph.erf %4 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %6 = graph.add %5, %one : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %7 = graph.mul %x, %6 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %q = graph.mul %7, %half : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  return %r, %1, %q : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// GELU, tanh form
//===----------------------------------------------------------------------===//

// Hugging Face's gelu_new: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * pow(x, 3)))).
// CHECK-LABEL: func.func @gelu_tanh_pow
// CHECK-SAME: (%[[X:.+]]: tensor<2x512xf32>)
// CHECK-NEXT: %[[R:.+]] = graph.gelu %[[X]] {approximate = "tanh"}
// CHECK-NEXT: return %[[R]]
func.func @gelu_tanh_pow(%x: tensor<2x512xf32>) -> tensor<2x512xf32> {
  %three = graph.constant dense<3.0> : tensor<f32> : tensor<f32>
  %c = graph.constant dense<0.044715> : tensor<f32> : tensor<f32>
  %k = graph.constant dense<0.797884583> : tensor<f32> : tensor<f32>
  %one = graph.constant dense<1.0> : tensor<f32> : tensor<f32>
  %half = graph.constant dense<0.5> : tensor<f32> : tensor<f32>
  %0 = graph.mul %half, %x : (tensor<f32>, tensor<2x512xf32>) -> tensor<2x512xf32>
  %1 = graph.pow %x, %three : (tensor<2x512xf32>, tensor<f32>) -> tensor<2x512xf32>
  %2 = graph.mul %c, %1 : (tensor<f32>, tensor<2x512xf32>) -> tensor<2x512xf32>
  %3 = graph.add %x, %2 : (tensor<2x512xf32>, tensor<2x512xf32>) -> tensor<2x512xf32>
  %4 = graph.mul %k, %3 : (tensor<f32>, tensor<2x512xf32>) -> tensor<2x512xf32>
  %5 = graph.tanh %4 : (tensor<2x512xf32>) -> tensor<2x512xf32>
  %6 = graph.add %one, %5 : (tensor<f32>, tensor<2x512xf32>) -> tensor<2x512xf32>
  %r = graph.mul %0, %6 : (tensor<2x512xf32>, tensor<2x512xf32>) -> tensor<2x512xf32>
  return %r : tensor<2x512xf32>
}

// -----

// x * x * x instead of pow, operands reversed, and float16
// (where 0.044715 rounds to 0.0447083).
// CHECK-LABEL: func.func @gelu_tanh_cube_f16
// CHECK: graph.gelu %{{.+}} {approximate = "tanh"} : (tensor<4x8xf16>) -> tensor<4x8xf16>
// CHECK-NOT: graph.tanh
// CHECK-NOT: graph.mul
func.func @gelu_tanh_cube_f16(%x: tensor<4x8xf16>) -> tensor<4x8xf16> {
  %c = graph.constant dense<0.044715> : tensor<f16> : tensor<f16>
  %k = graph.constant dense<0.797884583> : tensor<f16> : tensor<f16>
  %one = graph.constant dense<1.0> : tensor<f16> : tensor<f16>
  %half = graph.constant dense<0.5> : tensor<f16> : tensor<f16>
  %0 = graph.mul %x, %x : (tensor<4x8xf16>, tensor<4x8xf16>) -> tensor<4x8xf16>
  %1 = graph.mul %0, %x : (tensor<4x8xf16>, tensor<4x8xf16>) -> tensor<4x8xf16>
  %2 = graph.mul %1, %c : (tensor<4x8xf16>, tensor<f16>) -> tensor<4x8xf16>
  %3 = graph.add %2, %x : (tensor<4x8xf16>, tensor<4x8xf16>) -> tensor<4x8xf16>
  %4 = graph.mul %3, %k : (tensor<4x8xf16>, tensor<f16>) -> tensor<4x8xf16>
  %5 = graph.tanh %4 : (tensor<4x8xf16>) -> tensor<4x8xf16>
  %6 = graph.add %5, %one : (tensor<4x8xf16>, tensor<f16>) -> tensor<4x8xf16>
  %7 = graph.mul %x, %half : (tensor<4x8xf16>, tensor<f16>) -> tensor<4x8xf16>
  %r = graph.mul %7, %6 : (tensor<4x8xf16>, tensor<4x8xf16>) -> tensor<4x8xf16>
  return %r : tensor<4x8xf16>
}

// -----

// Left alone: 0.05 is not 0.044715.
// CHECK-LABEL: func.func @gelu_tanh_wrong_coefficient
// CHECK-NOT: graph.gelu
// CHECK: graph.tanh
func.func @gelu_tanh_wrong_coefficient(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %three = graph.constant dense<3.0> : tensor<f32> : tensor<f32>
  %c = graph.constant dense<0.05> : tensor<f32> : tensor<f32>
  %k = graph.constant dense<0.797884583> : tensor<f32> : tensor<f32>
  %one = graph.constant dense<1.0> : tensor<f32> : tensor<f32>
  %half = graph.constant dense<0.5> : tensor<f32> : tensor<f32>
  %0 = graph.mul %half, %x : (tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = graph.pow %x, %three : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %2 = graph.mul %c, %1 : (tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %3 = graph.add %x, %2 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %4 = graph.mul %k, %3 : (tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %5 = graph.tanh %4 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %6 = graph.add %one, %5 : (tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = graph.mul %0, %6 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// Left alone: the cube has a second user.
// CHECK-LABEL: func.func @gelu_tanh_shared_cube
// CHECK-NOT: graph.gelu
// CHECK: graph.tanh
func.func @gelu_tanh_shared_cube(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %three = graph.constant dense<3.0> : tensor<f32> : tensor<f32>
  %c = graph.constant dense<0.044715> : tensor<f32> : tensor<f32>
  %k = graph.constant dense<0.797884583> : tensor<f32> : tensor<f32>
  %one = graph.constant dense<1.0> : tensor<f32> : tensor<f32>
  %half = graph.constant dense<0.5> : tensor<f32> : tensor<f32>
  %0 = graph.mul %half, %x : (tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = graph.pow %x, %three : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %2 = graph.mul %c, %1 : (tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %3 = graph.add %x, %2 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %4 = graph.mul %k, %3 : (tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %5 = graph.tanh %4 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %6 = graph.add %one, %5 : (tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = graph.mul %0, %6 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r, %1 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// LayerNorm
//===----------------------------------------------------------------------===//

// TorchScript before opset 17: d / sqrt(mean(pow(d, 2)) + eps) * gamma + beta.
// CHECK-LABEL: func.func @layer_norm_torchscript
// CHECK-SAME: (%[[X:.+]]: tensor<2x16x128xf32>, %[[G:.+]]: tensor<128xf32>, %[[B:.+]]: tensor<128xf32>)
// CHECK-NEXT: %[[R:.+]] = graph.layer_norm %[[X]], %[[G]], %[[B]] {axis = 2 : i64, epsilon = 9.99999974E-6 : f32}
// CHECK-NEXT: return %[[R]]
func.func @layer_norm_torchscript(%x: tensor<2x16x128xf32>, %g: tensor<128xf32>, %b: tensor<128xf32>) -> tensor<2x16x128xf32> {
  %two = graph.constant dense<2.0> : tensor<f32> : tensor<f32>
  %eps = graph.constant dense<1.0e-5> : tensor<f32> : tensor<f32>
  %m = graph.reduce %x {kind = "mean", axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %d = graph.sub %x, %m : (tensor<2x16x128xf32>, tensor<2x16x1xf32>) -> tensor<2x16x128xf32>
  %0 = graph.pow %d, %two : (tensor<2x16x128xf32>, tensor<f32>) -> tensor<2x16x128xf32>
  %v = graph.reduce %0 {kind = "mean", axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %1 = graph.add %v, %eps : (tensor<2x16x1xf32>, tensor<f32>) -> tensor<2x16x1xf32>
  %2 = graph.sqrt %1 : (tensor<2x16x1xf32>) -> tensor<2x16x1xf32>
  %y = graph.div %d, %2 : (tensor<2x16x128xf32>, tensor<2x16x1xf32>) -> tensor<2x16x128xf32>
  %3 = graph.mul %y, %g : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
  %r = graph.add %3, %b : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
  return %r : tensor<2x16x128xf32>
}

// -----

// Over the last two dims, d * reciprocal(sqrt(eps + mean(d * d))), gamma
// first, beta first and computed after the gamma product.
// CHECK-LABEL: func.func @layer_norm_reciprocal
// CHECK-SAME: (%[[X:.+]]: tensor<2x16x128xf32>, %[[G:.+]]: tensor<16x128xf32>, %[[B:.+]]: tensor<128xf32>)
// CHECK-NEXT: %[[NB:.+]] = graph.neg %[[B]]
// CHECK-NEXT: %[[R:.+]] = graph.layer_norm %[[X]], %[[G]], %[[NB]] {axis = 1 : i64, epsilon = 9.99999996E-13 : f32}
// CHECK-NEXT: return %[[R]]
func.func @layer_norm_reciprocal(%x: tensor<2x16x128xf32>, %g: tensor<16x128xf32>, %b: tensor<128xf32>) -> tensor<2x16x128xf32> {
  %eps = graph.constant dense<1.0e-12> : tensor<1xf32> : tensor<1xf32>
  %m = graph.reduce %x {kind = "mean", axes = [1, 2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x1x1xf32>
  %d = graph.sub %x, %m : (tensor<2x16x128xf32>, tensor<2x1x1xf32>) -> tensor<2x16x128xf32>
  %0 = graph.mul %d, %d : (tensor<2x16x128xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  %v = graph.reduce %0 {kind = "mean", axes = [1, 2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x1x1xf32>
  %1 = graph.add %eps, %v : (tensor<1xf32>, tensor<2x1x1xf32>) -> tensor<2x1x1xf32>
  %2 = graph.sqrt %1 : (tensor<2x1x1xf32>) -> tensor<2x1x1xf32>
  %3 = graph.reciprocal %2 : (tensor<2x1x1xf32>) -> tensor<2x1x1xf32>
  %y = graph.mul %3, %d : (tensor<2x1x1xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  %4 = graph.mul %g, %y : (tensor<16x128xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  %nb = graph.neg %b : (tensor<128xf32>) -> tensor<128xf32>
  %r = graph.add %nb, %4 : (tensor<128xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  return %r : tensor<2x16x128xf32>
}

// -----

// No beta; the residual add after the norm is not a bias (it is full-shape).
// CHECK-LABEL: func.func @layer_norm_no_bias
// CHECK-SAME: (%[[X:.+]]: tensor<2x16x128xf32>, %[[G:.+]]: tensor<128xf32>, %[[S:.+]]: tensor<2x16x128xf32>)
// CHECK-NEXT: %[[N:.+]] = graph.layer_norm %[[X]], %[[G]] {axis = 2 : i64, epsilon = 9.99999974E-6 : f32}
// CHECK-NEXT: %[[R:.+]] = graph.add %[[N]], %[[S]]
// CHECK-NEXT: return %[[R]]
func.func @layer_norm_no_bias(%x: tensor<2x16x128xf32>, %g: tensor<128xf32>, %s: tensor<2x16x128xf32>) -> tensor<2x16x128xf32> {
  %eps = graph.constant dense<1.0e-5> : tensor<f32> : tensor<f32>
  %m = graph.reduce %x {kind = "mean", axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %d = graph.sub %x, %m : (tensor<2x16x128xf32>, tensor<2x16x1xf32>) -> tensor<2x16x128xf32>
  %0 = graph.mul %d, %d : (tensor<2x16x128xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  %v = graph.reduce %0 {kind = "mean", axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %1 = graph.add %v, %eps : (tensor<2x16x1xf32>, tensor<f32>) -> tensor<2x16x1xf32>
  %2 = graph.sqrt %1 : (tensor<2x16x1xf32>) -> tensor<2x16x1xf32>
  %y = graph.div %d, %2 : (tensor<2x16x128xf32>, tensor<2x16x1xf32>) -> tensor<2x16x128xf32>
  %3 = graph.mul %y, %g : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
  %r = graph.add %3, %s : (tensor<2x16x128xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  return %r : tensor<2x16x128xf32>
}

// -----

// Left alone: the means are over dim 1, not the trailing dim.
// CHECK-LABEL: func.func @layer_norm_inner_axis
// CHECK-NOT: graph.layer_norm
// CHECK-NOT: graph.rms_norm
// CHECK: graph.sqrt
func.func @layer_norm_inner_axis(%x: tensor<2x16x128xf32>, %g: tensor<128xf32>, %b: tensor<128xf32>) -> tensor<2x16x128xf32> {
  %eps = graph.constant dense<1.0e-5> : tensor<f32> : tensor<f32>
  %m = graph.reduce %x {kind = "mean", axes = [1], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x1x128xf32>
  %d = graph.sub %x, %m : (tensor<2x16x128xf32>, tensor<2x1x128xf32>) -> tensor<2x16x128xf32>
  %0 = graph.mul %d, %d : (tensor<2x16x128xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  %v = graph.reduce %0 {kind = "mean", axes = [1], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x1x128xf32>
  %1 = graph.add %v, %eps : (tensor<2x1x128xf32>, tensor<f32>) -> tensor<2x1x128xf32>
  %2 = graph.sqrt %1 : (tensor<2x1x128xf32>) -> tensor<2x1x128xf32>
  %y = graph.div %d, %2 : (tensor<2x16x128xf32>, tensor<2x1x128xf32>) -> tensor<2x16x128xf32>
  %3 = graph.mul %y, %g : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
  %r = graph.add %3, %b : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
  return %r : tensor<2x16x128xf32>
}

// -----

// Left alone: the variance is also returned (a fused norm would not remove it).
// CHECK-LABEL: func.func @layer_norm_shared_variance
// CHECK-NOT: graph.layer_norm
// CHECK-NOT: graph.rms_norm
// CHECK: graph.sqrt
func.func @layer_norm_shared_variance(%x: tensor<2x16x128xf32>, %g: tensor<128xf32>, %b: tensor<128xf32>) -> (tensor<2x16x128xf32>, tensor<2x16x1xf32>) {
  %eps = graph.constant dense<1.0e-5> : tensor<f32> : tensor<f32>
  %m = graph.reduce %x {kind = "mean", axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %d = graph.sub %x, %m : (tensor<2x16x128xf32>, tensor<2x16x1xf32>) -> tensor<2x16x128xf32>
  %0 = graph.mul %d, %d : (tensor<2x16x128xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  %v = graph.reduce %0 {kind = "mean", axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %1 = graph.add %v, %eps : (tensor<2x16x1xf32>, tensor<f32>) -> tensor<2x16x1xf32>
  %2 = graph.sqrt %1 : (tensor<2x16x1xf32>) -> tensor<2x16x1xf32>
  %y = graph.div %d, %2 : (tensor<2x16x128xf32>, tensor<2x16x1xf32>) -> tensor<2x16x128xf32>
  %3 = graph.mul %y, %g : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
  %r = graph.add %3, %b : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
  return %r, %v : tensor<2x16x128xf32>, tensor<2x16x1xf32>
}

// -----

// Not a layer norm: the mean of %x is subtracted from %z. What is left is
// still exactly an RMS norm of %z - mean(%x), and becomes one.
// CHECK-LABEL: func.func @layer_norm_other_mean
// CHECK-SAME: (%[[X:.+]]: tensor<2x16x128xf32>, %[[Z:.+]]: tensor<2x16x128xf32>, %[[G:.+]]: tensor<128xf32>, %[[B:.+]]: tensor<128xf32>)
// CHECK-NOT: graph.layer_norm
// CHECK: %[[M:.+]] = graph.reduce %[[X]]
// CHECK: %[[D:.+]] = graph.sub %[[Z]], %[[M]]
// CHECK: %[[N:.+]] = graph.rms_norm %[[D]], %[[G]] {axis = 2 : i64
// CHECK: graph.add %[[N]], %[[B]]
func.func @layer_norm_other_mean(%x: tensor<2x16x128xf32>, %z: tensor<2x16x128xf32>, %g: tensor<128xf32>, %b: tensor<128xf32>) -> tensor<2x16x128xf32> {
  %eps = graph.constant dense<1.0e-5> : tensor<f32> : tensor<f32>
  %m = graph.reduce %x {kind = "mean", axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %d = graph.sub %z, %m : (tensor<2x16x128xf32>, tensor<2x16x1xf32>) -> tensor<2x16x128xf32>
  %0 = graph.mul %d, %d : (tensor<2x16x128xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  %v = graph.reduce %0 {kind = "mean", axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %1 = graph.add %v, %eps : (tensor<2x16x1xf32>, tensor<f32>) -> tensor<2x16x1xf32>
  %2 = graph.sqrt %1 : (tensor<2x16x1xf32>) -> tensor<2x16x1xf32>
  %y = graph.div %d, %2 : (tensor<2x16x128xf32>, tensor<2x16x1xf32>) -> tensor<2x16x128xf32>
  %3 = graph.mul %y, %g : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
  %r = graph.add %3, %b : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
  return %r : tensor<2x16x128xf32>
}

// -----

//===----------------------------------------------------------------------===//
// RMSNorm
//===----------------------------------------------------------------------===//

// Llama: weight * (x * reciprocal(sqrt(mean(pow(x, 2)) + eps))).
// CHECK-LABEL: func.func @rms_norm_llama
// CHECK-SAME: (%[[X:.+]]: tensor<2x16x128xf32>, %[[W:.+]]: tensor<128xf32>)
// CHECK-NEXT: %[[R:.+]] = graph.rms_norm %[[X]], %[[W]] {axis = 2 : i64, epsilon = 9.99999997E-7 : f32}
// CHECK-NEXT: return %[[R]]
func.func @rms_norm_llama(%x: tensor<2x16x128xf32>, %w: tensor<128xf32>) -> tensor<2x16x128xf32> {
  %two = graph.constant dense<2> : tensor<i64> : tensor<i64>
  %eps = graph.constant dense<1.0e-6> : tensor<f32> : tensor<f32>
  %0 = graph.pow %x, %two : (tensor<2x16x128xf32>, tensor<i64>) -> tensor<2x16x128xf32>
  %v = graph.reduce %0 {kind = "mean", axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %1 = graph.add %v, %eps : (tensor<2x16x1xf32>, tensor<f32>) -> tensor<2x16x1xf32>
  %2 = graph.sqrt %1 : (tensor<2x16x1xf32>) -> tensor<2x16x1xf32>
  %3 = graph.reciprocal %2 : (tensor<2x16x1xf32>) -> tensor<2x16x1xf32>
  %y = graph.mul %x, %3 : (tensor<2x16x128xf32>, tensor<2x16x1xf32>) -> tensor<2x16x128xf32>
  %r = graph.mul %w, %y : (tensor<128xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  return %r : tensor<2x16x128xf32>
}

// -----

// x / sqrt(mean(x * x) + eps) * weight; and the rsqrt as 1 / sqrt (TorchScript's rsqrt).
// CHECK-LABEL: func.func @rms_norm_div
// CHECK-SAME: (%[[X:.+]]: tensor<2x16x128xf32>, %[[W:.+]]: tensor<128xf32>)
// CHECK-NEXT: %[[A:.+]] = graph.rms_norm %[[X]], %[[W]] {axis = 2 : i64, epsilon = 9.99999997E-7 : f32}
// CHECK-NEXT: %[[B:.+]] = graph.rms_norm %[[X]], %[[W]] {axis = 2 : i64, epsilon = 9.99999974E-6 : f32}
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @rms_norm_div(%x: tensor<2x16x128xf32>, %w: tensor<128xf32>) -> (tensor<2x16x128xf32>, tensor<2x16x128xf32>) {
  %one = graph.constant dense<1.0> : tensor<f32> : tensor<f32>
  %eps = graph.constant dense<1.0e-6> : tensor<f32> : tensor<f32>
  %eps5 = graph.constant dense<1.0e-5> : tensor<f32> : tensor<f32>
  %0 = graph.mul %x, %x : (tensor<2x16x128xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  %v = graph.reduce %0 {kind = "mean", axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %1 = graph.add %eps, %v : (tensor<f32>, tensor<2x16x1xf32>) -> tensor<2x16x1xf32>
  %2 = graph.sqrt %1 : (tensor<2x16x1xf32>) -> tensor<2x16x1xf32>
  %y = graph.div %x, %2 : (tensor<2x16x128xf32>, tensor<2x16x1xf32>) -> tensor<2x16x128xf32>
  %a = graph.mul %y, %w : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
  %3 = graph.mul %x, %x : (tensor<2x16x128xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  %4 = graph.reduce %3 {kind = "mean", axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %5 = graph.add %4, %eps5 : (tensor<2x16x1xf32>, tensor<f32>) -> tensor<2x16x1xf32>
  %6 = graph.sqrt %5 : (tensor<2x16x1xf32>) -> tensor<2x16x1xf32>
  %7 = graph.div %one, %6 : (tensor<f32>, tensor<2x16x1xf32>) -> tensor<2x16x1xf32>
  %8 = graph.mul %7, %x : (tensor<2x16x1xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  %b = graph.mul %8, %w : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
  return %a, %b : tensor<2x16x128xf32>, tensor<2x16x128xf32>
}

// -----

// Left alone: pow(x, 3) is not a square, and the mean of squares of %z is not %x's.
// CHECK-LABEL: func.func @rms_norm_not_exact
// CHECK-NOT: graph.rms_norm
// CHECK-COUNT-2: graph.sqrt
func.func @rms_norm_not_exact(%x: tensor<2x16x128xf32>, %z: tensor<2x16x128xf32>, %w: tensor<128xf32>) -> (tensor<2x16x128xf32>, tensor<2x16x128xf32>) {
  %three = graph.constant dense<3.0> : tensor<f32> : tensor<f32>
  %eps = graph.constant dense<1.0e-6> : tensor<f32> : tensor<f32>
  %0 = graph.pow %x, %three : (tensor<2x16x128xf32>, tensor<f32>) -> tensor<2x16x128xf32>
  %v = graph.reduce %0 {kind = "mean", axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %1 = graph.add %v, %eps : (tensor<2x16x1xf32>, tensor<f32>) -> tensor<2x16x1xf32>
  %2 = graph.sqrt %1 : (tensor<2x16x1xf32>) -> tensor<2x16x1xf32>
  %y = graph.div %x, %2 : (tensor<2x16x128xf32>, tensor<2x16x1xf32>) -> tensor<2x16x128xf32>
  %a = graph.mul %y, %w : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
  %3 = graph.mul %z, %z : (tensor<2x16x128xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  %4 = graph.reduce %3 {kind = "mean", axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %5 = graph.add %4, %eps : (tensor<2x16x1xf32>, tensor<f32>) -> tensor<2x16x1xf32>
  %6 = graph.sqrt %5 : (tensor<2x16x1xf32>) -> tensor<2x16x1xf32>
  %7 = graph.div %x, %6 : (tensor<2x16x128xf32>, tensor<2x16x1xf32>) -> tensor<2x16x128xf32>
  %b = graph.mul %7, %w : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
  return %a, %b : tensor<2x16x128xf32>, tensor<2x16x128xf32>
}

// -----

// Left alone: the sqrt has a second user, and a mean over a leading dim.
// CHECK-LABEL: func.func @rms_norm_shared_or_inner
// CHECK-NOT: graph.rms_norm
// CHECK-COUNT-2: graph.sqrt
func.func @rms_norm_shared_or_inner(%x: tensor<2x16x128xf32>, %w: tensor<128xf32>) -> (tensor<2x16x128xf32>, tensor<2x16x1xf32>, tensor<2x16x128xf32>) {
  %eps = graph.constant dense<1.0e-6> : tensor<f32> : tensor<f32>
  %0 = graph.mul %x, %x : (tensor<2x16x128xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  %v = graph.reduce %0 {kind = "mean", axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %1 = graph.add %v, %eps : (tensor<2x16x1xf32>, tensor<f32>) -> tensor<2x16x1xf32>
  %2 = graph.sqrt %1 : (tensor<2x16x1xf32>) -> tensor<2x16x1xf32>
  %y = graph.div %x, %2 : (tensor<2x16x128xf32>, tensor<2x16x1xf32>) -> tensor<2x16x128xf32>
  %a = graph.mul %y, %w : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
  %3 = graph.mul %x, %x : (tensor<2x16x128xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  %4 = graph.reduce %3 {kind = "mean", axes = [0], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<1x16x128xf32>
  %5 = graph.add %4, %eps : (tensor<1x16x128xf32>, tensor<f32>) -> tensor<1x16x128xf32>
  %6 = graph.sqrt %5 : (tensor<1x16x128xf32>) -> tensor<1x16x128xf32>
  %7 = graph.div %x, %6 : (tensor<2x16x128xf32>, tensor<1x16x128xf32>) -> tensor<2x16x128xf32>
  %b = graph.mul %7, %w : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
  return %a, %2, %b : tensor<2x16x128xf32>, tensor<2x16x1xf32>, tensor<2x16x128xf32>
}
