// RUN: kiln-opt %s -split-input-file -verify-diagnostics

func.func @signed_activations(%q: tensor<8x32xi8>, %w: tensor<32x16xi8>, %s: tensor<f32>, %z: tensor<i32>, %ws: tensor<16xf32>, %wc: tensor<16xi32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{expects u8 activations and s8 weights, got 'i8' and 'i8'}}
  %0 = kernel.qmatmul %q, %w scales(%s, %z, %ws, %wc) : (tensor<8x32xi8>, tensor<32x16xi8>, tensor<f32>, tensor<i32>, tensor<16xf32>, tensor<16xi32>) -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}

// -----

func.func @contraction(%q: tensor<8x32xui8>, %w: tensor<30x16xi8>, %s: tensor<f32>, %z: tensor<i32>, %ws: tensor<16xf32>, %wc: tensor<16xi32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{B must be [K, N] = [32, 16], got [30,16]}}
  %0 = kernel.qmatmul %q, %w scales(%s, %z, %ws, %wc) : (tensor<8x32xui8>, tensor<30x16xi8>, tensor<f32>, tensor<i32>, tensor<16xf32>, tensor<16xi32>) -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}

// -----

func.func @panel(%q: tensor<8x30xui8>, %w: tensor<2x7x64x4xi8>, %s: tensor<f32>, %z: tensor<i32>, %ws: tensor<f32>, %wc: tensor<100xi32>) -> tensor<8x100xf32> {
  // expected-error @+1 {{b_panel = 64 needs B packed as [2,8,64,4], got [2,7,64,4]}}
  %0 = kernel.qmatmul %q, %w scales(%s, %z, %ws, %wc) {b_panel = 64 : i64} : (tensor<8x30xui8>, tensor<2x7x64x4xi8>, tensor<f32>, tensor<i32>, tensor<f32>, tensor<100xi32>) -> tensor<8x100xf32>
  return %0 : tensor<8x100xf32>
}

// -----

func.func @row_params(%q: tensor<8x32xui8>, %w: tensor<32x16xi8>, %s: tensor<8xf32>, %z: tensor<8xi32>, %ws: tensor<16xf32>, %wc: tensor<16xi32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{a_scale must be one value (rank 0) or one per row [8,1], got [8]}}
  %0 = kernel.qmatmul %q, %w scales(%s, %z, %ws, %wc) : (tensor<8x32xui8>, tensor<32x16xi8>, tensor<8xf32>, tensor<8xi32>, tensor<16xf32>, tensor<16xi32>) -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}

// -----

func.func @mixed_params(%q: tensor<8x32xui8>, %w: tensor<32x16xi8>, %s: tensor<8x1xf32>, %z: tensor<i32>, %ws: tensor<16xf32>, %wc: tensor<16xi32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{a_scale and a_zero must both be per tensor or both per row}}
  %0 = kernel.qmatmul %q, %w scales(%s, %z, %ws, %wc) : (tensor<8x32xui8>, tensor<32x16xi8>, tensor<8x1xf32>, tensor<i32>, tensor<16xf32>, tensor<16xi32>) -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}

// -----

func.func @colsum(%q: tensor<8x32xui8>, %w: tensor<32x16xi8>, %s: tensor<f32>, %z: tensor<i32>, %ws: tensor<16xf32>, %wc: tensor<i32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{b_colsum must be [16], got []}}
  %0 = kernel.qmatmul %q, %w scales(%s, %z, %ws, %wc) : (tensor<8x32xui8>, tensor<32x16xi8>, tensor<f32>, tensor<i32>, tensor<16xf32>, tensor<i32>) -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}

// -----

func.func @result_type(%q: tensor<8x32xui8>, %w: tensor<32x16xi8>, %s: tensor<f32>, %z: tensor<i32>, %ws: tensor<16xf32>, %wc: tensor<16xi32>) -> tensor<8x16xi32> {
  // expected-error @+1 {{result must be f32 (only an epilogue converts)}}
  %0 = kernel.qmatmul %q, %w scales(%s, %z, %ws, %wc) : (tensor<8x32xui8>, tensor<32x16xi8>, tensor<f32>, tensor<i32>, tensor<16xf32>, tensor<16xi32>) -> tensor<8x16xi32>
  return %0 : tensor<8x16xi32>
}

