// The real TorchScript exports in ../shared/models, imported with
// --symbolic-dims, convert and fuse at any size: the same attention and
// matmul kernels as pinned. (Pinned, the importer folds the padding mask and
// ViT's CLS expand into constants; symbolic, they are kernels.)
// RUN: kiln-compile %shared/models/distilbert_legacy/model.onnx --symbolic-dims --emit kernel | FileCheck %s --check-prefix=DB
// RUN: kiln-compile %shared/models/vit_legacy/model.onnx --symbolic-dims --emit kernel | FileCheck %s --check-prefix=VIT

// DB-DAG: #[[FLAT:.*]] = affine_map<(d0, d1)[s0, s1] -> (d0 floordiv s1, d0 mod s1)>
// DB-DAG: #[[KEYS:.*]] = affine_map<()[s0, s1] -> (s1)>
// DB-LABEL: func.func @main(
// DB: kernel.elementwise ins(%arg1 : tensor<?x?xi64, #{{.*}}>) maps [#[[FLAT]]] -> tensor<?x1xi1, #{{.*}}>
// DB: kernel.index_expr
// DB: kernel.matmul {{.*}} -> tensor<?x?x384xf32, #{{.*}}>
// DB: kernel.attention {{.*}} key_len = #[[KEYS]], merged_heads = 4 : i64
// DB-SAME: -> tensor<?x?x128xf32, #{{.*}}>
// DB: kernel.matmul {{.*}} -> tensor<?x?x384xf32, #{{.*}}>
// DB: kernel.attention {{.*}} key_len = #[[KEYS]], merged_heads = 4 : i64
// DB-NOT: kernel.softmax
// DB: return

// VIT-LABEL: func.func @main(
// VIT: kernel.matmul {{.*}} : (tensor<?x16x192xf32, #{{.*}}>, {{.*}}) -> tensor<?x16x128xf32, #{{.*}}>
// VIT: kernel.concat {{.*}} -> tensor<?x17x128xf32, #{{.*}}>
// VIT-COUNT-2: kernel.attention {{.*}} key_len = 17 : i64, merged_heads = 4 : i64
// VIT-NOT: kernel.softmax
// VIT: return
