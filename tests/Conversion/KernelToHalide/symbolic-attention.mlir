// DistilBERT's attention with symbolic batch and seq (the real export, built
// with --symbolic-dims): the keys are padded to whole vector pairs as an
// expression, the row reductions run key by key over it, P V over the real
// keys, and the output's row tiles are guarded splits of a symbolic extent.
// RUN: kiln-compile %shared/models/distilbert_legacy/model.onnx --symbolic-dims --emit halide | FileCheck %s

// CHECK-LABEL: halide.kernel @k{{[0-9]+}}_attention_f32
// CHECK: halide.param @s0
// CHECK-NEXT: halide.param @s1
// CHECK: halide.input @in3 : i1 affine_map<()[s0, s1] -> (s1, s1, 1, s0)>
// CHECK: halide.update @mx rdom affine_map<()[s0, s1] -> (0, ((s1 + [[P:[0-9]+]]) floordiv [[Q:[0-9]+]]) * [[Q]])> combine max
// CHECK: halide.update @sum rdom affine_map<()[s0, s1] -> (0, ((s1 + [[P]]) floordiv [[Q]]) * [[Q]])> combine add
// CHECK: halide.update @o rdom affine_map<()[s0, s1] -> (0, s1)> combine add
// CHECK: halide.output @out affine_map<()[s0, s1] -> (128, s1, s0)>
// CHECK: halide.split @out "d1" -> "d1_o", "d1_i" by
// CHECK-NOT: halide.parallel @out "d0"
// CHECK: halide.parallel @out "d2_o"
