// The real TorchScript exports in ../shared/models import once for every
// size with --symbolic-dims, their ~70 shape-arithmetic nodes folded away.
// RUN: kiln-compile %shared/models/distilbert_legacy/model.onnx --symbolic-dims --emit graph | FileCheck %s --check-prefix=DB
// RUN: kiln-compile %shared/models/vit_legacy/model.onnx --symbolic-dims --emit graph | FileCheck %s --check-prefix=VIT

// DB-DAG: #[[BS:.*]] = affine_map<()[s0, s1] -> (s0, s1)>
// DB-DAG: #[[HID:.*]] = affine_map<()[s0, s1] -> (s0, s1, 128)>
// DB-DAG: #[[SPLIT:.*]] = affine_map<()[s0, s1] -> (s0, s1, 4, 32)>
// DB-DAG: #[[SEQMAX:.*]] = affine_map<()[s0, s1] -> (-s1 + 128)>
// DB-LABEL: func.func @main(
// DB-SAME: %arg0: tensor<?x?xi64, #[[BS]]> {kiln.name = "input_ids"}, %arg1: tensor<?x?xi64, #[[BS]]> {kiln.name = "attention_mask"}) -> tensor<?x?x128xf32, #[[HID]]>
// DB-SAME: kiln.constraints = [{expr = #[[SEQMAX]], kind = "ge0"
// DB-SAME: kiln.symbols = [{dim = 0 : i64, input = 0 : i64, name = "batch"}, {dim = 1 : i64, input = 0 : i64, name = "seq"}]
// DB-COUNT-6: graph.reshape {{.*}} -> tensor<?x?x4x32xf32, #[[SPLIT]]>
// DB-NOT: graph.reshape {{.*}} -> tensor<?x?x4x32xf32
// DB: return

// VIT-DAG: #[[PX:.*]] = affine_map<()[s0] -> (s0, 3, 32, 32)>
// VIT-DAG: #[[TOK:.*]] = affine_map<()[s0] -> (s0, 17, 128)>
// VIT-LABEL: func.func @main(
// VIT-SAME: %arg0: tensor<?x3x32x32xf32, #[[PX]]> {kiln.name = "pixel_values"}) -> (tensor<?x17x128xf32, #[[TOK]]>, tensor<?x128xf32
// VIT-SAME: kiln.symbols = [{dim = 0 : i64, input = 0 : i64, name = "batch"}]
// VIT: graph.conv
// VIT: graph.concat {{.*}} -> tensor<?x17x128xf32, #[[TOK]]>
// VIT: graph.gemm
