// RUN: kiln-opt %s | kiln-opt | FileCheck %s

// The 16-bit half of LLM.int8(): the weight in f16 (or f32), [K, N].
// CHECK-LABEL: func.func @f16
// CHECK:       kernel.outlier_matmul %arg0, %arg1 mask(%arg2) acc(%arg3) : (tensor<2x8xf32>, tensor<8x16xf16>, tensor<8xui8>, tensor<2x16xf32>) -> tensor<2x16xf32>
func.func @f16(%a: tensor<2x8xf32>, %b: tensor<8x16xf16>, %m: tensor<8xui8>, %c: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %0 = kernel.outlier_matmul %a, %b mask(%m) acc(%c) : (tensor<2x8xf32>, tensor<8x16xf16>, tensor<8xui8>, tensor<2x16xf32>) -> tensor<2x16xf32>
  return %0 : tensor<2x16xf32>
}
// CHECK-LABEL: func.func @batched_f32
// CHECK:       kernel.outlier_matmul {{.*}} : (tensor<3x2x8xf32>, tensor<8x20xf32>, tensor<8xui8>, tensor<3x2x20xf32>)
func.func @batched_f32(%a: tensor<3x2x8xf32>, %b: tensor<8x20xf32>, %m: tensor<8xui8>, %c: tensor<3x2x20xf32>) -> tensor<3x2x20xf32> {
  %0 = kernel.outlier_matmul %a, %b mask(%m) acc(%c) : (tensor<3x2x8xf32>, tensor<8x20xf32>, tensor<8xui8>, tensor<3x2x20xf32>) -> tensor<3x2x20xf32>
  return %0 : tensor<3x2x20xf32>
}
