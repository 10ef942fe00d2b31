// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{has no halide.output}}
halide.kernel @no_output {
  halide.input @in0 : f32 [4]
}

// -----

halide.kernel @bad_call {
  halide.input @in0 : f32 [4]
  halide.func @out ["d0"] : f32 {
  ^bb0(%x: i32):
    // expected-error @+1 {{input @in0 has 1 dims}}
    %a = halide.call @in0(%x, %x) : (i32, i32) -> f32
    halide.return %a : f32
  }
  halide.output @out [4]
}

// -----

halide.kernel @bad_return {
  // expected-error @+1 {{body returns 'i32', expected 'f32'}}
  halide.func @out ["d0"] : f32 {
  ^bb0(%x: i32):
    halide.return %x : i32
  }
  halide.output @out [4]
}

// -----

halide.kernel @bad_combine {
  halide.func @out ["d0"] : f32 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  // expected-error @+2 {{expected ::kiln::halide::Combine to be one of: add, mul, max, min, set}}
  // expected-error @+1 {{failed to parse Halide_CombineAttr parameter 'value'}}
  halide.update @out rdom [0, 4] combine xor {
  ^bb0(%x: i32, %r: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  halide.output @out [4]
}

// -----

halide.kernel @bad_target {
  halide.func @out ["d0"] : f32 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  halide.output @out [4]
  // expected-error @+2 {{expected ::kiln::halide::ScheduleTarget to be one of: cpu, cuda}}
  // expected-error @+1 {{failed to parse Halide_ScheduleTargetAttr parameter 'value'}}
  halide.schedule tpu {
  }
}

// -----

func.func @bad_launch(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{launches unknown kernel @nope}}
  %0 = halide.launch @nope(%a) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

halide.kernel @tuple_add {
  halide.func @st ["d0"] : f32 tuple 2 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z, %z : f32, f32
  }
  // expected-error @+1 {{updates tuple func @st with combine add; tuples take set}}
  halide.update @st rdom [0, 4] combine add {
  ^bb0(%x: i32, %r: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z, %z : f32, f32
  }
  halide.func @o ["d0"] : f32 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  halide.output @o [4]
}

// -----

// A saturating add (the vpmaddubsw pair sum) is for integer funcs.
halide.kernel @sat_add_float {
  halide.func @s ["d0"] : f32 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  // expected-error @+1 {{combine sat_add needs an integer func wider than i1, not 'f32'}}
  halide.update @s rdom [0, 2] combine sat_add {
  ^bb0(%x: i32, %r: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  halide.output @s [4]
}

// -----

halide.kernel @tuple_count {
  // expected-error @+1 {{body returns 1 values, expected 2}}
  halide.func @st ["d0"] : f32 tuple 2 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  halide.func @o ["d0"] : f32 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  halide.output @o [4]
}

// -----

halide.kernel @tuple_element {
  halide.func @st ["d0"] : f32 tuple 2 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z, %z : f32, f32
  }
  halide.func @out ["d0"] : f32 {
  ^bb0(%x: i32):
    // expected-error @+1 {{needs an element in [0, 2) of tuple func @st}}
    %v = halide.call @st(%x) : (i32) -> f32
    halide.return %v : f32
  }
  halide.func @o ["d0"] : f32 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  halide.output @o [4]
}

// -----

halide.kernel @tuple_one {
  // expected-error @+1 {{tuple needs at least 2 values}}
  halide.func @st ["d0"] : f32 tuple 1 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  halide.func @o ["d0"] : f32 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  halide.output @o [4]
}

// -----

halide.kernel @tuple_output {
  halide.func @st ["d0"] : f32 tuple 2 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z, %z : f32, f32
  }
  // expected-error @+1 {{tuple func @st cannot be the output}}
  halide.output @st [4]
}

// -----

halide.kernel @tuple_bool {
  // expected-error @+1 {{tuple of i1 is not supported}}
  halide.func @st ["d0"] : i1 tuple 2 {
  ^bb0(%x: i32):
    %z = arith.constant false
    halide.return %z, %z : i1, i1
  }
  halide.func @o ["d0"] : f32 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  halide.output @o [4]
}

// -----

halide.kernel @sym_without_param {
  // expected-error @+1 {{'halide.input' op extents use s1, which has no halide.param @s1}}
  halide.input @in0 : f32 affine_map<()[s0, s1] -> (4, s1)>
  halide.func @f ["x"] : f32 {
  ^bb0(%x: i32):
    %v = halide.call @in0(%x, %x) : (i32, i32) -> f32
    halide.return %v : f32
  }
  halide.output @f [4]
}

// -----

halide.kernel @bad_param_name {
  // expected-error @+1 {{'halide.param' op must be named s<k> for module symbol k, got @batch}}
  halide.param @batch
  halide.func @f ["x"] : f32 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  halide.output @f [4]
}

// -----

halide.kernel @sym_unknown {
  halide.func @f ["x"] : i32 {
  ^bb0(%x: i32):
    // expected-error @+1 {{'halide.sym' op reads @s0, which is not a halide.param of the kernel}}
    %s = halide.sym @s0 : i32
    halide.return %s : i32
  }
  halide.output @f [4]
}

// -----

halide.kernel @extent_dims {
  halide.func @f ["x"] : f32 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  // expected-error @+1 {{'halide.output' op extents must have no dims}}
  halide.output @f affine_map<(d0) -> (d0)>
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

// -----

halide.kernel @where_not_i1 {
  halide.input @in0 : f32 [4]
  halide.func @out ["d0"] : f32 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  // expected-error @+1 {{where: the last value must be an i1 predicate, got 'f32'}}
  halide.update @out rdom [0, 4] combine add where {
  ^bb0(%x: i32, %r: i32):
    %v = halide.call @in0(%r) : (i32) -> f32
    halide.return %v, %v : f32, f32
  }
  halide.output @out [4]
}
