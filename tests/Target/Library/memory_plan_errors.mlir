// The library emitter copies @main's memory plan (-kiln-plan-memory) into the
// model table, and checks it first: a module may be hand-written, and a wrong
// plan would corrupt results without a word.
// RUN: rm -rf %t && split-file %s %t
// RUN: not kiln-translate --emit-library %t/unplanned.mlir --output-dir %t/out 2>&1 | FileCheck %s --check-prefix=UNPLANNED
// RUN: not kiln-translate --emit-library %t/overlap.mlir --output-dir %t/out 2>&1 | FileCheck %s --check-prefix=OVERLAP
// RUN: not kiln-translate --emit-library %t/early.mlir --output-dir %t/out 2>&1 | FileCheck %s --check-prefix=EARLY
// RUN: not kiln-translate --emit-library %t/inplace.mlir --output-dir %t/out 2>&1 | FileCheck %s --check-prefix=INPLACE
// RUN: not kiln-translate --emit-library %t/outside.mlir --output-dir %t/out 2>&1 | FileCheck %s --check-prefix=OUTSIDE
// Nothing reaches the output folder when the plan is refused.
// RUN: not ls %t/out/libmodel.a

// UNPLANNED: error: no memory plan (kiln.last_use): run -kiln-plan-memory before emitting the library
// OVERLAP: error: memory plan: 't1' and 't2' are alive at once and share arena bytes
// EARLY: error: memory plan: step 2 reads this result after its kiln.last_use 1
// INPLACE: error: memory plan: kiln.in_place = 0 is not an intermediate of the same size read last here
// OUTSIDE: error: memory plan: 't2' at [128, +128) lies outside the arena of 200 bytes

//--- unplanned.mlir
halide.kernel @neg {
  halide.input @in0 : f32 [16, 2]
  halide.func @out ["d1", "d0"] : f32 {
  ^bb0(%i: i32, %j: i32):
    %x = halide.call @in0(%i, %j) : (i32, i32) -> f32
    %n = arith.negf %x : f32
    halide.return %n : f32
  }
  halide.output @out [16, 2]
}
func.func @main(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %0 = halide.launch @neg(%x) : (tensor<2x16xf32>) -> tensor<2x16xf32>
  %1 = halide.launch @neg(%0) : (tensor<2x16xf32>) -> tensor<2x16xf32>
  return %1 : tensor<2x16xf32>
}
//--- overlap.mlir
// %0 and %1 are alive together at step 1 but given the same bytes.
halide.kernel @neg {
  halide.input @in0 : f32 [16, 2]
  halide.func @out ["d1", "d0"] : f32 {
  ^bb0(%i: i32, %j: i32):
    %x = halide.call @in0(%i, %j) : (i32, i32) -> f32
    %n = arith.negf %x : f32
    halide.return %n : f32
  }
  halide.output @out [16, 2]
}
func.func @main(%x: tensor<2x16xf32>) -> tensor<2x16xf32> attributes {kiln.arena_size = 256 : i64} {
  %0 = halide.launch @neg(%x) {kiln.arena_offset = 0 : i64, kiln.last_use = 2 : i64} : (tensor<2x16xf32>) -> tensor<2x16xf32>
  %1 = halide.launch @neg(%0) {kiln.arena_offset = 64 : i64, kiln.last_use = 2 : i64} : (tensor<2x16xf32>) -> tensor<2x16xf32>
  %2 = halide.launch @neg(%0) : (tensor<2x16xf32>) -> tensor<2x16xf32>
  return %2 : tensor<2x16xf32>
}
//--- early.mlir
// %0 is read at step 2, after the last use its plan gives it.
halide.kernel @neg {
  halide.input @in0 : f32 [16, 2]
  halide.func @out ["d1", "d0"] : f32 {
  ^bb0(%i: i32, %j: i32):
    %x = halide.call @in0(%i, %j) : (i32, i32) -> f32
    %n = arith.negf %x : f32
    halide.return %n : f32
  }
  halide.output @out [16, 2]
}
func.func @main(%x: tensor<2x16xf32>) -> tensor<2x16xf32> attributes {kiln.arena_size = 256 : i64} {
  %0 = halide.launch @neg(%x) {kiln.arena_offset = 0 : i64, kiln.last_use = 1 : i64} : (tensor<2x16xf32>) -> tensor<2x16xf32>
  %1 = halide.launch @neg(%0) {kiln.arena_offset = 128 : i64, kiln.last_use = 2 : i64} : (tensor<2x16xf32>) -> tensor<2x16xf32>
  %2 = halide.launch @neg(%0) : (tensor<2x16xf32>) -> tensor<2x16xf32>
  return %2 : tensor<2x16xf32>
}
//--- inplace.mlir
// In place over the model's input: only intermediates may be overwritten.
halide.kernel @neg {
  halide.input @in0 : f32 [16, 2]
  halide.func @out ["d1", "d0"] : f32 {
  ^bb0(%i: i32, %j: i32):
    %x = halide.call @in0(%i, %j) : (i32, i32) -> f32
    %n = arith.negf %x : f32
    halide.return %n : f32
  }
  halide.output @out [16, 2]
}
func.func @main(%x: tensor<2x16xf32>) -> tensor<2x16xf32> attributes {kiln.arena_size = 128 : i64} {
  %0 = halide.launch @neg(%x) {kiln.arena_offset = 0 : i64, kiln.in_place = 0 : i64, kiln.last_use = 1 : i64} : (tensor<2x16xf32>) -> tensor<2x16xf32>
  %1 = halide.launch @neg(%0) : (tensor<2x16xf32>) -> tensor<2x16xf32>
  return %1 : tensor<2x16xf32>
}
//--- outside.mlir
// An offset past the arena's end.
halide.kernel @neg {
  halide.input @in0 : f32 [16, 2]
  halide.func @out ["d1", "d0"] : f32 {
  ^bb0(%i: i32, %j: i32):
    %x = halide.call @in0(%i, %j) : (i32, i32) -> f32
    %n = arith.negf %x : f32
    halide.return %n : f32
  }
  halide.output @out [16, 2]
}
func.func @main(%x: tensor<2x16xf32>) -> tensor<2x16xf32> attributes {kiln.arena_size = 200 : i64} {
  %0 = halide.launch @neg(%x) {kiln.arena_offset = 0 : i64, kiln.last_use = 1 : i64} : (tensor<2x16xf32>) -> tensor<2x16xf32>
  %1 = halide.launch @neg(%0) {kiln.arena_offset = 128 : i64, kiln.last_use = 2 : i64} : (tensor<2x16xf32>) -> tensor<2x16xf32>
  %2 = halide.launch @neg(%1) : (tensor<2x16xf32>) -> tensor<2x16xf32>
  return %2 : tensor<2x16xf32>
}
