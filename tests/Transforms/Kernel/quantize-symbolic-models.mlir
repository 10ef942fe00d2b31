// The real exports in ../shared/models built once with --symbolic-dims and
// --quantize: every weight matmul is quantized with symbolic rows (distilbert:
// 8 over [batch, seq] rows, each quantizing its f32 rows itself; ViT: 10 over
// [batch, 16], [batch, 17] or, for the CLS head, [batch] rows), and none stays an f32 kernel.matmul.
// RUN: kiln-compile %shared/models/distilbert_legacy/model.onnx --symbolic-dims --quantize int8-dynamic --emit kernel > %t.db
// RUN: FileCheck %s --check-prefix=DB < %t.db
// RUN: grep -c "kernel.qmatmul .*(tensor<?x?x[0-9]*xf32, #[^,]*, tensor<[0-9x]*xi8>, tensor<[0-9]*xf32>" %t.db | FileCheck %s --check-prefix=DBN
// RUN: kiln-compile %shared/models/vit_legacy/model.onnx --symbolic-dims --quantize w4 --emit kernel > %t.vit
// RUN: FileCheck %s --check-prefix=VIT < %t.vit
// RUN: grep -c "kernel.w4matmul .*-> tensor<?x[0-9x]*f32, #" %t.vit | FileCheck %s --check-prefix=VITN

// DB-LABEL: func.func @main(
// DB: kernel.qmatmul {{.*}} : (tensor<?x?x128xf32, #{{.*}}>, {{.*}}) -> tensor<?x?x384xf32, #{{.*}}>
// DB-NOT: kernel.matmul
// DB: return
// DBN: {{^}}8{{$}}

// VIT-LABEL: func.func @main(
// VIT: kernel.w4matmul {{.*}} : (tensor<?x16x192xf32, #{{.*}}>, {{.*}}) -> tensor<?x16x128xf32, #{{.*}}>
// VIT-NOT: kernel.matmul
// VIT: return
// VITN: {{^}}10{{$}}
