// The library emitter refuses symbolic tables the runtime would refuse, or
// that would miscompile, with a message (kiln-opt plans each module's memory,
// kiln-translate runs kiln-compile's last stages on it).
// RUN: rm -rf %t && split-file %s %t
// RUN: kiln-opt %t/binder.mlir -kiln-plan-memory | not kiln-translate --emit-library --output-dir %t/out --name m 2>&1 | FileCheck %s --check-prefix=BINDER
// RUN: kiln-opt %t/kind.mlir -kiln-plan-memory | not kiln-translate --emit-library --output-dir %t/out --name m 2>&1 | FileCheck %s --check-prefix=KIND
// RUN: kiln-opt %t/nosymbols.mlir -kiln-plan-memory | not kiln-translate --emit-library --output-dir %t/out --name m 2>&1 | FileCheck %s --check-prefix=NOSYMBOLS
// RUN: kiln-opt %t/orphan.mlir -kiln-plan-memory | not kiln-translate --emit-library --output-dir %t/out --name m 2>&1 | FileCheck %s --check-prefix=ORPHAN
// RUN: kiln-opt %t/count.mlir -kiln-plan-memory | not kiln-translate --emit-library --output-dir %t/out --name m 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: kiln-opt %t/param.mlir -kiln-plan-memory | not kiln-translate --emit-library --output-dir %t/out --name m 2>&1 | FileCheck %s --check-prefix=PARAM

//--- binder.mlir
// BINDER: error: symbol 'batch' (s0) is bound to input 0 dim 1, which is not exactly s0
func.func @main(%x: tensor<?x8xf32, affine_map<()[s0] -> (s0, 8)>>) -> tensor<?x8xf32, affine_map<()[s0] -> (s0, 8)>>
    attributes {kiln.symbols = [{name = "batch", input = 0 : i64, dim = 1 : i64}]} {
  return %x : tensor<?x8xf32, affine_map<()[s0] -> (s0, 8)>>
}

//--- kind.mlir
// KIND: error: kiln.constraints #0 must be {expr = affine_map<()[s..] -> (e)> over the symbols, kind = "ge0" or "eq0", what}
func.func @main(%x: tensor<?x8xf32, affine_map<()[s0] -> (s0, 8)>>) -> tensor<?x8xf32, affine_map<()[s0] -> (s0, 8)>>
    attributes {kiln.symbols = [{name = "batch", input = 0 : i64, dim = 0 : i64}],
                kiln.constraints = [{expr = affine_map<()[s0] -> (s0 - 4)>, kind = "lt0", what = "?"}]} {
  return %x : tensor<?x8xf32, affine_map<()[s0] -> (s0, 8)>>
}

//--- nosymbols.mlir
// NOSYMBOLS: error: cannot emit tensor 'x': symbolic dims, but @main has no kiln.symbols
func.func @main(%x: tensor<?x8xf32, affine_map<()[s0] -> (s0, 8)>> {kiln.name = "x"}) -> tensor<?x8xf32, affine_map<()[s0] -> (s0, 8)>> {
  return %x : tensor<?x8xf32, affine_map<()[s0] -> (s0, 8)>>
}

//--- orphan.mlir
// ORPHAN: error: kiln.constraints without kiln.symbols
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32>
    attributes {kiln.constraints = [{expr = affine_map<()[s0] -> (s0)>, kind = "ge0", what = "?"}]} {
  return %x : tensor<4xf32>
}

//--- count.mlir
// COUNT: error: cannot emit tensor 'input_0': dims over 2 symbols, but @main declares 1
func.func @main(%x: tensor<?x8xf32, affine_map<()[s0, s1] -> (s0, 8)>>) -> tensor<?x8xf32, affine_map<()[s0, s1] -> (s0, 8)>>
    attributes {kiln.symbols = [{name = "batch", input = 0 : i64, dim = 0 : i64}]} {
  return %x : tensor<?x8xf32, affine_map<()[s0, s1] -> (s0, 8)>>
}

//--- param.mlir
// PARAM: error: kernel @k0 takes symbol s1, but @main declares 1 symbols
halide.kernel @k0 {
  halide.param @s0
  halide.param @s1
  halide.input @in0 : f32 affine_map<()[s0] -> (8, s0)>
  halide.func @out ["c", "b"] : f32 {
  ^bb0(%c: i32, %b: i32):
    %x = halide.call @in0(%c, %b) : (i32, i32) -> f32
    halide.return %x : f32
  }
  halide.output @out affine_map<()[s0] -> (8, s0)>
}
func.func @main(%x: tensor<?x8xf32, affine_map<()[s0] -> (s0, 8)>>) -> tensor<?x8xf32, affine_map<()[s0] -> (s0, 8)>>
    attributes {kiln.symbols = [{name = "batch", input = 0 : i64, dim = 0 : i64}]} {
  %y = halide.launch @k0(%x) : (tensor<?x8xf32, affine_map<()[s0] -> (s0, 8)>>) -> tensor<?x8xf32, affine_map<()[s0] -> (s0, 8)>>
  return %y : tensor<?x8xf32, affine_map<()[s0] -> (s0, 8)>>
}
