// The e2e model's three integer matmuls (MatMulInteger after
// DynamicQuantizeLinear, QLinearMatMul S8S8, QLinearMatMul u8 at zero point
// 128) all run as packed kernel.qmatmul, with the Cast, the scales, the bias,
// the requantization to the output type fused as the epilogue: no i32 matmul.
// RUN: kiln-compile %S/../e2e/data/quant_lifted/model.onnx --emit kernel --target x86-64-linux-avx-avx2-avx512-avx512_cannonlake-avx512_skylake-f16c-fma-sse41 | FileCheck %s
// CHECK-LABEL: func.func @main
// CHECK:       kernel.qmatmul {{.*}} epilogue({{.*}}) {b_panel = 64 : i64{{.*}} -> tensor<2x24x100xf32>
// CHECK:       kernel.qmatmul {{.*}} {b_panel = 64 : i64{{.*}} -> tensor<2x24x40xi8>
// CHECK:       kernel.qmatmul {{.*}} {b_panel = 64 : i64{{.*}} -> tensor<2x24x36xf32>
// CHECK-NOT:   kernel.matmul
