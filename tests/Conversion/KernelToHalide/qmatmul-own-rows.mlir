// RUN: kiln-opt %s -split-input-file -convert-kernel-to-halide -kiln-schedule-cpu | FileCheck %s

// The kernel quantizes A's rows itself (no a_scale): alo / ahi are each row's
// range (through 16-lane partials: K = 64), arow its scale, 1 / scale and
// zero point (one tuple, int8-dynamic's rule), aq the u8 row that the packed
// product reads instead of an input; out dequantizes with arow. Scheduled:
// arow at root, each row's reductions inside its row loop; aq at root,
// vectorized (64 u8 lanes); 128 x 64 is too little work to go parallel
// (minParallel, as for the separate kernels this replaces).
// CHECK-LABEL: halide.kernel @k0_qmatmul_f32 attributes {b_panel = 16 : i64, recipe = #halide.recipe<qmatmul_packed>}
// CHECK:       halide.input @in0 : f32 [64, 128]
// CHECK:       halide.update @alo_part rdom [0, 4] combine min
// CHECK:       halide.update @alo rdom [0, 16] combine min
// CHECK:       halide.update @ahi rdom [0, 16] combine max
// CHECK:       halide.func @arow ["d0"] : f32 tuple 3 attributes {root = tensor<128xf32>}
// CHECK:         arith.divf
// CHECK:         math.roundeven
// CHECK:       halide.func @aq ["d1", "d0"] : ui8 attributes {root = tensor<128x64xui8>}
// CHECK-DAG:     halide.call @arow(%arg1) {element = 1 : i64}
// CHECK-DAG:     halide.call @arow(%arg1) {element = 2 : i64}
// CHECK:         arith.fptoui %{{.*}} : f32 to i8
// CHECK:       halide.update @acc
// CHECK:         halide.call @aq(
// CHECK:       halide.func @out
// CHECK:         halide.call @arow(%arg1) {element = 2 : i64}
// CHECK:         arith.fptosi
// CHECK:         halide.call @arow(%arg1) {element = 0 : i64}
// CHECK:       halide.schedule cpu
// CHECK:         halide.compute_root @arow
// CHECK-NEXT:    halide.compute_at @alo_part, @arow "d0"
// CHECK-NEXT:    halide.vectorize @alo_part "d1" 16
// CHECK-NEXT:    halide.vectorize @alo_part "d1" 16 {stage = 1 : i64}
// CHECK-NEXT:    halide.compute_at @alo, @arow "d0"
// CHECK:         halide.compute_root @aq
// CHECK-NEXT:    halide.vectorize @aq "d1" 64
// CHECK-NOT:     halide.parallel @aq
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_cannonlake-avx512_skylake-f16c-fma-sse41">} {
  func.func @own(%a: tensor<128x64xf32>) -> tensor<128x16xf32> {
    %w = graph.constant dense<100> : tensor<1x16x16x4xi8> : tensor<1x16x16x4xi8>
    %ws = graph.constant dense<0.5> : tensor<16xf32> : tensor<16xf32>
    %wc = graph.constant dense<6400> : tensor<16xi32> : tensor<16xi32>
    %0 = kernel.qmatmul %a, %w scales(%ws, %wc) {b_panel = 16 : i64}
        : (tensor<128x64xf32>, tensor<1x16x16x4xi8>, tensor<16xf32>, tensor<16xi32>) -> tensor<128x16xf32>
    return %0 : tensor<128x16xf32>
  }
}

// -----

// With a LayerNorm prologue: nst(row) = (mean, 1 / std) from the row sums
// nsum and nsq (as lowerLayerNorm), the normalized value inlined where the
// range and the u8 values read A; nst at root before arow.
// CHECK-LABEL: halide.kernel @k0_qmatmul_f32
// CHECK:       halide.input @in4 : f32 [64]
// CHECK:       halide.input @in5 : f32 [64]
// CHECK:       halide.update @nsum rdom [0, 16] combine add
// CHECK:       halide.update @nsq rdom [0, 16] combine add
// CHECK:       halide.func @nst ["d0"] : f32 tuple 2 attributes {root = tensor<128xf32>}
// CHECK:         math.rsqrt
// CHECK:       halide.update @alo_part
// CHECK:         halide.call @nst(%arg1) {element = 0 : i64}
// CHECK:         arith.subf
// CHECK:         halide.call @nst(%arg1) {element = 1 : i64}
// CHECK:         halide.call @in4(
// CHECK:         halide.call @in5(
// CHECK:       halide.schedule cpu
// CHECK:         halide.compute_root @nst
// CHECK:         halide.compute_at @nsum, @nst "d0"
// CHECK:         halide.compute_at @nsq, @nst "d0"
// CHECK:         halide.compute_root @arow
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_cannonlake-avx512_skylake-f16c-fma-sse41">} {
  func.func @norm(%a: tensor<128x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<128x16xf32> {
    %w = graph.constant dense<100> : tensor<1x16x16x4xi8> : tensor<1x16x16x4xi8>
    %ws = graph.constant dense<0.5> : tensor<16xf32> : tensor<16xf32>
    %wc = graph.constant dense<6400> : tensor<16xi32> : tensor<16xi32>
    %0 = kernel.qmatmul %a, %w scales(%ws, %wc) norm(%g, %b) {b_panel = 16 : i64, norm_epsilon = 1.0e-5 : f32}
        : (tensor<128x64xf32>, tensor<1x16x16x4xi8>, tensor<16xf32>, tensor<16xi32>, tensor<64xf32>, tensor<64xf32>) -> tensor<128x16xf32>
    return %0 : tensor<128x16xf32>
  }
}
