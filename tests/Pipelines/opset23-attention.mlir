// The opset 23 Attention op (tests/e2e/make_opset23.py) reaches one fused
// kernel.attention per node: GQA through kv_num_heads on 3-D inputs (8 query
// heads over 2 KV heads, the head split, repeat and merge read through the
// operand maps; is_causal proven causal by kiln-fuse-attention, causal = 0),
// the past concatenated before it (present_key/value are the
// concats; 3 rows after a past of 5: causal = 5), and the bool mask and
// softcap folded into its score body.
// RUN: kiln-compile %S/../e2e/data/opset23_gqa/model.onnx --emit kernel --target x86-64-linux-avx-avx2-avx512-avx512_cannonlake-avx512_skylake-f16c-fma-sse41 | FileCheck %s --check-prefix=GQA
// GQA-LABEL: func.func @main
// GQA-NOT:     kernel.matmul
// GQA-NOT:     kernel.softmax
// GQA:         kernel.attention %arg0, %arg1, %arg2 scores(%{{.*}}) {causal = 0 : i64, head_dim = 16 : i64, key_len = 11 : i64, merged_heads = 8 : i64
// GQA-SAME:    -> tensor<1x11x128xf32>
// GQA-NOT:     kernel.attention
// GQA-NOT:     kernel.matmul
// GQA-NOT:     kernel.softmax
// GQA:         return

// RUN: kiln-compile %S/../e2e/data/opset23_past/model.onnx --emit kernel --target x86-64-linux-avx-avx2-avx512-avx512_cannonlake-avx512_skylake-f16c-fma-sse41 | FileCheck %s --check-prefix=PAST
// PAST-LABEL: func.func @main
// PAST:        %[[K:.*]] = kernel.concat %arg3, %arg1 {axis = 2 : i64} : {{.*}} -> tensor<1x2x8x8xf32>
// PAST:        %[[V:.*]] = kernel.concat %arg4, %arg2 {axis = 2 : i64} : {{.*}} -> tensor<1x2x8x8xf32>
// PAST:        kernel.attention %arg0, %[[K]], %[[V]] scores(%{{.*}}) {causal = 5 : i64, head_dim = 8 : i64, key_len = 8 : i64
// PAST-SAME:   -> tensor<1x4x3x8xf32>
// PAST-NOT:    kernel.attention
// PAST:        return %{{.*}}, %[[K]], %[[V]]

// RUN: kiln-compile %S/../e2e/data/opset23_masks/model.onnx --emit kernel --target x86-64-linux-avx-avx2-avx512-avx512_cannonlake-avx512_skylake-f16c-fma-sse41 | FileCheck %s --check-prefix=MASKS
// MASKS-LABEL: func.func @main
// MASKS:       kernel.attention %arg0, %arg1, %arg2 scores(%arg3)
// MASKS:       kernel.attention %arg0, %arg1, %arg2 scores(%arg4)
// MASKS:         math.tanh
// MASKS:         arith.select %{{.*}}, %{{.*}}, %{{.*}} : f32
// MASKS-NOT:   kernel.matmul
// MASKS-NOT:   kernel.softmax
