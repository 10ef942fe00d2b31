// RUN: kiln-opt %s -kiln-quantize-int8-static='ranges=-1.0,3.0' | FileCheck %s
// RUN: kiln-opt %s -kiln-quantize-int8-static='ranges=0.5,2.0' | FileCheck %s --check-prefix=POS
// RUN: kiln-opt %s -kiln-quantize-int8-static='ranges=1.0' -verify-diagnostics -o /dev/null
// RUN: not kiln-opt %s -kiln-quantize-int8-static='ranges=3.0,-1.0' -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD

// The weight per column, symmetric, as int8-dynamic's (same constants). The
// activation per tensor by its calibrated range [-1, 3]: scale 4/255, zero
// round(1 / (4/255)) = round(63.75) = 64, quantized by one elementwise op
// with no reduction: round(x * 63.75) + 64, clamped to [0, 255].
// CHECK-LABEL: func.func @weights
// CHECK-DAG:   %[[W:.*]] = graph.constant dense_resource<weight_q8> : tensor<4x3xi8>
// CHECK-DAG:   %[[WS:.*]] = graph.constant dense_resource<weight_q8_scale> : tensor<3xf32>
// CHECK-DAG:   %[[WC:.*]] = graph.constant dense_resource<weight_q8_colsum> : tensor<3xi32>
// CHECK-NOT:   kernel.reduce
// CHECK:       %[[Q:.*]] = kernel.elementwise ins(%arg0 : tensor<2x4xf32>) maps [#map] -> tensor<2x4xui8>
// CHECK-DAG:     arith.constant 6.400000e+01 : f32
// CHECK-DAG:     %[[INV:.*]] = arith.constant 63.7499962 : f32
// CHECK:         arith.mulf %{{.*}}, %[[INV]] : f32
// CHECK:         math.roundeven
// CHECK:         arith.fptoui %{{.*}} : f32 to i8
// CHECK-DAG:   %[[S:.*]] = graph.constant dense<0.0156862754> : tensor<f32>
// CHECK-DAG:   %[[Z:.*]] = graph.constant dense<64> : tensor<i32>
// CHECK:       kernel.qmatmul %[[Q]], %[[W]] scales(%[[S]], %[[Z]], %[[WS]], %[[WC]]) : (tensor<2x4xui8>, tensor<4x3xi8>, tensor<f32>, tensor<i32>, tensor<3xf32>, tensor<3xi32>) -> tensor<2x3xf32>
// CHECK-NOT:   kernel.matmul
// CHECK:       weight_q8: "0x010000007F8100404000811000007F00"
// CHECK:       weight_q8_scale: "0x040000000402013C0402813C0000803F"
// CHECK:       weight_q8_colsum: "0x04000000400000005000000000000000"

// A range that excludes 0 is widened to hold it: [0.5, 2] is quantized over
// [0, 2], zero point 0.
// POS-LABEL: func.func @weights
// POS-DAG:   graph.constant dense<0.00784313772> : tensor<f32>
// POS-DAG:   graph.constant dense<0> : tensor<i32>
// SKIP:       kernel.qmatmul

// BAD: calibrated range 0 [3.000000e+00, -1.000000e+00] is not a finite interval
// expected-error@+1 {{1 weight matmuls to quantize, but 0 calibrated ranges (1 values) were given}}
func.func @weights(%a: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = graph.constant dense<[[1.0, -2.0, 0.0], [0.5, 1.0, 0.0], [-1.0, 0.25, 0.0], [0.0, 2.0, 0.0]]> : tensor<4x3xf32> : tensor<4x3xf32>
  %0 = kernel.matmul %a, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
