// RUN: kiln-opt %s -split-input-file -convert-kernel-to-halide | FileCheck %s

// The CPU vector width comes from the module's halide.target: 32 bytes with
// avx2, 64 with an avx512 feature, 16 without either, 32 with no target.

// CHECK-LABEL: halide.kernel @k0_addf_f32
// CHECK: halide.schedule "cpu"
// CHECK-NEXT: halide.vectorize @out "d1" 8
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-f16c-fma-sse41">} {
  func.func @main(%a: tensor<2x64xf32>) -> tensor<2x64xf32> {
    %0 = kernel.elementwise ins(%a : tensor<2x64xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<2x64xf32> {
    ^bb0(%x: f32):
      %s = arith.addf %x, %x : f32
      kernel.yield %s : f32
    }
    return %0 : tensor<2x64xf32>
  }
}

// -----

// CHECK-LABEL: halide.kernel @k0_addf_f32
// CHECK: halide.schedule "cpu"
// CHECK-NEXT: halide.vectorize @out "d1" 16
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_skylake-fma-sse41">} {
  func.func @main(%a: tensor<2x64xf32>) -> tensor<2x64xf32> {
    %0 = kernel.elementwise ins(%a : tensor<2x64xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<2x64xf32> {
    ^bb0(%x: f32):
      %s = arith.addf %x, %x : f32
      kernel.yield %s : f32
    }
    return %0 : tensor<2x64xf32>
  }
}

// -----

// CHECK-LABEL: halide.kernel @k0_addf_f32
// CHECK: halide.schedule "cpu"
// CHECK-NEXT: halide.vectorize @out "d1" 4
module attributes {halide.target = #halide.target<"arm-64-linux-arm_dot_prod">} {
  func.func @main(%a: tensor<2x64xf32>) -> tensor<2x64xf32> {
    %0 = kernel.elementwise ins(%a : tensor<2x64xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<2x64xf32> {
    ^bb0(%x: f32):
      %s = arith.addf %x, %x : f32
      kernel.yield %s : f32
    }
    return %0 : tensor<2x64xf32>
  }
}

// -----

// CHECK-LABEL: halide.kernel @k0_addf_f32
// CHECK: halide.schedule "cpu"
// CHECK-NEXT: halide.vectorize @out "d1" 8
func.func @main(%a: tensor<2x64xf32>) -> tensor<2x64xf32> {
  %0 = kernel.elementwise ins(%a : tensor<2x64xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<2x64xf32> {
  ^bb0(%x: f32):
    %s = arith.addf %x, %x : f32
    kernel.yield %s : f32
  }
  return %0 : tensor<2x64xf32>
}
