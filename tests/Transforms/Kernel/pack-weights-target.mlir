// The panel width follows the module's halide.target: 3 AVX-512 vectors of
// floats (48) where AVX2 takes 3 x 8 = 24; a CUDA target packs nothing.
// RUN: kiln-opt %s -split-input-file -kiln-pack-weights | FileCheck %s

// CHECK-LABEL: func.func @avx512
// CHECK:       graph.constant dense_resource<packed_weight_panel48> : tensor<2x64x48xf32>
// CHECK:       kernel.matmul %{{.*}}, %{{.*}} {b_panel = 48 : i64}
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41">} {
func.func @avx512(%a: tensor<4x64xf32>) -> tensor<4x96xf32> {
  %w = graph.constant dense<1.0> : tensor<64x96xf32> : tensor<64x96xf32>
  %0 = kernel.matmul %a, %w : (tensor<4x64xf32>, tensor<64x96xf32>) -> tensor<4x96xf32>
  return %0 : tensor<4x96xf32>
}
}

// -----

// CHECK-LABEL: func.func @avx2
// CHECK:       graph.constant dense_resource<packed_weight_panel24> : tensor<4x64x24xf32>
// CHECK:       kernel.matmul %{{.*}}, %{{.*}} {b_panel = 24 : i64}
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-f16c-fma-sse41">} {
func.func @avx2(%a: tensor<4x64xf32>) -> tensor<4x96xf32> {
  %w = graph.constant dense<1.0> : tensor<64x96xf32> : tensor<64x96xf32>
  %0 = kernel.matmul %a, %w : (tensor<4x64xf32>, tensor<64x96xf32>) -> tensor<4x96xf32>
  return %0 : tensor<4x96xf32>
}
}

// -----

// CHECK-LABEL: func.func @cuda
// CHECK-NOT:   b_panel
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-cuda-cuda_capability_80-f16c-fma-sse41">} {
func.func @cuda(%a: tensor<4x64xf32>) -> tensor<4x96xf32> {
  %w = graph.constant dense<1.0> : tensor<64x96xf32> : tensor<64x96xf32>
  %0 = kernel.matmul %a, %w : (tensor<4x64xf32>, tensor<64x96xf32>) -> tensor<4x96xf32>
  return %0 : tensor<4x96xf32>
}
}
