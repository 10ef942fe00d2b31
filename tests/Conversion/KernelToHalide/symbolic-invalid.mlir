// RUN: kiln-opt %s -split-input-file -convert-kernel-to-halide -verify-diagnostics

// A layer norm over a symbolic dim: its count and vectors need static dims.
func.func @norm_over_symbol(%x: tensor<2x?xf32, affine_map<()[s0] -> (2, s0)>>, %s: tensor<1xf32>) -> tensor<2x?xf32, affine_map<()[s0] -> (2, s0)>> {
  // expected-error @+1 {{'kernel.layer_norm' op symbolic dims are not supported by convert-kernel-to-halide in the normalised dims yet}}
  %0 = kernel.layer_norm %x, %s {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x?xf32, affine_map<()[s0] -> (2, s0)>>, tensor<1xf32>) -> tensor<2x?xf32, affine_map<()[s0] -> (2, s0)>>
  return %0 : tensor<2x?xf32, affine_map<()[s0] -> (2, s0)>>
}
