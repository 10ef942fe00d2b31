// RUN: kiln-opt %s -split-input-file -kiln-schedule-cpu -verify-diagnostics
// RUN: kiln-opt %s -split-input-file -kiln-schedule-cuda -verify-diagnostics

// A kernel with no recipe cannot be scheduled: every lowering records one.
// expected-error @+1 {{'halide.kernel' op has no recipe to schedule}}
halide.kernel @k0_unscheduled {
  halide.func @out ["d0"] : f32 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  halide.output @out [4]
}

// -----

// A recipe's schedule is written once.
// expected-error-re @+1 {{'halide.kernel' op is already scheduled for {{(cpu|cuda)}}}}
halide.kernel @k0_twice attributes {recipe = #halide.recipe<pointwise>} {
  halide.func @out ["d0"] : f32 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  halide.output @out [4]
  halide.schedule cpu {
  }
  halide.schedule cuda {
  }
}
