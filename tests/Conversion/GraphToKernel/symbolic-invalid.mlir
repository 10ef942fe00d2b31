// RUN: kiln-opt %s -split-input-file -convert-graph-to-kernel -verify-diagnostics

// kernel.conv reads int64 sizes: a convolution that is not a patch embedding
// refuses a symbolic batch by name.
func.func @padded(%x: tensor<?x3x8x8xf32, affine_map<()[s0] -> (s0, 3, 8, 8)>>) -> tensor<?x8x8x8xf32, affine_map<()[s0] -> (s0, 8, 8, 8)>> {
  %w = graph.constant dense<1.0> : tensor<8x3x3x3xf32> : tensor<8x3x3x3xf32>
  // expected-error @+2 {{'graph.conv' op symbolic dims are not supported by convert-graph-to-kernel yet (only patch-embedding convolutions: stride = kernel, no padding, dilation or groups)}}
  // expected-error @+1 {{failed to legalize operation 'graph.conv'}}
  %0 = graph.conv %x, %w {strides = [1, 1], pads = [1, 1, 1, 1], dilations = [1, 1], group = 1 : i64} : (tensor<?x3x8x8xf32, affine_map<()[s0] -> (s0, 3, 8, 8)>>, tensor<8x3x3x3xf32>) -> tensor<?x8x8x8xf32, affine_map<()[s0] -> (s0, 8, 8, 8)>>
  return %0 : tensor<?x8x8x8xf32, affine_map<()[s0] -> (s0, 8, 8, 8)>>
}
