// RUN: kiln-opt %s -split-input-file -convert-graph-to-kernel -verify-diagnostics

// The patterns read int64 sizes, so symbolic IR is refused, naming the op
// (docs/design-symbolic-shapes.md step 1: fail closed until step 4).
func.func @add(%a: tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>, %b: tensor<4xf32>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>> {
  // expected-error @+1 {{'graph.add' op symbolic dims are not supported by convert-graph-to-kernel yet}}
  %0 = graph.add %a, %b : (tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>, tensor<4xf32>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>
  return %0 : tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>
}

// -----

// A symbolic signature alone is refused too.
func.func @identity(%a: tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>> {
  // expected-error @+1 {{'func.return' op symbolic dims are not supported by convert-graph-to-kernel yet}}
  return %a : tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>
}

// -----

// A symbol used as data has a static type but still needs the symbols.
func.func @seq_as_data() -> tensor<i64> {
  // expected-error @+1 {{'graph.iota' op symbolic dims are not supported by convert-graph-to-kernel yet}}
  %0 = graph.iota {value = affine_map<()[s0] -> (s0)>} : tensor<i64>
  return %0 : tensor<i64>
}
