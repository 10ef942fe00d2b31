// RUN: kiln-opt %s -convert-kernel-to-halide | FileCheck %s

// kernel.attention with `causal = P` over more than 512 keys (the online
// form, key blocks of 256): the running state's update over the blocks
// visits only the blocks that start at or before the row's diagonal key,
// a `where` that reads the row, so Halide trims the block loop per row tile.
// CHECK-LABEL: halide.kernel @k0_attention_f32
// CHECK: halide.update @st rdom [0, 3] combine set where {
// CHECK-NEXT: ^bb0(%{{[a-z0-9]+}}: i32, %[[I:[a-z0-9]+]]: i32, %{{[a-z0-9]+}}: i32, %[[BLK:[a-z0-9]+]]: i32):
// CHECK:   %[[FIRST:.*]] = arith.muli %[[BLK]], %c256_i32
// CHECK:   %[[P:.*]] = arith.cmpi sle, %[[FIRST]], %[[I]]
// CHECK:   halide.return %{{.*}}, %{{.*}}, %{{.*}}, %[[P]] : f32, f32, f32, i1
func.func @causal(%q: tensor<2x520x16xf32>, %k: tensor<2x520x16xf32>, %v: tensor<2x520x16xf32>, %m: tensor<520x520xi1>) -> tensor<2x520x16xf32> {
  %0 = kernel.attention %q, %k, %v scores(%m) {causal = 0 : i64, head_dim = 16 : i64, key_len = 520 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], score_maps = [affine_map<(d0, d1, d2) -> (d1, d2)>]} : (tensor<2x520x16xf32>, tensor<2x520x16xf32>, tensor<2x520x16xf32>, tensor<520x520xi1>) -> tensor<2x520x16xf32> score {
  ^bb0(%s: f32, %b: i1):
    %lowest = arith.constant -3.40282347E+38 : f32
    %r = arith.select %b, %s, %lowest : f32
    kernel.yield %r : f32
  }
  return %0 : tensor<2x520x16xf32>
}

// The same mask without `causal`: every block, no predicate.
// CHECK-LABEL: halide.kernel @k1_attention_f32
// CHECK: halide.update @st rdom [0, 3] combine set {
// CHECK: halide.return %{{.*}}, %{{.*}}, %{{.*}} : f32, f32, f32
// CHECK-NEXT: }
func.func @unproven(%q: tensor<2x520x16xf32>, %k: tensor<2x520x16xf32>, %v: tensor<2x520x16xf32>, %m: tensor<520x520xi1>) -> tensor<2x520x16xf32> {
  %0 = kernel.attention %q, %k, %v scores(%m) {head_dim = 16 : i64, key_len = 520 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], score_maps = [affine_map<(d0, d1, d2) -> (d1, d2)>]} : (tensor<2x520x16xf32>, tensor<2x520x16xf32>, tensor<2x520x16xf32>, tensor<520x520xi1>) -> tensor<2x520x16xf32> score {
  ^bb0(%s: f32, %b: i1):
    %lowest = arith.constant -3.40282347E+38 : f32
    %r = arith.select %b, %s, %lowest : f32
    kernel.yield %r : f32
  }
  return %0 : tensor<2x520x16xf32>
}

// 300 rows after a past of 300 keys: row i's diagonal is key i + 300.
// CHECK-LABEL: halide.kernel @k2_attention_f32
// CHECK: halide.update @st rdom [0, 3] combine set where {
// CHECK:   arith.addi %{{.*}}, %c300_i32
// CHECK:   arith.cmpi sle
func.func @past(%q: tensor<2x300x16xf32>, %k: tensor<2x600x16xf32>, %v: tensor<2x600x16xf32>, %m: tensor<300x600xf32>) -> tensor<2x300x16xf32> {
  %0 = kernel.attention %q, %k, %v scores(%m) {causal = 300 : i64, head_dim = 16 : i64, key_len = 600 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], score_maps = [affine_map<(d0, d1, d2) -> (d1, d2)>]} : (tensor<2x300x16xf32>, tensor<2x600x16xf32>, tensor<2x600x16xf32>, tensor<300x600xf32>) -> tensor<2x300x16xf32> score {
  ^bb0(%s: f32, %b: f32):
    %r = arith.addf %s, %b : f32
    kernel.yield %r : f32
  }
  return %0 : tensor<2x300x16xf32>
}

// Up to 512 keys the row-block form takes every key in one pass: `causal`
// changes nothing there.
// CHECK-LABEL: halide.kernel @k3_attention_f32
// CHECK-SAME: recipe = #halide.recipe<attention>
// CHECK-NOT: where
// CHECK: halide.output @out
func.func @short(%q: tensor<2x64x16xf32>, %k: tensor<2x64x16xf32>, %v: tensor<2x64x16xf32>, %m: tensor<64x64xi1>) -> tensor<2x64x16xf32> {
  %0 = kernel.attention %q, %k, %v scores(%m) {causal = 0 : i64, head_dim = 16 : i64, key_len = 64 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], score_maps = [affine_map<(d0, d1, d2) -> (d1, d2)>]} : (tensor<2x64x16xf32>, tensor<2x64x16xf32>, tensor<2x64x16xf32>, tensor<64x64xi1>) -> tensor<2x64x16xf32> score {
  ^bb0(%s: f32, %b: i1):
    %lowest = arith.constant -3.40282347E+38 : f32
    %r = arith.select %b, %s, %lowest : f32
    kernel.yield %r : f32
  }
  return %0 : tensor<2x64x16xf32>
}
