// RUN: kiln-opt %s -split-input-file -kiln-lift-integer-matmul | FileCheck %s

// MatMulInteger as the importer writes it: u8 activations less a scalar zero
// point, the folded i32 weight (fits s8), one Cast to f32. It becomes a
// qmatmul with unit scales and the weight's column sums (1+3-1=3, -2+4+5=7);
// the widening, the subtraction and the i32 matmul are gone.
// CHECK-LABEL: func.func @mmi
// CHECK-DAG:   %[[W:.*]] = graph.constant dense_resource<weight_s8> : tensor<3x2xi8>
// CHECK-DAG:   %[[C:.*]] = graph.constant dense_resource<weight_s8_colsum> : tensor<2xi32>
// CHECK-DAG:   %[[ONE:.*]] = graph.constant dense<1.000000e+00> : tensor<f32>
// CHECK:       %[[R:.*]] = kernel.qmatmul %arg0, %[[W]] scales(%[[ONE]], %arg1, %[[ONE]], %[[C]]) : {{.*}} -> tensor<4x2xf32>
// CHECK-NOT:   kernel.matmul
// CHECK-NOT:   arith.sitofp
// CHECK:       return %[[R]]
// CHECK:       weight_s8: "0x0100000001FE0304FF05"
// CHECK:       weight_s8_colsum: "0x040000000300000007000000"
func.func @mmi(%q: tensor<4x3xui8>, %z: tensor<i32>) -> tensor<4x2xf32> {
  %x = kernel.elementwise ins(%q : tensor<4x3xui8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xi32> {
  ^bb0(%v: ui8):
    %0 = builtin.unrealized_conversion_cast %v : ui8 to i8
    %1 = arith.extui %0 : i8 to i32
    kernel.yield %1 : i32
  }
  %a = kernel.elementwise ins(%x, %z : tensor<4x3xi32>, tensor<i32>) maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>] -> tensor<4x3xi32> {
  ^bb0(%v: i32, %w: i32):
    %0 = arith.subi %v, %w : i32
    kernel.yield %0 : i32
  }
  %w = graph.constant dense<[[1, -2], [3, 4], [-1, 5]]> : tensor<3x2xi32> : tensor<3x2xi32>
  %m = kernel.matmul %a, %w : (tensor<4x3xi32>, tensor<3x2xi32>) -> tensor<4x2xi32>
  %f = kernel.elementwise ins(%m : tensor<4x2xi32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x2xf32> {
  ^bb0(%v: i32):
    %0 = arith.sitofp %v : i32 to f32
    kernel.yield %0 : f32
  }
  return %f : tensor<4x2xf32>
}

// -----

// s8 activations with no zero point (QLinearMatMul from an S8S8 quantizer):
// flipped to u8 by xor 0x80, the zero point 0 + 128. A zero point per row
// ([M, 1], read at (m, 0)) is kept as such.
// CHECK-LABEL: func.func @signed
// CHECK:       %[[U:.*]] = kernel.elementwise ins(%arg0 : tensor<4x3xi8>) {{.*}} -> tensor<4x3xui8>
// CHECK:         arith.xori %{{.*}}, %{{.*}} : i8
// CHECK:       %[[Z:.*]] = kernel.elementwise ins(%{{.*}} : tensor<i32>) {{.*}} -> tensor<i32>
// CHECK:         arith.addi
// CHECK:       kernel.qmatmul %[[U]], %{{.*}} scales(%{{.*}}, %[[Z]], %{{.*}}, %{{.*}}) : {{.*}} -> tensor<4x2xf32>
// CHECK-LABEL: func.func @per_row
// CHECK:       kernel.qmatmul %arg0, %{{.*}} scales(%{{.*}}, %arg1, %{{.*}}, %{{.*}}) : (tensor<4x3xui8>, tensor<3x2xi8>, tensor<4x1xf32>, tensor<4x1xi32>
func.func @signed(%q: tensor<4x3xi8>) -> tensor<4x2xf32> {
  %a = kernel.elementwise ins(%q : tensor<4x3xi8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xi32> {
  ^bb0(%v: i8):
    %0 = arith.extsi %v : i8 to i32
    kernel.yield %0 : i32
  }
  %w = graph.constant dense<[[1, -2], [3, 4], [-1, 5]]> : tensor<3x2xi32> : tensor<3x2xi32>
  %m = kernel.matmul %a, %w : (tensor<4x3xi32>, tensor<3x2xi32>) -> tensor<4x2xi32>
  %f = kernel.elementwise ins(%m : tensor<4x2xi32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x2xf32> {
  ^bb0(%v: i32):
    %0 = arith.sitofp %v : i32 to f32
    kernel.yield %0 : f32
  }
  return %f : tensor<4x2xf32>
}
func.func @per_row(%q: tensor<4x3xui8>, %z: tensor<4x1xi32>) -> tensor<4x2xf32> {
  %x = kernel.elementwise ins(%q : tensor<4x3xui8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xi32> {
  ^bb0(%v: ui8):
    %0 = builtin.unrealized_conversion_cast %v : ui8 to i8
    %1 = arith.extui %0 : i8 to i32
    kernel.yield %1 : i32
  }
  %a = kernel.elementwise ins(%x, %z : tensor<4x3xi32>, tensor<4x1xi32>) maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>] -> tensor<4x3xi32> {
  ^bb0(%v: i32, %w: i32):
    %0 = arith.subi %v, %w : i32
    kernel.yield %0 : i32
  }
  %w = graph.constant dense<[[1, -2], [3, 4], [-1, 5]]> : tensor<3x2xi32> : tensor<3x2xi32>
  %m = kernel.matmul %a, %w : (tensor<4x3xi32>, tensor<3x2xi32>) -> tensor<4x2xi32>
  %f = kernel.elementwise ins(%m : tensor<4x2xi32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x2xf32> {
  ^bb0(%v: i32):
    %0 = arith.sitofp %v : i32 to f32
    kernel.yield %0 : f32
  }
  return %f : tensor<4x2xf32>
}

// -----

// Left as the exact i32 decomposition: a weight that needs 9 bits (200),
// and a product also read as an integer (a graph output of MatMulInteger).
// CHECK-LABEL: func.func @wide
// CHECK:       kernel.matmul
// CHECK-NOT:   kernel.qmatmul
// CHECK-LABEL: func.func @int_out
// CHECK:       kernel.matmul
// CHECK-NOT:   kernel.qmatmul
func.func @wide(%q: tensor<4x3xi8>) -> tensor<4x2xf32> {
  %a = kernel.elementwise ins(%q : tensor<4x3xi8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xi32> {
  ^bb0(%v: i8):
    %0 = arith.extsi %v : i8 to i32
    kernel.yield %0 : i32
  }
  %w = graph.constant dense<[[1, -2], [3, 200], [-1, 5]]> : tensor<3x2xi32> : tensor<3x2xi32>
  %m = kernel.matmul %a, %w : (tensor<4x3xi32>, tensor<3x2xi32>) -> tensor<4x2xi32>
  %f = kernel.elementwise ins(%m : tensor<4x2xi32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x2xf32> {
  ^bb0(%v: i32):
    %0 = arith.sitofp %v : i32 to f32
    kernel.yield %0 : f32
  }
  return %f : tensor<4x2xf32>
}
func.func @int_out(%q: tensor<4x3xi8>) -> (tensor<4x2xf32>, tensor<4x2xi32>) {
  %a = kernel.elementwise ins(%q : tensor<4x3xi8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xi32> {
  ^bb0(%v: i8):
    %0 = arith.extsi %v : i8 to i32
    kernel.yield %0 : i32
  }
  %w = graph.constant dense<[[1, -2], [3, 4], [-1, 5]]> : tensor<3x2xi32> : tensor<3x2xi32>
  %m = kernel.matmul %a, %w : (tensor<4x3xi32>, tensor<3x2xi32>) -> tensor<4x2xi32>
  %f = kernel.elementwise ins(%m : tensor<4x2xi32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x2xf32> {
  ^bb0(%v: i32):
    %0 = arith.sitofp %v : i32 to f32
    kernel.yield %0 : f32
  }
  return %f, %m : tensor<4x2xf32>, tensor<4x2xi32>
}

// -----

// A constant zero point is folded into the subtraction's body (QLinearMatMul
// with an initializer zero point): it becomes a scalar constant a_zero.
// CHECK-LABEL: func.func @folded_zero
// CHECK:       %[[Z:.*]] = graph.constant dense<128> : tensor<i32>
// CHECK:       kernel.qmatmul %arg0, %{{.*}} scales(%{{.*}}, %[[Z]], %{{.*}}, %{{.*}}) : {{.*}} -> tensor<4x2xf32>
// CHECK-NOT:   kernel.matmul
func.func @folded_zero(%q: tensor<4x3xui8>) -> tensor<4x2xf32> {
  %x = kernel.elementwise ins(%q : tensor<4x3xui8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xi32> {
  ^bb0(%v: ui8):
    %0 = builtin.unrealized_conversion_cast %v : ui8 to i8
    %1 = arith.extui %0 : i8 to i32
    kernel.yield %1 : i32
  }
  %a = kernel.elementwise ins(%x : tensor<4x3xi32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xi32> {
  ^bb0(%v: i32):
    %c = arith.constant 128 : i32
    %0 = arith.subi %v, %c : i32
    kernel.yield %0 : i32
  }
  %w = graph.constant dense<[[1, -2], [3, 4], [-1, 5]]> : tensor<3x2xi32> : tensor<3x2xi32>
  %m = kernel.matmul %a, %w : (tensor<4x3xi32>, tensor<3x2xi32>) -> tensor<4x2xi32>
  %f = kernel.elementwise ins(%m : tensor<4x2xi32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x2xf32> {
  ^bb0(%v: i32):
    %0 = arith.sitofp %v : i32 to f32
    kernel.yield %0 : f32
  }
  return %f : tensor<4x2xf32>
}

// -----

// A large weight the importer does not fold: widen(s8 constant) less its zero
// point, in the body (scalar) or as a per-column [N] constant. The s8 values
// are re-read less the zero point: [[1,-2],[3,4],[-1,5]] - [1, -2] = [[0,0],[2,6],[-2,7]].
// CHECK-LABEL: func.func @unfolded
// CHECK:       kernel.qmatmul %arg0, %[[W:.*]] scales
// CHECK-LABEL: func.func @per_column
// CHECK:       kernel.qmatmul %arg0, %{{.*}} scales
// CHECK-NOT:   kernel.matmul
// CHECK:       w_s8: "0x01000000{{.*}}"
// CHECK:       w2_s8: "0x0100000000000206FE07"
func.func @unfolded(%q: tensor<4x3xui8>) -> tensor<4x2xf32> {
  %x = kernel.elementwise ins(%q : tensor<4x3xui8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xi32> {
  ^bb0(%v: ui8):
    %0 = builtin.unrealized_conversion_cast %v : ui8 to i8
    %1 = arith.extui %0 : i8 to i32
    kernel.yield %1 : i32
  }
  %w8 = graph.constant dense_resource<w> : tensor<3x2xi8> : tensor<3x2xi8>
  %w32 = kernel.elementwise ins(%w8 : tensor<3x2xi8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<3x2xi32> {
  ^bb0(%v: i8):
    %0 = arith.extsi %v : i8 to i32
    kernel.yield %0 : i32
  }
  %w = kernel.elementwise ins(%w32 : tensor<3x2xi32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<3x2xi32> {
  ^bb0(%v: i32):
    %c = arith.constant 0 : i32
    %0 = arith.subi %v, %c : i32
    kernel.yield %0 : i32
  }
  %m = kernel.matmul %x, %w : (tensor<4x3xi32>, tensor<3x2xi32>) -> tensor<4x2xi32>
  %f = kernel.elementwise ins(%m : tensor<4x2xi32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x2xf32> {
  ^bb0(%v: i32):
    %0 = arith.sitofp %v : i32 to f32
    kernel.yield %0 : f32
  }
  return %f : tensor<4x2xf32>
}
func.func @per_column(%q: tensor<4x3xui8>) -> tensor<4x2xf32> {
  %x = kernel.elementwise ins(%q : tensor<4x3xui8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xi32> {
  ^bb0(%v: ui8):
    %0 = builtin.unrealized_conversion_cast %v : ui8 to i8
    %1 = arith.extui %0 : i8 to i32
    kernel.yield %1 : i32
  }
  %w8 = graph.constant dense_resource<w2> : tensor<3x2xi8> : tensor<3x2xi8>
  %w32 = kernel.elementwise ins(%w8 : tensor<3x2xi8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<3x2xi32> {
  ^bb0(%v: i8):
    %0 = arith.extsi %v : i8 to i32
    kernel.yield %0 : i32
  }
  %zp = graph.constant dense<[1, -2]> : tensor<2xi32> : tensor<2xi32>
  %w = kernel.elementwise ins(%w32, %zp : tensor<3x2xi32>, tensor<2xi32>) maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>] -> tensor<3x2xi32> {
  ^bb0(%v: i32, %z: i32):
    %0 = arith.subi %v, %z : i32
    kernel.yield %0 : i32
  }
  %m = kernel.matmul %x, %w : (tensor<4x3xi32>, tensor<3x2xi32>) -> tensor<4x2xi32>
  %f = kernel.elementwise ins(%m : tensor<4x2xi32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x2xf32> {
  ^bb0(%v: i32):
    %0 = arith.sitofp %v : i32 to f32
    kernel.yield %0 : f32
  }
  return %f : tensor<4x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x0100000001FE0304FF05",
      w2: "0x0100000001FE0304FF05"
    }
  }
#-}
