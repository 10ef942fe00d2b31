// RUN: kiln-opt %s -split-input-file -kiln-sparsify=int8 | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-sparsify | FileCheck %s --check-prefix=F32
// RUN: kiln-opt %s -split-input-file -kiln-sparsify='int8 report' 2>&1 >/dev/null | FileCheck %s --check-prefix=REPORT

// Three 4x1 blocks along K (column 0 rows 0-3, column 7 rows 4-7, column 5
// rows 8-11), 16 rows of A (at least a vector: 8 lanes without a target).
// With int8 the rows are quantized (int8-dynamic's min/max reductions) and
// the blocks stored as s8 per column: column 0 (max 3) holds 1, -2, 3, 0.5
// as 42, -85, 127, 21 at scale 3/127, its colsum 105; column 5 (max 4) 127,
// 0, -32, 64 (colsum 159); column 7 (max 1) 32, 64, -95, 127 (colsum 128).
// Without int8 the same blocks stay an f32 kernel.sparse_matmul.
// CHECK-LABEL: func.func @blocks_4x1
// CHECK-DAG:   %[[V:.*]] = graph.constant dense_resource<weight_sp_values> : tensor<3x4x1xi8>
// CHECK-DAG:   %[[I:.*]] = graph.constant dense_resource<weight_sp_indices> : tensor<3xi16>
// CHECK-DAG:   %[[O:.*]] = graph.constant dense_resource<weight_sp_offsets> : tensor<9xi32>
// CHECK-DAG:   %[[S:.*]] = graph.constant dense_resource<weight_sp_scale> : tensor<8xf32>
// CHECK-DAG:   %[[C:.*]] = graph.constant dense_resource<weight_sp_colsum> : tensor<8xi32>
// CHECK:       kernel.reduce %arg0 {{.*}}kind = #kernel.reduce_kind<min>
// CHECK:       kernel.reduce %arg0 {{.*}}kind = #kernel.reduce_kind<max>
// CHECK:       %[[Q:.*]] = kernel.elementwise {{.*}} -> tensor<16x16xui8>
// CHECK:       kernel.sparse_qmatmul %[[Q]], %[[V]] indices(%[[I]], %[[O]]) scales(%{{.*}}, %{{.*}}, %[[S]], %[[C]]) {block_k = 4 : i64, block_n = 1 : i64, max_blocks = 1 : i64} : (tensor<16x16xui8>, tensor<3x4x1xi8>, tensor<3xi16>, tensor<9xi32>, tensor<16x1xf32>, tensor<16x1xi32>, tensor<8xf32>, tensor<8xi32>) -> tensor<16x8xf32>
// CHECK-NOT:   kernel.matmul
// CHECK:       weight_sp_values: "0x010000002AAB7F157F00E0402040A17F"
// CHECK:       weight_sp_indices: "0x02000000000002000100"
// CHECK:       weight_sp_colsum: "0x0400000069000000000000000000000000000000000000009F0000000000000080000000"
// F32-LABEL:   func.func @blocks_4x1
// F32-NOT:     kernel.sparse_qmatmul
// F32:         kernel.sparse_matmul %arg0, {{.*}} {block_k = 4 : i64, block_n = 1 : i64, chunk = 16 : i64, max_blocks = 1 : i64} : (tensor<16x16xf32>, tensor<3x4x1xf32>
// REPORT:      kiln: sparsity 'q' 16x8 (K x N): density 0.086; sparse 4x1 blocks (3, fill 0.92, chunks of 64 k), expected 6.27x, in int8 (one list per column: expected 3.43x)
func.func @blocks_4x1(%a: tensor<16x16xf32>) -> tensor<16x8xf32> {
  %w = graph.constant dense<[
                             [1.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
                             [-2.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
                             [3.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
                             [0.50, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.25],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.50],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, -0.75],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 1.00],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 4.00, 0.00, 0.00],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
                             [0.00, 0.00, 0.00, 0.00, 0.00, -1.00, 0.00, 0.00],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 2.00, 0.00, 0.00],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00]]> : tensor<16x8xf32> : tensor<16x8xf32>
  %0 = kernel.matmul %a, %w : (tensor<16x16xf32>, tensor<16x8xf32>) -> tensor<16x8xf32> loc("q")
  return %0 : tensor<16x8xf32>
}

// -----

// The same weight on 4 rows (fewer than a vector: no vector of rows for
// vpdpbusd): the f32 form's 2.03x over dense f32 is 0.68x over dense int8
// (3x faster), so under int8 the weight stays dense (for
// kiln-quantize-int8-dynamic); without int8 it goes f32 sparse.
// CHECK-LABEL: func.func @few_rows
// CHECK-NOT:   kernel.sparse
// CHECK:       kernel.matmul %arg0
// F32-LABEL:   func.func @few_rows
// F32:         kernel.sparse_matmul %arg0, {{.*}} group = 4 : i64
// REPORT:      kiln: sparsity 'few' 16x8 (K x N): density 0.086; sparse 4x1 blocks (3, fill 0.92), expected 2.03x; stays dense in int8: no form expected 1.25x over it
func.func @few_rows(%a: tensor<4x16xf32>) -> tensor<4x8xf32> {
  %w = graph.constant dense<[
                             [1.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
                             [-2.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
                             [3.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
                             [0.50, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.25],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.50],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, -0.75],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 1.00],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 4.00, 0.00, 0.00],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
                             [0.00, 0.00, 0.00, 0.00, 0.00, -1.00, 0.00, 0.00],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 2.00, 0.00, 0.00],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
                             [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00]]> : tensor<16x8xf32> : tensor<16x8xf32>
  %0 = kernel.matmul %a, %w : (tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<4x8xf32> loc("few")
  return %0 : tensor<4x8xf32>
}

// -----

// 1x1 blocks (4 nonzeros of 64) on 8 rows: 3.95x over dense f32, 1.32x over
// dense int8, so the f32 sparse form stays (not an int8 block shape).
// CHECK-LABEL: func.func @unstructured
// CHECK-NOT:   kernel.sparse_qmatmul
// CHECK:       kernel.sparse_matmul %arg0, {{.*}} {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 2 : i64}
// REPORT:      kiln: sparsity 'u' 8x8 (K x N): density 0.062; sparse 1x1 blocks (4, fill 1.00), expected 3.95x{{$}}
func.func @unstructured(%a: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %w = graph.constant dense<[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.0]]> : tensor<8x8xf32> : tensor<8x8xf32>
  %0 = kernel.matmul %a, %w : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32> loc("u")
  return %0 : tensor<8x8xf32>
}
