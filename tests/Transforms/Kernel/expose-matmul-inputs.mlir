// RUN: kiln-opt %s -split-input-file -kiln-expose-matmul-inputs | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-expose-matmul-inputs='skip=ffn' | FileCheck %s --check-prefix=SKIP

// The calibration build: each weight matmul's A becomes an extra result,
// named kiln_calib_N after the model's own outputs, in the order
// kiln-quantize-int8-static takes its ranges. The activation-by-activation
// matmul has no weight to quantize and is not exposed; a skipped node is not
// either.
// CHECK-LABEL: func.func @calib
// CHECK-SAME:    -> (tensor<2x2xf32>, tensor<2x4xf32>, tensor<2x3xf32>)
// CHECK-SAME:    kiln.output_names = ["y", "kiln_calib_0", "kiln_calib_1"]
// CHECK:       %[[H:.*]] = kernel.matmul %arg0
// CHECK:       %[[G:.*]] = kernel.elementwise ins(%[[H]]
// CHECK:       %[[O:.*]] = kernel.matmul %[[G]]
// CHECK:       return %[[O]], %arg0, %[[G]] : tensor<2x2xf32>, tensor<2x4xf32>, tensor<2x3xf32>
// SKIP-LABEL:  func.func @calib
// SKIP-SAME:     kiln.output_names = ["y", "kiln_calib_0"]
// SKIP:        return %{{.*}}, %{{.*}} : tensor<2x2xf32>, tensor<2x3xf32>
func.func @calib(%a: tensor<2x4xf32>) -> tensor<2x2xf32> attributes {kiln.output_names = ["y"]} {
  %w = graph.constant dense<1.0> : tensor<4x3xf32> : tensor<4x3xf32>
  %w2 = graph.constant dense<2.0> : tensor<3x2xf32> : tensor<3x2xf32>
  %0 = kernel.matmul %a, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32> loc("ffn")
  %1 = kernel.elementwise ins(%0 : tensor<2x3xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<2x3xf32> {
  ^bb0(%x: f32):
    %t = math.tanh %x : f32
    kernel.yield %t : f32
  }
  %2 = kernel.matmul %1, %w2 : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  return %2 : tensor<2x2xf32>
}

// -----

// A model with no weight matmul is left as it is.
// CHECK-LABEL: func.func @none
// CHECK-SAME:    -> tensor<2x2xf32> attributes {kiln.output_names = ["y"]}
func.func @none(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>) -> tensor<2x2xf32> attributes {kiln.output_names = ["y"]} {
  %0 = kernel.matmul %a, %b : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
