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

// -----

// The attention schedules read their sizes from the kernel.
// expected-error @+1 {{'halide.kernel' op with an attention recipe needs head_dim, value_dim and lanes}}
halide.kernel @k0_attention attributes {recipe = #halide.recipe<attention>, head_dim = 8 : i64} {
  halide.func @out ["d0"] : f32 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  halide.output @out [4]
}

// -----

// expected-error @+1 {{'halide.kernel' op with the attention_blocked recipe needs padded_keys and key_block}}
halide.kernel @k0_attention_blocked attributes {recipe = #halide.recipe<attention_blocked>,
    head_dim = 8 : i64, value_dim = 8 : i64, lanes = 8 : i64, padded_keys = 512 : i64} {
  halide.func @out ["d0"] : f32 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  halide.output @out [4]
}
