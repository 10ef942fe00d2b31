// RUN: kiln-opt %s -kiln-quantize-int8-outlier='threshold=4.0' | FileCheck %s
// RUN: kiln-opt %s -kiln-quantize-int8-outlier='skip=ffn' | FileCheck %s --check-prefix=SKIP

// LLM.int8(): per call, max |x| over the rows per column; columns at or over
// the threshold are the outliers (mask), zeroed before the per-row int8
// quantization (int8-dynamic's reductions and rule) and added back in f32 by
// kernel.outlier_matmul against the weight's f16 copy, onto the qmatmul's
// result (the int8 weight is int8-dynamic's per-column constants).
// CHECK-LABEL: func.func @outlier
// CHECK-DAG:   %[[W:.*]] = graph.constant dense_resource<weight_q8> : tensor<4x3xi8>
// CHECK-DAG:   %[[WS:.*]] = graph.constant dense_resource<weight_q8_scale> : tensor<3xf32>
// CHECK-DAG:   %[[W16:.*]] = graph.constant dense_resource<weight_outlier_f16> : tensor<4x3xf16>
// CHECK:       %[[ABS:.*]] = kernel.elementwise ins(%arg0 : tensor<2x4xf32>)
// CHECK:         math.absf
// CHECK:       %[[CM:.*]] = kernel.reduce %[[ABS]] {axes = [0], keepdims = false, kind = #kernel.reduce_kind<max>} : (tensor<2x4xf32>) -> tensor<4xf32>
// CHECK:       %[[M:.*]] = kernel.elementwise ins(%[[CM]] : tensor<4xf32>) {{.*}} -> tensor<4xui8>
// CHECK:         %[[TH:.*]] = arith.constant 4.000000e+00 : f32
// CHECK:         arith.cmpf oge, %{{.*}}, %[[TH]] : f32
// CHECK:       %[[IN:.*]] = kernel.elementwise ins(%arg0, %[[M]] : tensor<2x4xf32>, tensor<4xui8>) maps [#map, #map2] -> tensor<2x4xf32>
// CHECK:         arith.select
// CHECK:       kernel.reduce %[[IN]] {axes = [1], keepdims = true, kind = #kernel.reduce_kind<min>}
// CHECK:       %[[Q:.*]] = kernel.qmatmul %{{.*}}, %[[W]] scales(%{{.*}}, %{{.*}}, %[[WS]], %{{.*}})
// CHECK:       %[[Y:.*]] = kernel.outlier_matmul %arg0, %[[W16]] mask(%[[M]]) acc(%[[Q]])
// CHECK:       return %[[Y]]
// f16 of 1, -2, 0 / 0.5, 1, 0 / -1, 0.25, 0 / 0, 2, 0 (row-major [K, N]).
// CHECK:       weight_outlier_f16: "0x02000000003C00C000000038003C000000BC00340000000000400000"
// SKIP-LABEL:  func.func @outlier
// SKIP-NOT:    kernel.qmatmul
// SKIP:        kernel.matmul
func.func @outlier(%a: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = graph.constant dense<[[1.0, -2.0, 0.0], [0.5, 1.0, 0.0], [-1.0, 0.25, 0.0], [0.0, 2.0, 0.0]]> : tensor<4x3xf32> : tensor<4x3xf32>
  %0 = kernel.matmul %a, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32> loc("ffn")
  return %0 : tensor<2x3xf32>
}
