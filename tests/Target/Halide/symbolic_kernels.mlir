// Kernels over symbolic extents (design step 5): halide.param @s<k> is the
// kernel's int32 argument, extents and rdoms are maps over the params, and
// halide.sym reads one in a definition. Parsed and printed here; compiled
// and run at many sizes by the ctest unit.halide_symbolic
// (symbolic_kernels_test.c).
// RUN: kiln-opt %s | kiln-opt | FileCheck %s

// out(r) = sum_k in0(k, r) + s1, for R = s0 * s1 rows of 37.
// CHECK-LABEL: halide.kernel @rowsum
halide.kernel @rowsum {
  // CHECK: halide.param @s0
  halide.param @s0
  halide.param @s1
  // CHECK: halide.input @in0 : f32 affine_map<()[s0, s1] -> (37, s0 * s1)>
  halide.input @in0 : f32 affine_map<()[s0, s1] -> (37, s0 * s1)>
  halide.func @out ["x"] : f32 {
  ^bb0(%x: i32):
    // CHECK: halide.sym @s1 : i32
    %s = halide.sym @s1 : i32
    %f = arith.sitofp %s : i32 to f32
    halide.return %f : f32
  }
  // CHECK: halide.update @out rdom [0, 37] combine add
  halide.update @out rdom [0, 37] combine add {
  ^bb0(%x: i32, %k: i32):
    %v = halide.call @in0(%k, %x) : (i32, i32) -> f32
    halide.return %v : f32
  }
  // CHECK: halide.output @out affine_map<()[s0, s1] -> (s0 * s1)>
  halide.output @out affine_map<()[s0, s1] -> (s0 * s1)>
  halide.schedule cpu {
    halide.split @out "x" -> "xo", "xi" by 8
    halide.vectorize @out "xi" 8
    halide.parallel @out "xo"
  }
}

// out(c, r) = sum over the first s1 keys of in0(c, key) * in1(key, r): a
// reduction whose extent is a symbol (attention over a growing context).
// CHECK-LABEL: halide.kernel @keysum
halide.kernel @keysum {
  halide.param @s1
  halide.input @in0 : f32 affine_map<()[s0, s1] -> (5, s1)>
  halide.input @in1 : f32 affine_map<()[s0, s1] -> (s1, 3)>
  halide.func @out ["c", "r"] : f32 {
  ^bb0(%c: i32, %r: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  // CHECK: halide.update @out rdom affine_map<()[s0, s1] -> (0, s1)> combine add
  halide.update @out rdom affine_map<()[s0, s1] -> (0, s1)> combine add {
  ^bb0(%c: i32, %r: i32, %k: i32):
    %a = halide.call @in0(%c, %k) : (i32, i32) -> f32
    %b = halide.call @in1(%k, %r) : (i32, i32) -> f32
    %p = arith.mulf %a, %b : f32
    halide.return %p : f32
  }
  halide.output @out [5, 3]
  halide.schedule cpu {
    halide.vectorize @out "c" 4
    halide.vectorize @out "c" 4 {stage = 1 : i64}
  }
}
