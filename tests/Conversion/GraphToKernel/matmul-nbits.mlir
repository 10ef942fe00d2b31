// RUN: kiln-opt %s -convert-graph-to-kernel | FileCheck %s

// MatMulNBits' weight [N, blocks, G/2] is repacked to kernel.w4matmul's
// [ceil(N/NR), blocks * G/2, NR] (NR = 32: four AVX2 vectors, the default
// target): byte row kk holds column n's byte kk at lane n, so rows [1, 5],
// [2, 6], [3, 7], [4, 8]; the nibbles are not touched. Scales and zero points
// go from [N, blocks] to the same panels, [1, blocks, 32]: block 0 holds
// columns 0 and 1's first values (scales 1, 3; zeros 8, 6), block 1 the
// second ones (2, 4; 7, 5), zero past N. Integer zero points are stored as
// u8 (a quarter of the bytes a decode step reads for them).
// CHECK-LABEL: func.func @nbits
// CHECK-DAG:   %[[Q:.*]] = graph.constant dense_resource<nbits_panel32> : tensor<1x4x32xui8>
// CHECK-DAG:   %[[S:.*]] = graph.constant dense_resource<nbits_panels> : tensor<1x2x32xf32>
// CHECK-DAG:   %[[Z:.*]] = graph.constant dense_resource<nbits_panels_u8> : tensor<1x2x32xui8>
// CHECK:       kernel.w4matmul %arg0, %[[Q]] scales(%[[S]], %[[Z]]) {b_panel = 32 : i64, group_size = 4 : i64} : (tensor<3x8xf32>, tensor<1x4x32xui8>, tensor<1x2x32xf32>, tensor<1x2x32xui8>) -> tensor<3x2xf32>
// CHECK:       nbits_panel32: "0x010000000105000000000000000000000000000000000000000000000000000000000000020600000000000000000000000000000000000000000000000000000000000003070000000000000000000000000000000000000000000000000000000000000408000000000000000000000000000000000000000000000000000000000000"
// CHECK:       nbits_panels: "0x040000000000803F00004040{{(00)+}}0000004000008040{{(00)+}}"
// CHECK:       nbits_panels_u8: "0x010000000806{{(00)+}}0705{{(00)+}}"
func.func @nbits(%a: tensor<3x8xf32>) -> tensor<3x2xf32> {
  %q = graph.constant dense<[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]> : tensor<2x2x2xui8> : tensor<2x2x2xui8>
  %s = graph.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32> : tensor<2x2xf32>
  %z = graph.constant dense<[[8.0, 7.0], [6.0, 5.0]]> : tensor<2x2xf32> : tensor<2x2xf32>
  %0 = graph.matmul_nbits %a, %q, %s, %z {block_size = 4 : i64} : (tensor<3x8xf32>, tensor<2x2x2xui8>, tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
