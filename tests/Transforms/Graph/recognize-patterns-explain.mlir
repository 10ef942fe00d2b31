// RUN: kiln-opt %s -split-input-file -kiln-recognize-patterns=explain -verify-diagnostics | FileCheck %s

// Near misses (the chain is there, a condition fails) say which rule kept
// them; a graph.mul that is no chain at all stays quiet.

// The mean of %x is subtracted from %z: not a layer norm (what is left is an
// RMS norm of %z - mean(%x), and becomes one).
// CHECK-LABEL: func.func @other_mean
// CHECK-NOT: graph.layer_norm
// CHECK: graph.rms_norm
func.func @other_mean(%x: tensor<2x16x128xf32>, %z: tensor<2x16x128xf32>, %g: tensor<128xf32>) -> tensor<2x16x128xf32> {
  %eps = graph.constant dense<1.0e-5> : tensor<f32> : tensor<f32>
  %m = graph.reduce %x {kind = #graph.reduce_kind<mean>, axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %d = graph.sub %z, %m : (tensor<2x16x128xf32>, tensor<2x16x1xf32>) -> tensor<2x16x128xf32>
  %0 = graph.mul %d, %d : (tensor<2x16x128xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  %v = graph.reduce %0 {kind = #graph.reduce_kind<mean>, axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %1 = graph.add %v, %eps : (tensor<2x16x1xf32>, tensor<f32>) -> tensor<2x16x1xf32>
  %2 = graph.sqrt %1 : (tensor<2x16x1xf32>) -> tensor<2x16x1xf32>
  %y = graph.div %d, %2 : (tensor<2x16x128xf32>, tensor<2x16x1xf32>) -> tensor<2x16x128xf32>
  // expected-remark @+1 {{not a layer norm: the subtracted mean is not of x over the variance's dims}}
  %r = graph.mul %y, %g : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
  return %r : tensor<2x16x128xf32>
}

// -----

// x - mean is also returned: a fused norm would compute it twice.
// CHECK-LABEL: func.func @shared_centre
// CHECK-NOT: graph.layer_norm
func.func @shared_centre(%x: tensor<2x16x128xf32>, %g: tensor<128xf32>) -> (tensor<2x16x128xf32>, tensor<2x16x128xf32>) {
  %eps = graph.constant dense<1.0e-5> : tensor<f32> : tensor<f32>
  %m = graph.reduce %x {kind = #graph.reduce_kind<mean>, axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %d = graph.sub %x, %m : (tensor<2x16x128xf32>, tensor<2x16x1xf32>) -> tensor<2x16x128xf32>
  %0 = graph.mul %d, %d : (tensor<2x16x128xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  %v = graph.reduce %0 {kind = #graph.reduce_kind<mean>, axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %1 = graph.add %v, %eps : (tensor<2x16x1xf32>, tensor<f32>) -> tensor<2x16x1xf32>
  %2 = graph.sqrt %1 : (tensor<2x16x1xf32>) -> tensor<2x16x1xf32>
  %y = graph.div %d, %2 : (tensor<2x16x128xf32>, tensor<2x16x1xf32>) -> tensor<2x16x128xf32>
  // expected-remark @+1 {{not a layer norm: x - mean has a user outside the pattern (it would be computed twice)}}
  %r = graph.mul %y, %g : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
  return %r, %d : tensor<2x16x128xf32>, tensor<2x16x128xf32>
}

// -----

// A weight over more dims than the norm's: neither norm fits.
// CHECK-LABEL: func.func @wide_weight
// CHECK-NOT: graph.layer_norm
// CHECK-NOT: graph.rms_norm
func.func @wide_weight(%x: tensor<2x16x128xf32>, %g: tensor<16x128xf32>) -> tensor<2x16x128xf32> {
  %eps = graph.constant dense<1.0e-5> : tensor<f32> : tensor<f32>
  %m = graph.reduce %x {kind = #graph.reduce_kind<mean>, axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %d = graph.sub %x, %m : (tensor<2x16x128xf32>, tensor<2x16x1xf32>) -> tensor<2x16x128xf32>
  %0 = graph.mul %d, %d : (tensor<2x16x128xf32>, tensor<2x16x128xf32>) -> tensor<2x16x128xf32>
  %v = graph.reduce %0 {kind = #graph.reduce_kind<mean>, axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
  %1 = graph.add %v, %eps : (tensor<2x16x1xf32>, tensor<f32>) -> tensor<2x16x1xf32>
  %2 = graph.sqrt %1 : (tensor<2x16x1xf32>) -> tensor<2x16x1xf32>
  %y = graph.div %d, %2 : (tensor<2x16x128xf32>, tensor<2x16x1xf32>) -> tensor<2x16x128xf32>
  // expected-remark @+2 {{not a layer norm: x is not float of the result's type, or gamma does not fit the normalised dims}}
  // expected-remark @+1 {{not an RMS norm: x is not float of the result's type, or the weight does not fit the normalised dims}}
  %r = graph.mul %y, %g : (tensor<2x16x128xf32>, tensor<16x128xf32>) -> tensor<2x16x128xf32>
  return %r : tensor<2x16x128xf32>
}
