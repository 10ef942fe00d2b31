// RUN: kiln-opt %s -split-input-file -kiln-quantize-attention | FileCheck %s

// A target with an int8 dot product (AVX512-VNNI): every f32 attention whose
// head dim is a multiple of 4 gets int8; a head dim of 6 and a block-sparse
// attention stay as they are.
// CHECK-LABEL: func.func @vnni
// CHECK: kernel.attention %arg0, %arg0, %arg0 {head_dim = 8 : i64, int8,
// CHECK: kernel.attention %arg1, %arg1, %arg1 {head_dim = 6 : i64, key_len
// CHECK: kernel.attention %arg2, %arg2, %arg2 {head_dim = 8 : i64, key_len = 600 : i64, operand_maps = {{.*}}, sparse_threshold
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_skylake-avx512_cannonlake-avx512_sapphirerapids-f16c-fma-sse41">} {
func.func @vnni(%a: tensor<2x12x8xf32>, %b: tensor<2x12x6xf32>, %c: tensor<1x600x8xf32>) -> (tensor<2x12x8xf32>, tensor<2x12x6xf32>, tensor<1x600x8xf32>) {
  %0 = kernel.attention %a, %a, %a {head_dim = 8 : i64, key_len = 12 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]} : (tensor<2x12x8xf32>, tensor<2x12x8xf32>, tensor<2x12x8xf32>) -> tensor<2x12x8xf32>
  %1 = kernel.attention %b, %b, %b {head_dim = 6 : i64, key_len = 12 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]} : (tensor<2x12x6xf32>, tensor<2x12x6xf32>, tensor<2x12x6xf32>) -> tensor<2x12x6xf32>
  %2 = kernel.attention %c, %c, %c {head_dim = 8 : i64, key_len = 600 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], sparse_threshold = 9.000000e-01 : f32} : (tensor<1x600x8xf32>, tensor<1x600x8xf32>, tensor<1x600x8xf32>) -> tensor<1x600x8xf32>
  return %0, %1, %2 : tensor<2x12x8xf32>, tensor<2x12x6xf32>, tensor<1x600x8xf32>
}
}

// -----

// No int8 dot product (AVX-512 without VNNI, and CUDA): nothing changes.
// CHECK-LABEL: func.func @no_vnni
// CHECK-NOT: int8
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41">} {
func.func @no_vnni(%a: tensor<2x12x8xf32>) -> tensor<2x12x8xf32> {
  %0 = kernel.attention %a, %a, %a {head_dim = 8 : i64, key_len = 12 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]} : (tensor<2x12x8xf32>, tensor<2x12x8xf32>, tensor<2x12x8xf32>) -> tensor<2x12x8xf32>
  return %0 : tensor<2x12x8xf32>
}
}

// -----

// CHECK-LABEL: func.func @cuda
// CHECK-NOT: int8
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-f16c-fma-sse41-cuda-cuda_capability_80">} {
func.func @cuda(%a: tensor<2x12x8xf32>) -> tensor<2x12x8xf32> {
  %0 = kernel.attention %a, %a, %a {head_dim = 8 : i64, key_len = 12 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]} : (tensor<2x12x8xf32>, tensor<2x12x8xf32>, tensor<2x12x8xf32>) -> tensor<2x12x8xf32>
  return %0 : tensor<2x12x8xf32>
}
}
