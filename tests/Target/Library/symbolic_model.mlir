// A hand-written model with two symbolic dims (batch = s0, seq = s1) at the
// halide level, as kiln-compile hands it to the library emitter (design
// step 6): kiln-opt plans its memory and kiln-translate builds
// libsym_model.a + sym_model.h from it
// and symbolic_library_test.c runs it at many sizes from one build
// (ctest e2e.symbolic.library).
//   y  = x * 2 + seq          k0_scale  (reads halide.sym @s1)
//   y2 = y * w                k1_weight (pointwise: may take y's slot)
//   z  = mask * sum_c y2      k2_rowsum (a reduction over the 8)
// with the constraint seq <= 64.
// RUN: rm -rf %t && kiln-opt %s -kiln-plan-memory | kiln-translate --emit-library --output-dir %t --name sym_model --keep-intermediates 2> %t.log
// RUN: FileCheck %s --input-file $(sed -n 's/^kiln-translate: intermediates kept in //p' %t.log)/sym_model_model.c
// RUN: rm -rf $(sed -n 's/^kiln-translate: intermediates kept in //p' %t.log)
// RUN: FileCheck %s --check-prefix=HEADER --input-file %t/sym_model.h
// RUN: kiln-opt %s -kiln-plan-memory | FileCheck %s --check-prefix=PLAN

// The plan of a symbolic model: liveness and the in-place choice, no offsets
// and no arena size (the runtime places tensors per size).
// PLAN-LABEL: func.func @main
// PLAN-NOT:   kiln.arena_size
// PLAN:       halide.launch @k0_scale(%arg0) {kiln.last_use = 1 : i64}
// PLAN-NEXT:  halide.launch @k1_weight(%1, %0) {kiln.in_place = 0 : i64, kiln.last_use = 2 : i64}
// PLAN-NEXT:  halide.launch @k2_rowsum(%2, %arg1) :

// Each distinct dim expression once; the constraint reads 64 - seq.
// CHECK:      static const kiln_abi_symbol_t symbols[] = {
// CHECK-NEXT:   {"batch", 0, 0},
// CHECK-NEXT:   {"seq", 0, 1},
// CHECK:      static const int64_t exprs[] = {
// CHECK-NEXT:   /* [0] batch */ 2, 0, 0,
// CHECK-NEXT:   /* [3] seq */ 2, 1, 0,
// CHECK-NEXT:   /* [6] 64 - seq */ 1, 64, 2, 1, 4, 0,
// CHECK-NEXT: };
// CHECK:        {6, 0, "a hand-written limit of 64 tokens"},
// Symbolic dims: shape -1 and an expression; no offsets or sizes (planned at
// run time); liveness, and t4 may take t3's slot (same bytes at every size).
// CHECK:        {"x", 1, 0, 3, 0, {-1,-1,8}, 0, 0, 0, {0, 3, -1, -1, -1, -1, -1, -1}, -1, -1, -1},
// CHECK:        {"const_2", 1, 2, 1, -1, {8}, 0, 32, 0, {-1, -1, -1, -1, -1, -1, -1, -1}, -1, -1, -1},
// CHECK-NEXT:   {"t3", 1, 3, 3, -1, {-1,-1,8}, 0, 0, 0, {0, 3, -1, -1, -1, -1, -1, -1}, 0, 1, -1},
// CHECK-NEXT:   {"t4", 1, 3, 3, -1, {-1,-1,8}, 0, 0, 0, {0, 3, -1, -1, -1, -1, -1, -1}, 1, 2, 3},
// Inputs, the kernel's params as -1 - k, the output.
// CHECK:      static const int32_t args0[] = {0, -1, -2, 3};
// CHECK-NEXT: static const int32_t args1[] = {3, 2, -1, -2, 4};
// CHECK-NEXT: static const int32_t args2[] = {4, 1, -1, -2, 5};
// CHECK:        {"k1_weight", sym_model_k1_weight_argv, 5, args1},
// CHECK:        sym_model_weights, 32, 0,
// CHECK-NEXT:   2, symbols, exprs, 1, constraints};

// HEADER:      * input  0: x float32 [batch,seq,8]
// HEADER-NEXT: * input  1: mask float32 [batch,seq]
// HEADER-NEXT: * output 0: z float32 [batch,seq]
// HEADER-NEXT: * symbol batch: dim 0 of input 0, at least 0
// HEADER-NEXT: * symbol seq: dim 1 of input 0, at least 0
// HEADER-NEXT: * requires 64 - seq >= 0 (a hand-written limit of 64 tokens)
// HEADER:      sym_model_run(kiln_context_t *context, int64_t batch, int64_t seq,
// HEADER:        const int64_t s0[] = {batch, seq, 8};

