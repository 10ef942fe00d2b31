// RUN: kiln-opt %s -convert-kernel-to-halide -kiln-schedule-cpu | FileCheck %s
// RUN: kiln-opt %s -convert-kernel-to-halide -kiln-schedule-cuda | FileCheck %s --check-prefix=CUDA

// 8x1 blocks (two i32 lanes of 4 k each) over K = 100 (13 block rows), 40
// rows. at4 [batch, ko, m, ki] = A[batch, m, 4 ko + ki] (m clamped into the
// 40 rows). acc [batch, nb, ni, m] (i32) sums u8 x s8 products over (ki < 4,
// io < 2, block < max_blocks), predicated on the block < the column's count;
// at4 is read at ko = row * 2 + io. The CPU schedule vectorizes ki (r0)
// atomically by 4 inside the vector of 16 rows: the VectorReduce Halide
// matches to vpdpbusd; io (r1) is unrolled. out subtracts a_zero * colsum and
// scales by a_scale * b_scale. Call indices are in Halide's order, innermost
// first: at4's (ki, m, ko, batch), acc's (m, ni, nb, batch) then (r0, r1, r2).
// CHECK-LABEL: halide.kernel @k0_sparse_qmatmul_f32 attributes {recipe = #halide.recipe<qmatmul_sparse>}
// CHECK:       halide.func @at4 ["d3", "d2", "d1", "d0"] : ui8 {
// CHECK:         %[[K4:.*]] = arith.muli %arg2, %c4_i32 : i32
// CHECK:         %[[K:.*]] = arith.addi %[[K4]], %arg0 : i32
// CHECK:         %[[M:.*]] = arith.minsi %{{.*}}, %c39_i32 : i32
// CHECK:         halide.call @in0(%[[K]], %[[M]], %arg3) : (i32, i32, i32) -> ui8
// CHECK:       halide.func @acc ["d3", "d2", "d1", "d0"] : i32
// CHECK:       halide.update @acc rdom [0, 4, 0, 2, 0, 3] combine add where {
// CHECK:         %[[COUNT:.*]] = arith.subi
// CHECK:         %[[ROW:.*]] = arith.minsi %{{.*}}, %c12_i32 : i32
// CHECK:         %[[R2:.*]] = arith.muli %[[ROW]], %c2_i32 : i32
// CHECK:         %[[KO:.*]] = arith.addi %[[R2]], %arg5 : i32
// CHECK:         %[[A:.*]] = halide.call @at4(%arg4, %arg0, %[[KO]], %arg3) : (i32, i32, i32, i32) -> ui8
// CHECK:         %[[AU:.*]] = arith.extui
// CHECK:         %[[W:.*]] = halide.call @in1(%arg1, %{{.*}}, %{{.*}}) : (i32, i32, i32) -> i8
// CHECK:         %[[WS:.*]] = arith.extsi %[[W]] : i8 to i32
// CHECK:         %[[P:.*]] = arith.muli %[[WS]], %[[AU]] : i32
// CHECK:         %[[KEEP:.*]] = arith.cmpi slt, %arg6, %[[COUNT]] : i32
// CHECK:         halide.return %[[P]], %[[KEEP]] : i32, i1
// CHECK:       halide.func @out
// CHECK:         %[[ACC:.*]] = halide.call @acc
// CHECK:         %[[ZC:.*]] = arith.muli
// CHECK:         arith.subi %[[ACC]], %[[ZC]] : i32
// CHECK:         arith.sitofp
// CHECK:       halide.schedule cpu {
// CHECK:         halide.compute_at @acc, @out "d1_o"
// CHECK-NEXT:    halide.vectorize @acc "d3" 16
// CHECK-NEXT:    halide.reorder @acc ["r0", "d3", "d2", "r1", "r2", "d1"] {stage = 1 : i64}
// CHECK-NEXT:    halide.atomic @acc
// CHECK-NEXT:    halide.vectorize @acc "r0" 4 {stage = 1 : i64}
// CHECK-NEXT:    halide.vectorize @acc "d3" 16 {stage = 1 : i64}
// CHECK-NEXT:    halide.unroll @acc "d3" {stage = 1 : i64}
// CHECK-NEXT:    halide.unroll @acc "d2" {stage = 1 : i64}
// CHECK-NEXT:    halide.unroll @acc "r1" {stage = 1 : i64}
// CHECK-NEXT:    halide.compute_root @at4
// CHECK-NEXT:    halide.vectorize @at4 "d3" 4
// CHECK-NEXT:    halide.split @at4 "d2" -> "d2_o", "d2_i" by 16
// CHECK-NEXT:    halide.unroll @at4 "d2_i"
// CHECK-NEXT:    halide.parallel @at4 "d1"
// Constant tables (what kiln-sparsify writes) were checked by the verifier:
// their reads are promised in range instead of clamped, as sparse_matmul's.
// CHECK-LABEL: halide.kernel @k1_sparse_qmatmul_f32
// CHECK:       halide.update @acc
// CHECK:         %[[P:.*]] = halide.promise_clamped %{{.*}}, %{{.*}}, %{{.*}} : i32
// CHECK:         %[[R:.*]] = halide.call @in2(%[[P]]) : (i32) -> i32
// CHECK:         halide.promise_clamped %[[R]], %{{.*}}, %{{.*}} : i32
// CHECK-NOT:     arith.minsi
// CHECK:       halide.func @out
// CUDA-LABEL:  halide.kernel @k0_sparse_qmatmul_f32
// CUDA:        halide.schedule cuda {
// CUDA-NEXT:     halide.compute_root @at4
// CUDA-NEXT:     halide.gpu_tile @at4
// CUDA-NEXT:     halide.compute_root @acc
// CUDA-NEXT:     halide.atomic @acc
// CUDA-NEXT:     halide.vectorize @acc "r0" 4 {stage = 1 : i64}
// CUDA-NEXT:     halide.gpu_tile @acc ["d3", "d2"] [32, 1]
// CUDA-NEXT:     halide.gpu_tile @acc ["d3", "d2"] [32, 1] {stage = 1 : i64}

