// The real exports in ../shared/models with --quantize int8-dynamic: no
// activation quantization is left between kernels (no kernel.reduce), and
// ViT's pre-LN blocks fold each LayerNorm that feeds QKV or the FFN into
// its qmatmul (2 layers x 2; the final LayerNorm feeds the CLS gather and
// stays). DistilBERT is post-LN: each LayerNorm also feeds a residual, so
// all 5 stay kernels. With the pass skipped, ViT keeps all 5.
// RUN: kiln-compile %shared/models/vit_legacy/model.onnx --shape batch=1 --quantize int8-dynamic --emit kernel > %t.vit
// RUN: grep -c "kernel.qmatmul .* norm(" %t.vit | FileCheck %s --check-prefix=FOLDED
// RUN: grep -c "kernel.layer_norm" %t.vit | FileCheck %s --check-prefix=ONE
// RUN: not grep -q "kernel.reduce " %t.vit
// RUN: kiln-compile %shared/models/distilbert_legacy/model.onnx --shape batch=1 --shape seq=16 --quantize int8-dynamic --emit kernel > %t.db
// RUN: not grep -q "norm(" %t.db
// RUN: grep -c "kernel.layer_norm" %t.db | FileCheck %s --check-prefix=FIVE
// RUN: kiln-compile %shared/models/vit_legacy/model.onnx --shape batch=1 --quantize int8-dynamic --skip-pass=kiln-fuse-norm-qmatmul --emit kernel > %t.skip
// RUN: grep -c "kernel.layer_norm" %t.skip | FileCheck %s --check-prefix=FIVE
// FOLDED: {{^}}4{{$}}
// ONE: {{^}}1{{$}}
// FIVE: {{^}}5{{$}}
