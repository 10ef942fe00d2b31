// RUN: kiln-opt %s | kiln-opt | FileCheck %s

// Symbolic dims (docs/design-symbolic-shapes.md 2.2): `?` dims with an
// encoding that gives every dim over the symbols s0 (batch) and s1 (seq).

#bsh = affine_map<()[s0, s1] -> (s0, s1, 128)>
#bs = affine_map<()[s0, s1] -> (s0, s1)>

// CHECK-DAG: #[[BSH:.*]] = affine_map<()[s0, s1] -> (s0, s1, 128)>
// CHECK-DAG: #[[FLAT:.*]] = affine_map<()[s0, s1] -> (s0 * s1, 128)>
// CHECK-DAG: #[[CAT:.*]] = affine_map<()[s0, s1] -> (s0 + s1, 4)>
// CHECK-DAG: #[[SEQ:.*]] = affine_map<()[s0, s1] -> (s1)>
// CHECK-DAG: #[[IDX:.*]] = affine_map<(d0)[s0, s1] -> (d0)>

// CHECK-LABEL: func.func @add_broadcast
func.func @add_broadcast(%x: tensor<?x?x128xf32, #bsh>, %b: tensor<128xf32>) -> tensor<?x?x128xf32, #bsh> {
  // CHECK: graph.add %{{.*}}, %{{.*}} : (tensor<?x?x128xf32, #[[BSH]]>, tensor<128xf32>) -> tensor<?x?x128xf32, #[[BSH]]>
  %0 = graph.add %x, %b : (tensor<?x?x128xf32, #bsh>, tensor<128xf32>) -> tensor<?x?x128xf32, #bsh>
  return %0 : tensor<?x?x128xf32, #bsh>
}

// CHECK-LABEL: func.func @reshape_merge
func.func @reshape_merge(%x: tensor<?x?x128xf32, #bsh>) -> tensor<?x128xf32, affine_map<()[s0, s1] -> (s0 * s1, 128)>> {
  // CHECK: graph.reshape %{{.*}} : (tensor<?x?x128xf32, #[[BSH]]>) -> tensor<?x128xf32, #[[FLAT]]>
  %0 = graph.reshape %x : (tensor<?x?x128xf32, #bsh>) -> tensor<?x128xf32, affine_map<()[s0, s1] -> (s0 * s1, 128)>>
  return %0 : tensor<?x128xf32, affine_map<()[s0, s1] -> (s0 * s1, 128)>>
}

// P1's head split and merge: transpose, matmul, softmax and back.
// CHECK-LABEL: func.func @heads
func.func @heads(%x: tensor<?x?x128xf32, #bsh>) -> tensor<?x?x128xf32, #bsh> {
  // CHECK: graph.reshape %{{.*}} -> tensor<?x?x4x32xf32
  %0 = graph.reshape %x : (tensor<?x?x128xf32, #bsh>) -> tensor<?x?x4x32xf32, affine_map<()[s0, s1] -> (s0, s1, 4, 32)>>
  // CHECK: graph.transpose %{{.*}} {perm = [0, 2, 1, 3]} : (tensor<?x?x4x32xf32, #{{.*}}>) -> tensor<?x4x?x32xf32, #{{.*}}>
  %1 = graph.transpose %0 {perm = [0, 2, 1, 3]} : (tensor<?x?x4x32xf32, affine_map<()[s0, s1] -> (s0, s1, 4, 32)>>) -> tensor<?x4x?x32xf32, affine_map<()[s0, s1] -> (s0, 4, s1, 32)>>
  // CHECK: graph.matmul %{{.*}}, %{{.*}} : (tensor<?x4x?x32xf32, #{{.*}}>, tensor<?x4x32x?xf32, #{{.*}}>) -> tensor<?x4x?x?xf32, #{{.*}}>
  %kt = graph.transpose %1 {perm = [0, 1, 3, 2]} : (tensor<?x4x?x32xf32, affine_map<()[s0, s1] -> (s0, 4, s1, 32)>>) -> tensor<?x4x32x?xf32, affine_map<()[s0, s1] -> (s0, 4, 32, s1)>>
  %s = graph.matmul %1, %kt : (tensor<?x4x?x32xf32, affine_map<()[s0, s1] -> (s0, 4, s1, 32)>>, tensor<?x4x32x?xf32, affine_map<()[s0, s1] -> (s0, 4, 32, s1)>>) -> tensor<?x4x?x?xf32, affine_map<()[s0, s1] -> (s0, 4, s1, s1)>>
  // CHECK: graph.softmax %{{.*}} {axis = 3 : i64}
  %p = graph.softmax %s {axis = 3 : i64} : (tensor<?x4x?x?xf32, affine_map<()[s0, s1] -> (s0, 4, s1, s1)>>) -> tensor<?x4x?x?xf32, affine_map<()[s0, s1] -> (s0, 4, s1, s1)>>
  %o = graph.matmul %p, %1 : (tensor<?x4x?x?xf32, affine_map<()[s0, s1] -> (s0, 4, s1, s1)>>, tensor<?x4x?x32xf32, affine_map<()[s0, s1] -> (s0, 4, s1, 32)>>) -> tensor<?x4x?x32xf32, affine_map<()[s0, s1] -> (s0, 4, s1, 32)>>
  %m = graph.transpose %o {perm = [0, 2, 1, 3]} : (tensor<?x4x?x32xf32, affine_map<()[s0, s1] -> (s0, 4, s1, 32)>>) -> tensor<?x?x4x32xf32, affine_map<()[s0, s1] -> (s0, s1, 4, 32)>>
  %r = graph.reshape %m : (tensor<?x?x4x32xf32, affine_map<()[s0, s1] -> (s0, s1, 4, 32)>>) -> tensor<?x?x128xf32, #bsh>
  return %r : tensor<?x?x128xf32, #bsh>
}

// CHECK-LABEL: func.func @projection
func.func @projection(%h: tensor<?x?x64xf32, affine_map<()[s0, s1] -> (s0, s1, 64)>>, %w: tensor<64x32xf32>)
    -> tensor<?x?x32xf32, affine_map<()[s0, s1] -> (s0, s1, 32)>> {
  // CHECK: graph.matmul %{{.*}}, %{{.*}} : (tensor<?x?x64xf32, #{{.*}}>, tensor<64x32xf32>) -> tensor<?x?x32xf32, #{{.*}}>
  %y = graph.matmul %h, %w : (tensor<?x?x64xf32, affine_map<()[s0, s1] -> (s0, s1, 64)>>, tensor<64x32xf32>) -> tensor<?x?x32xf32, affine_map<()[s0, s1] -> (s0, s1, 32)>>
  return %y : tensor<?x?x32xf32, affine_map<()[s0, s1] -> (s0, s1, 32)>>
}

// CHECK-LABEL: func.func @expand
func.func @expand(%cls: tensor<1x1x128xf32>) -> tensor<?x1x128xf32, affine_map<()[s0, s1] -> (s0, 1, 128)>> {
  // CHECK: graph.expand %{{.*}} : (tensor<1x1x128xf32>) -> tensor<?x1x128xf32, #{{.*}}>
  %0 = graph.expand %cls : (tensor<1x1x128xf32>) -> tensor<?x1x128xf32, affine_map<()[s0, s1] -> (s0, 1, 128)>>
  return %0 : tensor<?x1x128xf32, affine_map<()[s0, s1] -> (s0, 1, 128)>>
}

// CHECK-LABEL: func.func @concat
func.func @concat(%a: tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>>, %b: tensor<?x4xf32, affine_map<()[s0, s1] -> (s1, 4)>>)
    -> tensor<?x4xf32, affine_map<()[s0, s1] -> (s0 + s1, 4)>> {
  // CHECK: graph.concat %{{.*}}, %{{.*}} {axis = 0 : i64} : {{.*}} -> tensor<?x4xf32, #[[CAT]]>
  %0 = graph.concat %a, %b {axis = 0 : i64} : (tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>>, tensor<?x4xf32, affine_map<()[s0, s1] -> (s1, 4)>>) -> tensor<?x4xf32, affine_map<()[s0, s1] -> (s0 + s1, 4)>>
  return %0 : tensor<?x4xf32, affine_map<()[s0, s1] -> (s0 + s1, 4)>>
}

// Embedding lookup, padding mask and LayerNorm of an encoder's first layer.
// CHECK-LABEL: func.func @embeddings
func.func @embeddings(%ids: tensor<?x?xi64, #bs>, %mask: tensor<?x?xi64, #bs>, %table: tensor<1000x128xf32>,
                      %g: tensor<128xf32>, %beta: tensor<128xf32>) -> tensor<?x?x128xf32, #bsh> {
  // CHECK: graph.gather %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<1000x128xf32>, tensor<?x?xi64, #{{.*}}>) -> tensor<?x?x128xf32, #[[BSH]]>
  %e = graph.gather %table, %ids {axis = 0 : i64} : (tensor<1000x128xf32>, tensor<?x?xi64, #bs>) -> tensor<?x?x128xf32, #bsh>
  // CHECK: graph.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {axis = 2 : i64
  %n = graph.layer_norm %e, %g, %beta {axis = 2 : i64, epsilon = 1.0e-12 : f32} : (tensor<?x?x128xf32, #bsh>, tensor<128xf32>, tensor<128xf32>) -> tensor<?x?x128xf32, #bsh>
  // CHECK: graph.rms_norm
  %r = graph.rms_norm %n, %g {axis = 2 : i64, epsilon = 1.0e-6 : f32} : (tensor<?x?x128xf32, #bsh>, tensor<128xf32>) -> tensor<?x?x128xf32, #bsh>
  // CHECK: graph.cast %{{.*}} : (tensor<?x?xi64, #{{.*}}>) -> tensor<?x?xi1, #{{.*}}>
  %b = graph.cast %mask : (tensor<?x?xi64, #bs>) -> tensor<?x?xi1, #bs>
  %m = graph.reshape %b : (tensor<?x?xi1, #bs>) -> tensor<?x?x1xi1, affine_map<()[s0, s1] -> (s0, s1, 1)>>
  %zero = graph.constant dense<0.0> : tensor<f32> : tensor<f32>
  // CHECK: graph.where %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x?x1xi1, #{{.*}}>, tensor<?x?x128xf32, #[[BSH]]>, tensor<f32>) -> tensor<?x?x128xf32, #[[BSH]]>
  %w = graph.where %m, %r, %zero : (tensor<?x?x1xi1, affine_map<()[s0, s1] -> (s0, s1, 1)>>, tensor<?x?x128xf32, #bsh>, tensor<f32>) -> tensor<?x?x128xf32, #bsh>
  return %w : tensor<?x?x128xf32, #bsh>
}

// Reductions keep or drop a symbolic dim like a static one.
// CHECK-LABEL: func.func @reduce
func.func @reduce(%x: tensor<?x?x128xf32, #bsh>) -> tensor<?x128xf32, affine_map<()[s0, s1] -> (s0, 128)>> {
  // CHECK: graph.reduce %{{.*}} {axes = [2], keepdims = true, kind = #graph.reduce_kind<mean>} : (tensor<?x?x128xf32, #[[BSH]]>) -> tensor<?x?x1xf32, #{{.*}}>
  %0 = graph.reduce %x {kind = #graph.reduce_kind<mean>, axes = [2], keepdims = true} : (tensor<?x?x128xf32, #bsh>) -> tensor<?x?x1xf32, affine_map<()[s0, s1] -> (s0, s1, 1)>>
  // CHECK: graph.reduce %{{.*}} {axes = [1], keepdims = false, kind = #graph.reduce_kind<max>}
  %1 = graph.reduce %x {kind = #graph.reduce_kind<max>, axes = [1], keepdims = false} : (tensor<?x?x128xf32, #bsh>) -> tensor<?x128xf32, affine_map<()[s0, s1] -> (s0, 128)>>
  return %1 : tensor<?x128xf32, affine_map<()[s0, s1] -> (s0, 128)>>
}

// Range(0, seq) as a tensor, and seq as a data scalar (P3).
// CHECK-LABEL: func.func @iota
func.func @iota() -> (tensor<?xi64, affine_map<()[s0, s1] -> (s1)>>, tensor<i64>) {
  // CHECK: graph.iota {value = #[[IDX]]} : tensor<?xi64, #[[SEQ]]>
  %0 = graph.iota {value = affine_map<(d0)[s0, s1] -> (d0)>} : tensor<?xi64, affine_map<()[s0, s1] -> (s1)>>
  // CHECK: graph.iota {value = #[[SEQ]]} : tensor<i64>
  %1 = graph.iota {value = affine_map<()[s0, s1] -> (s1)>} : tensor<i64>
  return %0, %1 : tensor<?xi64, affine_map<()[s0, s1] -> (s1)>>, tensor<i64>
}
