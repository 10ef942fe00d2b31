// RUN: kiln-opt %s -split-input-file -convert-kernel-to-halide | FileCheck %s

// Symbols may be 0 at run time. Kernels with no value over an empty dim while
// their output is not empty record (n - 1) * elements(out) >= 0 on @main's
// kiln.constraints, for the runtime to check: a max over s1 rows, a gather
// from an axis of s1, a softmax over s1 keys. A sum over s1 (the ONNX
// identity) and a concat of an empty part record nothing; one constraint per
// expression (the second max over s1 adds none).

// CHECK-DAG: #[[MAX:.*]] = affine_map<()[s0, s1] -> (s1 * 3 - 3)>
// CHECK-DAG: #[[GATHER:.*]] = affine_map<()[s0, s1] -> ((s0 * s1) * 4 - s0 * 4)>
// CHECK-DAG: #[[KEYS:.*]] = affine_map<()[s0, s1] -> ((s0 * s1) * 8 - s0 * 8)>
// CHECK-LABEL: func.func @main
// CHECK-SAME: kiln.constraints = [{expr = #[[MAX]], kind = "ge0", what = "a reduce max over past (kernel.reduce) has no value when it is 0"}, {expr = #[[GATHER]],
// CHECK-SAME: kind = "ge0", what = "a gather from an axis of past (kernel.gather) has no value when it is 0"}, {expr = #[[KEYS]],
// CHECK-SAME: kind = "ge0", what = "a softmax over the keys past (kernel.attention) has no value when it is 0"}]
// CHECK: halide.kernel @k0_reduce_f32
func.func @main(%u: tensor<?x3xf32, affine_map<()[s0, s1] -> (s1, 3)>>,
                %idx: tensor<?xi64, affine_map<()[s0, s1] -> (s0)>>,
                %q: tensor<?x8xf32, affine_map<()[s0, s1] -> (s0, 8)>>,
                %k: tensor<?x8xf32, affine_map<()[s0, s1] -> (s1, 8)>>)
    -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>>,
        tensor<?x8xf32, affine_map<()[s0, s1] -> (s0, 8)>>)
    attributes {kiln.symbols = [{dim = 0 : i64, input = 1 : i64, name = "rows"}, {dim = 0 : i64, input = 0 : i64, name = "past"}]} {
  %max = kernel.reduce %u {axes = [0], keepdims = false, kind = #kernel.reduce_kind<max>} : (tensor<?x3xf32, affine_map<()[s0, s1] -> (s1, 3)>>) -> tensor<3xf32>
  %max2 = kernel.reduce %u {axes = [0], keepdims = false, kind = #kernel.reduce_kind<max>} : (tensor<?x3xf32, affine_map<()[s0, s1] -> (s1, 3)>>) -> tensor<3xf32>
  %sum = kernel.reduce %u {axes = [0], keepdims = false, kind = #kernel.reduce_kind<sum>} : (tensor<?x3xf32, affine_map<()[s0, s1] -> (s1, 3)>>) -> tensor<3xf32>
  %v = kernel.elementwise ins(%u : tensor<?x3xf32, affine_map<()[s0, s1] -> (s1, 3)>>) maps [affine_map<(d0, d1)[s0, s1] -> (d0, 0)>] -> tensor<?x4xf32, affine_map<()[s0, s1] -> (s1, 4)>> {
  ^bb0(%a: f32):
    kernel.yield %a : f32
  }
  %g = kernel.gather %v, %idx {axis = 0 : i64} : (tensor<?x4xf32, affine_map<()[s0, s1] -> (s1, 4)>>, tensor<?xi64, affine_map<()[s0, s1] -> (s0)>>) -> tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>>
  %o = kernel.attention %q, %k, %k {head_dim = 8 : i64, key_len = affine_map<()[s0, s1] -> (s1)>, operand_maps = [affine_map<(d0, d1)[s0, s1] -> (d0, d1)>, affine_map<(d0, d1)[s0, s1] -> (d0, d1)>, affine_map<(d0, d1)[s0, s1] -> (d0, d1)>]} : (tensor<?x8xf32, affine_map<()[s0, s1] -> (s0, 8)>>, tensor<?x8xf32, affine_map<()[s0, s1] -> (s1, 8)>>, tensor<?x8xf32, affine_map<()[s0, s1] -> (s1, 8)>>) -> tensor<?x8xf32, affine_map<()[s0, s1] -> (s0, 8)>>
  return %max, %max2, %sum, %g, %o : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<?x4xf32, affine_map<()[s0, s1] -> (s0, 4)>>, tensor<?x8xf32, affine_map<()[s0, s1] -> (s0, 8)>>
}

// -----

// Hand-written kernel IR without kiln.symbols has no table to check a
// constraint (the library emitter refuses it): nothing is recorded.
// CHECK-LABEL: func.func @no_symbols
// CHECK-NOT: kiln.constraints
// CHECK: return
func.func @no_symbols(%u: tensor<?x3xf32, affine_map<()[s0] -> (s0, 3)>>) -> tensor<3xf32> {
  %max = kernel.reduce %u {axes = [0], keepdims = false, kind = #kernel.reduce_kind<max>} : (tensor<?x3xf32, affine_map<()[s0] -> (s0, 3)>>) -> tensor<3xf32>
  return %max : tensor<3xf32>
}
