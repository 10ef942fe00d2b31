// RUN: kiln-opt %s -kiln-fuse-elementwise -split-input-file | FileCheck %s

// A transpose copy feeding an exp: one kernel reading %x through the composed map.
// CHECK-DAG: #[[T:.*]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-LABEL: func.func @copy_into_math
// CHECK: kernel.elementwise ins(%{{.*}} : tensor<4x8xf32>) maps [#[[T]]] -> tensor<8x4xf32>
// CHECK: math.exp
// CHECK-NOT: kernel.elementwise
func.func @copy_into_math(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
  %t = kernel.elementwise ins(%x : tensor<4x8xf32>) maps [affine_map<(d0, d1) -> (d1, d0)>] -> tensor<8x4xf32> {
  ^bb0(%a: f32):
    kernel.yield %a : f32
  }
  %r = kernel.elementwise ins(%t : tensor<8x4xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<8x4xf32> {
  ^bb0(%a: f32):
    %e = math.exp %a : f32
    kernel.yield %e : f32
  }
  return %r : tensor<8x4xf32>
}

// -----

// A mask select folded into the scores add: the producer's broadcast map
// composes with the consumer's.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[MB:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @mask_into_add
// CHECK: kernel.elementwise ins(%{{.*}}, %{{.*}} : tensor<2x4x16xf32>, tensor<2x16xi1>) maps [#[[ID]], #[[MB]]]
// CHECK: arith.select
// CHECK: arith.addf
func.func @mask_into_add(%s: tensor<2x4x16xf32>, %m: tensor<2x16xi1>) -> tensor<2x4x16xf32> {
  %b = kernel.elementwise ins(%m : tensor<2x16xi1>) maps [affine_map<(d0, d1, d2) -> (d0, d2)>] -> tensor<2x1x16xf32> {
  ^bb0(%c: i1):
    %z = arith.constant 0.0 : f32
    %n = arith.constant 0xFF800000 : f32
    %v = arith.select %c, %z, %n : f32
    kernel.yield %v : f32
  }
  %r = kernel.elementwise ins(%s, %b : tensor<2x4x16xf32>, tensor<2x1x16xf32>)
         maps [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, 0, d2)>] -> tensor<2x4x16xf32> {
  ^bb0(%x: f32, %y: f32):
    %a = arith.addf %x, %y : f32
    kernel.yield %a : f32
  }
  return %r : tensor<2x4x16xf32>
}

// -----

