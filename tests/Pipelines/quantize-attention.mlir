// --quantize int8-dynamic runs kiln-quantize-attention after the fusion: on
// a target with VNNI both attentions of tests/e2e/data/attention (grouped
// heads, a padding mask with a fully masked row under the NaN guard) lower
// to the int8 form; --quantize-attention=false, or a target without VNNI,
// keeps them f32.
// RUN: kiln-compile %S/../e2e/data/attention/model.onnx --quantize int8-dynamic --emit halide --target x86-64-linux-avx-avx2-avx512-avx512_cannonlake-avx512_skylake-avx512_sapphirerapids-f16c-fma-sse41 | FileCheck %s --check-prefix=INT8
// RUN: kiln-compile %S/../e2e/data/attention/model.onnx --quantize int8-dynamic --quantize-attention=false --emit halide --target x86-64-linux-avx-avx2-avx512-avx512_cannonlake-avx512_skylake-avx512_sapphirerapids-f16c-fma-sse41 | FileCheck %s --check-prefix=F32
// RUN: kiln-compile %S/../e2e/data/attention/model.onnx --quantize int8-dynamic --emit halide --target x86-64-linux-avx-avx2-avx512-avx512_cannonlake-avx512_skylake-f16c-fma-sse41 | FileCheck %s --check-prefix=F32
// INT8-COUNT-2: recipe = #halide.recipe<attention_int8>
// INT8-NOT:     recipe = #halide.recipe<attention>
// F32-NOT:      attention_int8
// F32-COUNT-2:  recipe = #halide.recipe<attention>
// F32-NOT:      attention_int8
