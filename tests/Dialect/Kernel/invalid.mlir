// RUN: kiln-opt %s -split-input-file -verify-diagnostics

func.func @map_count(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{needs one map per input: 0 maps, 1 inputs}}
  %0 = kernel.elementwise ins(%a : tensor<4xf32>) maps [] -> tensor<4xf32> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @map_rank(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{map #0 must give 1 input indices}}
  %0 = kernel.elementwise ins(%a : tensor<4xf32>) maps [affine_map<(d0) -> (d0, d0)>] -> tensor<4xf32> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @yield_type(%a: tensor<4xf32>) -> tensor<4xi64> {
  // expected-error @+1 {{body yields 'f32', result element type is 'i64'}}
  %0 = kernel.elementwise ins(%a : tensor<4xf32>) maps [affine_map<(d0) -> (d0)>] -> tensor<4xi64> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  return %0 : tensor<4xi64>
}

// -----

func.func @matmul_k(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{contraction dims differ: 3 vs 4}}
  %0 = kernel.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @reduce_kind(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // An unknown reduce kind does not parse.
  // expected-error @+2 {{expected ::kiln::kernel::ReduceKind to be one of: mean, sum, max, min, prod, l1, l2, sum_square, log_sum, log_sum_exp}}
  // expected-error @+1 {{failed to parse Kernel_ReduceKindAttr parameter}}
  %0 = kernel.reduce %a {kind = #kernel.reduce_kind<median>, axes = [1], keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @bad_panel(%a: tensor<4x8xf32>, %b: tensor<2x8x16xf32>) -> tensor<4x48xf32> {
  // expected-error @+1 {{packed B holds 2 panels of 16 columns for N = 48}}
  %0 = kernel.matmul %a, %b {b_panel = 16 : i64} : (tensor<4x8xf32>, tensor<2x8x16xf32>) -> tensor<4x48xf32>
  return %0 : tensor<4x48xf32>
}

// -----

func.func @reduce_kind(%a: tensor<2x4xf32>) -> tensor<2xf32> {
  // An unknown reduce kind does not parse.
  // expected-error @+2 {{expected ::kiln::kernel::ReduceKind to be one of: mean, sum, max, min, prod, l1, l2, sum_square, log_sum, log_sum_exp}}
  // expected-error @+1 {{failed to parse Kernel_ReduceKindAttr parameter}}
  %0 = kernel.reduce %a {kind = #kernel.reduce_kind<l3>, axes = [1], keepdims = false} : (tensor<2x4xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @log_softmax_int(%a: tensor<2x4xi32>) -> tensor<2x4xi32> {
  // expected-error @+1 {{expects a floating-point input}}
  %0 = kernel.log_softmax %a {axis = 1 : i64} : (tensor<2x4xi32>) -> tensor<2x4xi32>
  return %0 : tensor<2x4xi32>
}

// -----

func.func @rms_norm_scale(%a: tensor<2x4xf32>, %g: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{scale has more dims than the normalised ones}}
  %0 = kernel.rms_norm %a, %g {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @arg_reduce_rank(%a: tensor<2x4xf32>) -> tensor<2x1xi64> {
  // expected-error @+1 {{result rank must be 1}}
  %0 = kernel.arg_reduce %a {kind = #kernel.arg_reduce_kind<max>, axis = 1 : i64, keepdims = false, select_last_index = false} : (tensor<2x4xf32>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

func.func @scan_kind(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // An unknown scan kind does not parse.
  // expected-error @+2 {{expected ::kiln::kernel::ScanKind to be one of: add}}
  // expected-error @+1 {{failed to parse Kernel_ScanKindAttr parameter}}
  %0 = kernel.scan %a {kind = #kernel.scan_kind<mul>, axis = 1 : i64, exclusive = false, reverse = false} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @topk_shape(%a: tensor<2x4xf32>) -> tensor<3x2xi64> {
  // expected-error @+1 {{result shape must be the input's with k <= 4 along the axis}}
  %0 = kernel.topk %a {axis = 1 : i64, largest = true} : (tensor<2x4xf32>) -> tensor<3x2xi64>
  return %0 : tensor<3x2xi64>
}

// -----

func.func @pad_dims(%a: tensor<2x4xf32>, %v: tensor<f32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{result dim 1 must be 7}}
  %0 = kernel.pad %a, %v {mode = #kernel.pad_mode<edge>, pads = [0, 1, 0, 2]} : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @trilu_rank(%a: tensor<4xf32>, %k: tensor<i64>) -> tensor<4xf32> {
  // expected-error @+1 {{result type must be the input type, of rank >= 2}}
  %0 = kernel.trilu %a, %k {upper = true} : (tensor<4xf32>, tensor<i64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @trilu_k(%a: tensor<4x4xf32>, %k: tensor<i32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{k must be an i64 scalar}}
  %0 = kernel.trilu %a, %k {upper = true} : (tensor<4x4xf32>, tensor<i32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @scatter_nd_index_depth(%d: tensor<4x4xf32>, %i: tensor<2x3xi64>, %u: tensor<2xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{last indices dim must be in [1, data rank]}}
  %0 = kernel.scatter_nd %d, %i, %u {reduction = #kernel.scatter_reduction<none>} : (tensor<4x4xf32>, tensor<2x3xi64>, tensor<2xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @epilogue_args(%a: tensor<4x8xf32>, %w: tensor<8x2xf32>, %r: tensor<4x2xf32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{epilogue takes the accumulated 'f32' and one scalar per epilogue input}}
  %0 = kernel.matmul %a, %w epilogue(%r) {epilogue_maps = [affine_map<(d0, d1) -> (d0, d1)>]} : (tensor<4x8xf32>, tensor<8x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32> {
  ^bb0(%acc: f32):
    kernel.yield %acc : f32
  }
  return %0 : tensor<4x2xf32>
}

// -----

func.func @epilogue_type(%a: tensor<4x8xf32>, %w: tensor<8x2xf32>) -> tensor<4x2xf16> {
  // expected-error @+1 {{differs from the operands' 'f32' (only an epilogue converts)}}
  %0 = kernel.matmul %a, %w : (tensor<4x8xf32>, tensor<8x2xf32>) -> tensor<4x2xf16>
  return %0 : tensor<4x2xf16>
}

// -----

func.func @attention_map_out_of_bounds(%q: tensor<1x8x32xf32>, %k: tensor<4x8x8xf32>, %v: tensor<4x8x8xf32>) -> tensor<4x8x8xf32> {
  // expected-error @+1 {{q map reads index [0, 37] of dim 2, which has size 32}}
  %0 = kernel.attention %q, %k, %v {head_dim = 8 : i64, key_len = 8 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (0, d1, d0 * 10 + d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]} : (tensor<1x8x32xf32>, tensor<4x8x8xf32>, tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  return %0 : tensor<4x8x8xf32>
}

// -----

func.func @attention_map_count(%q: tensor<4x8x8xf32>, %k: tensor<4x8x8xf32>, %v: tensor<4x8x8xf32>) -> tensor<4x8x8xf32> {
  // expected-error @+1 {{needs three operand maps (q, k, v)}}
  %0 = kernel.attention %q, %k, %v {head_dim = 8 : i64, key_len = 8 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>]} : (tensor<4x8x8xf32>, tensor<4x8x8xf32>, tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  return %0 : tensor<4x8x8xf32>
}

// -----

func.func @attention_key_len(%q: tensor<4x8x8xf32>, %k: tensor<4x8x8xf32>, %v: tensor<4x8x8xf32>) -> tensor<4x8x8xf32> {
  // expected-error @+1 {{k map reads index [0, 15] of dim 1, which has size 8}}
  %0 = kernel.attention %q, %k, %v {head_dim = 8 : i64, key_len = 16 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]} : (tensor<4x8x8xf32>, tensor<4x8x8xf32>, tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  return %0 : tensor<4x8x8xf32>
}

// -----

// `causal = P` promises keys = P + rows: 8 keys for 8 rows leave no past of 2.
func.func @attention_causal_keys(%q: tensor<4x8x8xf32>, %k: tensor<4x8x8xf32>, %v: tensor<4x8x8xf32>, %m: tensor<8x8xf32>) -> tensor<4x8x8xf32> {
  // expected-error @+1 {{causal = 2 needs a score region and static keys = causal + rows, got 8 keys and 8 rows}}
  %0 = kernel.attention %q, %k, %v scores(%m) {causal = 2 : i64, head_dim = 8 : i64, key_len = 8 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], score_maps = [affine_map<(d0, d1, d2) -> (d1, d2)>]} : (tensor<4x8x8xf32>, tensor<4x8x8xf32>, tensor<4x8x8xf32>, tensor<8x8xf32>) -> tensor<4x8x8xf32> score {
  ^bb0(%s: f32, %x: f32):
    %r = arith.addf %s, %x : f32
    kernel.yield %r : f32
  }
  return %0 : tensor<4x8x8xf32>
}

// -----

func.func @attention_int8_head_dim(%q: tensor<4x8x6xf32>, %k: tensor<4x8x6xf32>, %v: tensor<4x8x6xf32>) -> tensor<4x8x6xf32> {
  // expected-error @+1 {{int8 needs f32 operands, a head_dim that is a multiple of 4 and no sparse_threshold}}
  %0 = kernel.attention %q, %k, %v {head_dim = 6 : i64, int8, key_len = 8 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]} : (tensor<4x8x6xf32>, tensor<4x8x6xf32>, tensor<4x8x6xf32>) -> tensor<4x8x6xf32>
  return %0 : tensor<4x8x6xf32>
}

// -----

func.func @attention_sparse_threshold(%q: tensor<4x8x8xf32>, %k: tensor<4x8x8xf32>, %v: tensor<4x8x8xf32>) -> tensor<4x8x8xf32> {
  // expected-error @+1 {{sparse_threshold must be in (0, 1], got 1.5}}
  %0 = kernel.attention %q, %k, %v {head_dim = 8 : i64, key_len = 8 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], sparse_threshold = 1.5 : f32} : (tensor<4x8x8xf32>, tensor<4x8x8xf32>, tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  return %0 : tensor<4x8x8xf32>
}

// -----

func.func @attention_probs_args(%q: tensor<4x8x8xf32>, %k: tensor<4x8x8xf32>, %v: tensor<4x8x8xf32>) -> tensor<4x8x8xf32> {
  // expected-error @+1 {{probs takes the probability 'f32' and one scalar per probs input}}
  %0 = kernel.attention %q, %k, %v {head_dim = 8 : i64, key_len = 8 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]} : (tensor<4x8x8xf32>, tensor<4x8x8xf32>, tensor<4x8x8xf32>) -> tensor<4x8x8xf32> probs {
  ^bb0(%p: f32, %x: f32):
    kernel.yield %p : f32
  }
  return %0 : tensor<4x8x8xf32>
}

// -----

func.func @attention_score_map(%q: tensor<4x8x8xf32>, %k: tensor<4x8x8xf32>, %v: tensor<4x8x8xf32>, %m: tensor<8xf32>) -> tensor<4x8x8xf32> {
  // expected-error @+1 {{score map #0 must take the 3 score dims to 1 input indices}}
  %0 = kernel.attention %q, %k, %v scores(%m) {head_dim = 8 : i64, key_len = 8 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], score_maps = [affine_map<(d0, d1) -> (d1)>]} : (tensor<4x8x8xf32>, tensor<4x8x8xf32>, tensor<4x8x8xf32>, tensor<8xf32>) -> tensor<4x8x8xf32> score {
  ^bb0(%s: f32, %x: f32):
    %r = arith.addf %s, %x : f32
    kernel.yield %r : f32
  }
  return %0 : tensor<4x8x8xf32>
}

// -----

func.func @attention_merged_heads(%q: tensor<4x8x8xf32>, %k: tensor<4x8x8xf32>, %v: tensor<4x8x8xf32>) -> tensor<8x30xf32> {
  // expected-error @+1 {{merged_heads = 4 must divide the result's last dim 30}}
  %0 = kernel.attention %q, %k, %v {head_dim = 8 : i64, key_len = 8 : i64, merged_heads = 4 : i64, operand_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]} : (tensor<4x8x8xf32>, tensor<4x8x8xf32>, tensor<4x8x8xf32>) -> tensor<8x30xf32>
  return %0 : tensor<8x30xf32>
}

// -----

// Ops whose verifier or lowering reads int64 sizes refuse a symbolic dim by
// name instead of miscompiling it.
func.func @symbolic_scan(%a: tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>> {
  // expected-error @+1 {{symbolic dims are not supported by kernel.scan yet}}
  %0 = kernel.scan %a {kind = #kernel.scan_kind<add>, axis = 1 : i64, exclusive = false, reverse = false} : (tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>) -> tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>
  return %0 : tensor<?x4xf32, affine_map<()[s0] -> (s0, 4)>>
}

// -----

func.func @no_encoding(%a: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{operand #0 type 'tensor<?x4xf32>': `?` dims need an affine_map<()[s..] -> (..)> encoding of every dim}}
  %0 = kernel.elementwise ins(%a : tensor<?x4xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<?x4xf32> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  return %0 : tensor<?x4xf32>
}

// -----

func.func @map_symbols(%a: tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>>) -> tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>> {
  // expected-error @+1 {{map #0 takes 1 symbols, the types 2}}
  %0 = kernel.elementwise ins(%a : tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>>) maps [affine_map<(d0, d1)[s0] -> (d0, d1)>] -> tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  return %0 : tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>>
}

// -----

func.func @index_expr_dims(%a: tensor<?x4xi64, affine_map<()[s0] -> (s0, 4)>>) -> tensor<?x4xi64, affine_map<()[s0] -> (s0, 4)>> {
  %0 = kernel.elementwise ins(%a : tensor<?x4xi64, affine_map<()[s0] -> (s0, 4)>>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<?x4xi64, affine_map<()[s0] -> (s0, 4)>> {
  ^bb0(%x: i64):
    // expected-error @+1 {{map must take the 2 iteration dims of kernel.elementwise to one value}}
    %i = kernel.index_expr {map = affine_map<(d0)[s0] -> (d0)>} : i64
    kernel.yield %i : i64
  }
  return %0 : tensor<?x4xi64, affine_map<()[s0] -> (s0, 4)>>
}

// -----

func.func @contraction(%a: tensor<4x?xf32, affine_map<()[s0, s1] -> (4, s1)>>, %b: tensor<?x8xf32, affine_map<()[s0, s1] -> (s0, 8)>>) -> tensor<4x8xf32> {
  // expected-error @+1 {{contraction dims differ: s1 vs s0}}
  %0 = kernel.matmul %a, %b : (tensor<4x?xf32, affine_map<()[s0, s1] -> (4, s1)>>, tensor<?x8xf32, affine_map<()[s0, s1] -> (s0, 8)>>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// A constant key count is an i64, so static IR prints one way.
func.func @key_len_const(%q: tensor<1x8x128xf32>) -> tensor<1x4x8x32xf32> {
  // expected-error @+1 {{key_len must be an i64, or a canonical polynomial of the symbols ()[s..] -> (keys)}}
  %0 = kernel.attention %q, %q, %q {head_dim = 32 : i64, key_len = affine_map<() -> (8)>,
         operand_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d2, d1 * 32 + d3)>,
                         affine_map<(d0, d1, d2, d3) -> (d0, d2, d1 * 32 + d3)>,
                         affine_map<(d0, d1, d2, d3) -> (d0, d2, d1 * 32 + d3)>]}
       : (tensor<1x8x128xf32>, tensor<1x8x128xf32>, tensor<1x8x128xf32>) -> tensor<1x4x8x32xf32>
  return %0 : tensor<1x4x8x32xf32>
}

// -----

// Keys are s1 + 1 but K has s1 rows: the k map's bound is proven too large.
func.func @keys_out_of_bounds(%q: tensor<1x?x128xf32, affine_map<()[s0, s1] -> (1, s1, 128)>>) -> tensor<1x4x?x32xf32, affine_map<()[s0, s1] -> (1, 4, s1, 32)>> {
  // expected-error @+1 {{k map reads index [0, s1] of dim 1, which has size s1}}
  %0 = kernel.attention %q, %q, %q {head_dim = 32 : i64, key_len = affine_map<()[s0, s1] -> (s1 + 1)>,
         operand_maps = [affine_map<(d0, d1, d2, d3)[s0, s1] -> (d0, d2, d1 * 32 + d3)>,
                         affine_map<(d0, d1, d2, d3)[s0, s1] -> (d0, d2, d1 * 32 + d3)>,
                         affine_map<(d0, d1, d2, d3)[s0, s1] -> (d0, d2, d1 * 32 + d3)>]}
       : (tensor<1x?x128xf32, affine_map<()[s0, s1] -> (1, s1, 128)>>, tensor<1x?x128xf32, affine_map<()[s0, s1] -> (1, s1, 128)>>,
          tensor<1x?x128xf32, affine_map<()[s0, s1] -> (1, s1, 128)>>) -> tensor<1x4x?x32xf32, affine_map<()[s0, s1] -> (1, 4, s1, 32)>>
  return %0 : tensor<1x4x?x32xf32, affine_map<()[s0, s1] -> (1, 4, s1, 32)>>
}

// -----

// A score map proven outside for every size: rows d2 + 70 of a 64-row mask.
func.func @score_rows_outside(%q: tensor<1x?x128xf32, affine_map<()[s0, s1] -> (1, s1, 128)>>, %m: tensor<64x64xf32>)
    -> tensor<1x4x?x32xf32, affine_map<()[s0, s1] -> (1, 4, s1, 32)>> {
  // expected-error @+1 {{score map #0 reads index [70, s1 + 69] of dim 0, which has size 64}}
  %0 = kernel.attention %q, %q, %q scores(%m) {head_dim = 32 : i64, key_len = affine_map<()[s0, s1] -> (s1)>,
         operand_maps = [affine_map<(d0, d1, d2, d3)[s0, s1] -> (d0, d2, d1 * 32 + d3)>,
                         affine_map<(d0, d1, d2, d3)[s0, s1] -> (d0, d2, d1 * 32 + d3)>,
                         affine_map<(d0, d1, d2, d3)[s0, s1] -> (d0, d2, d1 * 32 + d3)>],
         score_maps = [affine_map<(d0, d1, d2, d3)[s0, s1] -> (d2 + 70, d3)>]}
       : (tensor<1x?x128xf32, affine_map<()[s0, s1] -> (1, s1, 128)>>, tensor<1x?x128xf32, affine_map<()[s0, s1] -> (1, s1, 128)>>,
          tensor<1x?x128xf32, affine_map<()[s0, s1] -> (1, s1, 128)>>, tensor<64x64xf32>) -> tensor<1x4x?x32xf32, affine_map<()[s0, s1] -> (1, 4, s1, 32)>> score {
  ^bb0(%s: f32, %b: f32):
    %a = arith.addf %s, %b : f32
    kernel.yield %a : f32
  }
  return %0 : tensor<1x4x?x32xf32, affine_map<()[s0, s1] -> (1, 4, s1, 32)>>
}