// Left alone: the producer has two users (fusing would compute it twice), and
// a matmul is not an elementwise producer.
// CHECK-LABEL: func.func @shared_producer
// CHECK-COUNT-3: kernel.elementwise
// CHECK: kernel.matmul
func.func @shared_producer(%x: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
  %e = kernel.elementwise ins(%x : tensor<4x4xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x4xf32> {
  ^bb0(%a: f32):
    %v = math.exp %a : f32
    kernel.yield %v : f32
  }
  %r1 = kernel.elementwise ins(%e : tensor<4x4xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x4xf32> {
  ^bb0(%a: f32):
    %v = arith.addf %a, %a : f32
    kernel.yield %v : f32
  }
  %r2 = kernel.elementwise ins(%e : tensor<4x4xf32>) maps [affine_map<(d0, d1) -> (d1, d0)>] -> tensor<4x4xf32> {
  ^bb0(%a: f32):
    %v = arith.mulf %a, %a : f32
    kernel.yield %v : f32
  }
  %m = kernel.matmul %x, %x : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %r1, %r2, %m : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// A bias add on a matmul result stays out of the head-split transpose that
// reads it: it is the matmul's epilogue-to-be (kiln-fuse-matmul-epilogue),
// and the transpose alone is data movement an attention kernel can absorb.
// CHECK-LABEL: func.func @keep_epilogue_apart
// CHECK: %[[M:.*]] = kernel.matmul
// CHECK: %[[B:.*]] = kernel.elementwise ins(%[[M]], %arg2
// CHECK: kernel.elementwise ins(%[[B]] : tensor<8x32xf32>)
func.func @keep_epilogue_apart(%a: tensor<8x16xf32>, %w: tensor<16x32xf32>, %b: tensor<32xf32>) -> tensor<4x8x8xf32> {
  %m = kernel.matmul %a, %w : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
  %add = kernel.elementwise ins(%m, %b : tensor<8x32xf32>, tensor<32xf32>)
           maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>] -> tensor<8x32xf32> {
  ^bb0(%x: f32, %y: f32):
    %s = arith.addf %x, %y : f32
    kernel.yield %s : f32
  }
  %t = kernel.elementwise ins(%add : tensor<8x32xf32>) maps [affine_map<(d0, d1, d2) -> (d1, d0 * 8 + d2)>] -> tensor<4x8x8xf32> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  return %t : tensor<4x8x8xf32>
}

// -----

// Symbolic dims: a flatten [s0,s1,128] -> [s0*s1,128] read back as
// [s0,s1,128] by an exp. The maps compose over one list of the module's
// symbols (AffineMap::compose would concatenate them into four). MLIR does
// not simplify the division by s1 away (a cost, not an error).
// CHECK-DAG: #[[M:.*]] = affine_map<(d0, d1, d2)[s0, s1] -> ((d1 + d0 * s1) floordiv s1, (d1 + d0 * s1) mod s1, d2)>
// CHECK-LABEL: func.func @symbolic_reshapes
// CHECK: %[[R:.*]] = kernel.elementwise ins(%arg0 : tensor<?x?x128xf32, #{{.*}}>) maps [#[[M]]] -> tensor<?x?x128xf32, #{{.*}}> {
// CHECK: math.exp
// CHECK-NOT: kernel.elementwise
// CHECK: return %[[R]]
func.func @symbolic_reshapes(%x: tensor<?x?x128xf32, affine_map<()[s0, s1] -> (s0, s1, 128)>>) -> tensor<?x?x128xf32, affine_map<()[s0, s1] -> (s0, s1, 128)>> {
  %f = kernel.elementwise ins(%x : tensor<?x?x128xf32, affine_map<()[s0, s1] -> (s0, s1, 128)>>) maps [affine_map<(d0, d1)[s0, s1] -> (d0 floordiv s1, d0 mod s1, d1)>] -> tensor<?x128xf32, affine_map<()[s0, s1] -> (s0 * s1, 128)>> {
  ^bb0(%a: f32):
    kernel.yield %a : f32
  }
  %e = kernel.elementwise ins(%f : tensor<?x128xf32, affine_map<()[s0, s1] -> (s0 * s1, 128)>>) maps [affine_map<(d0, d1, d2)[s0, s1] -> (d0 * s1 + d1, d2)>] -> tensor<?x?x128xf32, affine_map<()[s0, s1] -> (s0, s1, 128)>> {
  ^bb0(%a: f32):
    %r = math.exp %a : f32
    kernel.yield %r : f32
  }
  return %e : tensor<?x?x128xf32, affine_map<()[s0, s1] -> (s0, s1, 128)>>
}

// -----

// A producer's index arithmetic is composed with the map it is read
// through: P3's kv_idx + b_idx * seq over [s0,s1], flattened to [s0*s1,1],
// plus a broadcast [128] add on the way.
// CHECK-DAG: #[[IX:.*]] = affine_map<(d0, d1)[s0, s1] -> ((d0 floordiv s1) * s1 + d0 mod s1)>
// CHECK-LABEL: func.func @symbolic_index_expr
// CHECK: kernel.elementwise ins(%arg0 : tensor<?x1xi64, #{{.*}}>) maps [#{{.*}}] -> tensor<?x1xi64, #{{.*}}> {
// CHECK: %[[I:.*]] = kernel.index_expr {map = #[[IX]]} : i64
// CHECK: arith.addi %{{.*}}, %[[I]] : i64
// CHECK-NOT: kernel.elementwise
func.func @symbolic_index_expr(%y: tensor<?x1xi64, affine_map<()[s0, s1] -> (s0 * s1, 1)>>) -> tensor<?x1xi64, affine_map<()[s0, s1] -> (s0 * s1, 1)>> {
  %idx = kernel.elementwise maps [] -> tensor<?x?xi64, affine_map<()[s0, s1] -> (s0, s1)>> {
    %i = kernel.index_expr {map = affine_map<(d0, d1)[s0, s1] -> (d0 * s1 + d1)>} : i64
    kernel.yield %i : i64
  }
  %r = kernel.elementwise ins(%y, %idx : tensor<?x1xi64, affine_map<()[s0, s1] -> (s0 * s1, 1)>>, tensor<?x?xi64, affine_map<()[s0, s1] -> (s0, s1)>>)
         maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1)[s0, s1] -> (d0 floordiv s1, d0 mod s1)>] -> tensor<?x1xi64, affine_map<()[s0, s1] -> (s0 * s1, 1)>> {
  ^bb0(%a: i64, %b: i64):
    %s = arith.addi %a, %b : i64
    kernel.yield %s : i64
  }
  return %r : tensor<?x1xi64, affine_map<()[s0, s1] -> (s0 * s1, 1)>>
}
