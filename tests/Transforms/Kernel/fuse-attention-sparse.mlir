// RUN: kiln-opt %s -kiln-fuse-attention=sparse-threshold=0.9 | FileCheck %s
// RUN: kiln-opt %s -kiln-fuse-attention | FileCheck %s --check-prefix=EXACT

// --sparse-attention T reaches kiln-fuse-attention as sparse-threshold: the
// attention it builds is marked approximate; without it, it stays exact.
// CHECK-LABEL: func.func @long
// CHECK: kernel.attention {{.*}}sparse_threshold = 0.899999976 : f32
// EXACT-LABEL: func.func @long
// EXACT-NOT: sparse_threshold
func.func @long(%q: tensor<2x600x16xf32>, %k: tensor<2x600x16xf32>, %v: tensor<2x600x16xf32>) -> tensor<2x600x16xf32> {
  %s = kernel.matmul %q, %k {trans_b = true} : (tensor<2x600x16xf32>, tensor<2x600x16xf32>) -> tensor<2x600x600xf32>
  %p = kernel.softmax %s {axis = 2 : i64} : (tensor<2x600x600xf32>) -> tensor<2x600x600xf32>
  %o = kernel.matmul %p, %v : (tensor<2x600x600xf32>, tensor<2x600x16xf32>) -> tensor<2x600x16xf32>
  return %o : tensor<2x600x16xf32>
}
