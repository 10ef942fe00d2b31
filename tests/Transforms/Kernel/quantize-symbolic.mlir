// RUN: kiln-opt %s -split-input-file -kiln-quantize-int8-dynamic | FileCheck %s --check-prefix=DYN
// RUN: kiln-opt %s -split-input-file -kiln-quantize-int8-static='ranges=-1.0,3.0' | FileCheck %s --check-prefix=STATIC
// RUN: kiln-opt %s -split-input-file -kiln-quantize-w4=group-size=2 | FileCheck %s --check-prefix=W4
// RUN: kiln-opt %s -split-input-file -kiln-quantize-int8-outlier -verify-diagnostics -o /dev/null

// A --symbolic-dims build: A's batch and rows are symbols, K and N (the
// weight's) are static. Every tensor the schemes make keeps A's encoding: the
// per-row parameters [s0, s1, 1], the u8 activations, the results (int8-dynamic's
// qmatmul reads A in f32 and quantizes its rows itself).
// DYN-DAG:   #[[A:.*]] = affine_map<()[s0, s1] -> (s0, s1, 4)>
// DYN-DAG:   #[[R:.*]] = affine_map<()[s0, s1] -> (s0, s1, 3)>
// DYN-LABEL: func.func @rows
// DYN-NOT:   kernel.reduce
// DYN:       kernel.qmatmul %arg0, %{{.*}} scales(%{{.*}}, %{{.*}}) : (tensor<?x?x4xf32, #[[A]]>, tensor<4x3xi8>, tensor<3xf32>, tensor<3xi32>) -> tensor<?x?x3xf32, #[[R]]>
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
// kernel quantizes the [s0 * s1] rows of the f32 A.
// DYN-LABEL: func.func @flat_rows
// DYN:       kernel.qmatmul %arg0, {{.*}} : (tensor<?x8xf32, #{{.*}}>, tensor<8x2xi8>, tensor<2xf32>, tensor<2xi32>) -> tensor<?x2xf32, #{{.*}}>
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
