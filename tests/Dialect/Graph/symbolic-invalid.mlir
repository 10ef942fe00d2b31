// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// Two different symbols never broadcast (the importer unifies them first).
func.func @different_symbols(%a: tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>>, %b: tensor<?x4xf32, affine_map<()[s0, s1] -> (s1, 4)>>)
    -> tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>> {
  // expected-error @+1 {{operand shapes do not broadcast: [s0,4] and [s1,4]}}
  %0 = graph.add %a, %b : (tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>>, tensor<?x4xf32, affine_map<()[s0, s1] -> (s1, 4)>>) -> tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>>
  return %0 : tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>>
}

// -----

// Nor does a symbol against a static size other than 1.
func.func @symbol_vs_static(%a: tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>, %b: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{operand shapes do not broadcast: [s0,4] and [3,4]}}
  %0 = graph.add %a, %b : (tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @reshape_count(%a: tensor<?x128xf32, affine_map<()[s0] -> (s0, 128)>>) -> tensor<?x64xf32, affine_map<()[s0] -> (s0, 64)>> {
  // expected-error @+1 {{element count changes from [s0,128] to [s0,64]}}
  %0 = graph.reshape %a : (tensor<?x128xf32, affine_map<()[s0] -> (s0, 128)>>) -> tensor<?x64xf32, affine_map<()[s0] -> (s0, 64)>>
  return %0 : tensor<?x64xf32, affine_map<()[s0] -> (s0, 64)>>
}

// -----

func.func @static_with_encoding(%a: tensor<4xf32, affine_map<()[s0] -> (4)>>) -> tensor<4xf32> {
  // expected-error @+1 {{operand #0 type 'tensor<4xf32, affine_map<()[s0] -> (4)>>': a static type has no encoding}}
  %0 = graph.neg %a : (tensor<4xf32, affine_map<()[s0] -> (4)>>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @missing_encoding(%a: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{operand #0 type 'tensor<?x4xf32>': `?` dims need an affine_map<()[s..] -> (..)> encoding of every dim}}
  %0 = graph.neg %a : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @rank_mismatch(%a: tensor<?x4xf32, affine_map<()[s0] -> (s0)>>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0)>> {
  // expected-error @+1 {{the encoding has 1 results for rank 2}}
  %0 = graph.neg %a : (tensor<?x4xf32, affine_map<()[s0] -> (s0)>>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0)>>
  return %0 : tensor<?x4xf32, affine_map<()[s0] -> (s0)>>
}

// -----

func.func @static_dim_mismatch(%a: tensor<?x4xf32, affine_map<()[s0] -> (s0, 5)>>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0, 5)>> {
  // expected-error @+1 {{dim 1 is 4 but its encoding is 5}}
  %0 = graph.neg %a : (tensor<?x4xf32, affine_map<()[s0] -> (s0, 5)>>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0, 5)>>
  return %0 : tensor<?x4xf32, affine_map<()[s0] -> (s0, 5)>>
}

// -----

func.func @constant_dynamic_dim(%a: tensor<?x4xf32, affine_map<()[s0] -> (3, 4)>>) -> tensor<?x4xf32, affine_map<()[s0] -> (3, 4)>> {
  // expected-error @+1 {{dim 0 is `?` but its encoding is the constant 3}}
  %0 = graph.neg %a : (tensor<?x4xf32, affine_map<()[s0] -> (3, 4)>>) -> tensor<?x4xf32, affine_map<()[s0] -> (3, 4)>>
  return %0 : tensor<?x4xf32, affine_map<()[s0] -> (3, 4)>>
}

// -----

func.func @not_polynomial(%a: tensor<?xf32, affine_map<()[s0] -> (s0 floordiv 2)>>) -> tensor<?xf32, affine_map<()[s0] -> (s0 floordiv 2)>> {
  // expected-error @+1 {{dim 0 (s0 floordiv 2) is not a polynomial of the symbols}}
  %0 = graph.neg %a : (tensor<?xf32, affine_map<()[s0] -> (s0 floordiv 2)>>) -> tensor<?xf32, affine_map<()[s0] -> (s0 floordiv 2)>>
  return %0 : tensor<?xf32, affine_map<()[s0] -> (s0 floordiv 2)>>
}

// -----

func.func @not_canonical(%a: tensor<?xf32, affine_map<()[s0, s1] -> (s1 + s0)>>) -> tensor<?xf32, affine_map<()[s0, s1] -> (s1 + s0)>> {
  // expected-error @+1 {{dim 0 is not in canonical form: s1 + s0 should be written s0 + s1}}
  %0 = graph.neg %a : (tensor<?xf32, affine_map<()[s0, s1] -> (s1 + s0)>>) -> tensor<?xf32, affine_map<()[s0, s1] -> (s1 + s0)>>
  return %0 : tensor<?xf32, affine_map<()[s0, s1] -> (s1 + s0)>>
}

// -----

func.func @encoding_dims(%a: tensor<?xf32, affine_map<(d0)[s0] -> (s0)>>) -> tensor<?xf32, affine_map<(d0)[s0] -> (s0)>> {
  // expected-error @+1 {{the encoding map takes no dims, only symbols}}
  %0 = graph.neg %a : (tensor<?xf32, affine_map<(d0)[s0] -> (s0)>>) -> tensor<?xf32, affine_map<(d0)[s0] -> (s0)>>
  return %0 : tensor<?xf32, affine_map<(d0)[s0] -> (s0)>>
}

// -----

// Every type ranges over all the module's symbols.
func.func @symbol_counts(%a: tensor<?xf32, affine_map<()[s0] -> (s0)>>) -> tensor<?xf32, affine_map<()[s0, s1] -> (s0)>> {
  // expected-error @+1 {{symbolic types disagree on the symbol count: 1 and 2}}
  %0 = graph.neg %a : (tensor<?xf32, affine_map<()[s0] -> (s0)>>) -> tensor<?xf32, affine_map<()[s0, s1] -> (s0)>>
  return %0 : tensor<?xf32, affine_map<()[s0, s1] -> (s0)>>
}

// -----

// Ops whose verifiers still read int64 sizes refuse symbolic types.
func.func @unsupported(%a: tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>> {
  // expected-error @+1 {{symbolic dims are not supported by graph.cumsum yet}}
  %0 = graph.cumsum %a {axis = 1 : i64, exclusive = false, reverse = false} : (tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>
  return %0 : tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>
}

// -----

// A symbolic dim of a slice takes steps of 1 (its bounds are run-time constraints).
func.func @slice_step(%a: tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>) -> tensor<?x2xf32, affine_map<()[s0] -> (s0, 2)>> {
  // expected-error @+1 {{a symbolic dim 0 needs a step of 1 and a start >= 0}}
  %0 = graph.slice %a {starts = [0, 0], steps = [2, 2]} : (tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>) -> tensor<?x2xf32, affine_map<()[s0] -> (s0, 2)>>
  return %0 : tensor<?x2xf32, affine_map<()[s0] -> (s0, 2)>>
}

// -----

// start_map: one result per dim, no dims; its constants are the starts; a
// symbolic start takes a step of 1 and 0 in starts.
func.func @slice_start_map_rank(%a: tensor<8x4xf32>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>> {
  // expected-error @+1 {{start_map must have no dims and one result per input dim}}
  %0 = graph.slice %a {start_map = affine_map<()[s0] -> (s0)>, starts = [0, 0], steps = [1, 1]} : (tensor<8x4xf32>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>
  return %0 : tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>
}

// -----

func.func @slice_start_map_const(%a: tensor<8x4xf32>) -> tensor<?x2xf32, affine_map<()[s0] -> (s0, 2)>> {
  // expected-error @+1 {{start_map's start 2 of dim 1 differs from starts (1)}}
  %0 = graph.slice %a {start_map = affine_map<()[s0] -> (s0, 2)>, starts = [0, 1], steps = [1, 1]} : (tensor<8x4xf32>) -> tensor<?x2xf32, affine_map<()[s0] -> (s0, 2)>>
  return %0 : tensor<?x2xf32, affine_map<()[s0] -> (s0, 2)>>
}

// -----

func.func @slice_start_map_step(%a: tensor<8x4xf32>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>> {
  // expected-error @+1 {{the symbolic start of dim 0 needs a step of 1 and 0 in starts}}
  %0 = graph.slice %a {start_map = affine_map<()[s0] -> (s0, 0)>, starts = [0, 0], steps = [2, 1]} : (tensor<8x4xf32>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>
  return %0 : tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>
}

// -----

// Only the batch of a conv may be symbolic.
func.func @conv_spatial(%x: tensor<1x3x?x8xf32, affine_map<()[s0] -> (1, 3, s0, 8)>>, %w: tensor<4x3x4x4xf32>) -> tensor<1x4x?x2xf32, affine_map<()[s0] -> (1, 4, s0, 2)>> {
  // expected-error @+1 {{only the batch dim may be symbolic}}
  %0 = graph.conv %x, %w {dilations = [1, 1], group = 1 : i64, pads = [0, 0, 0, 0], strides = [4, 4]} : (tensor<1x3x?x8xf32, affine_map<()[s0] -> (1, 3, s0, 8)>>, tensor<4x3x4x4xf32>) -> tensor<1x4x?x2xf32, affine_map<()[s0] -> (1, 4, s0, 2)>>
  return %0 : tensor<1x4x?x2xf32, affine_map<()[s0] -> (1, 4, s0, 2)>>
}

// -----

func.func @unsupported_result(%a: tensor<4x4xf32>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>> {
  // expected-error @+1 {{symbolic dims are not supported by graph.cumsum yet}}
  %0 = graph.cumsum %a {axis = 0 : i64} : (tensor<4x4xf32>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>
  return %0 : tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>
}

// -----

func.func @matmul_contraction(%a: tensor<?x64xf32, affine_map<()[s0] -> (s0, 64)>>, %b: tensor<?x32xf32, affine_map<()[s0] -> (s0, 32)>>)
    -> tensor<?x32xf32, affine_map<()[s0] -> (s0, 32)>> {
  // expected-error @+1 {{contraction dims differ: 64 vs s0}}
  %0 = graph.matmul %a, %b : (tensor<?x64xf32, affine_map<()[s0] -> (s0, 64)>>, tensor<?x32xf32, affine_map<()[s0] -> (s0, 32)>>) -> tensor<?x32xf32, affine_map<()[s0] -> (s0, 32)>>
  return %0 : tensor<?x32xf32, affine_map<()[s0] -> (s0, 32)>>
}

// -----

func.func @concat_sum(%a: tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>>, %b: tensor<?x4xf32, affine_map<()[s0, s1] -> (s1, 4)>>)
    -> tensor<?x4xf32, affine_map<()[s0, s1] -> (s0 * 2, 4)>> {
  // expected-error @+1 {{result concat dim must be s0 + s1}}
  %0 = graph.concat %a, %b {axis = 0 : i64} : (tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>>, tensor<?x4xf32, affine_map<()[s0, s1] -> (s1, 4)>>) -> tensor<?x4xf32, affine_map<()[s0, s1] -> (s0 * 2, 4)>>
  return %0 : tensor<?x4xf32, affine_map<()[s0, s1] -> (s0 * 2, 4)>>
}

// -----

func.func @expand_symbol(%a: tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>>) -> tensor<?x4xf32, affine_map<()[s0, s1] -> (s1, 4)>> {
  // expected-error @+1 {{input does not broadcast to the result shape}}
  %0 = graph.expand %a : (tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>>) -> tensor<?x4xf32, affine_map<()[s0, s1] -> (s1, 4)>>
  return %0 : tensor<?x4xf32, affine_map<()[s0, s1] -> (s1, 4)>>
}

// -----

func.func @iota_rank() -> tensor<?x4xi64, affine_map<()[s0] -> (s0, 4)>> {
  // expected-error @+1 {{value takes 1 dims for a result of rank 2}}
  %0 = graph.iota {value = affine_map<(d0)[s0] -> (d0)>} : tensor<?x4xi64, affine_map<()[s0] -> (s0, 4)>>
  return %0 : tensor<?x4xi64, affine_map<()[s0] -> (s0, 4)>>
}

// -----

func.func @iota_symbols() -> tensor<?xi64, affine_map<()[s0, s1] -> (s1)>> {
  // expected-error @+1 {{value takes 1 symbols, the result type 2}}
  %0 = graph.iota {value = affine_map<(d0)[s0] -> (d0 + s0)>} : tensor<?xi64, affine_map<()[s0, s1] -> (s1)>>
  return %0 : tensor<?xi64, affine_map<()[s0, s1] -> (s1)>>
}

// -----

func.func @iota_type() -> tensor<4xf32> {
  // expected-error @+1 {{result must be i64 or i32, got 'f32'}}
  %0 = graph.iota {value = affine_map<(d0) -> (d0)>} : tensor<4xf32>
  return %0 : tensor<4xf32>
}
