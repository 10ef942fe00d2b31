// RUN: kiln-opt %s -split-input-file -verify-diagnostics

func.func @int_activations(%a: tensor<1x64xi32>, %q: tensor<1x32x64xui8>, %s: tensor<1x2x64xf32>, %z: tensor<1x2x64xf32>) -> tensor<1x64xf32> {
  // expected-error @+1 {{expects f32 activations and a u8 packed weight, got 'i32' and 'ui8'}}
  %0 = kernel.w4matmul %a, %q scales(%s, %z) {b_panel = 64 : i64, group_size = 32 : i64} : (tensor<1x64xi32>, tensor<1x32x64xui8>, tensor<1x2x64xf32>, tensor<1x2x64xf32>) -> tensor<1x64xf32>
  return %0 : tensor<1x64xf32>
}

// -----

func.func @odd_group(%a: tensor<1x64xf32>, %q: tensor<1x32x64xui8>, %s: tensor<1x2x64xf32>, %z: tensor<1x2x64xf32>) -> tensor<1x64xf32> {
  // expected-error @+1 {{group_size must be even and >= 2, got 33}}
  %0 = kernel.w4matmul %a, %q scales(%s, %z) {b_panel = 64 : i64, group_size = 33 : i64} : (tensor<1x64xf32>, tensor<1x32x64xui8>, tensor<1x2x64xf32>, tensor<1x2x64xf32>) -> tensor<1x64xf32>
  return %0 : tensor<1x64xf32>
}

// -----

func.func @packing(%a: tensor<1x100xf32>, %q: tensor<2x50x64xui8>, %s: tensor<2x4x64xf32>, %z: tensor<2x4x64xf32>) -> tensor<1x80xf32> {
  // expected-error @+1 {{B must be packed as [2,64,64] (N = 80, K = 100, group_size 32, b_panel 64), got [2,50,64]}}
  %0 = kernel.w4matmul %a, %q scales(%s, %z) {b_panel = 64 : i64, group_size = 32 : i64} : (tensor<1x100xf32>, tensor<2x50x64xui8>, tensor<2x4x64xf32>, tensor<2x4x64xf32>) -> tensor<1x80xf32>
  return %0 : tensor<1x80xf32>
}

// -----

func.func @scales(%a: tensor<1x64xf32>, %q: tensor<1x32x64xui8>, %s: tensor<64xf32>, %z: tensor<1x2x64xf32>) -> tensor<1x64xf32> {
  // expected-error @+1 {{scale must be one value per block and column, in panels [1,2,64], got [64]}}
  %0 = kernel.w4matmul %a, %q scales(%s, %z) {b_panel = 64 : i64, group_size = 32 : i64} : (tensor<1x64xf32>, tensor<1x32x64xui8>, tensor<64xf32>, tensor<1x2x64xf32>) -> tensor<1x64xf32>
  return %0 : tensor<1x64xf32>
}

// -----

func.func @result(%a: tensor<3x64xf32>, %q: tensor<1x32x64xui8>, %s: tensor<1x2x64xf32>, %z: tensor<1x2x64xf32>) -> tensor<1x64xf32> {
  // expected-error @+1 {{result shape must be [3,64]}}
  %0 = kernel.w4matmul %a, %q scales(%s, %z) {b_panel = 64 : i64, group_size = 32 : i64} : (tensor<3x64xf32>, tensor<1x32x64xui8>, tensor<1x2x64xf32>, tensor<1x2x64xf32>) -> tensor<1x64xf32>
  return %0 : tensor<1x64xf32>
}

// -----

func.func @no_epilogue_int(%a: tensor<1x64xf32>, %q: tensor<1x32x64xui8>, %s: tensor<1x2x64xf32>, %z: tensor<1x2x64xf32>) -> tensor<1x64xi8> {
  // expected-error @+1 {{result must be f32 (only an epilogue converts)}}
  %0 = kernel.w4matmul %a, %q scales(%s, %z) {b_panel = 64 : i64, group_size = 32 : i64} : (tensor<1x64xf32>, tensor<1x32x64xui8>, tensor<1x2x64xf32>, tensor<1x2x64xf32>) -> tensor<1x64xi8>
  return %0 : tensor<1x64xi8>
}