halide.kernel @k0_scale {
  halide.param @s0
  halide.param @s1
  halide.input @in0 : f32 affine_map<()[s0, s1] -> (8, s1, s0)>
  halide.func @out ["c", "s", "b"] : f32 {
  ^bb0(%c: i32, %s: i32, %b: i32):
    %x = halide.call @in0(%c, %s, %b) : (i32, i32, i32) -> f32
    %two = arith.constant 2.0 : f32
    %seq = halide.sym @s1 : i32
    %f = arith.sitofp %seq : i32 to f32
    %m = arith.mulf %x, %two : f32
    %r = arith.addf %m, %f : f32
    halide.return %r : f32
  }
  halide.output @out affine_map<()[s0, s1] -> (8, s1, s0)>
  halide.schedule cpu {
    halide.vectorize @out "c" 8
    halide.parallel @out "b"
  }
}

halide.kernel @k1_weight {
  halide.param @s0
  halide.param @s1
  halide.input @in0 : f32 affine_map<()[s0, s1] -> (8, s1, s0)>
  halide.input @in1 : f32 [8]
  halide.func @out ["c", "s", "b"] : f32 {
  ^bb0(%c: i32, %s: i32, %b: i32):
    %y = halide.call @in0(%c, %s, %b) : (i32, i32, i32) -> f32
    %w = halide.call @in1(%c) : (i32) -> f32
    %r = arith.mulf %y, %w : f32
    halide.return %r : f32
  }
  halide.output @out affine_map<()[s0, s1] -> (8, s1, s0)>
  halide.schedule cpu {
    halide.vectorize @out "c" 8
  }
}

halide.kernel @k2_rowsum {
  halide.param @s0
  halide.param @s1
  halide.input @in0 : f32 affine_map<()[s0, s1] -> (8, s1, s0)>
  halide.input @in1 : f32 affine_map<()[s0, s1] -> (s1, s0)>
  halide.func @sum ["s", "b"] : f32 {
  ^bb0(%s: i32, %b: i32):
    %z = arith.constant 0.0 : f32
    halide.return %z : f32
  }
  halide.update @sum rdom [0, 8] combine add {
  ^bb0(%s: i32, %b: i32, %c: i32):
    %y = halide.call @in0(%c, %s, %b) : (i32, i32, i32) -> f32
    halide.return %y : f32
  }
  halide.func @out ["s", "b"] : f32 {
  ^bb0(%s: i32, %b: i32):
    %m = halide.call @in1(%s, %b) : (i32, i32) -> f32
    %v = halide.call @sum(%s, %b) : (i32, i32) -> f32
    %r = arith.mulf %m, %v : f32
    halide.return %r : f32
  }
  halide.output @out affine_map<()[s0, s1] -> (s1, s0)>
  halide.schedule cpu {
    halide.compute_root @sum
    // A split of a symbolic extent: guarded, exact at any seq.
    halide.vectorize @out "s" 4
  }
}

func.func @main(%x: tensor<?x?x8xf32, affine_map<()[s0, s1] -> (s0, s1, 8)>> {kiln.name = "x"},
                %mask: tensor<?x?xf32, affine_map<()[s0, s1] -> (s0, s1)>> {kiln.name = "mask"})
    -> tensor<?x?xf32, affine_map<()[s0, s1] -> (s0, s1)>>
    attributes {kiln.output_names = ["z"],
                kiln.symbols = [{name = "batch", input = 0 : i64, dim = 0 : i64},
                                {name = "seq", input = 0 : i64, dim = 1 : i64}],
                kiln.constraints = [{expr = affine_map<()[s0, s1] -> (-s1 + 64)>, kind = "ge0",
                                     what = "a hand-written limit of 64 tokens"}]} {
  %w = graph.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]> : tensor<8xf32> : tensor<8xf32>
  %y = halide.launch @k0_scale(%x) : (tensor<?x?x8xf32, affine_map<()[s0, s1] -> (s0, s1, 8)>>) -> tensor<?x?x8xf32, affine_map<()[s0, s1] -> (s0, s1, 8)>>
  %y2 = halide.launch @k1_weight(%y, %w) : (tensor<?x?x8xf32, affine_map<()[s0, s1] -> (s0, s1, 8)>>, tensor<8xf32>) -> tensor<?x?x8xf32, affine_map<()[s0, s1] -> (s0, s1, 8)>>
  %z = halide.launch @k2_rowsum(%y2, %mask) : (tensor<?x?x8xf32, affine_map<()[s0, s1] -> (s0, s1, 8)>>, tensor<?x?xf32, affine_map<()[s0, s1] -> (s0, s1)>>) -> tensor<?x?xf32, affine_map<()[s0, s1] -> (s0, s1)>>
  return %z : tensor<?x?xf32, affine_map<()[s0, s1] -> (s0, s1)>>
}
