// RUN: kiln-opt %s -split-input-file -kiln-lift-qdq-matmul | FileCheck %s

// Static QDQ as the importer writes it: a u8 activation dequantized per tensor
// ((f32(q) - 121) * 0.025, constants folded into the bodies) by an s8 weight
// dequantized per tensor (zero point 0, scale 0.5). It becomes a qmatmul of q
// by the weight, with the activation's scale and zero point, the weight's
// scale and column sums (1+3-1=3, -2+4+5=7); the dequantizations and the f32
// matmul are gone.
// CHECK-LABEL: func.func @per_tensor
// CHECK-DAG:   %[[W:.*]] = graph.constant dense_resource<weight_s8> : tensor<3x2xi8>
// CHECK-DAG:   %[[C:.*]] = graph.constant dense_resource<weight_s8_colsum> : tensor<2xi32>
// CHECK-DAG:   %[[AS:.*]] = graph.constant dense<2.500000e-02> : tensor<f32>
// CHECK-DAG:   %[[AZ:.*]] = graph.constant dense<121> : tensor<i32>
// CHECK-DAG:   %[[BS:.*]] = graph.constant dense<5.000000e-01> : tensor<f32>
// CHECK:       %[[R:.*]] = kernel.qmatmul %arg0, %[[W]] scales(%[[AS]], %[[AZ]], %[[BS]], %[[C]]) : {{.*}} -> tensor<2x4x2xf32>
// CHECK-NOT:   kernel.matmul
// CHECK-NOT:   kernel.elementwise
// CHECK:       return %[[R]]
// CHECK:       weight_s8: "0x0100000001FE0304FF05"
// CHECK:       weight_s8_colsum: "0x040000000300000007000000"
func.func @per_tensor(%q: tensor<2x4x3xui8>) -> tensor<2x4x2xf32> {
  %x = kernel.elementwise ins(%q : tensor<2x4x3xui8>) maps [affine_map<(d0, d1, d2) -> (d0, d1, d2)>] -> tensor<2x4x3xf32> {
  ^bb0(%v: ui8):
    %0 = builtin.unrealized_conversion_cast %v : ui8 to i8
    %1 = arith.uitofp %0 : i8 to f32
    kernel.yield %1 : f32
  }
  %s = kernel.elementwise ins(%x : tensor<2x4x3xf32>) maps [affine_map<(d0, d1, d2) -> (d0, d1, d2)>] -> tensor<2x4x3xf32> {
  ^bb0(%v: f32):
    %c = arith.constant 1.210000e+02 : f32
    %0 = arith.subf %v, %c : f32
    kernel.yield %0 : f32
  }
  %a = kernel.elementwise ins(%s : tensor<2x4x3xf32>) maps [affine_map<(d0, d1, d2) -> (d0, d1, d2)>] -> tensor<2x4x3xf32> {
  ^bb0(%v: f32):
    %c = arith.constant 2.500000e-02 : f32
    %0 = arith.mulf %v, %c : f32
    kernel.yield %0 : f32
  }
  %wq = graph.constant dense<[[1, -2], [3, 4], [-1, 5]]> : tensor<3x2xi8> : tensor<3x2xi8>
  %wf = kernel.elementwise ins(%wq : tensor<3x2xi8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<3x2xf32> {
  ^bb0(%v: i8):
    %0 = arith.sitofp %v : i8 to f32
    kernel.yield %0 : f32
  }
  %w = kernel.elementwise ins(%wf : tensor<3x2xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<3x2xf32> {
  ^bb0(%v: f32):
    %c = arith.constant 5.000000e-01 : f32
    %0 = arith.mulf %v, %c : f32
    kernel.yield %0 : f32
  }
  %m = kernel.matmul %a, %w : (tensor<2x4x3xf32>, tensor<3x2xf32>) -> tensor<2x4x2xf32>
  return %m : tensor<2x4x2xf32>
}

// -----

// Per-column weights: a u8 weight less a zero point per column ([1, 2] read
// at (0, n): 128 and 127), times a scale per column. The weight less its zero
// point fits s8 (129 - 128 = 1, 0 - 127 = -127): its column sums are
// 1+0+2 = 3 and -127+3-100 = -224, the scales become a [2] vector.
// CHECK-LABEL: func.func @per_column
// CHECK-DAG:   %[[W:.*]] = graph.constant dense_resource<weight_s8> : tensor<3x2xi8>
// CHECK-DAG:   %[[C:.*]] = graph.constant dense_resource<weight_s8_colsum> : tensor<2xi32>
// CHECK-DAG:   %[[BS:.*]] = graph.constant dense_resource<weight_s8_scale> : tensor<2xf32>
// CHECK-DAG:   %[[AZ:.*]] = graph.constant dense<0> : tensor<i32>
// CHECK:       kernel.qmatmul %arg0, %[[W]] scales(%{{.*}}, %[[AZ]], %[[BS]], %[[C]]) : {{.*}} -> tensor<4x2xf32>
// CHECK-NOT:   kernel.matmul
// CHECK:       weight_s8: "0x0100000001810003029C"
// CHECK:       weight_s8_colsum: "0x040000000300000020FFFFFF"
// CHECK:       weight_s8_scale: "0x040000000000003F0000803E"
func.func @per_column(%q: tensor<4x3xui8>) -> tensor<4x2xf32> {
  %x = kernel.elementwise ins(%q : tensor<4x3xui8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xf32> {
  ^bb0(%v: ui8):
    %0 = builtin.unrealized_conversion_cast %v : ui8 to i8
    %1 = arith.uitofp %0 : i8 to f32
    kernel.yield %1 : f32
  }
  %a = kernel.elementwise ins(%x : tensor<4x3xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xf32> {
  ^bb0(%v: f32):
    %c = arith.constant 2.500000e-02 : f32
    %0 = arith.mulf %v, %c : f32
    kernel.yield %0 : f32
  }
  %wq = graph.constant dense<[[129, 0], [128, 130], [130, 27]]> : tensor<3x2xui8> : tensor<3x2xui8>
  %wf = kernel.elementwise ins(%wq : tensor<3x2xui8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<3x2xf32> {
  ^bb0(%v: ui8):
    %0 = builtin.unrealized_conversion_cast %v : ui8 to i8
    %1 = arith.uitofp %0 : i8 to f32
    kernel.yield %1 : f32
  }
  %z = graph.constant dense<[[128.0, 127.0]]> : tensor<1x2xf32> : tensor<1x2xf32>
  %ws = kernel.elementwise ins(%wf, %z : tensor<3x2xf32>, tensor<1x2xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (0, d1)>] -> tensor<3x2xf32> {
  ^bb0(%v: f32, %zz: f32):
    %0 = arith.subf %v, %zz : f32
    kernel.yield %0 : f32
  }
  %sc = graph.constant dense<[[0.5, 0.25]]> : tensor<1x2xf32> : tensor<1x2xf32>
  %w = kernel.elementwise ins(%ws, %sc : tensor<3x2xf32>, tensor<1x2xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (0, d1)>] -> tensor<3x2xf32> {
  ^bb0(%v: f32, %p: f32):
    %0 = arith.mulf %v, %p : f32
    kernel.yield %0 : f32
  }
  %m = kernel.matmul %a, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %m : tensor<4x2xf32>
}

// -----

// s8 activations with zero point -3: flipped to u8 by xor 0x80, the zero
// point -3 + 128 = 125. Gemm with trans_b: the [N, K] weight's per-row scales
// ([2, 1] read at (n, 0)) are the columns' scales, times alpha 2; the bias
// stays the qmatmul's bias. The weight is stored [K, N].
// CHECK-LABEL: func.func @signed_gemm
// CHECK:       %[[BS:.*]] = graph.constant dense_resource<weight_s8_scale> : tensor<2xf32>
// CHECK:       %[[U:.*]] = kernel.elementwise ins(%arg0 : tensor<4x3xi8>) {{.*}} -> tensor<4x3xui8>
// CHECK:         arith.xori %{{.*}}, %{{.*}} : i8
// CHECK:       %[[AZ:.*]] = graph.constant dense<125> : tensor<i32>
// CHECK:       kernel.qmatmul %[[U]], %{{.*}} scales(%{{.*}}, %[[AZ]], %[[BS]], %{{.*}}) bias %arg1 : {{.*}} -> tensor<4x2xf32>
// CHECK-NOT:   kernel.matmul
// CHECK:       weight_s8: "0x0100000001FE0304FF05"
// CHECK:       weight_s8_scale: "0x040000000000803F0000003F"
func.func @signed_gemm(%q: tensor<4x3xi8>, %bias: tensor<2xf32>) -> tensor<4x2xf32> {
  %x = kernel.elementwise ins(%q : tensor<4x3xi8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xf32> {
  ^bb0(%v: i8):
    %0 = arith.sitofp %v : i8 to f32
    kernel.yield %0 : f32
  }
  %s = kernel.elementwise ins(%x : tensor<4x3xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xf32> {
  ^bb0(%v: f32):
    %c = arith.constant -3.000000e+00 : f32
    %0 = arith.subf %v, %c : f32
    kernel.yield %0 : f32
  }
  %a = kernel.elementwise ins(%s : tensor<4x3xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xf32> {
  ^bb0(%v: f32):
    %c = arith.constant 1.000000e-02 : f32
    %0 = arith.mulf %v, %c : f32
    kernel.yield %0 : f32
  }
  %wq = graph.constant dense<[[1, 3, -1], [-2, 4, 5]]> : tensor<2x3xi8> : tensor<2x3xi8>
  %wf = kernel.elementwise ins(%wq : tensor<2x3xi8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<2x3xf32> {
  ^bb0(%v: i8):
    %0 = arith.sitofp %v : i8 to f32
    kernel.yield %0 : f32
  }
  %sc = graph.constant dense<[[0.5], [0.25]]> : tensor<2x1xf32> : tensor<2x1xf32>
  %w = kernel.elementwise ins(%wf, %sc : tensor<2x3xf32>, tensor<2x1xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>] -> tensor<2x3xf32> {
  ^bb0(%v: f32, %p: f32):
    %0 = arith.mulf %v, %p : f32
    kernel.yield %0 : f32
  }
  %m = kernel.matmul %a, %w, %bias {trans_b = true, alpha = 2.0 : f32} : (tensor<4x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %m : tensor<4x2xf32>
}

// -----

// A dequantized activation also read elsewhere (a residual) stays for that
// reader; the matmul is still lifted.
// CHECK-LABEL: func.func @shared_activation
// CHECK:       kernel.elementwise
// CHECK:       %[[A:.*]] = kernel.elementwise
// CHECK:         arith.mulf
// CHECK:       %[[R:.*]] = kernel.qmatmul %arg0, {{.*}} -> tensor<4x2xf32>
// CHECK-NOT:   kernel.matmul
// CHECK:       return %[[R]], %[[A]]
func.func @shared_activation(%q: tensor<4x3xui8>) -> (tensor<4x2xf32>, tensor<4x3xf32>) {
  %x = kernel.elementwise ins(%q : tensor<4x3xui8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xf32> {
  ^bb0(%v: ui8):
    %0 = builtin.unrealized_conversion_cast %v : ui8 to i8
    %1 = arith.uitofp %0 : i8 to f32
    kernel.yield %1 : f32
  }
  %a = kernel.elementwise ins(%x : tensor<4x3xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xf32> {
  ^bb0(%v: f32):
    %c = arith.constant 2.500000e-02 : f32
    %0 = arith.mulf %v, %c : f32
    kernel.yield %0 : f32
  }
  %wq = graph.constant dense<[[1, -2], [3, 4], [-1, 5]]> : tensor<3x2xi8> : tensor<3x2xi8>
  %wf = kernel.elementwise ins(%wq : tensor<3x2xi8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<3x2xf32> {
  ^bb0(%v: i8):
    %0 = arith.sitofp %v : i8 to f32
    kernel.yield %0 : f32
  }
  %w = kernel.elementwise ins(%wf : tensor<3x2xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<3x2xf32> {
  ^bb0(%v: f32):
    %c = arith.constant 5.000000e-01 : f32
    %0 = arith.mulf %v, %c : f32
    kernel.yield %0 : f32
  }
  %m = kernel.matmul %a, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %m, %a : tensor<4x2xf32>, tensor<4x3xf32>
}

// -----

// Left as float matmuls: a u8 weight at zero point 0 (values to 200 need 9
// bits as s8), weight scales per row of a [K, N] weight (along K: they do not
// factor out of the sum), an activation scale per K ([1, 3] along the last
// dim, a per-axis QDQ), and a weight that is a f32 constant (no QDQ).
// CHECK-LABEL: func.func @wide
// CHECK:       kernel.matmul
// CHECK-NOT:   kernel.qmatmul
// CHECK-LABEL: func.func @per_k_weight
// CHECK:       kernel.matmul
// CHECK-NOT:   kernel.qmatmul
// CHECK-LABEL: func.func @per_k_activation
// CHECK:       kernel.matmul
// CHECK-NOT:   kernel.qmatmul
// CHECK-LABEL: func.func @float_weight
// CHECK:       kernel.matmul
// CHECK-NOT:   kernel.qmatmul
func.func @wide(%q: tensor<4x3xui8>) -> tensor<4x2xf32> {
  %x = kernel.elementwise ins(%q : tensor<4x3xui8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xf32> {
  ^bb0(%v: ui8):
    %0 = builtin.unrealized_conversion_cast %v : ui8 to i8
    %1 = arith.uitofp %0 : i8 to f32
    kernel.yield %1 : f32
  }
  %a = kernel.elementwise ins(%x : tensor<4x3xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xf32> {
  ^bb0(%v: f32):
    %c = arith.constant 2.500000e-02 : f32
    %0 = arith.mulf %v, %c : f32
    kernel.yield %0 : f32
  }
  %wq = graph.constant dense<[[1, 2], [3, 200], [1, 5]]> : tensor<3x2xui8> : tensor<3x2xui8>
  %wf = kernel.elementwise ins(%wq : tensor<3x2xui8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<3x2xf32> {
  ^bb0(%v: ui8):
    %0 = builtin.unrealized_conversion_cast %v : ui8 to i8
    %1 = arith.uitofp %0 : i8 to f32
    kernel.yield %1 : f32
  }
  %w = kernel.elementwise ins(%wf : tensor<3x2xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<3x2xf32> {
  ^bb0(%v: f32):
    %c = arith.constant 5.000000e-01 : f32
    %0 = arith.mulf %v, %c : f32
    kernel.yield %0 : f32
  }
  %m = kernel.matmul %a, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %m : tensor<4x2xf32>
}
func.func @per_k_weight(%q: tensor<4x3xui8>) -> tensor<4x2xf32> {
  %x = kernel.elementwise ins(%q : tensor<4x3xui8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xf32> {
  ^bb0(%v: ui8):
    %0 = builtin.unrealized_conversion_cast %v : ui8 to i8
    %1 = arith.uitofp %0 : i8 to f32
    kernel.yield %1 : f32
  }
  %a = kernel.elementwise ins(%x : tensor<4x3xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xf32> {
  ^bb0(%v: f32):
    %c = arith.constant 2.500000e-02 : f32
    %0 = arith.mulf %v, %c : f32
    kernel.yield %0 : f32
  }
  %wq = graph.constant dense<[[1, -2], [3, 4], [-1, 5]]> : tensor<3x2xi8> : tensor<3x2xi8>
  %wf = kernel.elementwise ins(%wq : tensor<3x2xi8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<3x2xf32> {
  ^bb0(%v: i8):
    %0 = arith.sitofp %v : i8 to f32
    kernel.yield %0 : f32
  }
  %sc = graph.constant dense<[[0.5], [0.25], [0.125]]> : tensor<3x1xf32> : tensor<3x1xf32>
  %w = kernel.elementwise ins(%wf, %sc : tensor<3x2xf32>, tensor<3x1xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>] -> tensor<3x2xf32> {
  ^bb0(%v: f32, %p: f32):
    %0 = arith.mulf %v, %p : f32
    kernel.yield %0 : f32
  }
  %m = kernel.matmul %a, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %m : tensor<4x2xf32>
}
func.func @per_k_activation(%q: tensor<4x3xui8>) -> tensor<4x2xf32> {
  %x = kernel.elementwise ins(%q : tensor<4x3xui8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xf32> {
  ^bb0(%v: ui8):
    %0 = builtin.unrealized_conversion_cast %v : ui8 to i8
    %1 = arith.uitofp %0 : i8 to f32
    kernel.yield %1 : f32
  }
  %sc = graph.constant dense<[[0.5, 0.25, 0.125]]> : tensor<1x3xf32> : tensor<1x3xf32>
  %a = kernel.elementwise ins(%x, %sc : tensor<4x3xf32>, tensor<1x3xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (0, d1)>] -> tensor<4x3xf32> {
  ^bb0(%v: f32, %p: f32):
    %0 = arith.mulf %v, %p : f32
    kernel.yield %0 : f32
  }
  %wq = graph.constant dense<[[1, -2], [3, 4], [-1, 5]]> : tensor<3x2xi8> : tensor<3x2xi8>
  %wf = kernel.elementwise ins(%wq : tensor<3x2xi8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<3x2xf32> {
  ^bb0(%v: i8):
    %0 = arith.sitofp %v : i8 to f32
    kernel.yield %0 : f32
  }
  %w = kernel.elementwise ins(%wf : tensor<3x2xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<3x2xf32> {
  ^bb0(%v: f32):
    %c = arith.constant 5.000000e-01 : f32
    %0 = arith.mulf %v, %c : f32
    kernel.yield %0 : f32
  }
  %m = kernel.matmul %a, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %m : tensor<4x2xf32>
}
func.func @float_weight(%q: tensor<4x3xui8>) -> tensor<4x2xf32> {
  %x = kernel.elementwise ins(%q : tensor<4x3xui8>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xf32> {
  ^bb0(%v: ui8):
    %0 = builtin.unrealized_conversion_cast %v : ui8 to i8
    %1 = arith.uitofp %0 : i8 to f32
    kernel.yield %1 : f32
  }
  %a = kernel.elementwise ins(%x : tensor<4x3xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x3xf32> {
  ^bb0(%v: f32):
    %c = arith.constant 2.500000e-02 : f32
    %0 = arith.mulf %v, %c : f32
    kernel.yield %0 : f32
  }
  %w = graph.constant dense<[[1.0, -2.0], [3.0, 4.0], [-1.0, 5.0]]> : tensor<3x2xf32> : tensor<3x2xf32>
  %m = kernel.matmul %a, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %m : tensor<4x2xf32>
}
