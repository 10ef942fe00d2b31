// RUN: kiln-opt %s -split-input-file -verify-diagnostics

func.func @bad_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{operand shapes do not broadcast: [2,3] and [4]}}
  %0 = graph.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @bad_matmul(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{contraction dims differ: 3 vs 4}}
  %0 = graph.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @bad_perm(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{perm is not a permutation}}
  %0 = graph.transpose %a {perm = [0, 0]} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @bad_reshape(%a: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{element count changes from [2,3] to [7]}}
  %0 = graph.reshape %a : (tensor<2x3xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

func.func @bad_compare(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{comparison result must be i1}}
  %0 = graph.equal %a, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @bad_axis(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis 2 out of range for rank 2}}
  %0 = graph.softmax %a {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @bad_gather(%t: tensor<10x4xf32>, %i: tensor<3xi64>) -> tensor<3x5xf32> {
  // expected-error @+1 {{result shape must be [3,4]}}
  %0 = graph.gather %t, %i {axis = 0 : i64} : (tensor<10x4xf32>, tensor<3xi64>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @bad_slice(%a: tensor<4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{slice reads outside dim 0 of [4]}}
  %0 = graph.slice %a {starts = [2], steps = [1]} : (tensor<4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @bad_gelu(%a: tensor<4xf32>) -> tensor<4xf32> {
  // An unknown gelu approximation does not parse.
  // expected-error @+2 {{expected ::kiln::graph::GeluApproximation to be one of: none, tanh}}
  // expected-error @+1 {{failed to parse Graph_GeluApproximationAttr parameter}}
  %0 = graph.gelu %a {approximate = #graph.gelu_approximation<fast>} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @xor_not_bool(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{expects i1 operands}}
  %0 = graph.xor %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @max_bool(%a: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error @+1 {{expects numeric operands, got i1}}
  %0 = graph.max %a, %a : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @mod_types(%a: tensor<4xi64>, %b: tensor<4xi32>) -> tensor<4xi64> {
  // expected-error @+1 {{operand element types differ: 'i64' and 'i32'}}
  %0 = graph.mod %a, %b : (tensor<4xi64>, tensor<4xi32>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

func.func @log_of_int(%a: tensor<4xi64>) -> tensor<4xi64> {
  // expected-error @+1 {{expects a floating-point input, got 'i64'}}
  %0 = graph.log %a : (tensor<4xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

func.func @abs_bool(%a: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error @+1 {{expects a numeric input, got i1}}
  %0 = graph.abs %a : (tensor<4xi1>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @isinf_result(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{result must be i1}}
  %0 = graph.isinf %a : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @hard_sigmoid_int(%a: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{expects a floating-point input}}
  %0 = graph.hard_sigmoid %a {alpha = 0.2 : f32, beta = 0.5 : f32} : (tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @clip_bound_shape(%a: tensor<4xf32>, %b: tensor<1xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{bounds must be scalars of the input's element type 'f32'}}
  %0 = graph.clip %a, %b, %b : (tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @log_softmax_axis(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{axis 2 out of range for rank 2}}
  %0 = graph.log_softmax %a {axis = 2 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @rms_norm_scale(%a: tensor<2x4xf32>, %g: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{scale/bias shape [3] does not broadcast to the normalised shape [4]}}
  %0 = graph.rms_norm %a, %g {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x4xf32>, tensor<3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @reduce_l2_int(%a: tensor<2x4xi64>) -> tensor<2xi64> {
  // expected-error @+1 {{reduction 'l2' expects a floating-point input}}
  %0 = graph.reduce %a {kind = #graph.reduce_kind<l2>, axes = [1], keepdims = false} : (tensor<2x4xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @arg_reduce_shape(%a: tensor<2x4xf32>) -> tensor<2xi64> {
  // expected-error @+1 {{result shape must be [2,1]}}
  %0 = graph.arg_reduce %a {kind = #graph.arg_reduce_kind<min>, axis = 1 : i64, keepdims = true} : (tensor<2x4xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @arg_reduce_type(%a: tensor<2x4xf32>) -> tensor<2xi32> {
  // expected-error @+1 {{result must be i64}}
  %0 = graph.arg_reduce %a {kind = #graph.arg_reduce_kind<max>, axis = 1 : i64, keepdims = false} : (tensor<2x4xf32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @cumsum_axis(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{axis 2 out of range for rank 2}}
  %0 = graph.cumsum %a {axis = 2 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @topk_k(%a: tensor<2x4xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{results must be the input's shape with at most 4 elements along axis 1}}
  %v, %i = graph.topk %a {axis = 1 : i64} : (tensor<2x4xf32>) -> (tensor<2x5xf32>, tensor<2x5xi64>)
  return %v : tensor<2x5xf32>
}

// -----

func.func @pad_shape(%a: tensor<2x4xf32>, %v: tensor<f32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{result shape must be [2,7]}}
  %0 = graph.pad %a, %v {mode = #graph.pad_mode<constant>, pads = [0, 1, 0, 2]} : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @pad_reflect_too_far(%a: tensor<2x4xf32>, %v: tensor<f32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{reflect pads of dim 1 must be smaller than its size 4}}
  %0 = graph.pad %a, %v {mode = #graph.pad_mode<reflect>, pads = [0, 4, 0, 0]} : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @pad_mode(%a: tensor<2x4xf32>, %v: tensor<f32>) -> tensor<2x4xf32> {
  // An unknown pad mode does not parse.
  // expected-error @+2 {{expected ::kiln::graph::PadMode to be one of: constant, reflect, edge, wrap}}
  // expected-error @+1 {{failed to parse Graph_PadModeAttr parameter}}
  %0 = graph.pad %a, %v {mode = #graph.pad_mode<mirror>, pads = [0, 0, 0, 0]} : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @trilu_rank(%a: tensor<4xf32>, %k: tensor<i64>) -> tensor<4xf32> {
  // expected-error @+1 {{expects rank >= 2}}
  %0 = graph.trilu %a, %k {upper = true} : (tensor<4xf32>, tensor<i64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @trilu_k(%a: tensor<4x4xf32>, %k: tensor<1xi64>) -> tensor<4x4xf32> {
  // expected-error @+1 {{k must be an i64 scalar}}
  %0 = graph.trilu %a, %k {upper = true} : (tensor<4x4xf32>, tensor<1xi64>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @scatter_nd_updates(%d: tensor<4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x3xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{updates shape must be [2,4]}}
  %0 = graph.scatter_nd %d, %i, %u : (tensor<4x4xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @scatter_nd_reduction(%d: tensor<4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) -> tensor<4x4xf32> {
  // An unknown scatter reduction does not parse.
  // expected-error @+2 {{expected ::kiln::graph::ScatterReduction to be one of: none, add, mul, max, min}}
  // expected-error @+1 {{failed to parse Graph_ScatterReductionAttr parameter}}
  %0 = graph.scatter_nd %d, %i, %u {reduction = #graph.scatter_reduction<sub>} : (tensor<4x4xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}
