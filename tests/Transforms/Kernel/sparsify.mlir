// RUN: kiln-opt %s -split-input-file -kiln-sparsify | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-sparsify=report 2>&1 >/dev/null | FileCheck %s --check-prefix=REPORT
// RUN: kiln-opt %s -split-input-file -kiln-sparsify='skip=ffn' | FileCheck %s --check-prefix=SKIP

// 4 nonzeros of 64 (density 1/16), unstructured: 1x1 blocks pay most
// (expected 0.21 / (0.85 / 16) = 3.95x). Per column, the rows and values:
// column 0 {k 1: 2, k 5: 3}, column 3 {k 2: -1}, column 7 {k 7: 4}; offsets
// 0,2,2,2,3,3,3,3,4; the longest column has 2.
// CHECK-LABEL: func.func @unstructured
// CHECK-DAG:   %[[V:.*]] = graph.constant dense_resource<weight_sp_values> : tensor<4x1x1xf32>
// CHECK-DAG:   %[[I:.*]] = graph.constant dense_resource<weight_sp_indices> : tensor<4xi16>
// CHECK-DAG:   %[[O:.*]] = graph.constant dense_resource<weight_sp_offsets> : tensor<9xi32>
// CHECK:       kernel.sparse_matmul %arg0, %[[V]] indices(%[[I]], %[[O]]) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 2 : i64} : (tensor<8x8xf32>, tensor<4x1x1xf32>, tensor<4xi16>, tensor<9xi32>) -> tensor<8x8xf32>
// CHECK-NOT:   kernel.matmul
// CHECK:       weight_sp_values: "0x0400000000000040000040400000
// CHECK-SAME:  80BF00008040"
// CHECK:       weight_sp_indices: "0x020000000100050002000700"
// CHECK:       weight_sp_offsets: "0x04000000000000000200000002000000020000000300000003000000030000000300000004000000"
// REPORT: kiln: sparsity 'node' 8x8 (K x N): density 0.062; sparse 1x1 blocks (4, fill 1.00), expected 3.95x
// SKIP-LABEL: func.func @unstructured
// SKIP: kernel.sparse_matmul
func.func @unstructured(%a: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %w = graph.constant dense<[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.0]]> : tensor<8x8xf32> : tensor<8x8xf32>
  %0 = kernel.matmul %a, %w : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32> loc("node")
  return %0 : tensor<8x8xf32>
}

// -----

