// RUN: kiln-opt %s | kiln-opt | FileCheck %s

// Kernel types carry the graph dialect's symbolic encoding; maps, key_len and
// kernel.index_expr take the module's symbols s0 (batch) and s1 (seq).

#bs = affine_map<()[s0, s1] -> (s0, s1)>
#flat = affine_map<()[s0, s1] -> (s0 * s1, 1)>
#bsh = affine_map<()[s0, s1] -> (s0, s1, 128)>
#heads = affine_map<()[s0, s1] -> (s0, 4, s1, 32)>

// CHECK-DAG: #[[F:.*]] = affine_map<(d0, d1)[s0, s1] -> (d0 floordiv s1, d0 mod s1)>
// CHECK-DAG: #[[IX:.*]] = affine_map<(d0, d1)[s0, s1] -> (d0 + s1)>
// CHECK-DAG: #[[KEYS:.*]] = affine_map<()[s0, s1] -> (s1)>

// CHECK-LABEL: func.func @flatten_plus_index
// CHECK: kernel.elementwise ins(%{{.*}} : tensor<?x?xi64, #{{.*}}>) maps [#[[F]]] -> tensor<?x1xi64, #{{.*}}>
// CHECK: kernel.index_expr {map = #[[IX]]} : i64
func.func @flatten_plus_index(%m: tensor<?x?xi64, #bs>) -> tensor<?x1xi64, #flat> {
  %0 = kernel.elementwise ins(%m : tensor<?x?xi64, #bs>) maps [affine_map<(d0, d1)[s0, s1] -> (d0 floordiv s1, d0 mod s1)>] -> tensor<?x1xi64, #flat> {
  ^bb0(%x: i64):
    %i = kernel.index_expr {map = affine_map<(d0, d1)[s0, s1] -> (d0 + s1)>} : i64
    %s = arith.addi %x, %i : i64
    kernel.yield %s : i64
  }
  return %0 : tensor<?x1xi64, #flat>
}

// CHECK-LABEL: func.func @matmul_rows
// CHECK: kernel.matmul %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x?x128xf32, #{{.*}}>, tensor<128x512xf32>, tensor<512xf32>) -> tensor<?x?x512xf32, #{{.*}}>
func.func @matmul_rows(%x: tensor<?x?x128xf32, #bsh>, %w: tensor<128x512xf32>, %b: tensor<512xf32>) -> tensor<?x?x512xf32, affine_map<()[s0, s1] -> (s0, s1, 512)>> {
  %0 = kernel.matmul %x, %w, %b : (tensor<?x?x128xf32, #bsh>, tensor<128x512xf32>, tensor<512xf32>) -> tensor<?x?x512xf32, affine_map<()[s0, s1] -> (s0, s1, 512)>>
  return %0 : tensor<?x?x512xf32, affine_map<()[s0, s1] -> (s0, s1, 512)>>
}

// Rows and keys are seq; the head split is the operand maps.
// CHECK-LABEL: func.func @attention
// CHECK: kernel.attention %{{.*}}, %{{.*}}, %{{.*}} {head_dim = 32 : i64, key_len = #[[KEYS]], operand_maps = [{{.*}}]}
// CHECK-SAME: -> tensor<?x4x?x32xf32, #{{.*}}>
// CHECK: kernel.attention {{.*}} key_len = 8 : i64
func.func @attention(%q: tensor<?x?x128xf32, #bsh>, %s: tensor<1x8x128xf32>) -> (tensor<?x4x?x32xf32, #heads>, tensor<1x4x8x32xf32>) {
  %0 = kernel.attention %q, %q, %q {head_dim = 32 : i64, key_len = affine_map<()[s0, s1] -> (s1)>,
         operand_maps = [affine_map<(d0, d1, d2, d3)[s0, s1] -> (d0, d2, d1 * 32 + d3)>,
                         affine_map<(d0, d1, d2, d3)[s0, s1] -> (d0, d2, d1 * 32 + d3)>,
                         affine_map<(d0, d1, d2, d3)[s0, s1] -> (d0, d2, d1 * 32 + d3)>]}
       : (tensor<?x?x128xf32, #bsh>, tensor<?x?x128xf32, #bsh>, tensor<?x?x128xf32, #bsh>) -> tensor<?x4x?x32xf32, #heads>
  %1 = kernel.attention %s, %s, %s {head_dim = 32 : i64, key_len = 8 : i64,
         operand_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d2, d1 * 32 + d3)>,
                         affine_map<(d0, d1, d2, d3) -> (d0, d2, d1 * 32 + d3)>,
                         affine_map<(d0, d1, d2, d3) -> (d0, d2, d1 * 32 + d3)>]}
       : (tensor<1x8x128xf32>, tensor<1x8x128xf32>, tensor<1x8x128xf32>) -> tensor<1x4x8x32xf32>
  return %0, %1 : tensor<?x4x?x32xf32, #heads>, tensor<1x4x8x32xf32>
}

