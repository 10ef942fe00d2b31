// A qmatmul's s8 weight [K, N] is packed as [N/NR, ceil(K/4), NR, 4]: four
// consecutive k of one column are the 4 bytes vpdpbusd multiplies into one
// i32 lane, NR columns side by side (64 = 4 AVX-512 vectors of i32; AVX2
// takes 2 x 8). K is zero-padded to a multiple of 4 (here 5 -> 8: k = 4
// sits alone in the second group, with three zero bytes).
// RUN: kiln-opt %s -split-input-file -kiln-pack-weights | FileCheck %s

// CHECK-LABEL: func.func @avx2
// CHECK:       %[[P:.*]] = graph.constant dense_resource<w_panel8> : tensor<1x2x8x4xi8>
// CHECK:       kernel.qmatmul %arg0, %[[P]] scales({{.*}}) {b_panel = 8 : i64} : (tensor<3x5xui8>, tensor<1x2x8x4xi8>
// CHECK:       w_panel8: "0x010000000008101801091119020A121A030B131B040C141C050D151D060E161E070F171F2000000021000000220000002300000024000000250000002600000027000000"
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-f16c-fma-sse41">} {
func.func @avx2(%a: tensor<3x5xui8>, %s: tensor<3x1xf32>, %z: tensor<3x1xi32>, %ws: tensor<8xf32>, %wc: tensor<8xi32>) -> tensor<3x8xf32> {
  %w = graph.constant dense_resource<w> : tensor<5x8xi8> : tensor<5x8xi8>
  %0 = kernel.qmatmul %a, %w scales(%s, %z, %ws, %wc) : (tensor<3x5xui8>, tensor<5x8xi8>, tensor<3x1xf32>, tensor<3x1xi32>, tensor<8xf32>, tensor<8xi32>) -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x01000000000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F2021222324252627"
    }
  }
#-}

// -----

// AVX-512: the widest of 64, 32, 16 columns that divides N (96 -> 32); 40
// columns, which none divides, are zero-padded to one 64-wide panel.
// CHECK-LABEL: func.func @avx512
// CHECK:       graph.constant dense_resource<packed_qweight_panel32> : tensor<3x16x32x4xi8>
// CHECK:       {b_panel = 32 : i64}
// CHECK:       graph.constant dense_resource<packed_qweight_panel64> : tensor<1x16x64x4xi8>
// CHECK:       {b_panel = 64 : i64}
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41">} {
func.func @avx512(%a: tensor<4x64xui8>, %s: tensor<f32>, %z: tensor<i32>, %ws: tensor<96xf32>, %wc: tensor<96xi32>, %ws2: tensor<40xf32>, %wc2: tensor<40xi32>) -> (tensor<4x96xf32>, tensor<4x40xf32>) {
  %w = graph.constant dense<1> : tensor<64x96xi8> : tensor<64x96xi8>
  %0 = kernel.qmatmul %a, %w scales(%s, %z, %ws, %wc) : (tensor<4x64xui8>, tensor<64x96xi8>, tensor<f32>, tensor<i32>, tensor<96xf32>, tensor<96xi32>) -> tensor<4x96xf32>
  %w2 = graph.constant dense<1> : tensor<64x40xi8> : tensor<64x40xi8>
  %1 = kernel.qmatmul %a, %w2 scales(%s, %z, %ws2, %wc2) : (tensor<4x64xui8>, tensor<64x40xi8>, tensor<f32>, tensor<i32>, tensor<40xf32>, tensor<40xi32>) -> tensor<4x40xf32>
  return %0, %1 : tensor<4x96xf32>, tensor<4x40xf32>
}
}