// -----

func.func @epilogue_arg(%q: tensor<8x32xui8>, %w: tensor<32x16xi8>, %s: tensor<f32>, %z: tensor<i32>, %ws: tensor<16xf32>, %wc: tensor<16xi32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{epilogue takes the dequantized 'f32' and one scalar per epilogue input}}
  %0 = kernel.qmatmul %q, %w scales(%s, %z, %ws, %wc) {epilogue_maps = []} : (tensor<8x32xui8>, tensor<32x16xi8>, tensor<f32>, tensor<i32>, tensor<16xf32>, tensor<16xi32>) -> tensor<8x16xf32> {
  ^bb0(%acc: i32):
    %f = arith.sitofp %acc : i32 to f32
    kernel.yield %f : f32
  }
  return %0 : tensor<8x16xf32>
}

// -----

func.func @own_rows_u8(%a: tensor<8x32xui8>, %w: tensor<32x16xi8>, %ws: tensor<16xf32>, %wc: tensor<16xi32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{quantizing A's rows itself, expects f32 activations and s8 weights, got 'ui8' and 'i8'}}
  %0 = kernel.qmatmul %a, %w scales(%ws, %wc) : (tensor<8x32xui8>, tensor<32x16xi8>, tensor<16xf32>, tensor<16xi32>) -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}

// -----

func.func @norm_without_epsilon(%a: tensor<8x32xf32>, %w: tensor<32x16xi8>, %ws: tensor<16xf32>, %wc: tensor<16xi32>, %g: tensor<32xf32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{norm scale and norm_epsilon come together}}
  %0 = kernel.qmatmul %a, %w scales(%ws, %wc) norm(%g) : (tensor<8x32xf32>, tensor<32x16xi8>, tensor<16xf32>, tensor<16xi32>, tensor<32xf32>) -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}

// -----

func.func @norm_shape(%a: tensor<8x32xf32>, %w: tensor<32x16xi8>, %ws: tensor<16xf32>, %wc: tensor<16xi32>, %g: tensor<16xf32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{norm scale and bias must be f32 [32], got 'tensor<16xf32>'}}
  %0 = kernel.qmatmul %a, %w scales(%ws, %wc) norm(%g) {norm_epsilon = 1.0e-5 : f32} : (tensor<8x32xf32>, tensor<32x16xi8>, tensor<16xf32>, tensor<16xi32>, tensor<16xf32>) -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}

// -----

func.func @norm_with_scales(%a: tensor<8x32xui8>, %w: tensor<32x16xi8>, %s: tensor<f32>, %z: tensor<i32>, %ws: tensor<16xf32>, %wc: tensor<16xi32>, %g: tensor<32xf32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{a LayerNorm prologue needs the kernel to quantize A's rows (no a_scale)}}
  %0 = kernel.qmatmul %a, %w scales(%s, %z, %ws, %wc) norm(%g) {norm_epsilon = 1.0e-5 : f32} : (tensor<8x32xui8>, tensor<32x16xi8>, tensor<f32>, tensor<i32>, tensor<16xf32>, tensor<16xi32>, tensor<32xf32>) -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}

// -----

func.func @three_scales(%a: tensor<8x32xf32>, %w: tensor<32x16xi8>, %ws: tensor<16xf32>, %wc: tensor<16xi32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{scales takes (a_scale, a_zero, b_scale, b_colsum) or (b_scale, b_colsum)}}
  %0 = kernel.qmatmul %a, %w scales(%ws, %wc, %wc) : (tensor<8x32xf32>, tensor<32x16xi8>, tensor<16xf32>, tensor<16xi32>, tensor<16xi32>) -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}
