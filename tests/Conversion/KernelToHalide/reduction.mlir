// RUN: kiln-opt %s -split-input-file -convert-kernel-to-halide -kiln-schedule-cpu -kiln-schedule-cuda | FileCheck %s

// ArgMax: the max, then the first index holding it (a min over select(hit, r, n)).
// CHECK-LABEL: halide.kernel @k0_arg_reduce_i64
// CHECK: halide.update @best rdom [0, 8] combine max
// CHECK: halide.func @where ["d0"] : i32
// CHECK: arith.constant 8 : i32
// CHECK: halide.update @where rdom [0, 8] combine min
// CHECK: %[[BEST:.*]] = halide.call @best
// CHECK: %[[X:.*]] = halide.call @in0
// CHECK: %[[HIT:.*]] = arith.cmpf oeq, %[[X]], %[[BEST]]
// CHECK: arith.select %[[HIT]]
// CHECK: halide.func @out ["d0"] : i64
// CHECK: arith.extsi %{{.*}} : i32 to i64
// CHECK: halide.output @out [3]
func.func @argmax(%x: tensor<3x8xf32>) -> tensor<3xi64> {
  %0 = kernel.arg_reduce %x {kind = #kernel.arg_reduce_kind<max>, axis = 1 : i64, keepdims = false, select_last_index = false} : (tensor<3x8xf32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// select_last_index: a max over select(hit, r, -1).
// CHECK-LABEL: halide.kernel @k0_arg_reduce_i64
// CHECK: halide.update @best rdom [0, 3] combine min
// CHECK: halide.update @where rdom [0, 3] combine max
// CHECK: arith.constant -1 : i32
func.func @argmin_last(%x: tensor<3x8xi8>) -> tensor<1x8xi64> {
  %0 = kernel.arg_reduce %x {kind = #kernel.arg_reduce_kind<min>, axis = 0 : i64, keepdims = true, select_last_index = true} : (tensor<3x8xi8>) -> tensor<1x8xi64>
  return %0 : tensor<1x8xi64>
}

// -----

// A reversed inclusive scan sums the r >= i of each row.
// CHECK-LABEL: halide.kernel @k0_scan_f32 attributes {recipe = #halide.recipe<root_update>}
// CHECK: halide.func @sum ["d1", "d0"] : f32 attributes {root = tensor<3x8xf32>}
// CHECK: halide.update @sum rdom [0, 8] combine add
// CHECK: ^bb0(%[[I:.*]]: i32, %{{.*}}: i32, %[[R:.*]]: i32):
// CHECK: arith.cmpi sge, %[[R]], %[[I]] : i32
// CHECK: halide.output @out [8, 3]
// CHECK: halide.compute_root @sum
func.func @cumsum(%x: tensor<3x8xf32>) -> tensor<3x8xf32> {
  %0 = kernel.scan %x {kind = #kernel.scan_kind<add>, axis = 1 : i64, exclusive = false, reverse = true} : (tensor<3x8xf32>) -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

// An int8 scan accumulates in i32.
// CHECK-LABEL: halide.kernel @k0_scan_i8
// CHECK: halide.func @sum ["d0"] : i32
// CHECK: arith.cmpi slt
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: arith.trunci %{{.*}} : i32 to i8
func.func @cumsum_exclusive_i8(%x: tensor<8xi8>) -> tensor<8xi8> {
  %0 = kernel.scan %x {kind = #kernel.scan_kind<add>, axis = 0 : i64, exclusive = true, reverse = false} : (tensor<8xi8>) -> tensor<8xi8>
  return %0 : tensor<8xi8>
}

// -----

// TopK: each element's rank in its row, then the element of rank p.
// CHECK-LABEL: halide.kernel @k0_topk_i64
// CHECK: halide.func @rank ["d1", "d0"] : i32
// CHECK: halide.update @rank rdom [0, 8] combine add
// CHECK: arith.cmpf oeq
// CHECK: arith.cmpf ogt
// CHECK: halide.func @pos ["d1", "d0"] : i32
// CHECK: halide.update @pos rdom [0, 8] combine add
// CHECK: halide.call @rank
// CHECK: halide.output @out [2, 3]
func.func @topk(%x: tensor<3x8xf32>) -> tensor<3x2xi64> {
  %0 = kernel.topk %x {axis = 1 : i64, largest = true} : (tensor<3x8xf32>) -> tensor<3x2xi64>
  return %0 : tensor<3x2xi64>
}

// -----

// CHECK-LABEL: halide.kernel @k0_log_softmax_f32
// CHECK: halide.update @row_max rdom [0, 8] combine max
// CHECK: halide.update @row_sum rdom [0, 8] combine add
// CHECK: math.exp
// (x - max) - log(sum) kept in that order: strict, or Halide's simplifier
// makes it x - (max + log(sum)), 2.4e-4 off at x ~ 1e4 (regression).
// CHECK: halide.func @out ["d1", "d0"] : f32 strict_float
// CHECK: math.log
// CHECK: arith.subf
func.func @log_softmax(%x: tensor<3x8xf32>) -> tensor<3x8xf32> {
  %0 = kernel.log_softmax %x {axis = 1 : i64} : (tensor<3x8xf32>) -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

// float16 RMSNorm sums squares in f32.
// CHECK-LABEL: halide.kernel @k0_rms_norm_f16
// CHECK: halide.func @sq_sum ["d0"] : f32
// CHECK: halide.update @sq_sum rdom [0, 8] combine add
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: halide.func @out ["d1", "d0"] : f16
// CHECK: math.rsqrt
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @rms_norm(%x: tensor<3x8xf16>, %g: tensor<8xf16>) -> tensor<3x8xf16> {
  %0 = kernel.rms_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-6 : f32} : (tensor<3x8xf16>, tensor<8xf16>) -> tensor<3x8xf16>
  return %0 : tensor<3x8xf16>
}

// -----

// LogSumExp subtracts the row max before exp and adds it back after log.
// CHECK-LABEL: halide.kernel @k0_reduce_f32
// CHECK: halide.update @red_max rdom [0, 8] combine max
// CHECK: halide.update @red rdom [0, 8] combine add
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: halide.func @out ["d0"] : f32
// CHECK: math.log
// CHECK: arith.addf
func.func @log_sum_exp(%x: tensor<3x8xf32>) -> tensor<3xf32> {
  %0 = kernel.reduce %x {kind = #kernel.reduce_kind<log_sum_exp>, axes = [1], keepdims = false} : (tensor<3x8xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: halide.kernel @k0_reduce_f32
// CHECK: halide.update @red rdom [0, 3] combine add
// CHECK: arith.mulf
// CHECK: halide.func @out ["d0"] : f32
// CHECK: math.sqrt
func.func @l2(%x: tensor<3x8xf32>) -> tensor<8xf32> {
  %0 = kernel.reduce %x {kind = #kernel.reduce_kind<l2>, axes = [0], keepdims = false} : (tensor<3x8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// Integer min starts from the largest i64, exactly.
// CHECK-LABEL: halide.kernel @k0_reduce_i64
// CHECK: arith.constant 9223372036854775807 : i64
// CHECK: halide.update @red rdom [0, 8] combine min
func.func @min_i64(%x: tensor<3x8xi64>) -> tensor<3xi64> {
  %0 = kernel.reduce %x {kind = #kernel.reduce_kind<min>, axes = [1], keepdims = false} : (tensor<3x8xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}
