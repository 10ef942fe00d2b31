// RUN: kiln-opt %s -convert-kernel-to-halide -kiln-schedule-cpu | FileCheck %s

// 4x1 blocks over K = 100 (25 block rows), 40 rows of A: at is A transposed
// (k outer, m inner), computed at root in 16 x 16 tiles (m vectorized, k
// unrolled: a shuffle transpose). acc [batch, nb, ni, m] sums block rows
// r1 < max_blocks, predicated on r1 < offsets[nb + 1] - offsets[nb] (Halide
// trims the loop to each column's count); the block row index is clamped
// into [0, 25), k = row * 4 + r0. out tiles of 32 rows (2 vectors: 40 rows
// round down to whole vectors, the last tile shifts inwards) by 16 columns;
// it reads acc transposed in 16-row groups, unrolled (a shuffle transpose).
// Block arguments and call indices are in Halide's order, innermost first:
// acc's (m, ni, nb, batch) then (r0, r1).
// CHECK-LABEL: halide.kernel @k0_sparse_matmul_f32 attributes {recipe = #halide.recipe<sparse_matmul>}
// CHECK:       halide.func @at ["d2", "d1", "d0"] : f32
// CHECK:       halide.func @acc ["d3", "d2", "d1", "d0"] : f32
// CHECK:       halide.update @acc rdom [0, 4, 0, 3] combine add where {
// CHECK:         %[[FIRST:.*]] = halide.call @in3(%arg2) : (i32) -> i32
// CHECK:         %[[NEXT:.*]] = halide.call @in3(%{{.*}}) : (i32) -> i32
// CHECK:         %[[COUNT:.*]] = arith.subi %[[NEXT]], %[[FIRST]] : i32
// CHECK:         %[[ROW:.*]] = halide.call @in2(%{{.*}}) : (i32) -> i32
// CHECK:         arith.minsi %{{.*}}, %c24_i32
// CHECK:         %[[W:.*]] = halide.call @in1(%arg1, %arg4, %{{.*}}) : (i32, i32, i32) -> f32
// CHECK:         %[[A:.*]] = halide.call @at(%arg0, %{{.*}}, %arg3) : (i32, i32, i32) -> f32
// CHECK:         %[[P:.*]] = arith.cmpi slt, %arg5, %[[COUNT]] : i32
// CHECK:         halide.return %{{.*}}, %[[P]] : f32, i1
// CHECK:       halide.schedule cpu {
// CHECK:         halide.split @out "d1" -> "d1_o", "d1_i" by 32
// CHECK:         halide.parallel @out "d2_o"
// CHECK:         halide.split @out "d1_i" -> "d1_i_o", "d1_i_i" by 16
// CHECK-NEXT:    halide.unroll @out "d1_i_i"
// CHECK-NEXT:    halide.compute_at @acc, @out "d1_o"
// CHECK:         halide.reorder @acc ["d3", "d2", "r0", "r1", "d1"] {stage = 1 : i64}
// CHECK-NEXT:    halide.vectorize @acc "d3" 16 {stage = 1 : i64}
// CHECK-NEXT:    halide.unroll @acc "d3" {stage = 1 : i64}
// CHECK-NEXT:    halide.unroll @acc "d2" {stage = 1 : i64}
// CHECK-NEXT:    halide.unroll @acc "r0" {stage = 1 : i64}
// CHECK-NEXT:    halide.compute_root @at
// CHECK-NEXT:    halide.split @at "d2" -> "d2_o", "d2_i" by 16
// CHECK-NEXT:    halide.split @at "d1" -> "d1_o", "d1_i" by 16
// CHECK-NEXT:    halide.reorder @at ["d2_i", "d1_i", "d2_o", "d1_o"]
// CHECK-NEXT:    halide.vectorize @at "d2_i" 16
// CHECK-NEXT:    halide.unroll @at "d1_i"
// CHECK-NEXT:    halide.parallel @at "d1_o"

