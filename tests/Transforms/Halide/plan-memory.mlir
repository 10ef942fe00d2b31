// RUN: kiln-opt %s -split-input-file -kiln-plan-memory | FileCheck %s
// A second run replans from scratch and decides the same.
// RUN: kiln-opt %s -split-input-file -kiln-plan-memory -kiln-plan-memory | FileCheck %s

// exp reads its input only at the element it writes, so its result may take
// the slot of the input it reads last (%1 over %0: kiln.in_place = 0, the same
// offset); shift reads a neighbour, so %2 gets its own slot while %1 is alive.
// The output %3 lives in the caller's buffer: no attributes.
// Pointwise: reads its input only at the element it writes.
halide.kernel @exp {
  halide.input @in0 : f32 [16, 2]
  halide.func @out ["d1", "d0"] : f32 {
  ^bb0(%i: i32, %j: i32):
    %x = halide.call @in0(%i, %j) : (i32, i32) -> f32
    %e = math.exp %x : f32
    halide.return %e : f32
  }
  halide.output @out [16, 2]
  halide.schedule "cpu" {
    halide.vectorize @out "d1" 8
  }
}

// Reads its input one element further along: not pointwise.
halide.kernel @shift {
  halide.input @in0 : f32 [16, 2]
  halide.func @out ["d1", "d0"] : f32 {
  ^bb0(%i: i32, %j: i32):
    %one = arith.constant 1 : i32
    %fifteen = arith.constant 15 : i32
    %n = arith.addi %i, %one : i32
    %c = arith.minsi %n, %fifteen : i32
    %x = halide.call @in0(%c, %j) : (i32, i32) -> f32
    halide.return %x : f32
  }
  halide.output @out [16, 2]
}

// CHECK-LABEL: func.func @main
// CHECK-SAME:    attributes {kiln.arena_size = 256 : i64}
// CHECK:         halide.launch @exp(%arg0) {kiln.arena_offset = 0 : i64, kiln.last_use = 1 : i64}
// CHECK-NEXT:    halide.launch @exp(%0) {kiln.arena_offset = 0 : i64, kiln.in_place = 0 : i64, kiln.last_use = 2 : i64}
// CHECK-NEXT:    halide.launch @shift(%1) {kiln.arena_offset = 128 : i64, kiln.last_use = 3 : i64}
// CHECK-NEXT:    halide.launch @exp(%2) :
func.func @main(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %0 = halide.launch @exp(%x) : (tensor<2x16xf32>) -> tensor<2x16xf32>
  %1 = halide.launch @exp(%0) : (tensor<2x16xf32>) -> tensor<2x16xf32>
  %2 = halide.launch @shift(%1) : (tensor<2x16xf32>) -> tensor<2x16xf32>
  %3 = halide.launch @exp(%2) : (tensor<2x16xf32>) -> tensor<2x16xf32>
  return %3 : tensor<2x16xf32>
}

// -----

// A vector of 8 does not divide a row of 20: Halide would compute the last
// vector twice, the second time from an input already overwritten. So %1
// gets no kiln.in_place, and needs a slot apart from %0's (slots start on
// 64-byte boundaries: 160 bytes take 192).
halide.kernel @exp20 {
  halide.input @in0 : f32 [20, 2]
  halide.func @out ["d1", "d0"] : f32 {
  ^bb0(%i: i32, %j: i32):
    %x = halide.call @in0(%i, %j) : (i32, i32) -> f32
    %e = math.exp %x : f32
    halide.return %e : f32
  }
  halide.output @out [20, 2]
  halide.schedule "cpu" {
    halide.vectorize @out "d1" 8
  }
}

// CHECK-LABEL: func.func @main
// CHECK-SAME:    attributes {kiln.arena_size = 384 : i64}
// CHECK:         halide.launch @exp20(%arg0) {kiln.arena_offset = 0 : i64, kiln.last_use = 1 : i64}
// CHECK-NEXT:    halide.launch @exp20(%0) {kiln.arena_offset = 192 : i64, kiln.last_use = 2 : i64}
func.func @main(%x: tensor<2x20xf32>) -> tensor<2x20xf32> {
  %0 = halide.launch @exp20(%x) : (tensor<2x20xf32>) -> tensor<2x20xf32>
  %1 = halide.launch @exp20(%0) : (tensor<2x20xf32>) -> tensor<2x20xf32>
  %2 = halide.launch @exp20(%1) : (tensor<2x20xf32>) -> tensor<2x20xf32>
  return %2 : tensor<2x20xf32>
}

// -----

// Dead intermediates hand their bytes on: %0 is last read at step 1, so %2
// (written at step 2) reuses offset 0 while %1 sits at 128.
halide.kernel @neg {
  halide.input @in0 : f32 [16, 2]
  halide.input @in1 : f32 [16, 2]
  halide.func @out ["d1", "d0"] : f32 {
  ^bb0(%i: i32, %j: i32):
    %one = arith.constant 1 : i32
    %fifteen = arith.constant 15 : i32
    %n = arith.addi %i, %one : i32
    %c = arith.minsi %n, %fifteen : i32
    %x = halide.call @in0(%c, %j) : (i32, i32) -> f32
    %y = halide.call @in1(%c, %j) : (i32, i32) -> f32
    %s = arith.subf %x, %y : f32
    halide.return %s : f32
  }
  halide.output @out [16, 2]
}

// CHECK-LABEL: func.func @main
// CHECK-SAME:    attributes {kiln.arena_size = 256 : i64}
// CHECK:         halide.launch @neg(%arg0, %arg0) {kiln.arena_offset = 0 : i64, kiln.last_use = 1 : i64}
// CHECK-NEXT:    halide.launch @neg(%0, %arg0) {kiln.arena_offset = 128 : i64, kiln.last_use = 3 : i64}
// CHECK-NEXT:    halide.launch @neg(%1, %arg0) {kiln.arena_offset = 0 : i64, kiln.last_use = 3 : i64}
// CHECK-NEXT:    halide.launch @neg(%1, %2)
func.func @main(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %0 = halide.launch @neg(%x, %x) : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  %1 = halide.launch @neg(%0, %x) : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  %2 = halide.launch @neg(%1, %x) : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  %3 = halide.launch @neg(%1, %2) : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  return %3 : tensor<2x16xf32>
}
