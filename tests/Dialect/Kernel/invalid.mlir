// RUN: kiln-opt %s -split-input-file -verify-diagnostics

func.func @map_count(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{needs one map per input: 0 maps, 1 inputs}}
  %0 = kernel.elementwise ins(%a : tensor<4xf32>) maps [] -> tensor<4xf32> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @map_rank(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{map #0 must give 1 input indices}}
  %0 = kernel.elementwise ins(%a : tensor<4xf32>) maps [affine_map<(d0) -> (d0, d0)>] -> tensor<4xf32> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @yield_type(%a: tensor<4xf32>) -> tensor<4xi64> {
  // expected-error @+1 {{body yields 'f32', result element type is 'i64'}}
  %0 = kernel.elementwise ins(%a : tensor<4xf32>) maps [affine_map<(d0) -> (d0)>] -> tensor<4xi64> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  return %0 : tensor<4xi64>
}

// -----

func.func @matmul_k(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{contraction dims differ: 3 vs 4}}
  %0 = kernel.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @reduce_kind(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{unknown reduction kind 'median'}}
  %0 = kernel.reduce %a {kind = "median", axes = [1], keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @bad_panel(%a: tensor<4x8xf32>, %b: tensor<2x8x16xf32>) -> tensor<4x48xf32> {
  // expected-error @+1 {{packed B holds 2 panels of 16 columns for N = 48}}
  %0 = kernel.matmul %a, %b {b_panel = 16 : i64} : (tensor<4x8xf32>, tensor<2x8x16xf32>) -> tensor<4x48xf32>
  return %0 : tensor<4x48xf32>
}