// One row of A, group 4: acc [g, nb, ni, m] holds 4 partial sums; the block
// is r1 * 4 + g and the predicate r1 * 4 < count; g is unrolled innermost
// (4 independent scalar FMA chains) and out adds the 4 partials.
// CHECK-LABEL: halide.kernel @k1_sparse_matmul_f32
// CHECK:       halide.func @acc ["d3", "d2", "d1", "d0"] : f32
// CHECK:       halide.update @acc rdom [0, 1, 0, 2] combine add where {
// CHECK:         %[[S:.*]] = arith.muli %arg5, %c4_i32 : i32
// CHECK:         %[[B:.*]] = arith.addi %[[S]], %arg3 : i32
// CHECK:         arith.cmpi slt, %[[S]], %{{.*}} : i32
// CHECK:       halide.func @out ["d1", "d0"] : f32 {
// CHECK-COUNT-4: halide.call @acc
// CHECK:       halide.schedule cpu {
// CHECK:         halide.reorder @acc ["d0", "d3", "d2", "r0", "r1", "d1"] {stage = 1 : i64}
// CHECK-NEXT:    halide.unroll @acc "d0" {stage = 1 : i64}
// CHECK:         halide.compute_root @at
// CHECK-NOT:     halide.parallel @at
// Constant tables (what kiln-sparsify writes) were checked by the verifier:
// their reads are promised in range (Halide's unsafe_promise_clamped: bounds
// for inference, no clamp at run time) instead of clamped.
// CHECK-LABEL: halide.kernel @k2_sparse_matmul_f32
// CHECK:       halide.update @acc
// CHECK:         %[[P:.*]] = halide.promise_clamped %{{.*}}, %{{.*}}, %{{.*}} : i32
// CHECK:         %[[R:.*]] = halide.call @in2(%[[P]]) : (i32) -> i32
// CHECK:         halide.promise_clamped %[[R]], %{{.*}}, %{{.*}} : i32
// CHECK-NOT:     arith.minsi
// CHECK:       halide.func @out
// 1 x 1 blocks over 128 rows: 32-row tiles, row tiles outermost and fused
// with the column panels into the parallel var (each thread's share is whole
// row tiles: the rows of at it reads stay in its L2).
// CHECK-LABEL: halide.kernel @k3_sparse_matmul_f32
// CHECK:       halide.schedule cpu {
// CHECK:         halide.split @out "d1" -> "d1_o", "d1_i" by 16
// CHECK-NEXT:    halide.split @out "d0" -> "d0_o", "d0_i" by 32
// CHECK-NEXT:    halide.reorder @out ["d1_i", "d0_i", "d1_o", "d0_o"]
// CHECK:         halide.fuse @out "d1_o", "d0_o" -> "mn"
// CHECK-NEXT:    halide.parallel @out "mn"
// CHECK:         halide.compute_at @acc, @out "mn"
// i16 indices (kiln-sparsify's tables when every row block fits) are read as
// i16 and sign-extended before the promise.
// CHECK-LABEL: halide.kernel @k4_sparse_matmul_f32
// CHECK:       halide.update @acc
// CHECK:         %[[R16:.*]] = halide.call @in2(%{{.*}}) : (i32) -> i16
// CHECK-NEXT:    %[[R32:.*]] = arith.extsi %[[R16]] : i16 to i32
// CHECK:         halide.promise_clamped %[[R32]], %{{.*}}, %{{.*}} : i32
// The chunked form: 2 chunks of 32 block rows by 400 columns, lists of up to
// 8 blocks: rdom (i, block, chunk), the block predicated on list (chunk * 400
// + n)'s count; tiles of 128 rows by 192 columns, and in acc's update the
// columns between the block and the chunk (acc's args: m, ni, n, then r0,
// r1, r2).
// CHECK-LABEL: halide.kernel @k5_sparse_matmul_f32 attributes {recipe = #halide.recipe<sparse_matmul_chunked>}
// CHECK:       halide.update @acc rdom [0, 1, 0, 8, 0, 2] combine add where {
// CHECK:         %[[C:.*]] = arith.muli %arg5, %c400_i32 : i32
// CHECK:         %[[L:.*]] = arith.addi %[[C]], %arg2 : i32
// CHECK:         %[[FIRST:.*]] = halide.call @in3(%[[L]]) : (i32) -> i32
// CHECK:         %[[P:.*]] = arith.cmpi slt, %arg4, %{{.*}} : i32
// CHECK:         halide.return %{{.*}}, %[[P]] : f32, i1
// CHECK:       halide.schedule cpu {
// CHECK:         halide.split @out "d1" -> "d1_o", "d1_i" by 192
// CHECK-NEXT:    halide.split @out "d0" -> "d0_o", "d0_i" by 128
// CHECK:         halide.fuse @out "d1_o", "d0_o" -> "mn"
// CHECK:         halide.compute_at @acc, @out "mn"
// CHECK:         halide.reorder @acc ["d2", "d1", "r0", "r1", "d0", "r2"] {stage = 1 : i64}
// Constant offsets with every list max_blocks long (the N:M form): no
// predicate, and the entry is list * max_blocks + block, the offsets unread.
// CHECK-LABEL: halide.kernel @k6_sparse_matmul_f32 attributes {recipe = #halide.recipe<sparse_matmul_chunked>}
// CHECK:       halide.update @acc rdom [0, 1, 0, 2, 0, 2] combine add {
// CHECK:         %[[C2:.*]] = arith.muli %arg5, %c2_i32 : i32
// CHECK:         %[[L2:.*]] = arith.addi %[[C2]], %arg2 : i32
// CHECK:         %[[F2:.*]] = arith.muli %[[L2]], %c2_i32{{.*}} : i32
// CHECK-NOT:     halide.call @in3
// CHECK:         halide.return %{{.*}} : f32
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41">} {
func.func @sparse(%a: tensor<1x40x100xf32>, %v: tensor<30x4x1xf32>, %i: tensor<30xi32>, %o: tensor<49xi32>) -> tensor<1x40x48xf32> {
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 4 : i64, block_n = 1 : i64, max_blocks = 3 : i64} : (tensor<1x40x100xf32>, tensor<30x4x1xf32>, tensor<30xi32>, tensor<49xi32>) -> tensor<1x40x48xf32>
  return %0 : tensor<1x40x48xf32>
}
func.func @decode(%a: tensor<1x64xf32>, %v: tensor<40x1x1xf32>, %i: tensor<40xi32>, %o: tensor<33xi32>) -> tensor<1x32xf32> {
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 8 : i64, group = 4 : i64} : (tensor<1x64xf32>, tensor<40x1x1xf32>, tensor<40xi32>, tensor<33xi32>) -> tensor<1x32xf32>
  return %0 : tensor<1x32xf32>
}
func.func @constant_tables(%a: tensor<20x3xf32>) -> tensor<20x2xf32> {
  %v = graph.constant dense<[[[1.0]], [[2.0]]]> : tensor<2x1x1xf32> : tensor<2x1x1xf32>
  %i = graph.constant dense<[0, 2]> : tensor<2xi32> : tensor<2xi32>
  %o = graph.constant dense<[0, 2, 2]> : tensor<3xi32> : tensor<3xi32>
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 2 : i64} : (tensor<20x3xf32>, tensor<2x1x1xf32>, tensor<2xi32>, tensor<3xi32>) -> tensor<20x2xf32>
  return %0 : tensor<20x2xf32>
}
func.func @single_nonzeros(%a: tensor<128x64xf32>, %v: tensor<40x1x1xf32>, %i: tensor<40xi32>, %o: tensor<33xi32>) -> tensor<128x32xf32> {
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 8 : i64} : (tensor<128x64xf32>, tensor<40x1x1xf32>, tensor<40xi32>, tensor<33xi32>) -> tensor<128x32xf32>
  return %0 : tensor<128x32xf32>
}
func.func @i16_tables(%a: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %v = graph.constant dense<[[[1.0]], [[2.0]], [[0.0]], [[0.0]]]> : tensor<4x1x1xf32> : tensor<4x1x1xf32>
  %i = graph.constant dense<[0, 2, 2, 2]> : tensor<4xi16> : tensor<4xi16>
  %o = graph.constant dense<[0, 4, 4]> : tensor<3xi32> : tensor<3xi32>
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 4 : i64, group = 4 : i64} : (tensor<1x3xf32>, tensor<4x1x1xf32>, tensor<4xi16>, tensor<3xi32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}
func.func @chunked(%a: tensor<128x64xf32>, %v: tensor<3200x1x1xf32>, %i: tensor<3200xi16>, %o: tensor<801xi32>) -> tensor<128x400xf32> {
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 8 : i64, chunk = 32 : i64} : (tensor<128x64xf32>, tensor<3200x1x1xf32>, tensor<3200xi16>, tensor<801xi32>) -> tensor<128x400xf32>
  return %0 : tensor<128x400xf32>
}
func.func @chunked_uniform(%a: tensor<16x8xf32>) -> tensor<16x2xf32> {
  %v = graph.constant dense<1.0> : tensor<8x1x1xf32> : tensor<8x1x1xf32>
  %i = graph.constant dense<[0, 1, 2, 3, 4, 5, 6, 7]> : tensor<8xi16> : tensor<8xi16>
  %o = graph.constant dense<[0, 2, 4, 6, 8]> : tensor<5xi32> : tensor<5xi32>
  %0 = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 2 : i64, chunk = 4 : i64} : (tensor<16x8xf32>, tensor<8x1x1xf32>, tensor<8xi16>, tensor<5xi32>) -> tensor<16x2xf32>
  return %0 : tensor<16x2xf32>
}
}
