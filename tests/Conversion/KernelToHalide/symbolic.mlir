// RUN: kiln-opt %s -split-input-file -convert-kernel-to-halide -verify-diagnostics

// The lowerings read int64 sizes, so symbolic kernel IR is refused, naming
// the op (docs/design-symbolic-shapes.md: fail closed until step 5).
func.func @add(%a: tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>, %b: tensor<4xf32>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>> {
  // expected-error @+1 {{'kernel.elementwise' op symbolic dims are not supported by convert-kernel-to-halide yet}}
  %0 = kernel.elementwise ins(%a, %b : tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>, tensor<4xf32>)
         maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>] -> tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>> {
  ^bb0(%x: f32, %y: f32):
    %s = arith.addf %x, %y : f32
    kernel.yield %s : f32
  }
  return %0 : tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>
}

// -----

// A symbol used as data: static types, but the body needs the symbol.
func.func @seq_as_data() -> tensor<i64> {
  %0 = kernel.elementwise maps [] -> tensor<i64> {
    // expected-error @+1 {{'kernel.index_expr' op symbolic dims are not supported by convert-kernel-to-halide yet}}
    %i = kernel.index_expr {map = affine_map<()[s0] -> (s0)>} : i64
    kernel.yield %i : i64
  }
  return %0 : tensor<i64>
}
