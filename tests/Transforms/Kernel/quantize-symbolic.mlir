// RUN: kiln-opt %s -split-input-file -kiln-quantize-int8-dynamic | FileCheck %s --check-prefix=DYN
// RUN: kiln-opt %s -split-input-file -kiln-quantize-int8-static='ranges=-1.0,3.0' | FileCheck %s --check-prefix=STATIC
// RUN: kiln-opt %s -split-input-file -kiln-quantize-w4=group-size=2 | FileCheck %s --check-prefix=W4
// RUN: kiln-opt %s -split-input-file -kiln-quantize-int8-outlier -verify-diagnostics -o /dev/null

// A --symbolic-dims build: A's batch and rows are symbols, K and N (the
// weight's) are static. Every tensor the schemes make keeps A's encoding: the
// per-row parameters [s0, s1, 1], the u8 activations, the results.
// DYN-DAG:   #[[A:.*]] = affine_map<()[s0, s1] -> (s0, s1, 4)>
// DYN-DAG:   #[[R:.*]] = affine_map<()[s0, s1] -> (s0, s1, 3)>
// DYN-DAG:   #[[ROW:.*]] = affine_map<()[s0, s1] -> (s0, s1, 1)>
// DYN-LABEL: func.func @rows
// DYN:       %[[MN:.*]] = kernel.reduce %arg0 {{.*}} : (tensor<?x?x4xf32, #[[A]]>) -> tensor<?x?x1xf32, #[[ROW]]>
// DYN:       %[[MX:.*]] = kernel.reduce %arg0 {{.*}} -> tensor<?x?x1xf32, #[[ROW]]>
// DYN:       %[[S:.*]] = kernel.elementwise ins(%[[MN]], %[[MX]] : {{.*}}) {{.*}} -> tensor<?x?x1xf32, #[[ROW]]>
// DYN:       %[[Z:.*]] = kernel.elementwise ins(%[[MN]], %[[S]] : {{.*}}) {{.*}} -> tensor<?x?x1xi32, #[[ROW]]>
// DYN:       %[[INV:.*]] = kernel.elementwise ins(%[[S]] : {{.*}}) {{.*}} -> tensor<?x?x1xf32, #[[ROW]]>
// DYN:       %[[Q:.*]] = kernel.elementwise ins(%arg0, %[[INV]], %[[Z]] : {{.*}}) {{.*}} -> tensor<?x?x4xui8, #[[A]]>
// DYN:       kernel.qmatmul %[[Q]], %{{.*}} scales(%[[S]], %[[Z]], %{{.*}}, %{{.*}}) : (tensor<?x?x4xui8, #[[A]]>, tensor<4x3xi8>, tensor<?x?x1xf32, #[[ROW]]>, tensor<?x?x1xi32, #[[ROW]]>, tensor<3xf32>, tensor<3xi32>) -> tensor<?x?x3xf32, #[[R]]>
// DYN-NOT:   kernel.matmul

// int8-static: one elementwise by constants, its u8 result symbolic.
// STATIC-LABEL: func.func @rows
// STATIC:       %[[Q:.*]] = kernel.elementwise ins(%arg0 : tensor<?x?x4xf32, #[[A:.*]]>) {{.*}} -> tensor<?x?x4xui8, #[[A]]>
// STATIC:       kernel.qmatmul %[[Q]], {{.*}} : (tensor<?x?x4xui8, #[[A]]>, tensor<4x3xi8>, tensor<f32>, tensor<i32>, {{.*}}) -> tensor<?x?x3xf32, #{{.*}}>
// STATIC-NOT:   kernel.matmul

// w4 reads the f32 activations directly.
// W4-LABEL: func.func @rows
// W4:       kernel.w4matmul %arg0, {{.*}} : (tensor<?x?x4xf32, #[[A:.*]]>, tensor<1x2x32xui8>, {{.*}}) -> tensor<?x?x3xf32, #{{.*}}>
// W4-NOT:   kernel.matmul
func.func @rows(%a: tensor<?x?x4xf32, affine_map<()[s0, s1] -> (s0, s1, 4)>>) -> tensor<?x?x3xf32, affine_map<()[s0, s1] -> (s0, s1, 3)>> {
  %w = graph.constant dense<[[1.0, -2.0, 0.0], [0.5, 1.0, 0.0], [-1.0, 0.25, 0.0], [0.0, 2.0, 0.0]]> : tensor<4x3xf32> : tensor<4x3xf32>
  // expected-error @+1 {{--quantize int8-outlier with --symbolic-dims is not supported}}
  %0 = kernel.matmul %a, %w : (tensor<?x?x4xf32, affine_map<()[s0, s1] -> (s0, s1, 4)>>, tensor<4x3xf32>) -> tensor<?x?x3xf32, affine_map<()[s0, s1] -> (s0, s1, 3)>>
  return %0 : tensor<?x?x3xf32, affine_map<()[s0, s1] -> (s0, s1, 3)>>
}

// -----

// Flattened rows (one symbol product, rank 2, as a reshaped decoder's): the
// row parameters are [s0 * s1, 1].
// DYN-LABEL: func.func @flat_rows
// DYN:       kernel.qmatmul {{.*}} : (tensor<?x8xui8, #[[FA:.*]]>, tensor<8x2xi8>, tensor<?x1xf32, #[[FR:.*]]>, tensor<?x1xi32, #[[FR]]>, {{.*}}) -> tensor<?x2xf32, #{{.*}}>
// W4-LABEL: func.func @flat_rows
// W4:       kernel.w4matmul
// STATIC-LABEL: func.func @flat_rows
// STATIC:       kernel.qmatmul
func.func @flat_rows(%a: tensor<?x8xf32, affine_map<()[s0, s1] -> (s0 * s1, 8)>>) -> tensor<?x2xf32, affine_map<()[s0, s1] -> (s0 * s1, 2)>> {
  %w = graph.constant dense<0.5> : tensor<8x2xf32> : tensor<8x2xf32>
  // expected-error @+1 {{--quantize int8-outlier with --symbolic-dims is not supported}}
  %0 = kernel.matmul %a, %w : (tensor<?x8xf32, affine_map<()[s0, s1] -> (s0 * s1, 8)>>, tensor<8x2xf32>) -> tensor<?x2xf32, affine_map<()[s0, s1] -> (s0 * s1, 2)>>
  return %0 : tensor<?x2xf32, affine_map<()[s0, s1] -> (s0 * s1, 2)>>
}
