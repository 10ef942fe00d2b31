// RUN: kiln-opt %s -split-input-file -convert-kernel-to-halide | FileCheck %s
// RUN: kiln-opt %s -split-input-file -convert-kernel-to-halide -kiln-schedule-cpu | FileCheck %s --check-prefix=SCHED
// The pairs' objects: vpmaddubsw then vpmaddwd (kiln-translate builds the
// first kernel for its AVX2 target).
// RUN: rm -rf %t && mkdir -p %t && kiln-opt %s -split-input-file -convert-kernel-to-halide -kiln-schedule-cpu | awk '/^\/\/ -----/{stop=1} !stop' > %t/pairs.mlir
// RUN: kiln-translate --halide-to-objects %t/pairs.mlir --output-dir %t/o --name p | FileCheck %s --check-prefix=FILES
// RUN: llvm-objdump -d --no-show-raw-insn %t/o/p_k0_qmatmul_f32.o | FileCheck %s --check-prefix=ASM
// FILES: p_k0_qmatmul_f32.o
// ASM: vpmaddubsw %ymm{{[0-9]+}}, %ymm{{[0-9]+}}, %ymm{{[0-9]+}}
// ASM: vpmaddwd

// AVX2 with no int8 dot product and packed constant weights within [-63, 63]
// (--quantize's 7-bit weights there): the pair form. pr sums u8 x s8 pairs
// into i16 with saturation (k = 4 kq + 2 h + r0; Halide's vpmaddubsw), which
// no 7-bit pair can reach; acc adds the two pairs of each group of 4 as
// i32(i16) * i32(i16 1), which the translation keeps as widening_mul (vpmaddwd
// by ones).
// CHECK-LABEL: halide.kernel @k0_qmatmul_f32 attributes {b_panel = 16 : i64, recipe = #halide.recipe<qmatmul_pairs>}
// CHECK:       halide.func @pr ["d4", "d3", "d2", "d1", "d0"] : i16
// CHECK:       halide.update @pr rdom [0, 2] combine sat_add
// CHECK:         %[[A:.*]] = halide.call @in0(%{{.*}}, %{{.*}}) : (i32, i32) -> ui8
// CHECK:         %[[B:.*]] = halide.call @in1(
// CHECK:         %[[BW:.*]] = arith.extsi %[[B]] : i8 to i16
// CHECK:         arith.muli %{{.*}}, %[[BW]] : i16
// CHECK:       halide.update @acc rdom [0, 2, 0, 2] combine add
// CHECK:         %[[P:.*]] = halide.call @pr(
// CHECK:         %[[PW:.*]] = arith.extsi %[[P]] : i16 to i32
// CHECK:         %[[ONE:.*]] = arith.constant 1 : i16
// CHECK:         %[[OW:.*]] = arith.extsi %[[ONE]] : i16 to i32
// CHECK:         arith.muli %[[PW]], %[[OW]] : i32
// CHECK:       halide.func @out
// The schedule: acc per 4 x 16 tile, its update vectorizes the 2 pairs (r0)
// atomically into the 8 i32 lanes; pr per row inside it, its pair sum (r0)
// vectorized atomically inside the 2 pairs x 8 columns.
// SCHED-LABEL: halide.kernel @k0_qmatmul_f32
// SCHED:       halide.compute_at @acc, @out "d0_o"
// SCHED:       halide.reorder @acc ["r0", "d2", "d1", "r1"] {stage = 1 : i64}
// SCHED-NEXT:  halide.atomic @acc
// SCHED-NEXT:  halide.vectorize @acc "r0" 2 {stage = 1 : i64}
// SCHED:       halide.compute_at @pr, @acc "d1"
// SCHED:       halide.reorder @pr ["r0", "d4", "d3"] {stage = 1 : i64}
// SCHED-NEXT:  halide.atomic @pr
// SCHED-NEXT:  halide.vectorize @pr "r0" 2 {stage = 1 : i64}
// SCHED-NEXT:  halide.vectorize @pr "d4" 2 {stage = 1 : i64}
// SCHED-NEXT:  halide.vectorize @pr "d3" 8 {stage = 1 : i64}
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-f16c-fma-sse41">} {
func.func @pairs(%a: tensor<4x6xui8>, %s: tensor<4x1xf32>, %z: tensor<4x1xi32>, %ws: tensor<16xf32>, %wc: tensor<16xi32>) -> tensor<4x16xf32> {
  %w = graph.constant dense<-63> : tensor<1x2x16x4xi8> : tensor<1x2x16x4xi8>
  %0 = kernel.qmatmul %a, %w scales(%s, %z, %ws, %wc) {b_panel = 16 : i64} : (tensor<4x6xui8>, tensor<1x2x16x4xi8>, tensor<4x1xf32>, tensor<4x1xi32>, tensor<16xf32>, tensor<16xi32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
}

// -----

// A weight of 64 could saturate a pair (255 * 64 * 2 > 32767): the exact
// 4-product form, as on VNNI.
// CHECK-LABEL: halide.kernel @k0_qmatmul_f32 attributes {b_panel = 16 : i64, recipe = #halide.recipe<qmatmul_packed>}
// CHECK-NOT:   sat_add
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-f16c-fma-sse41">} {
func.func @wide(%a: tensor<4x6xui8>, %s: tensor<4x1xf32>, %z: tensor<4x1xi32>, %ws: tensor<16xf32>, %wc: tensor<16xi32>) -> tensor<4x16xf32> {
  %w = graph.constant dense<64> : tensor<1x2x16x4xi8> : tensor<1x2x16x4xi8>
  %0 = kernel.qmatmul %a, %w scales(%s, %z, %ws, %wc) {b_panel = 16 : i64} : (tensor<4x6xui8>, tensor<1x2x16x4xi8>, tensor<4x1xf32>, tensor<4x1xi32>, tensor<16xf32>, tensor<16xi32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
}

// -----

// An AVX-VNNI CPU (halide.cpu with +avxvnni) has vpdpbusd: no pairs.
// CHECK-LABEL: halide.kernel @k0_qmatmul_f32 attributes {b_panel = 16 : i64, recipe = #halide.recipe<qmatmul_packed>}
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-f16c-fma-sse41">, halide.cpu = #halide.cpu<"alderlake", "+avxvnni,-avx512fp16">} {
func.func @vnni(%a: tensor<4x6xui8>, %s: tensor<4x1xf32>, %z: tensor<4x1xi32>, %ws: tensor<16xf32>, %wc: tensor<16xi32>) -> tensor<4x16xf32> {
  %w = graph.constant dense<1> : tensor<1x2x16x4xi8> : tensor<1x2x16x4xi8>
  %0 = kernel.qmatmul %a, %w scales(%s, %z, %ws, %wc) {b_panel = 16 : i64} : (tensor<4x6xui8>, tensor<1x2x16x4xi8>, tensor<4x1xf32>, tensor<4x1xi32>, tensor<16xf32>, tensor<16xi32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
}
