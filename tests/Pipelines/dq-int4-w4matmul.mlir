// The e2e model's three blocked 4-bit weights (DequantizeLinear of UINT4 and
// INT4 initializers into MatMul, and into Gemm with transB, alpha, beta and C)
// run as kernel.w4matmul: the weights stay 4-bit panels (u8, two k per byte)
// and no f32 copy of them, plain or packed for kernel.matmul, is left.
// RUN: kiln-compile %S/../e2e/data/dq_int4/model.onnx --emit kernel --target x86-64-linux-avx-avx2-avx512-avx512_cannonlake-avx512_skylake-f16c-fma-sse41 | FileCheck %s
// CHECK-LABEL: func.func @main
// CHECK-DAG:   %[[W1:.*]] = graph.constant dense_resource<w1_panel64> : tensor<2x48x64xui8>
// CHECK-DAG:   %[[W2:.*]] = graph.constant dense_resource<w2_panel64> : tensor<1x48x64xui8>
// CHECK-DAG:   %[[W3:.*]] = graph.constant dense_resource<w3_panel64> : tensor<1x48x64xui8>
// CHECK:       kernel.w4matmul %arg0, %[[W1]] {{.*}}group_size = 32 : i64{{.*}} -> tensor<2x5x80xf32>
// CHECK:       kernel.w4matmul %{{.*}}, %[[W2]] scales({{.*}}) bias %{{.*}} {b_panel = 64 : i64, group_size = 32 : i64}
// CHECK:       kernel.w4matmul %arg0, %[[W3]] {{.*}} -> tensor<2x5x24xf32>
// RUN: kiln-compile %S/../e2e/data/dq_int4/model.onnx --emit kernel | FileCheck %s --check-prefix=NOF32
// NOF32-LABEL: func.func @main
// NOF32-NOT:   kernel.matmul
// NOF32-NOT:   {{96x80|80x40|40x80|96x24|x96x[0-9]+|x80x[0-9]+}}xf32