module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41">} {
func.func @sparse_q(%a: tensor<1x40x100xui8>, %v: tensor<30x8x1xi8>, %i: tensor<30xi32>, %o: tensor<49xi32>,
                    %as: tensor<1x40x1xf32>, %az: tensor<1x40x1xi32>, %ws: tensor<48xf32>, %wsum: tensor<48xi32>) -> tensor<1x40x48xf32> {
  %0 = kernel.sparse_qmatmul %a, %v indices(%i, %o) scales(%as, %az, %ws, %wsum) {block_k = 8 : i64, block_n = 1 : i64, max_blocks = 3 : i64} : (tensor<1x40x100xui8>, tensor<30x8x1xi8>, tensor<30xi32>, tensor<49xi32>, tensor<1x40x1xf32>, tensor<1x40x1xi32>, tensor<48xf32>, tensor<48xi32>) -> tensor<1x40x48xf32>
  return %0 : tensor<1x40x48xf32>
}
func.func @constant_tables(%a: tensor<16x8xui8>, %as: tensor<16x1xf32>, %az: tensor<16x1xi32>, %ws: tensor<2xf32>, %wsum: tensor<2xi32>) -> tensor<16x2xf32> {
  %v = graph.constant dense<1> : tensor<2x4x1xi8> : tensor<2x4x1xi8>
  %i = graph.constant dense<[0, 1]> : tensor<2xi32> : tensor<2xi32>
  %o = graph.constant dense<[0, 2, 2]> : tensor<3xi32> : tensor<3xi32>
  %0 = kernel.sparse_qmatmul %a, %v indices(%i, %o) scales(%as, %az, %ws, %wsum) {block_k = 4 : i64, block_n = 1 : i64, max_blocks = 2 : i64} : (tensor<16x8xui8>, tensor<2x4x1xi8>, tensor<2xi32>, tensor<3xi32>, tensor<16x1xf32>, tensor<16x1xi32>, tensor<2xf32>, tensor<2xi32>) -> tensor<16x2xf32>
  return %0 : tensor<16x2xf32>
}
}
