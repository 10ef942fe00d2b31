// RUN: kiln-opt %s -split-input-file -kiln-mark-index-bounds | FileCheck %s

// Token ids index a 100-row table: the runtime refuses ids outside [-100, 100).
// CHECK-LABEL: func.func @embedding
// CHECK-SAME:  %arg0: tensor<2xi64> {kiln.index_bound = 100 : i64}
// CHECK-SAME:  %arg1: tensor<100x16xf32>)
func.func @embedding(%ids: tensor<2xi64>, %table: tensor<100x16xf32>) -> tensor<2x16xf32> {
  %0 = kernel.gather %table, %ids {axis = 0 : i64} : (tensor<100x16xf32>, tensor<2xi64>) -> tensor<2x16xf32>
  return %0 : tensor<2x16xf32>
}

// -----

// One id input indexing two tables: the smaller bounds it.
// CHECK-LABEL: func.func @two_tables
// CHECK-SAME:  {kiln.index_bound = 50 : i64}
func.func @two_tables(%ids: tensor<2xi64>, %a: tensor<100x16xf32>, %b: tensor<50x16xf32>) -> (tensor<2x16xf32>, tensor<2x16xf32>) {
  %0 = kernel.gather %a, %ids {axis = 0 : i64} : (tensor<100x16xf32>, tensor<2xi64>) -> tensor<2x16xf32>
  %1 = kernel.gather %b, %ids {axis = 0 : i64} : (tensor<50x16xf32>, tensor<2xi64>) -> tensor<2x16xf32>
  return %0, %1 : tensor<2x16xf32>, tensor<2x16xf32>
}

// -----

// Computed indices are not the caller's: nothing to record.
// CHECK-LABEL: func.func @computed_indices
// CHECK-NOT:   kiln.index_bound
func.func @computed_indices(%x: tensor<2xi64>, %table: tensor<100x16xf32>) -> tensor<2x16xf32> {
  %i = kernel.elementwise ins(%x : tensor<2xi64>) maps [affine_map<(d0) -> (d0)>] -> tensor<2xi64> {
  ^bb0(%a: i64):
    kernel.yield %a : i64
  }
  %0 = kernel.gather %table, %i {axis = 0 : i64} : (tensor<100x16xf32>, tensor<2xi64>) -> tensor<2x16xf32>
  return %0 : tensor<2x16xf32>
}
