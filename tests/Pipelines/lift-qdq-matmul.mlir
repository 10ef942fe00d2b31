// The e2e model's three static QDQ matmuls (u8 activations by per-column s8
// weights, then bias and Relu; s8 activations into Gemm transB with per-row
// [N, K] scales and a bias; u8 weights at zero point 128) all run as packed
// kernel.qmatmul: the bias and Relu fused as the epilogue, the next
// quantization to u8 fused into the Gemm's. No f32 matmul is left.
// RUN: kiln-compile %S/../e2e/data/quant_qdq/model.onnx --emit kernel --target x86-64-linux-avx-avx2-avx512-avx512_cannonlake-avx512_skylake-f16c-fma-sse41 | FileCheck %s
// CHECK-LABEL: func.func @main
// CHECK:       kernel.qmatmul {{.*}} epilogue({{.*}}) {b_panel = 64 : i64{{.*}} : (tensor<2x24x70xui8>, {{.*}}, tensor<100xf32>, tensor<100xi32>, {{.*}} -> tensor<2x24x100xf32>
// CHECK:       kernel.qmatmul {{.*}} bias {{.*}} {b_panel = 64 : i64{{.*}} : (tensor<48x100xui8>, {{.*}}, tensor<40xf32>, tensor<40xi32>, tensor<40xf32>) -> tensor<48x40xui8>
// CHECK:       kernel.qmatmul {{.*}} {b_panel = 64 : i64{{.*}} : (tensor<48x40xui8>, {{.*}} -> tensor<48x36xf32>
// CHECK-NOT:   kernel.matmul