// GPT-2's causal rows read straight from the 64-row buffer at d2 + s0 (past):
// in range only while past + seq <= 64, which the verifier cannot prove and
// leaves to run time (the importer's constraint, Halide's input bounds check).
// CHECK-LABEL: func.func @score_rows_past
// CHECK: kernel.attention %arg0, %arg0, %arg0 scores(%arg1)
func.func @score_rows_past(%q: tensor<1x?x128xf32, affine_map<()[s0, s1] -> (1, s1, 128)>>, %m: tensor<64x64xf32>)
    -> tensor<1x4x?x32xf32, affine_map<()[s0, s1] -> (1, 4, s1, 32)>> {
  %0 = kernel.attention %q, %q, %q scores(%m) {head_dim = 32 : i64, key_len = affine_map<()[s0, s1] -> (s1)>,
         operand_maps = [affine_map<(d0, d1, d2, d3)[s0, s1] -> (d0, d2, d1 * 32 + d3)>,
                         affine_map<(d0, d1, d2, d3)[s0, s1] -> (d0, d2, d1 * 32 + d3)>,
                         affine_map<(d0, d1, d2, d3)[s0, s1] -> (d0, d2, d1 * 32 + d3)>],
         score_maps = [affine_map<(d0, d1, d2, d3)[s0, s1] -> (d2 + s0, d3)>]}
       : (tensor<1x?x128xf32, affine_map<()[s0, s1] -> (1, s1, 128)>>, tensor<1x?x128xf32, affine_map<()[s0, s1] -> (1, s1, 128)>>,
          tensor<1x?x128xf32, affine_map<()[s0, s1] -> (1, s1, 128)>>, tensor<64x64xf32>) -> tensor<1x4x?x32xf32, affine_map<()[s0, s1] -> (1, 4, s1, 32)>> score {
  ^bb0(%s: f32, %b: f32):
    %a = arith.addf %s, %b : f32
    kernel.yield %a : f32
  }
  return %0 : tensor<1x4x?x32xf32, affine_map<()[s0, s1] -> (1, 4, s1, 32)>>
}

// CHECK-LABEL: func.func @one_to_one
// CHECK: kernel.gather
// CHECK: kernel.layer_norm
// CHECK: kernel.rms_norm
// CHECK: kernel.softmax
// CHECK: kernel.log_softmax
// CHECK: kernel.reduce
// CHECK: kernel.concat
func.func @one_to_one(%ids: tensor<?x?xi64, #bs>, %t: tensor<1000x128xf32>, %g: tensor<128xf32>) -> tensor<?x?x1xf32, affine_map<()[s0, s1] -> (s0, s1 * 2, 1)>> {
  %e = kernel.gather %t, %ids {axis = 0 : i64} : (tensor<1000x128xf32>, tensor<?x?xi64, #bs>) -> tensor<?x?x128xf32, #bsh>
  %n = kernel.layer_norm %e, %g {axis = 2 : i64, epsilon = 1.0e-5 : f32} : (tensor<?x?x128xf32, #bsh>, tensor<128xf32>) -> tensor<?x?x128xf32, #bsh>
  %r = kernel.rms_norm %n, %g {axis = 2 : i64, epsilon = 1.0e-5 : f32} : (tensor<?x?x128xf32, #bsh>, tensor<128xf32>) -> tensor<?x?x128xf32, #bsh>
  %s = kernel.softmax %r {axis = 2 : i64} : (tensor<?x?x128xf32, #bsh>) -> tensor<?x?x128xf32, #bsh>
  %l = kernel.log_softmax %s {axis = 1 : i64} : (tensor<?x?x128xf32, #bsh>) -> tensor<?x?x128xf32, #bsh>
  %m = kernel.reduce %l {kind = #kernel.reduce_kind<mean>, axes = [2], keepdims = true} : (tensor<?x?x128xf32, #bsh>) -> tensor<?x?x1xf32, affine_map<()[s0, s1] -> (s0, s1, 1)>>
  %c = kernel.concat %m, %m {axis = 1 : i64} : (tensor<?x?x1xf32, affine_map<()[s0, s1] -> (s0, s1, 1)>>, tensor<?x?x1xf32, affine_map<()[s0, s1] -> (s0, s1, 1)>>) -> tensor<?x?x1xf32, affine_map<()[s0, s1] -> (s0, s1 * 2, 1)>>
  return %c : tensor<?x?x1xf32, affine_map<()[s0, s1] -> (s0, s1 * 2, 1)>>
}
