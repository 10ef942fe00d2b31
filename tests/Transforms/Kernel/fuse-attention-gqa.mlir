// Grouped K/V heads shared by MatMul broadcasting (tests/e2e/make_attention_gqa.py;
// repeat_kv's Expand form is in fuse-attention.mlir @gqa and tiny-llama-gqa.mlir):
// each compiles to one kernel.attention whose K and V maps read the shared head.
// RUN: kiln-compile %S/../../e2e/data/attention_mqa/model.onnx --emit kernel | FileCheck %s --check-prefix=MQA
// RUN: kiln-compile %S/../../e2e/data/attention_gqa5d/model.onnx --emit kernel | FileCheck %s --check-prefix=GQA5

// Multi-query: one K/V head [1, 1, S, D] for 4 query heads reads head 0.
// MQA-DAG: #[[Q:.+]] = affine_map<(d0, d1, d2, d3) -> (0, d1, d2, d3)>
// MQA-DAG: #[[KV:.+]] = affine_map<(d0, d1, d2, d3) -> (0, 0, d2, d3)>
// MQA-LABEL: func.func @main
// MQA-NOT: kernel.softmax
// MQA: kernel.attention %arg0, %arg1, %arg2 scores(%{{.+}}) {head_dim = 16 : i64, key_len = 24 : i64, operand_maps = [#[[Q]], #[[KV]], #[[KV]]]{{.*}} : (tensor<1x4x24x16xf32>, tensor<1x1x24x16xf32>, tensor<1x1x24x16xf32>
// MQA-NOT: kernel.softmax

// 5-D broadcasting: Q as [1, kv_heads, group, S, D] reads query head
// kv * 2 + group, K and V [1, kv_heads, 1, S, D] read head kv.
// GQA5-DAG: #[[Q:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (0, d1 * 2 + d2, d3, d4)>
// GQA5-DAG: #[[KV:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (0, d1, d3, d4)>
// GQA5-LABEL: func.func @main
// GQA5-NOT: kernel.softmax
// GQA5: kernel.attention %arg0, %arg1, %arg2 scores(%{{.+}}) {head_dim = 16 : i64, key_len = 24 : i64, operand_maps = [#[[Q]], #[[KV]], #[[KV]]]
// GQA5-NOT: kernel.softmax
