// RUN: kiln-opt %s -split-input-file -convert-graph-to-kernel | FileCheck %s

// Symbolic dims (docs/design-symbolic-shapes.md 2.3) over s0 (batch) and s1
// (seq): results keep their encoded types, reshape maps divide by symbols.

#bs = affine_map<()[s0, s1] -> (s0, s1)>
#flat = affine_map<()[s0, s1] -> (s0 * s1, 1)>

// P3's Flatten [B,S] -> [B*S,1]: the unit dim reads nothing, B*S splits by S.
// CHECK-DAG: #[[F:.*]] = affine_map<(d0, d1)[s0, s1] -> (d0 floordiv s1, d0 mod s1)>
// CHECK-LABEL: func.func @flatten
// CHECK: kernel.elementwise ins(%arg0 : tensor<?x?xi64, #{{.*}}>) maps [#[[F]]] -> tensor<?x1xi64, #{{.*}}>
func.func @flatten(%m: tensor<?x?xi64, #bs>) -> tensor<?x1xi64, #flat> {
  %0 = graph.reshape %m : (tensor<?x?xi64, #bs>) -> tensor<?x1xi64, #flat>
  return %0 : tensor<?x1xi64, #flat>
}

// -----

#bsh = affine_map<()[s0, s1] -> (s0, s1, 128)>

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[LAST:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK: kernel.elementwise ins(%arg0, %arg1 : tensor<?x?x128xf32, #{{.*}}>, tensor<128xf32>) maps [#[[ID]], #[[LAST]]] -> tensor<?x?x128xf32, #{{.*}}>
// CHECK: arith.addf
func.func @add_broadcast(%x: tensor<?x?x128xf32, #bsh>, %b: tensor<128xf32>) -> tensor<?x?x128xf32, #bsh> {
  %0 = graph.add %x, %b : (tensor<?x?x128xf32, #bsh>, tensor<128xf32>) -> tensor<?x?x128xf32, #bsh>
  return %0 : tensor<?x?x128xf32, #bsh>
}

// -----

#bsh = affine_map<()[s0, s1] -> (s0, s1, 128)>
#heads = affine_map<()[s0, s1] -> (s0, s1, 4, 32)>
#flat = affine_map<()[s0, s1] -> (s0 * s1, 128)>

// P1's head split groups dims: no div/mod; merging B and S is a group too,
// splitting B*S back divides by S.
// CHECK-DAG: #[[SPLIT:.*]] = affine_map<(d0, d1, d2, d3)[s0, s1] -> (d0, d1, d2 * 32 + d3)>
// CHECK-DAG: #[[MERGE:.*]] = affine_map<(d0, d1)[s0, s1] -> (d0 floordiv s1, d0 mod s1, d1)>
// CHECK-DAG: #[[UNMERGE:.*]] = affine_map<(d0, d1, d2)[s0, s1] -> (d0 * s1 + d1, d2)>
// CHECK-LABEL: func.func @reshapes
// CHECK: kernel.elementwise ins(%arg0 : tensor<?x?x128xf32, #{{.*}}>) maps [#[[SPLIT]]] -> tensor<?x?x4x32xf32, #{{.*}}>
// CHECK: kernel.elementwise ins(%arg0 : tensor<?x?x128xf32, #{{.*}}>) maps [#[[MERGE]]] -> tensor<?x128xf32, #{{.*}}>
// CHECK: kernel.elementwise ins(%{{.*}} : tensor<?x128xf32, #{{.*}}>) maps [#[[UNMERGE]]] -> tensor<?x?x128xf32, #{{.*}}>
func.func @reshapes(%x: tensor<?x?x128xf32, #bsh>) -> (tensor<?x?x4x32xf32, #heads>, tensor<?x?x128xf32, #bsh>) {
  %0 = graph.reshape %x : (tensor<?x?x128xf32, #bsh>) -> tensor<?x?x4x32xf32, #heads>
  %1 = graph.reshape %x : (tensor<?x?x128xf32, #bsh>) -> tensor<?x128xf32, #flat>
  %2 = graph.reshape %1 : (tensor<?x128xf32, #flat>) -> tensor<?x?x128xf32, #bsh>
  return %0, %2 : tensor<?x?x4x32xf32, #heads>, tensor<?x?x128xf32, #bsh>
}

// -----

#bsh = affine_map<()[s0, s1] -> (s0, s1, 128)>
#bsn = affine_map<()[s0, s1] -> (s0, s1, 512)>

// CHECK-LABEL: func.func @matmul
// CHECK: kernel.matmul %arg0, %arg1 : (tensor<?x?x128xf32, #{{.*}}>, tensor<128x512xf32>) -> tensor<?x?x512xf32, #{{.*}}>
// CHECK: kernel.matmul %{{.*}}, %arg1, %arg2 {alpha = 5.000000e-01 : f32} : (tensor<?x128xf32, #{{.*}}>, tensor<128x512xf32>, tensor<512xf32>) -> tensor<?x512xf32, #{{.*}}>
func.func @matmul(%x: tensor<?x?x128xf32, #bsh>, %w: tensor<128x512xf32>, %c: tensor<512xf32>, %t: tensor<128x?xf32, affine_map<()[s0, s1] -> (128, s1)>>)
    -> (tensor<?x?x512xf32, #bsn>, tensor<?x512xf32, affine_map<()[s0, s1] -> (s1, 512)>>) {
  %0 = graph.matmul %x, %w : (tensor<?x?x128xf32, #bsh>, tensor<128x512xf32>) -> tensor<?x?x512xf32, #bsn>
  // Gemm's transposed A is a copy into [s1, 128].
  %1 = graph.gemm %t, %w, %c {trans_a = true, alpha = 0.5 : f32} : (tensor<128x?xf32, affine_map<()[s0, s1] -> (128, s1)>>, tensor<128x512xf32>, tensor<512xf32>) -> tensor<?x512xf32, affine_map<()[s0, s1] -> (s1, 512)>>
  return %0, %1 : tensor<?x?x512xf32, #bsn>, tensor<?x512xf32, affine_map<()[s0, s1] -> (s1, 512)>>
}

// -----

#bs = affine_map<()[s0, s1] -> (s0, s1)>
#bsh = affine_map<()[s0, s1] -> (s0, s1, 128)>

// The one-to-one ops keep their encoded types.
// CHECK-LABEL: func.func @encoder_ops
// CHECK: kernel.gather %arg2, %arg0 {axis = 0 : i64} : (tensor<1000x128xf32>, tensor<?x?xi64, #{{.*}}>) -> tensor<?x?x128xf32, #[[BSH:.*]]>
// CHECK: kernel.layer_norm %{{.*}}, %arg3, %arg4 {{.*}} -> tensor<?x?x128xf32, #[[BSH]]>
// CHECK: kernel.elementwise ins(%arg1 : tensor<?x?xi64, #{{.*}}>) {{.*}} -> tensor<?x?xi1, #{{.*}}>
// CHECK: arith.cmpi ne
// CHECK: kernel.elementwise ins(%{{.*}} : tensor<?x?xi1, #{{.*}}>) {{.*}} -> tensor<?x?x1xi1, #{{.*}}>
// CHECK: kernel.elementwise ins(%{{.*}}, %{{.*}} : tensor<?x?x1xi1, #{{.*}}>, tensor<?x?x128xf32, #[[BSH]]>) {{.*}} -> tensor<?x?x128xf32, #[[BSH]]>
// CHECK: arith.select
// CHECK: kernel.softmax %{{.*}} {axis = 2 : i64} : (tensor<?x?x128xf32, #[[BSH]]>) -> tensor<?x?x128xf32, #[[BSH]]>
// CHECK: kernel.reduce %{{.*}} {axes = [1], keepdims = false, kind = #kernel.reduce_kind<max>} : (tensor<?x?x128xf32, #[[BSH]]>) -> tensor<?x128xf32, #{{.*}}>
// CHECK: kernel.elementwise ins(%{{.*}} : tensor<?x?x128xf32, #[[BSH]]>) {{.*}} -> tensor<?x128x?xf32, #{{.*}}>
// CHECK: kernel.elementwise ins(%{{.*}} : tensor<1x1x128xf32>) {{.*}} -> tensor<?x1x128xf32, #{{.*}}>
// CHECK: kernel.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<?x1x128xf32, #{{.*}}>, tensor<?x?x128xf32, #[[BSH]]>) -> tensor<?x?x128xf32, #{{.*}}>
func.func @encoder_ops(%ids: tensor<?x?xi64, #bs>, %mask: tensor<?x?xi64, #bs>, %table: tensor<1000x128xf32>,
                       %g: tensor<128xf32>, %beta: tensor<128xf32>, %cls: tensor<1x1x128xf32>)
    -> (tensor<?x128xf32, affine_map<()[s0, s1] -> (s0, 128)>>, tensor<?x128x?xf32, affine_map<()[s0, s1] -> (s0, 128, s1)>>,
        tensor<?x?x128xf32, affine_map<()[s0, s1] -> (s0, s1 + 1, 128)>>) {
  %e = graph.gather %table, %ids {axis = 0 : i64} : (tensor<1000x128xf32>, tensor<?x?xi64, #bs>) -> tensor<?x?x128xf32, #bsh>
  %n = graph.layer_norm %e, %g, %beta {axis = 2 : i64, epsilon = 1.0e-12 : f32} : (tensor<?x?x128xf32, #bsh>, tensor<128xf32>, tensor<128xf32>) -> tensor<?x?x128xf32, #bsh>
  %b = graph.cast %mask : (tensor<?x?xi64, #bs>) -> tensor<?x?xi1, #bs>
  %m = graph.reshape %b : (tensor<?x?xi1, #bs>) -> tensor<?x?x1xi1, affine_map<()[s0, s1] -> (s0, s1, 1)>>
  %zero = graph.constant dense<0.0> : tensor<f32> : tensor<f32>
  %w = graph.where %m, %n, %zero : (tensor<?x?x1xi1, affine_map<()[s0, s1] -> (s0, s1, 1)>>, tensor<?x?x128xf32, #bsh>, tensor<f32>) -> tensor<?x?x128xf32, #bsh>
  %s = graph.softmax %w {axis = 2 : i64} : (tensor<?x?x128xf32, #bsh>) -> tensor<?x?x128xf32, #bsh>
  %r = graph.reduce %s {kind = #graph.reduce_kind<max>, axes = [1], keepdims = false} : (tensor<?x?x128xf32, #bsh>) -> tensor<?x128xf32, affine_map<()[s0, s1] -> (s0, 128)>>
  %t = graph.transpose %s {perm = [0, 2, 1]} : (tensor<?x?x128xf32, #bsh>) -> tensor<?x128x?xf32, affine_map<()[s0, s1] -> (s0, 128, s1)>>
  %x = graph.expand %cls : (tensor<1x1x128xf32>) -> tensor<?x1x128xf32, affine_map<()[s0, s1] -> (s0, 1, 128)>>
  %c = graph.concat %x, %s {axis = 1 : i64} : (tensor<?x1x128xf32, affine_map<()[s0, s1] -> (s0, 1, 128)>>, tensor<?x?x128xf32, #bsh>) -> tensor<?x?x128xf32, affine_map<()[s0, s1] -> (s0, s1 + 1, 128)>>
  return %r, %t, %c : tensor<?x128xf32, affine_map<()[s0, s1] -> (s0, 128)>>, tensor<?x128x?xf32, affine_map<()[s0, s1] -> (s0, 128, s1)>>,
                      tensor<?x?x128xf32, affine_map<()[s0, s1] -> (s0, s1 + 1, 128)>>
}

// -----

// Range(0, seq) and seq as data (P3): elementwise kernels with no inputs
// whose body is the index arithmetic.
// CHECK-DAG: #[[IDX:.*]] = affine_map<(d0)[s0, s1] -> (d0 * 2 + s1)>
// CHECK-DAG: #[[SEQ:.*]] = affine_map<()[s0, s1] -> (s1)>
// CHECK-LABEL: func.func @iota
// CHECK: kernel.elementwise maps [] -> tensor<?xi64, #{{.*}}> {
// CHECK-NEXT: %[[I:.*]] = kernel.index_expr {map = #[[IDX]]} : i64
// CHECK-NEXT: kernel.yield %[[I]] : i64
// CHECK: kernel.elementwise maps [] -> tensor<i32> {
// CHECK-NEXT: %[[S:.*]] = kernel.index_expr {map = #[[SEQ]]} : i64
// CHECK-NEXT: %[[T:.*]] = arith.trunci %[[S]] : i64 to i32
// CHECK-NEXT: kernel.yield %[[T]] : i32
func.func @iota() -> (tensor<?xi64, affine_map<()[s0, s1] -> (s1)>>, tensor<i32>) {
  %0 = graph.iota {value = affine_map<(d0)[s0, s1] -> (d0 * 2 + s1)>} : tensor<?xi64, affine_map<()[s0, s1] -> (s1)>>
  %1 = graph.iota {value = affine_map<()[s0, s1] -> (s1)>} : tensor<i32>
  return %0, %1 : tensor<?xi64, affine_map<()[s0, s1] -> (s1)>>, tensor<i32>
}

// -----

// ViT's patch embedding over a symbolic batch: im2col and GEMM keep s0.
// CHECK-LABEL: func.func @patch_embedding
// CHECK: %[[C:.*]] = kernel.elementwise ins(%arg0 : tensor<?x3x8x8xf32, #{{.*}}>) maps [#{{.*}}] -> tensor<?x4x48xf32, #{{.*}}>
// CHECK: %[[M:.*]] = kernel.matmul %[[C]], %{{.*}}, %arg1 {trans_b = true} : (tensor<?x4x48xf32, #{{.*}}>, tensor<8x48xf32>, tensor<8xf32>) -> tensor<?x4x8xf32, #{{.*}}>
// CHECK: kernel.elementwise ins(%[[M]] : tensor<?x4x8xf32, #{{.*}}>) maps [#{{.*}}] -> tensor<?x8x2x2xf32, #{{.*}}>
func.func @patch_embedding(%x: tensor<?x3x8x8xf32, affine_map<()[s0] -> (s0, 3, 8, 8)>>, %b: tensor<8xf32>) -> tensor<?x8x2x2xf32, affine_map<()[s0] -> (s0, 8, 2, 2)>> {
  %w = graph.constant dense<1.0> : tensor<8x3x4x4xf32> : tensor<8x3x4x4xf32>
  %0 = graph.conv %x, %w, %b {strides = [4, 4], pads = [0, 0, 0, 0], dilations = [1, 1], group = 1 : i64} : (tensor<?x3x8x8xf32, affine_map<()[s0] -> (s0, 3, 8, 8)>>, tensor<8x3x4x4xf32>, tensor<8xf32>) -> tensor<?x8x2x2xf32, affine_map<()[s0] -> (s0, 8, 2, 2)>>
  return %0 : tensor<?x8x2x2xf32, affine_map<()[s0] -> (s0, 8, 2, 2)>>
}

// -----

// A slice of a symbolic tensor (static starts) is a copy through its map.
// CHECK-DAG: #[[SL:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2 + 32)>
// CHECK-LABEL: func.func @slice
// CHECK: kernel.elementwise ins(%arg0 : tensor<?x?x48xf32, #{{.*}}>) maps [#[[SL]]] -> tensor<?x?x16xf32, #{{.*}}>
func.func @slice(%x: tensor<?x?x48xf32, affine_map<()[s0, s1] -> (s0, s1, 48)>>) -> tensor<?x?x16xf32, affine_map<()[s0, s1] -> (s0, s1, 16)>> {
  %0 = graph.slice %x {starts = [0, 0, 32], steps = [1, 1, 1]} : (tensor<?x?x48xf32, affine_map<()[s0, s1] -> (s0, s1, 48)>>) -> tensor<?x?x16xf32, affine_map<()[s0, s1] -> (s0, s1, 16)>>
  return %0 : tensor<?x?x16xf32, affine_map<()[s0, s1] -> (s0, s1, 16)>>
}

// -----

// A symbolic start (GPT-2's causal rows [past, past + seq) of its bool
// buffer, s0 = past, s1 = seq): the copy's map reads row d2 + s0.
// CHECK-DAG: #[[CAUSAL:.*]] = affine_map<(d0, d1, d2, d3)[s0, s1] -> (d0, d1, d2 + s0, d3)>
// CHECK-LABEL: func.func @slice_symbolic_start
// CHECK: kernel.elementwise ins(%arg0 : tensor<1x1x64x64xi1>) maps [#[[CAUSAL]]] -> tensor<1x1x?x?xi1, #{{.*}}>
func.func @slice_symbolic_start(%b: tensor<1x1x64x64xi1>) -> tensor<1x1x?x?xi1, affine_map<()[s0, s1] -> (1, 1, s1, s0 + s1)>> {
  %0 = graph.slice %b {start_map = affine_map<()[s0, s1] -> (0, 0, s0, 0)>, starts = [0, 0, 0, 0], steps = [1, 1, 1, 1]} : (tensor<1x1x64x64xi1>) -> tensor<1x1x?x?xi1, affine_map<()[s0, s1] -> (1, 1, s1, s0 + s1)>>
  return %0 : tensor<1x1x?x?xi1, affine_map<()[s0, s1] -> (1, 1, s1, s0 + s1)>>
}
