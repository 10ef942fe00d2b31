// RUN: kiln-opt %s -split-input-file -kiln-quantize-w4=group-size=2 | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-quantize-w4='group-size=2 skip=ffn' | FileCheck %s --check-prefix=SKIP

// Blocks of 2 k per column, asymmetric with 0 representable: column 0's
// first block {0, 1.5} has scale 0.1, zero 0, q {0, 15}; column 1's {-1, 0.5}
// scale 0.1, zero 10, q {0, 15}; column 0's second block {-0.75, 0} scale
// 0.05, zero 15, q {0, 15}; column 1's {0, 0} scale 1, zero 0. Two k per byte
// (even k low nibble): 0xF0 at [panel 0, k/2 = 0, column 0] and [0, 0, 1],
// and at [0, 1, 0]; the AVX2 default panel is 4 x 8 = 32 columns wide.
// Scales (f16) and zero points (u8) sit in the same panels, [1, blocks, 32]:
// block 0 (scales 0.1, 0.1; zeros 0, 10), then block 1 (0.05, 1; 15, 0).
// Each block is quantized with its f16 scale (0.1 is 0x2E66 = 0.09998,
// 0.05 is 0x2A66): the q and zeros above hold for those too.
// CHECK-LABEL: func.func @weights
// CHECK-DAG:   %[[Q:.*]] = graph.constant dense_resource<weight_w4> : tensor<1x2x32xui8>
// CHECK-DAG:   %[[S:.*]] = graph.constant dense_resource<weight_w4_scale16> : tensor<1x2x32xf16>
// CHECK-DAG:   %[[Z:.*]] = graph.constant dense_resource<weight_w4_zero> : tensor<1x2x32xui8>
// CHECK:       kernel.w4matmul %arg0, %[[Q]] scales(%[[S]], %[[Z]]) {b_panel = 32 : i64, group_size = 2 : i64} : (tensor<3x4xf32>, tensor<1x2x32xui8>, tensor<1x2x32xf16>, tensor<1x2x32xui8>) -> tensor<3x2xf32>
// CHECK-NOT:   kernel.matmul
// CHECK:       weight_w4_scale16: "0x02000000662E662E{{(00)+}}662A003C{{(00)+}}"
// CHECK:       weight_w4: "0x01000000F0F0000000000000000000000000000000000000000000000000000000000000F000000000000000000000000000000000000000000000000000000000000000"
// CHECK:       weight_w4_zero: "0x01000000000A{{(00)+}}0F{{(00)+}}"
func.func @weights(%a: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %w = graph.constant dense<[[0.0, -1.0], [1.5, 0.5], [-0.75, 0.0], [0.0, 0.0]]> : tensor<4x2xf32> : tensor<4x2xf32>
  %0 = kernel.matmul %a, %w : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// Gemm: trans_b is read transposed, alpha (2) folds into the scales (1/15 *
// 2) and so keep f32 (f16 holds scales without alpha only), the bias stays;
// K = 3 is padded to whole blocks (2 blocks of 2: the packed weight has
// ceil(3/2) * 2 / 2 = 2 byte rows). AVX-512 panels are 64 columns.
// CHECK-LABEL: func.func @gemm
// CHECK:       kernel.w4matmul %arg0, %{{.*}} scales(%{{.*}}, %{{.*}}) bias %arg1 {b_panel = 64 : i64, group_size = 2 : i64} : (tensor<2x5x3xf32>, tensor<1x2x64xui8>, tensor<1x2x64xf32>, tensor<1x2x64xui8>, tensor<2xf32>) -> tensor<2x5x2xf32>
// CHECK:       weight_w4_scale: "0x04000000898808
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41">} {
func.func @gemm(%a: tensor<2x5x3xf32>, %bias: tensor<2xf32>) -> tensor<2x5x2xf32> {
  %w = graph.constant dense<1.0> : tensor<2x3xf32> : tensor<2x3xf32>
  %0 = kernel.matmul %a, %w, %bias {trans_b = true, alpha = 2.0 : f32} : (tensor<2x5x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x5x2xf32>
  return %0 : tensor<2x5x2xf32>
}
}

// -----

// Left in f32: an activation as B, and (SKIP) a node named in `skip`.
// CHECK-LABEL: func.func @left
// CHECK:       kernel.matmul %arg0, %arg1
// CHECK-LABEL: func.func @named
// CHECK:       kernel.w4matmul
// SKIP-LABEL:  func.func @named
// SKIP:        kernel.matmul
// SKIP-NOT:    kernel.w4matmul
func.func @left(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %0 = kernel.matmul %a, %b : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
func.func @named(%a: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = graph.constant dense<1.0> : tensor<4x3xf32> : tensor<4x3xf32>
  %0 = kernel.matmul %a, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32> loc("ffn")
  return %0 : tensor<2x3xf32>
}
