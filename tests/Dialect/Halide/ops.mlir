// RUN: kiln-opt %s | kiln-opt | FileCheck %s

// CHECK-LABEL: halide.kernel @k0_matmul_f32
halide.kernel @k0_matmul_f32 {
  // CHECK: halide.input @in0 : f32 [16, 4]
  halide.input @in0 : f32 [16, 4]
  halide.input @in1 : f32 [8, 16]
  // CHECK: halide.func @acc ["d1", "d0"] : f32
  halide.func @acc ["d1", "d0"] : f32 {
  ^bb0(%x: i32, %y: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  // CHECK: halide.update @acc rdom [0, 16] combine add
  halide.update @acc rdom [0, 16] combine add {
  ^bb0(%n: i32, %m: i32, %k: i32):
    // CHECK: halide.call @in0(%{{.*}}, %{{.*}}) : (i32, i32) -> f32
    %a = halide.call @in0(%k, %m) : (i32, i32) -> f32
    %b = halide.call @in1(%n, %k) : (i32, i32) -> f32
    %p = arith.mulf %a, %b : f32
    halide.return %p : f32
  }
  // CHECK: halide.output @acc [8, 4]
  halide.output @acc [8, 4]
  // CHECK: halide.schedule cpu
  halide.schedule cpu {
    // CHECK: halide.vectorize @acc "d1" 8 {stage = 1 : i64}
    halide.vectorize @acc "d1" 8 {stage = 1 : i64}
    // CHECK: halide.split @acc "d0" -> "d0_o", "d0_i" by 2
    halide.split @acc "d0" -> "d0_o", "d0_i" by 2
    halide.parallel @acc "d0_o"
    // CHECK: halide.prefetch @acc @in1 at "r0" from "r0" offset 2 {stage = 1 : i64}
    halide.prefetch @acc @in1 at "r0" from "r0" offset 2 {stage = 1 : i64}
  }
  // CHECK: halide.schedule cuda
  halide.schedule cuda {
    // CHECK: halide.gpu_tile @acc ["d1", "d0"] [8, 4]
    halide.gpu_tile @acc ["d1", "d0"] [8, 4]
  }
}

// CHECK-LABEL: func.func @main
func.func @main(%a: tensor<4x16xf32>, %b: tensor<16x8xf32>) -> tensor<4x8xf32> {
  // CHECK: halide.launch @k0_matmul_f32(%{{.*}}, %{{.*}})
  %0 = halide.launch @k0_matmul_f32(%a, %b) : (tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// A tuple func (a running max and sum) and its set update, which reads the
// func at its own point; calls name the element.
// CHECK-LABEL: halide.kernel @k1_tuple
halide.kernel @k1_tuple {
  halide.input @in0 : f32 [16, 4]
  // CHECK: halide.func @st ["d0"] : f32 tuple 2 {
  // CHECK: halide.return %{{.*}}, %{{.*}} : f32, f32
  halide.func @st ["d0"] : f32 tuple 2 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    %m = arith.constant -1.0e+30 : f32
    halide.return %m, %z : f32, f32
  }
  // CHECK: halide.update @st rdom [0, 16] combine set
  // CHECK: halide.call @st(%{{.*}}) {element = 0 : i64} : (i32) -> f32
  halide.update @st rdom [0, 16] combine set {
  ^bb0(%x: i32, %r: i32):
    %m = halide.call @st(%x) {element = 0 : i64} : (i32) -> f32
    %s = halide.call @st(%x) {element = 1 : i64} : (i32) -> f32
    %a = halide.call @in0(%r, %x) : (i32, i32) -> f32
    %m2 = arith.maximumf %m, %a : f32
    %s2 = arith.addf %s, %a : f32
    halide.return %m2, %s2 : f32, f32
  }
  halide.func @out ["d0"] : f32 {
  ^bb0(%x: i32):
    %m = halide.call @st(%x) {element = 0 : i64} : (i32) -> f32
    %s = halide.call @st(%x) {element = 1 : i64} : (i32) -> f32
    %d = arith.divf %m, %s : f32
    halide.return %d : f32
  }
  halide.output @out [4]
}

// A `where` may read the func's vars: a row's own extent, as a sparse row loop needs.
// CHECK-LABEL: halide.kernel @where_row_extent
halide.kernel @where_row_extent {
  halide.input @in0 : f32 [4]
  halide.input @cnt : i32 [4]
  halide.func @out ["d0"] : f32 {
  ^bb0(%x: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  // CHECK: halide.update @out rdom [0, 4] combine add where
  // CHECK: arith.cmpi slt
  halide.update @out rdom [0, 4] combine add where {
  ^bb0(%x: i32, %r: i32):
    %v = halide.call @in0(%r) : (i32) -> f32
    %c = halide.call @cnt(%x) : (i32) -> i32
    %p = arith.cmpi slt, %r, %c : i32
    halide.return %v, %p : f32, i1
  }
  halide.output @out [4]
}

// CHECK-LABEL: halide.kernel @promise
halide.kernel @promise {
  halide.input @in0 : f32 [8]
  halide.input @idx : i32 [4]
  halide.func @out ["d0"] : f32 {
  ^bb0(%x: i32):
    %i = halide.call @idx(%x) : (i32) -> i32
    %lo = arith.constant 0 : i32
    %hi = arith.constant 7 : i32
    // CHECK: halide.promise_clamped %{{.*}}, %{{.*}}, %{{.*}} : i32
    %p = halide.promise_clamped %i, %lo, %hi : i32
    %v = halide.call @in0(%p) : (i32) -> f32
    halide.return %v : f32
  }
  halide.output @out [4]
}
