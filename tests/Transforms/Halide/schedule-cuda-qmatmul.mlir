// RUN: kiln-opt %s -split-input-file -convert-kernel-to-halide -kiln-schedule-cuda | FileCheck %s

// CUDA int8: acc's reduction in groups of 4 k, vectorized atomically, which
// Halide's PTX backend emits as dp4a (e2e.cuda.ptxas checks the instruction
// in every int8 kernel of its models); one thread per output point.
// CHECK-LABEL: halide.kernel @k0_qmatmul_f32
// CHECK:       halide.schedule cuda {
// CHECK-NEXT:    halide.compute_root @acc
// CHECK-NEXT:    halide.split @acc "r0" -> "r0_o", "r0_i" by 4 {stage = 1 : i64}
// CHECK-NEXT:    halide.atomic @acc
// CHECK-NEXT:    halide.vectorize @acc "r0_i" 4 {stage = 1 : i64}
// CHECK-NEXT:    halide.gpu_tile @acc ["d1", "d0"] [32, 8]
// CHECK-NEXT:    halide.gpu_tile @acc ["d1", "d0"] [32, 8] {stage = 1 : i64}
// CHECK-NEXT:    halide.gpu_tile @out ["d1", "d0"] [32, 8]
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-f16c-fma-sse41-cuda-cuda_capability_61">} {
func.func @q(%a: tensor<16x64xui8>, %b: tensor<64x32xi8>, %as: tensor<f32>, %az: tensor<i32>, %bs: tensor<32xf32>, %bc: tensor<32xi32>) -> tensor<16x32xf32> {
  %0 = kernel.qmatmul %a, %b scales(%as, %az, %bs, %bc) : (tensor<16x64xui8>, tensor<64x32xi8>, tensor<f32>, tensor<i32>, tensor<32xf32>, tensor<32xi32>) -> tensor<16x32xf32>
  return %0 : tensor<16x32xf32>
}
}

// -----

// K = 30 is not a multiple of 4: the plain reduction.
// CHECK-LABEL: halide.kernel @k0_qmatmul_f32
// CHECK:       halide.schedule cuda {
// CHECK-NEXT:    halide.compute_root @acc
// CHECK-NEXT:    halide.gpu_tile @acc
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-f16c-fma-sse41-cuda-cuda_capability_61">} {
func.func @q(%a: tensor<16x30xui8>, %b: tensor<30x32xi8>, %as: tensor<f32>, %az: tensor<i32>, %bs: tensor<32xf32>, %bc: tensor<32xi32>) -> tensor<16x32xf32> {
  %0 = kernel.qmatmul %a, %b scales(%as, %az, %bs, %bc) : (tensor<16x30xui8>, tensor<30x32xi8>, tensor<f32>, tensor<i32>, tensor<32xf32>, tensor<32xi32>) -> tensor<16x32xf32>
  return %0 : tensor<16x32xf32>
}
}
