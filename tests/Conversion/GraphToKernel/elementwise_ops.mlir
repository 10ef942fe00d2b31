// RUN: kiln-opt %s -split-input-file -convert-graph-to-kernel | FileCheck %s

// uint8 is computed as i8 through casts, with the unsigned arith ops.
// CHECK-LABEL: func.func @uint8_div
// CHECK: ^bb0(%[[A:.*]]: ui8, %[[B:.*]]: ui8):
// CHECK-DAG: %[[A8:.*]] = builtin.unrealized_conversion_cast %[[A]] : ui8 to i8
// CHECK-DAG: %[[B8:.*]] = builtin.unrealized_conversion_cast %[[B]] : ui8 to i8
// CHECK: %[[Q:.*]] = arith.divui %[[A8]], %[[B8]] : i8
// CHECK: %[[R:.*]] = builtin.unrealized_conversion_cast %[[Q]] : i8 to ui8
// CHECK: kernel.yield %[[R]] : ui8
func.func @uint8_div(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %0 = graph.div %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// A uint8 splat is an i8 constant in the body; 200 compares unsigned.
// CHECK-LABEL: func.func @uint8_less_splat
// CHECK: kernel.elementwise ins(%{{.*}} : tensor<4xui8>)
// CHECK: %[[C:.*]] = arith.constant -56 : i8
// CHECK: arith.cmpi ult, %{{.*}}, %[[C]] : i8
func.func @uint8_less_splat(%a: tensor<4xui8>) -> tensor<4xi1> {
  %c = graph.constant dense<200> : tensor<ui8> : tensor<ui8>
  %0 = graph.less %a, %c : (tensor<4xui8>, tensor<ui8>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// float16 is computed in float32.
// CHECK-LABEL: func.func @f16_sin
// CHECK: %[[X:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK: %[[S:.*]] = math.sin %[[X]] : f32
// CHECK: %[[R:.*]] = arith.truncf %[[S]] : f32 to f16
// CHECK: kernel.yield %[[R]] : f16
func.func @f16_sin(%a: tensor<4xf16>) -> tensor<4xf16> {
  %0 = graph.sin %a : (tensor<4xf16>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// Mod without fmod: the truncated remainder, plus the divisor when the signs differ.
// CHECK-LABEL: func.func @mod_python
// CHECK: %[[R:.*]] = arith.remsi
// CHECK: %[[FIX:.*]] = arith.andi
// CHECK: %[[SUM:.*]] = arith.addi %[[R]]
// CHECK: arith.select %[[FIX]], %[[SUM]], %[[R]] : i32
func.func @mod_python(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = graph.mod %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @fmod_float
// CHECK: arith.remf
// CHECK-NOT: arith.select
func.func @fmod_float(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.mod %a, %b {fmod = true} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Scalar bounds are read through () maps.
// CHECK-LABEL: func.func @clip_int
// CHECK: maps [#{{.*}}, #[[SCALAR:.*]], #[[SCALAR]]]
// CHECK: ^bb0(%[[X:.*]]: i64, %[[LO:.*]]: i64, %[[HI:.*]]: i64):
// CHECK: %[[M:.*]] = arith.maxsi %[[X]], %[[LO]] : i64
// CHECK: arith.minsi %[[M]], %[[HI]] : i64
func.func @clip_int(%a: tensor<4xi64>, %lo: tensor<i64>, %hi: tensor<i64>) -> tensor<4xi64> {
  %0 = graph.clip %a, %lo, %hi : (tensor<4xi64>, tensor<i64>, tensor<i64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// IsInf compares the bits (0x7f800000 is +inf).
// CHECK-LABEL: func.func @isinf_pos
// CHECK: %[[B:.*]] = arith.bitcast %{{.*}} : f32 to i32
// CHECK: %[[INF:.*]] = arith.constant 2139095040 : i32
// CHECK: arith.cmpi eq, %[[B]], %[[INF]] : i32
// CHECK-NOT: -8388608
func.func @isinf_pos(%a: tensor<4xf32>) -> tensor<4xi1> {
  %0 = graph.isinf %a {detect_negative = false} : (tensor<4xf32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// Integer Pow goes through f64 and truncates back.
// CHECK-LABEL: func.func @pow_int
// CHECK: arith.sitofp %{{.*}} : i64 to f64
// CHECK: math.powf %{{.*}}, %{{.*}} : f64
// CHECK: arith.fptosi %{{.*}} : f64 to i64
func.func @pow_int(%a: tensor<4xi64>, %b: tensor<4xi64>) -> tensor<4xi64> {
  %0 = graph.pow %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// CHECK-LABEL: func.func @sign_abs
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf olt
// CHECK: math.absi %{{.*}} : i8
func.func @sign_abs(%a: tensor<4xf32>, %i: tensor<4xi8>) -> (tensor<4xf32>, tensor<4xi8>) {
  %0 = graph.sign %a : (tensor<4xf32>) -> tensor<4xf32>
  %1 = graph.abs %i : (tensor<4xi8>) -> tensor<4xi8>
  return %0, %1 : tensor<4xf32>, tensor<4xi8>
}

// -----

// CHECK-LABEL: func.func @cast_f32_to_ui8
// CHECK: %[[I:.*]] = arith.fptoui %{{.*}} : f32 to i8
// CHECK: builtin.unrealized_conversion_cast %[[I]] : i8 to ui8
func.func @cast_f32_to_ui8(%a: tensor<4xf32>) -> tensor<4xui8> {
  %0 = graph.cast %a : (tensor<4xf32>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// Softplus is max(x, 0) + log(1 + exp(-|x|)); HardSigmoid clamps alpha x + beta.
// CHECK-LABEL: func.func @softplus_hard_sigmoid
// CHECK: math.absf
// CHECK: math.exp
// CHECK: math.log
// CHECK: arith.maximumf
// CHECK: kernel.elementwise
// CHECK: arith.constant 2.000000e-01 : f32
// CHECK: arith.mulf
// CHECK: arith.minimumf
// CHECK: arith.maximumf
func.func @softplus_hard_sigmoid(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.softplus %a : (tensor<4xf32>) -> tensor<4xf32>
  %1 = graph.hard_sigmoid %0 {alpha = 0.2 : f32, beta = 0.5 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @max_min_xor
// CHECK: arith.maxui %{{.*}}, %{{.*}} : i8
// CHECK: arith.minimumf
// CHECK: arith.xori %{{.*}}, %{{.*}} : i1
func.func @max_min_xor(%u: tensor<4xui8>, %f: tensor<4xf32>, %p: tensor<4xi1>) -> (tensor<4xui8>, tensor<4xf32>, tensor<4xi1>) {
  %0 = graph.max %u, %u : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %1 = graph.min %f, %f : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = graph.xor %p, %p : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %0, %1, %2 : tensor<4xui8>, tensor<4xf32>, tensor<4xi1>
}

// -----

// Round is math.roundeven: halves go to the even neighbour, as ONNX says.
// CHECK-LABEL: func.func @round
// CHECK: math.roundeven %{{.*}} : f32
func.func @round(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.round %a : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
