// The LLaMA-style decoder of examples/llm_decode (dynamo exporter patterns:
// repeat_kv through a 5-D Expand, SDPA's sqrt(scale) on q and k^T, RMSNorm
// decomposed, a growing cache) built once with --symbolic-dims: each layer is
// one kernel.attention whose K and V are the present caches themselves, read
// at KV head (h floordiv 2) mod 2 for 4 query heads, with both sqrt(scale)
// multiplies folded into alpha (0.5 = 1/sqrt(16)); every RMSNorm fuses.
// RUN: kiln-compile %S/../../examples/llm_decode/tiny_llama.onnx --symbolic-dims --emit kernel | FileCheck %s
// CHECK-DAG: #[[KEYS:.+]] = affine_map<()[s0, s1, s2] -> (s1 + s2)>
// CHECK-DAG: #[[KV:.+]] = affine_map<(d0, d1, d2, d3)[s0, s1, s2] -> (d0, (d1 floordiv 2) mod 2, d2, d3)>
// CHECK-LABEL: func.func @main
// CHECK: kernel.rms_norm
// CHECK: %[[K0:.+]] = kernel.concat %arg2, %{{.+}} {axis = 2 : i64}
// CHECK: %[[V0:.+]] = kernel.concat %arg3, %{{.+}} {axis = 2 : i64}
// CHECK-NOT: kernel.elementwise ins(%[[K0]]
// CHECK: kernel.attention %{{.+}}, %[[K0]], %[[V0]] scores(%{{.+}}) {alpha = 5.000000e-01 : f32, head_dim = 16 : i64, key_len = #[[KEYS]], merged_heads = 4 : i64, operand_maps = [#{{.+}}, #[[KV]], #[[KV]]]
// CHECK: %[[K1:.+]] = kernel.concat %arg4, %{{.+}} {axis = 2 : i64}
// CHECK: %[[V1:.+]] = kernel.concat %arg5, %{{.+}} {axis = 2 : i64}
// CHECK: kernel.attention %{{.+}}, %[[K1]], %[[V1]] scores(%{{.+}}) {alpha = 5.000000e-01 : f32
// CHECK-NOT: kernel.softmax
// CHECK: kernel.rms_norm
