// RUN: kiln-opt %s -kiln-quantize-int8-static='ranges=-1.0,3.0' | FileCheck %s
// RUN: kiln-opt %s -kiln-quantize-int8-static='skip=ffn' | FileCheck %s --check-prefix=SKIP

// Only weight matmuls take a range: the activation-by-activation matmul stays
// f32. A skipped node keeps its f32 matmul and takes no range either.
// CHECK-LABEL: func.func @skip
// CHECK:       kernel.qmatmul
// CHECK:       kernel.matmul %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3x2xf32>)
// SKIP-LABEL:  func.func @skip
// SKIP-NOT:    kernel.qmatmul
// SKIP:        kernel.matmul %arg0, %{{.*}} : (tensor<2x4xf32>, tensor<4x3xf32>)
func.func @skip(%a: tensor<2x4xf32>, %b: tensor<3x2xf32>) -> tensor<2x2xf32> {
  %w = graph.constant dense<1.0> : tensor<4x3xf32> : tensor<4x3xf32>
  %0 = kernel.matmul %a, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32> loc("ffn")
  %1 = kernel.matmul %0, %b : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  return %1 : tensor<2x2xf32>
}