// Whole 1x4 blocks along N (row 3, columns 4-7; row 6, columns 0-3): one
// loaded row of A feeds 4 columns, so 1x4 beats 1x1 at the same zeros.
// CHECK-LABEL: func.func @blocks_along_n
// CHECK:       kernel.sparse_matmul {{.*}} {block_k = 1 : i64, block_n = 4 : i64, max_blocks = 1 : i64} : (tensor<8x8xf32>, tensor<2x1x4xf32>, tensor<2xi16>, tensor<3xi32>) -> tensor<8x8xf32>
// CHECK:       weight_sp_indices: "0x0200000006000300"
// CHECK:       weight_sp_offsets: "0x04000000000000000100000002000000"
// REPORT: kiln: sparsity 'blocks' 8x8 (K x N): density 0.125, 1:8; sparse 1x4 blocks (2, fill 1.00), expected 4.64x
func.func @blocks_along_n(%a: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %w = graph.constant dense<[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0],
                             [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [5.0, 6.0, 7.0, 8.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<8x8xf32> : tensor<8x8xf32>
  %0 = kernel.matmul %a, %w : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32> loc("blocks")
  return %0 : tensor<8x8xf32>
}

// -----

// Half the weights zero, in a 2:4 pattern along K: the sparse kernel would
// do half the multiply-adds at a quarter of the dense rate, so it stays dense
// and says why.
// CHECK-LABEL: func.func @two_of_four
// CHECK:       kernel.matmul
// CHECK-NOT:   kernel.sparse_matmul
// REPORT: kiln: sparsity 'nm' 8x2 (K x N): density 0.500, 2:4; dense: expected gain 0.49x < 1.25x (best 1x1)
func.func @two_of_four(%a: tensor<8x8xf32>) -> tensor<8x2xf32> {
  %w = graph.constant dense<[[1.0, 0.0], [0.0, 1.0], [2.0, 0.0], [0.0, 2.0],
                             [0.0, 3.0], [3.0, 0.0], [0.0, 4.0], [4.0, 0.0]]> : tensor<8x2xf32> : tensor<8x2xf32>
  %0 = kernel.matmul %a, %w : (tensor<8x8xf32>, tensor<8x2xf32>) -> tensor<8x2xf32> loc("nm")
  return %0 : tensor<8x2xf32>
}

// -----

// A dense weight is not measured further.
// CHECK-LABEL: func.func @dense
// CHECK:       kernel.matmul
// REPORT: kiln: sparsity 'dense' 2x2 (K x N): density 1.000; dense: dense weight
func.func @dense(%a: tensor<8x2xf32>) -> tensor<8x2xf32> {
  %w = graph.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32> : tensor<2x2xf32>
  %0 = kernel.matmul %a, %w : (tensor<8x2xf32>, tensor<2x2xf32>) -> tensor<8x2xf32> loc("dense")
  return %0 : tensor<8x2xf32>
}

// -----

// Gemm: trans_b reads W [N, K] transposed, alpha (0.5) folds into the
// values, the bias stays. One row of A (a decode step) is bound by the bytes
// read: 4 per weight dense, 4 + 4 + 4 per stored entry here (value, index,
// scalar FMA), so 1 nonzero of 16 gains 64 / 12 = 5.3x. Column 1 holds
// k 2: 4 * 0.5 = 2 (0x40000000). Its FMAs are scalar, so each column's list
// is padded to a multiple of group = 4 (zeros at the last row read) for 4
// independent partial sums.
// CHECK-LABEL: func.func @gemm
// CHECK:       kernel.sparse_matmul %arg0, %{{.*}} indices(%{{.*}}, %{{.*}}) bias %arg1 {block_k = 1 : i64, block_n = 1 : i64, group = 4 : i64, max_blocks = 4 : i64} : (tensor<1x4xf32>, tensor<4x1x1xf32>, tensor<4xi16>, tensor<5xi32>, tensor<4xf32>) -> tensor<1x4xf32>
// CHECK:       weight_sp_values: "0x0400000000000040000000000000000000000000"
// CHECK:       weight_sp_indices: "0x020000000200020002000200"
// CHECK:       weight_sp_offsets: "0x040000000000000000000000040000000400000004000000"
// REPORT: kiln: sparsity 'ffn' 4x4 (K x N): density 0.062; sparse 1x1 blocks (1, fill 1.00), expected 5.33x
// SKIP-LABEL: func.func @gemm
// SKIP: kernel.matmul
// SKIP-NOT: kernel.sparse_matmul
func.func @gemm(%a: tensor<1x4xf32>, %bias: tensor<4xf32>) -> tensor<1x4xf32> {
  %w = graph.constant dense<[[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 4.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]> : tensor<4x4xf32> : tensor<4x4xf32>
  %0 = kernel.matmul %a, %w, %bias {alpha = 0.5 : f32, trans_b = true} : (tensor<1x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<1x4xf32> loc("ffn")
  return %0 : tensor<1x4xf32>
}

// -----

// Symbolic rows (a --symbolic-dims build): the sparsity model prices a row
// count, so the matmul stays dense and is not reported, even at @blocks_along_n's
// zeros (the quantize schemes, which share the weight-matmul test, do take it).
// CHECK-LABEL: func.func @symbolic_rows
// CHECK:       kernel.matmul
// CHECK-NOT:   kernel.sparse_matmul
// REPORT-NOT:  kiln: sparsity 'symbolic'
func.func @symbolic_rows(%a: tensor<?x8xf32, affine_map<()[s0] -> (s0, 8)>>) -> tensor<?x8xf32, affine_map<()[s0] -> (s0, 8)>> {
  %w = graph.constant dense<[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0],
                             [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [5.0, 6.0, 7.0, 8.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<8x8xf32> : tensor<8x8xf32>
  %0 = kernel.matmul %a, %w : (tensor<?x8xf32, affine_map<()[s0] -> (s0, 8)>>, tensor<8x8xf32>) -> tensor<?x8xf32, affine_map<()[s0] -> (s0, 8)>> loc("symbolic")
  return %0 : tensor<?x8xf32, affine_map<()[s0] -> (s0, 8)>>
}
