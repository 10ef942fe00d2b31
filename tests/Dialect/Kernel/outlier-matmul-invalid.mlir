// RUN: kiln-opt %s -split-input-file -verify-diagnostics

func.func @types(%a: tensor<2x8xf32>, %b: tensor<8x16xi8>, %m: tensor<8xui8>, %c: tensor<2x16xf32>) -> tensor<2x16xf32> {
  // expected-error @+1 {{the weight must be f16 or f32 and the mask ui8}}
  %0 = kernel.outlier_matmul %a, %b mask(%m) acc(%c) : (tensor<2x8xf32>, tensor<8x16xi8>, tensor<8xui8>, tensor<2x16xf32>) -> tensor<2x16xf32>
  return %0 : tensor<2x16xf32>
}

// -----

func.func @acc_shape(%a: tensor<2x8xf32>, %b: tensor<8x16xf16>, %m: tensor<8xui8>, %c: tensor<1x16xf32>) -> tensor<2x16xf32> {
  // expected-error @+1 {{the result and acc must be [2,16]}}
  %0 = kernel.outlier_matmul %a, %b mask(%m) acc(%c) : (tensor<2x8xf32>, tensor<8x16xf16>, tensor<8xui8>, tensor<1x16xf32>) -> tensor<2x16xf32>
  return %0 : tensor<2x16xf32>
}

// -----

func.func @mask(%a: tensor<2x8xf32>, %b: tensor<8x16xf16>, %m: tensor<16xui8>, %c: tensor<2x16xf32>) -> tensor<2x16xf32> {
  // expected-error @+1 {{mask must be [8]}}
  %0 = kernel.outlier_matmul %a, %b mask(%m) acc(%c) : (tensor<2x8xf32>, tensor<8x16xf16>, tensor<16xui8>, tensor<2x16xf32>) -> tensor<2x16xf32>
  return %0 : tensor<2x16xf32>
}

// -----

func.func @weight(%a: tensor<2x8xf32>, %b: tensor<16x8xf16>, %m: tensor<8xui8>, %c: tensor<2x16xf32>) -> tensor<2x16xf32> {
  // expected-error @+1 {{the weight must be [K, N] = [8, 16]}}
  %0 = kernel.outlier_matmul %a, %b mask(%m) acc(%c) : (tensor<2x8xf32>, tensor<16x8xf16>, tensor<8xui8>, tensor<2x16xf32>) -> tensor<2x16xf32>
  return %0 : tensor<2x16xf32>
}
