//===- Passes.td - Kiln's transformation passes -===//
#ifndef KILN_TRANSFORMS_PASSES
#define KILN_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def FuseElementwise : Pass<"kiln-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Fold kernel.elementwise producers into their elementwise consumer";
  let description = [{
    A `kernel.elementwise` whose only user is another `kernel.elementwise` is
    folded into it: the producer's inputs become the consumer's, read through
    the producer's maps composed with the consumer's, and the producer's body
    is inlined. Chains of casts, masks, scales, transposes and reshapes thus
    become one kernel that reads each input once and writes once.

    Before:
    ```mlir
    %t = kernel.elementwise ins(%x : tensor<4x8xf32>) maps [affine_map<(d0, d1) -> (d1, d0)>] -> tensor<8x4xf32> {
    ^bb0(%a: f32):
      kernel.yield %a : f32
    }
    %r = kernel.elementwise ins(%t : tensor<8x4xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<8x4xf32> {
    ^bb0(%a: f32):
      %e = math.exp %a : f32
      kernel.yield %e : f32
    }
    ```
    After:
    ```mlir
    %r = kernel.elementwise ins(%x : tensor<4x8xf32>) maps [affine_map<(d0, d1) -> (d1, d0)>] -> tensor<8x4xf32> {
    ^bb0(%a: f32):
      %e = math.exp %a : f32
      kernel.yield %e : f32
    }
    ```
    Left alone: a producer with several users (fusing would recompute it),
    and a matmul's pointwise consumer (its future epilogue) read through a
    non-identity map.
  }];
  let options = [
    Option<"explain", "explain", "bool", /*default=*/"false",
           "Emit a remark on each candidate left alone, saying which rule kept it">,
  ];
  let dependentDialects = ["kiln::kernel::KernelDialect"];
}

def FuseMatMulEpilogue : Pass<"kiln-fuse-matmul-epilogue", "mlir::func::FuncOp"> {
  let summary = "Fold an elementwise consumer of a matmul into the matmul's epilogue";
  let description = [{
    A `kernel.elementwise` that reads a `kernel.matmul` result element by
    element (identity map, same shape), where the matmul has no other user,
    becomes the matmul's `epilogue` region: bias + GELU after an FFN
    projection, the residual add after an output projection. The result is
    written once, straight from the accumulators, instead of written, read
    back and written again. The elementwise op's other inputs become
    epilogue inputs with their maps.

    Before:
    ```mlir
    %m = kernel.matmul %a, %w : (tensor<16x128xf32>, tensor<128x512xf32>) -> tensor<16x512xf32>
    %r = kernel.elementwise ins(%m, %res : tensor<16x512xf32>, tensor<16x512xf32>)
           maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>] -> tensor<16x512xf32> {
    ^bb0(%x: f32, %y: f32):
      %s = arith.addf %x, %y : f32
      kernel.yield %s : f32
    }
    ```
    After:
    ```mlir
    %r = kernel.matmul %a, %w epilogue(%res) {epilogue_maps = [affine_map<(d0, d1) -> (d0, d1)>]}
           : (tensor<16x128xf32>, tensor<128x512xf32>, tensor<16x512xf32>) -> tensor<16x512xf32> {
    ^bb0(%acc: f32, %y: f32):
      %s = arith.addf %acc, %y : f32
      kernel.yield %s : f32
    }
    ```
    Left alone: a matmul result read transposed or broadcast, a matmul with a
    second user (the epilogue would hide the plain product from it), a
    matmul that already has an epilogue.
  }];
  let options = [
    Option<"explain", "explain", "bool", /*default=*/"false",
           "Emit a remark on each candidate left alone, saying which rule kept it">,
  ];
  let dependentDialects = ["kiln::kernel::KernelDialect"];
}

def FuseNormQMatMul : Pass<"kiln-fuse-norm-qmatmul", "mlir::func::FuncOp"> {
  let summary = "Fold a LayerNorm into the int8 matmul that quantizes its rows";
  let description = [{
    A `kernel.layer_norm` over the last dim (f32, scale and bias of [K])
    whose only user is a `kernel.qmatmul` that quantizes its f32 A per row
    itself (int8-dynamic's form: no `a_scale`) becomes that qmatmul's
    prologue: `norm(%g, %b)` with `norm_epsilon`. The kernel then computes
    each row's mean and deviation, normalizes, finds the row's range,
    quantizes and multiplies in one launch: the normalized f32 rows are
    never written out. This is the pre-LN layer's LayerNorm -> QKV and
    LayerNorm -> FFN-up (ViT, GPT-2, Llama-style blocks).

    Before:
    ```mlir
    %n = kernel.layer_norm %x, %g, %b {axis = 1 : i64, epsilon = 1.0e-05 : f32}
           : (tensor<16x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<16x128xf32>
    %r = kernel.qmatmul %n, %wq scales(%ws, %wsum) : (...) -> tensor<16x512xf32>
    ```
    After:
    ```mlir
    %r = kernel.qmatmul %x, %wq scales(%ws, %wsum) norm(%g, %b) {norm_epsilon = 1.0e-05 : f32} : (...) -> tensor<16x512xf32>
    ```
    Left alone: a LayerNorm with a second user (post-LN BERT: the residual
    reads it too; recomputing it per consumer would cost a pass over the
    rows), one over more than the last dim or with broadcast scales, and a
    qmatmul given its activation scales (int8-static, the imported forms).
  }];
  let options = [
    Option<"explain", "explain", "bool", /*default=*/"false",
           "Emit a remark on each candidate left alone, saying which rule kept it">,
  ];
  let dependentDialects = ["kiln::kernel::KernelDialect"];
}

def FuseAttention : Pass<"kiln-fuse-attention", "mlir::func::FuncOp"> {
  let summary = "Fold QK^T, softmax and PV into one kernel.attention";
  let description = [{
    A `kernel.matmul` (Q K^T, with its epilogue: scale, masks) whose only user
    is a last-axis `kernel.softmax` whose only user is the lhs of a second
    `kernel.matmul` (P V) becomes one `kernel.attention`: the [rows, keys]
    score matrix is never written. Single-use data-movement kernels in front
    of q, k and v (the head split transposes) fold into its operand maps; a
    pointwise map of the probabilities alone (the exporters' NaN guard for
    fully masked rows) becomes its `probs` region. When the score inputs are
    constants (a tril buffer, a Trilu of a constant, index arithmetic) that
    provably mask every key above the row's diagonal to a vanishing weight
    and leave the diagonal, the op gets `causal = past` and its kernel skips
    those key blocks.
    Runs after kiln-fuse-matmul-epilogue, so bias adds are already matmul
    epilogues and what stands in front of q, k and v is pure data movement.

    Before:
    ```mlir
    %s = kernel.matmul %q, %k {trans_b = true} epilogue(%mask) {...} : ... -> tensor<4x16x16xf32> { ... }
    %p = kernel.softmax %s {axis = 2 : i64} : (tensor<4x16x16xf32>) -> tensor<4x16x16xf32>
    %o = kernel.matmul %p, %v : (tensor<4x16x16xf32>, tensor<4x16x8xf32>) -> tensor<4x16x8xf32>
    ```
    After:
    ```mlir
    %o = kernel.attention %q, %k, %v scores(%mask) {...} : ... -> tensor<4x16x8xf32> { ... }
    ```
    Left alone: a score matrix or softmax with another user (it must exist),
    softmax over another axis, a P V matmul with an epilogue or bias, non-f32,
    a symbolic head dim. One query row (a decode step) fuses like any other.
  }];
  let options = [
    Option<"explain", "explain", "bool", /*default=*/"false",
           "Emit a remark on each candidate left alone, saying which rule kept it">,
    Option<"sparseThreshold", "sparse-threshold", "double", /*default=*/"0",
           "XAttention: attentions over static keys get sparse_threshold = T, their key "
           "blocks chosen by estimated mass (approximate; 0: off)">,
  ];
  let dependentDialects = ["kiln::kernel::KernelDialect"];
}

def PackWeights : Pass<"kiln-pack-weights", "mlir::func::FuncOp"> {
  let summary = "Pre-pack constant GEMM weights into the micro-kernel's panel layout";
  let description = [{
    A `kernel.matmul` whose B is a 2-D constant gets B rewritten, at compile
    time, into panels [N/NR, K, NR] (NR = 1 to 3 SIMD vectors, the widest that
    divides N) and `b_panel = NR`. The micro-kernel then reads B with unit
    stride along K instead of striding by N (a 12 KiB stride on BERT's FFN
    weights costs 3-4x, see shared/notes/halide-gemm.md). `trans_b` weights
    (Gemm) are transposed in the same copy; an N that no panel width divides
    is padded with zero columns. Left alone: activations as B and batched B.
    The SIMD width comes from the module's `halide.target` (absent: AVX2's 32
    bytes); a CUDA target packs nothing (its schedules read B as it is).

    Before:
    ```mlir
    %w = graph.constant dense_resource<w> : tensor<128x512xf32> : tensor<128x512xf32>
    %r = kernel.matmul %a, %w : (tensor<16x128xf32>, tensor<128x512xf32>) -> tensor<16x512xf32>
    ```
    After (AVX2, NR = 16):
    ```mlir
    %p = graph.constant dense_resource<w_panel16> : tensor<32x128x16xf32> : tensor<32x128x16xf32>
    %r = kernel.matmul %a, %p {b_panel = 16 : i64} : (tensor<16x128xf32>, tensor<32x128x16xf32>) -> tensor<16x512xf32>
    ```
  }];
  let dependentDialects = ["kiln::kernel::KernelDialect", "kiln::graph::GraphDialect"];
}

def LiftIntegerMatMul : Pass<"kiln-lift-integer-matmul", "mlir::func::FuncOp"> {
  let summary = "Run the importer's decomposed MatMulInteger and QLinearMatMul as kernel.qmatmul";
  let description = [{
    Runs on kernel ops, right after `convert-graph-to-kernel` (before fusion),
    always: the rewrite is exact. The importer writes MatMulInteger and
    QLinearMatMul as an i32 `kernel.matmul` of `i32(a) - a_zero` (a u8 or s8,
    the zero point a scalar or one per row) by a folded i32 constant
    `b - b_zero`, read only by Casts to f32. Where that constant fits s8, the
    matmul becomes a `kernel.qmatmul` with unit scales, the column sums for the
    zero point precomputed, and its f32 result replaces the Casts: the same
    integer, rounded to f32 once. s8 activations are flipped to u8
    (`q xor 0x80`, zero + 128), the form VNNI multiplies. Matmuls whose i32
    product is read as an integer, or whose weights need 9 bits (u8 weights
    with a zero point far from 128), keep the exact i32 decomposition.

    Before:
    ```mlir
    %x = kernel.elementwise ins(%q : tensor<8x64xui8>) ... -> tensor<8x64xi32>   // extui
    %a = kernel.elementwise ins(%x, %z : tensor<8x64xi32>, tensor<i32>) ... // subi
    %w = graph.constant dense_resource<w> : tensor<64x96xi32> : tensor<64x96xi32>
    %m = kernel.matmul %a, %w : (tensor<8x64xi32>, tensor<64x96xi32>) -> tensor<8x96xi32>
    %f = kernel.elementwise ins(%m : tensor<8x96xi32>) ... -> tensor<8x96xf32>  // sitofp
    ```
    After:
    ```mlir
    %f = kernel.qmatmul %q, %w_s8 scales(%one, %z, %one, %w_s8_colsum) : ... -> tensor<8x96xf32>
    ```
  }];
  let dependentDialects = ["kiln::kernel::KernelDialect", "kiln::graph::GraphDialect",
                           "mlir::arith::ArithDialect"];
}

def LiftQdqMatMul : Pass<"kiln-lift-qdq-matmul", "mlir::func::FuncOp"> {
  let summary = "Run static QDQ matmuls (dequantized activation by dequantized integer weight) as kernel.qmatmul";
  let description = [{
    Runs on kernel ops, right after `kiln-lift-integer-matmul` (before
    fusion), always: the quantization is the model's own. The static QDQ form
    (QuantizeLinear -> DequantizeLinear on the activation, DequantizeLinear of
    an integer initializer as the weight, then MatMul or Gemm) arrives as a
    f32 `kernel.matmul` of two dequantizations `(f32(q) - zero) * scale`. When
    the activation's scale and zero point are per tensor, the weight's per
    tensor or per output column (MatMul's axis 1, Gemm transB's axis 0), and
    the weight less its zero point fits s8, the matmul becomes a
    `kernel.qmatmul` of q by that weight with those scales (Gemm's alpha folded
    into the weight's), the column sums precomputed and Gemm's bias kept. s8
    activations are flipped to u8 (`q xor 0x80`, zero + 128). The integer
    products are summed exactly and scaled once, where the float form rounds
    each product of dequantized values: the two differ by rounding only.
    Per-axis activations, per-K (or blocked) weight scales and weights that
    need 9 bits keep the float matmul.

    Before:
    ```mlir
    %x = kernel.elementwise ins(%q : tensor<8x64xui8>) ... -> tensor<8x64xf32>   // uitofp
    %s = kernel.elementwise ins(%x : tensor<8x64xf32>) ...                     // subf 121.0
    %a = kernel.elementwise ins(%s : tensor<8x64xf32>) ...                     // mulf 0.025
    %w = graph.constant dense_resource<w> : tensor<64x96xi8> : tensor<64x96xi8>
    %v = kernel.elementwise ins(%w : tensor<64x96xi8>) ... -> tensor<64x96xf32> // sitofp
    %d = kernel.elementwise ins(%v, %ws : tensor<64x96xf32>, tensor<1x96xf32>) ... // mulf
    %m = kernel.matmul %a, %d : (tensor<8x64xf32>, tensor<64x96xf32>) -> tensor<8x96xf32>
    ```
    After:
    ```mlir
    %m = kernel.qmatmul %q, %w_s8 scales(%a_scale, %a_zero, %w_s8_scale, %w_s8_colsum) : ... -> tensor<8x96xf32>
    ```
  }];
  let dependentDialects = ["kiln::kernel::KernelDialect", "kiln::graph::GraphDialect",
                           "mlir::arith::ArithDialect"];
}

def QuantizeInt8Dynamic : Pass<"kiln-quantize-int8-dynamic", "mlir::func::FuncOp"> {
  let summary = "Quantize weight matmuls to int8: per-channel weights, per-row dynamic activations";
  let description = [{
    Runs on kernel ops, right after `convert-graph-to-kernel` (before fusion).
    Each `kernel.matmul` whose B is a 2-D f32 constant becomes a
    `kernel.qmatmul`:
    - the weight is quantized at compile time, per output column and
      symmetric: scale = max|w| / 127, q = round_half_even(w / scale) in
      [-127, 127], and the column sums the kernel subtracts `a_zero` times;
    - the activation is quantized at run time per row, with
      DynamicQuantizeLinear's rule applied to each row instead of the whole
      tensor: range [min(0, min x), max(0, max x)], scale = range / 255,
      zero = round(-min / scale), q = saturate(round(x / scale) + zero) in u8.
    `alpha` folds into the weight scales and a bias stays a bias. Matmuls
    whose ONNX node is named in `skip` stay in f32.

    Before:
    ```mlir
    %w = graph.constant dense_resource<w> : tensor<128x512xf32> : tensor<128x512xf32>
    %r = kernel.matmul %a, %w : (tensor<16x128xf32>, tensor<128x512xf32>) -> tensor<16x512xf32>
    ```
    After (the qmatmul quantizes A's rows itself, in the same kernel as the
    product: no u8 copy of A and no row statistics between kernels):
    ```mlir
    %r = kernel.qmatmul %a, %wq scales(%ws, %wsum) : ... -> tensor<16x512xf32>
    ```
  }];
  let options = [
    ListOption<"skip", "skip", "std::string", "ONNX node names whose matmuls stay in f32">,
  ];
  let dependentDialects = ["kiln::kernel::KernelDialect", "kiln::graph::GraphDialect",
                           "mlir::arith::ArithDialect", "mlir::math::MathDialect"];
}

def QuantizeInt8Static : Pass<"kiln-quantize-int8-static", "mlir::func::FuncOp"> {
  let summary = "Quantize weight matmuls to int8: per-channel weights, activations by calibrated ranges";
  let description = [{
    Runs where kiln-quantize-int8-dynamic does, with one calibrated range
    [lo, hi] per weight matmul in `ranges` (lo0, hi0, lo1, hi1, ...), in the
    order kiln-expose-matmul-inputs exposes their activations (walk order;
    `kiln-compile --quantize int8-static --calibrate DIR` measures them). The
    weight is quantized as int8-dynamic's (per column, symmetric). The
    activation is quantized per tensor by constants, QuantizeLinear's
    asymmetric u8 rule on [min(0, lo), max(0, hi)]: scale = range / 255,
    zero = round(-min / scale), q = saturate(round(x * (1 / scale)) + zero).
    That is one elementwise op with no reduction, which fusion can fold into
    the op that produced x. Values past the range saturate. A count of ranges
    that does not match the matmuls is an error.

    ```mlir
    %r = kernel.matmul %a, %w : (tensor<16x128xf32>, tensor<128x512xf32>) -> tensor<16x512xf32>
    // with ranges=-2.0,6.0 becomes
    %q = kernel.elementwise ins(%a : tensor<16x128xf32>) ... -> tensor<16x128xui8>
    %r = kernel.qmatmul %q, %wq scales(%s, %z, %ws, %wsum)
           : (..., tensor<f32>, tensor<i32>, tensor<512xf32>, tensor<512xi32>) -> tensor<16x512xf32>
    ```
  }];
  let options = [
    ListOption<"ranges", "ranges", "double", "calibrated activation range per weight matmul: lo0,hi0,lo1,hi1,...">,
    ListOption<"skip", "skip", "std::string", "ONNX node names whose matmuls stay in f32">,
  ];
  let dependentDialects = ["kiln::kernel::KernelDialect", "kiln::graph::GraphDialect",
                           "mlir::arith::ArithDialect", "mlir::math::MathDialect"];
}

def QuantizeInt8Outlier : Pass<"kiln-quantize-int8-outlier", "mlir::func::FuncOp"> {
  let summary = "LLM.int8(): int8 weight matmuls whose outlier activation columns stay in f32";
  let description = [{
    Runs where kiln-quantize-int8-dynamic does. Each weight matmul is split
    as in LLM.int8() (Dettmers et al., 2022): at run time, the columns k of the
    activation whose magnitude reaches `threshold` in any row of this call
    (max over rows of |x[..., k]| >= threshold) are the outliers. The others
    are quantized per row as int8-dynamic does, with the outlier columns set
    to 0 first (so each row's scale is not stretched by them, and they add
    nothing to the int8 product), and multiply the per-column symmetric int8
    weight in a kernel.qmatmul. A kernel.outlier_matmul then adds the outlier
    columns in f32 times the weight's f16 copy (as LLM.int8() multiplies them
    in 16 bits): a few rank-1 updates, skipped per k when the column is not an
    outlier. The int8 weight is int8-dynamic's; the f16 copy makes the library
    3 bytes per weight (f32: 4, int8: 1). The mask costs one max-reduction
    over the rows per call.

    ```mlir
    %r = kernel.matmul %a, %w : (tensor<16x128xf32>, tensor<128x512xf32>) -> tensor<16x512xf32>
    // becomes
    %c = kernel.reduce %abs {axes = [0], keepdims = false, kind = max} ... -> tensor<128xf32>
    %m = kernel.elementwise ins(%c ...) ... -> tensor<128xui8>          // >= threshold
    %i = kernel.elementwise ins(%a, %m ...) ... -> tensor<16x128xf32>   // outliers zeroed
    ... per-row quantization of %i to %q ...
    %p = kernel.qmatmul %q, %wq scales(%s, %z, %ws, %wsum) : ...
    %r = kernel.outlier_matmul %a, %w16 mask(%m) acc(%p) : ...
    ```
  }];
  let options = [
    Option<"threshold", "threshold", "double", "6.0", "activation magnitude from which a column stays f32">,
    ListOption<"skip", "skip", "std::string", "ONNX node names whose matmuls stay in f32">,
  ];
  let dependentDialects = ["kiln::kernel::KernelDialect", "kiln::graph::GraphDialect",
                           "mlir::arith::ArithDialect", "mlir::math::MathDialect"];
}

def QuantizeAttention : Pass<"kiln-quantize-attention", "mlir::func::FuncOp"> {
  let summary = "Let attention run Q K^T and P V as int8 dot products";
  let description = [{
    Runs after kiln-fuse-attention with --quantize int8-dynamic or
    int8-static. On a module whose target has an int8 dot product
    (AVX512-VNNI, or AVX-VNNI on an AVX2 target) every f32
    `kernel.attention` whose head dim is a multiple of 4 and that is not
    block-sparse gets `int8`; the lowering then quantizes q per row, k per
    key, the unnormalised probabilities and v per value column at run time
    (see kernel.attention). Any other target: nothing changes.

    Before:
    ```mlir
    %o = kernel.attention %q, %k, %v {head_dim = 64 : i64, key_len = 197 : i64, ...} : ...
    ```
    After:
    ```mlir
    %o = kernel.attention %q, %k, %v {head_dim = 64 : i64, int8, key_len = 197 : i64, ...} : ...
    ```
  }];
  let dependentDialects = ["kiln::kernel::KernelDialect"];
}

def ExposeMatMulInputs : Pass<"kiln-expose-matmul-inputs", "mlir::func::FuncOp"> {
  let summary = "Calibration build: the activations of the weight matmuls become extra outputs kiln_calib_N";
  let description = [{
    Runs where the quantization passes do, on an f32 build. Each kernel.matmul
    that kiln-quantize-int8-static would quantize (same `skip`, same order)
    gets its A returned as an extra result, named `kiln_calib_N` in
    `kiln.output_names`. kiln-compile runs such a build on the calibration
    data sets and measures each output's range (min-max or percentile), then
    builds the quantized library with those ranges.
  }];
  let options = [
    ListOption<"skip", "skip", "std::string", "ONNX node names whose matmuls stay in f32">,
  ];
  let dependentDialects = ["kiln::kernel::KernelDialect"];
}

def Sparsify : Pass<"kiln-sparsify", "mlir::func::FuncOp"> {
  let summary = "Weight matmuls whose zeros pay to skip become kernel.sparse_matmul";
  let description = [{
    Runs on kernel ops before the quantization passes and fusion. For each
    `kernel.matmul` whose B is a 2-D f32 constant (not skipped, A static), it
    measures the weight's zero structure at compile time: the density, the
    finest N:M along K, and for each candidate block shape (1x1, 2x1, 4x1,
    8x1 along K; 1x4, 1x8, 1x16 along N; 4x4) how many blocks hold a
    nonzero. A cost model (SparsityModel.cpp) gives each shape's expected
    gain over the dense kernel for A's row count; the best shape is used when
    its gain reaches `min-gain`. The weight is then stored as its nonzero
    blocks per column block (values, block row indices, offsets: see
    kernel.sparse_matmul) with `alpha` folded in; a bias stays. With `report`,
    one line per weight on stderr says what was measured and chosen, or why
    the weight stayed dense.

    With a vector of rows of A, blocks of 4 or more along K by 1 column and
    the N:M form (2:4 and 4:8: each column padded to N entries per group of M
    with zero weights) are stored in chunks of 64 k (`chunk`: one list per
    chunk and column, chunk-major), which the kernel walks with the columns
    inside each chunk, so the chunk's band of A stays in L1.

    With `int8` (the pipeline sets it under `--quantize int8-dynamic`), a
    weight whose best block is a multiple of 4 along K by 1 column, with at
    least a vector of rows of A, goes int8 in the same kernel: A quantized
    per row to u8 as kiln-quantize-int8-dynamic does, the stored blocks
    quantized per column to s8 (kernel.sparse_qmatmul). The alternative is
    then dense int8, about 3x faster than dense f32: a block shape of the f32
    form counts a third of its gain, so a weight takes the best of the int8
    shapes (their own gain with one list per column, the int8 kernel's form)
    and the f32 shapes (a third), or stays dense for
    kiln-quantize-int8-dynamic when none reaches `min-gain`.

    ```mlir
    %r = kernel.matmul %a, %w : (tensor<8x64xf32>, tensor<64x32xf32>) -> tensor<8x32xf32>
    // becomes, for a weight with 300 nonzeros and at most 9 per column
    %r = kernel.sparse_matmul %a, %v indices(%i, %o) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 9 : i64}
           : (tensor<8x64xf32>, tensor<300x1x1xf32>, tensor<300xi32>, tensor<33xi32>) -> tensor<8x32xf32>
    ```
  }];
  let options = [
    Option<"minGain", "min-gain", "double", "1.25", "expected speedup from which a weight goes sparse">,
    Option<"report", "report", "bool", "false", "print one line per weight matmul on stderr">,
    ListOption<"skip", "skip", "std::string", "ONNX node names whose matmuls stay dense">,
    Option<"int8", "int8", "bool", "false",
           "weights in blocks of 4k x 1 become kernel.sparse_qmatmul (int8-dynamic's scheme)">,
  ];
  let dependentDialects = ["kiln::kernel::KernelDialect", "kiln::graph::GraphDialect"];
}

def QuantizeW4 : Pass<"kiln-quantize-w4", "mlir::func::FuncOp"> {
  let summary = "Quantize weight matmuls to 4-bit weights in blocks along K (weight-only)";
  let description = [{
    Runs on kernel ops, right after `convert-graph-to-kernel` (before fusion).
    Each `kernel.matmul` whose B is a 2-D f32 constant becomes a
    `kernel.w4matmul`; activations stay f32. Per block of `group-size` k and
    per column, asymmetric with 0 representable (as MatMulNBits' quantizer):
    lo = min(0, min w), hi = max(0, max w), scale = (hi - lo) / 15,
    zero = clamp(round(-lo / scale), 0, 15), q = clamp(round(w / scale) + zero,
    0, 15); an all-zero block gets scale 1, zero 0. `alpha` folds into the
    scales, `trans_b` is read transposed, a bias stays. The weight is packed
    at once in the kernel's layout ([ceil(N/NR), ceil(K/G) * G / 2, NR] u8, two
    k per byte; NR = four vectors of f32), its scales and zero points in the
    same panels ([ceil(N/NR), ceil(K/G), NR]). For memory-bound decode steps: the
    weights read per token shrink 8x.

    ```mlir
    %r = kernel.matmul %a, %w : (tensor<1x64xf32>, tensor<64x96xf32>) -> tensor<1x96xf32>
    // becomes
    %r = kernel.w4matmul %a, %q scales(%s, %z) {b_panel = 32 : i64, group_size = 32 : i64}
           : (tensor<1x64xf32>, tensor<3x32x32xui8>, tensor<3x2x32xf32>, tensor<3x2x32xf32>) -> tensor<1x96xf32>
    ```
  }];
  let options = [
    Option<"groupSize", "group-size", "int64_t", "32", "weights per scale and zero point along K (even)">,
    ListOption<"skip", "skip", "std::string", "ONNX node names whose matmuls stay in f32">,
  ];
  let dependentDialects = ["kiln::kernel::KernelDialect", "kiln::graph::GraphDialect"];
}

def RecognizePatterns : Pass<"kiln-recognize-patterns", "mlir::func::FuncOp"> {
  let summary = "Rewrite exporters' decomposed GELU, LayerNorm and RMSNorm into the fused graph ops";
  let description = [{
    Runs on graph ops, before `convert-graph-to-kernel`. Older exporters write
    GELU, LayerNorm and RMSNorm as chains of elementwise ops and reductions;
    each chain becomes `graph.gelu` (erf form: `approximate = #graph.gelu_approximation<none>`; tanh
    form: `"tanh"`), `graph.layer_norm` or `graph.rms_norm`, which lower to one
    kernel each. Products and sums match in any association and operand order,
    division by a constant as multiplication by its reciprocal, `x * x` as
    `pow(x, 2)`, `reciprocal(sqrt(v))` as `1 / sqrt(v)`.

    Before (TorchScript's erf GELU):
    ```mlir
    %s = graph.constant dense<1.41421354> : tensor<f32> : tensor<f32>
    %one = graph.constant dense<1.0> : tensor<f32> : tensor<f32>
    %half = graph.constant dense<0.5> : tensor<f32> : tensor<f32>
    %0 = graph.div %x, %s : (tensor<2x512xf32>, tensor<f32>) -> tensor<2x512xf32>
    %1 = graph.erf %0 : (tensor<2x512xf32>) -> tensor<2x512xf32>
    %2 = graph.add %1, %one : (tensor<2x512xf32>, tensor<f32>) -> tensor<2x512xf32>
    %3 = graph.mul %x, %2 : (tensor<2x512xf32>, tensor<2x512xf32>) -> tensor<2x512xf32>
    %r = graph.mul %3, %half : (tensor<2x512xf32>, tensor<f32>) -> tensor<2x512xf32>
    ```
    After:
    ```mlir
    %r = graph.gelu %x {approximate = #graph.gelu_approximation<none>} : (tensor<2x512xf32>) -> tensor<2x512xf32>
    ```
    Only exact matches are rewritten: constants (any shape, all elements
    equal) within 1e-4 relative of the formula's (one ulp in float16), means
    with keepdims over the trailing dims (they give the norm's `axis`; the
    added constant gives `epsilon`), float element types, and no intermediate
    with a user outside the pattern (it would be computed twice).
  }];
  let options = [
    Option<"explain", "explain", "bool", /*default=*/"false",
           "Emit a remark on each candidate left alone, saying which rule kept it">,
  ];
  let dependentDialects = ["kiln::graph::GraphDialect"];
}

def MergeProjections : Pass<"kiln-merge-projections", "mlir::func::FuncOp"> {
  let summary = "Merge matmuls that project the same input by constant weights into one";
  let description = [{
    Runs on graph ops, after `kiln-recognize-patterns`. Two or more
    `graph.matmul` ops with the same lhs and a 2-D float constant rhs [K, N_i]
    (attention's Q, K and V projections) become one matmul on the weights
    concatenated along N, at compile time, and one `graph.slice` per member
    along the last dim. When every member's only user is a `graph.add` of a
    constant bias [N_i] (either operand order), the biases are concatenated
    too and added once, before the slices. One GEMM reads the activations
    once instead of three times and has three times the columns to spread
    over the cores; each slice fuses into the head split after it.

    Before:
    ```mlir
    %q = graph.matmul %x, %wq : (tensor<16x128xf32>, tensor<128x128xf32>) -> tensor<16x128xf32>
    %qb = graph.add %bq, %q : (tensor<128xf32>, tensor<16x128xf32>) -> tensor<16x128xf32>
    %k = graph.matmul %x, %wk : (tensor<16x128xf32>, tensor<128x64xf32>) -> tensor<16x64xf32>
    %kb = graph.add %k, %bk : (tensor<16x64xf32>, tensor<64xf32>) -> tensor<16x64xf32>
    ```
    After:
    ```mlir
    %w = graph.constant dense_resource<wq_concat> : tensor<128x192xf32> : tensor<128x192xf32>
    %m = graph.matmul %x, %w : (tensor<16x128xf32>, tensor<128x192xf32>) -> tensor<16x192xf32>
    %b = graph.constant dense_resource<bq_concat> : tensor<192xf32> : tensor<192xf32>
    %a = graph.add %m, %b : (tensor<16x192xf32>, tensor<192xf32>) -> tensor<16x192xf32>
    %qb = graph.slice %a {starts = [0, 0], steps = [1, 1]} : (tensor<16x192xf32>) -> tensor<16x128xf32>
    %kb = graph.slice %a {starts = [0, 128], steps = [1, 1]} : (tensor<16x192xf32>) -> tensor<16x64xf32>
    ```
    Members with and without a bias are merged in separate groups. Left
    alone: a single matmul of its input, an activation or batched rhs.
  }];
  let options = [
    Option<"explain", "explain", "bool", /*default=*/"false",
           "Emit a remark on each candidate left alone, saying which rule kept it">,
  ];
  let dependentDialects = ["kiln::graph::GraphDialect"];
}

def DedupKernels : Pass<"kiln-dedup-kernels", "mlir::ModuleOp"> {
  let summary = "Keep one halide.kernel per distinct body; launches share it";
  let description = [{
    Kernels that differ only in their name (the twelve layers of BERT: their
    weights are buffer arguments, not part of the kernel) are generated and
    compiled once. Each `halide.kernel` whose body prints the same as an
    earlier one is erased and its `halide.launch` ops call the earlier one.

    Before:
    ```mlir
    halide.kernel @k0_relu_f32 { ... }
    halide.kernel @k1_relu_f32 { ... }   // the same body
    %a = halide.launch @k0_relu_f32(%x) : (tensor<4xf32>) -> tensor<4xf32>
    %b = halide.launch @k1_relu_f32(%a) : (tensor<4xf32>) -> tensor<4xf32>
    ```
    After:
    ```mlir
    halide.kernel @k0_relu_f32 { ... }
    %a = halide.launch @k0_relu_f32(%x) : (tensor<4xf32>) -> tensor<4xf32>
    %b = halide.launch @k0_relu_f32(%a) : (tensor<4xf32>) -> tensor<4xf32>
    ```
    Bodies that differ in anything (an extent, a constant, a schedule) stay apart.
  }];
  let dependentDialects = ["kiln::halide::HalideDialect"];
}

def MaterializeOutputs : Pass<"kiln-materialize-outputs", "mlir::func::FuncOp"> {
  let summary = "Give every function result a kernel of its own";
  let description = [{
    The library writes each model output straight into the caller's buffer,
    so every returned value must be computed by a kernel, once. A result that
    is a function argument, a constant, or a value returned twice gets an
    identity `kernel.elementwise` copy.

    Before:
    ```mlir
    func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
      %r = kernel.elementwise ins(%x : tensor<4xf32>) ... { ... }
      return %r, %r : tensor<4xf32>, tensor<4xf32>
    }
    ```
    After: the second `%r` is a copy of it.
  }];
  let dependentDialects = ["kiln::kernel::KernelDialect"];
}

def MarkIndexBounds : Pass<"kiln-mark-index-bounds", "mlir::func::FuncOp"> {
  let summary = "Record the table size that token-id inputs index";
  let description = [{
    A function argument used as the indices of a `kernel.gather` (token ids)
    gets the argument attribute `kiln.index_bound = N`: the rows of the
    smallest static table it indexes. The runtime refuses an id outside
    [-N, N) before any kernel runs. A table whose gathered dim is symbolic is
    clamped in the kernel instead and records nothing.
  }];
}

def SetTarget : Pass<"kiln-set-target", "mlir::ModuleOp"> {
  let summary = "Attach the compile target to the module";
  let description = [{
    Sets the module attribute `halide.target` to `#halide.target<"STRING">`,
    Halide's target string (arch-bits-os-features, as `halide::TargetAttr`
    checks it). Later passes read their target facts from it (vector width
    for packing and CPU schedules, CUDA or not), and the translation builds
    for it. The pipeline resolves `target=host` to this machine's string.
    With `cpu`, also sets `halide.cpu = #halide.cpu<"CPU", "FEATURES">`: the
    LLVM CPU the int8 dot-product kernels are generated for (see
    `halide::CpuAttr`; the pipeline resolves `host` and CPUs without
    AVX512-FP16).
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "Halide target string, e.g. x86-64-linux-avx-avx2-f16c-fma-sse41">,
    Option<"cpu", "cpu", "std::string", /*default=*/"\"\"",
           "LLVM CPU name for the int8 dot-product kernels (none: Halide's choice)">,
    Option<"cpuFeatures", "cpu-features", "std::string", /*default=*/"\"\"",
           "LLVM feature list for `cpu`, e.g. +avx512vnni,-avx512fp16">,
  ];
  let dependentDialects = ["kiln::halide::HalideDialect"];
}

def PlanMemory : Pass<"kiln-plan-memory", "mlir::ModuleOp"> {
  let summary = "Place @main's intermediates in one arena, by liveness";
  let description = [{
    Decides where each intermediate of `func.func @main` (a straight line of
    `halide.launch` ops) lives, and writes the decisions as attributes that
    the library emitter reads (dialects/Halide/MemoryPlan.h):
    - `kiln.last_use` on each launch of an intermediate: the last launch
      (its index in @main) that reads it;
    - `kiln.in_place = j` on a launch that writes over its input operand j:
      an intermediate read last there, of the same size, that the kernel
      reads only at the element it writes (and whose schedule splits divide
      the extents, so no element is computed twice);
    - for a static model, `kiln.arena_offset` on each such launch and
      `kiln.arena_size` on @main: first-fit placement by liveness, the
      planner the runtime uses for symbolic models (runtime/src/plan.c),
      which also keeps the smaller of the plans with and without in place.
    A symbolic model (@main has `kiln.symbols`) gets liveness and in-place
    choices only: the runtime plans its offsets per size.
    Model outputs live in the caller's buffers and get no attributes.
  }];
}

def ScheduleCpu : Pass<"kiln-schedule-cpu", "mlir::ModuleOp"> {
  let summary = "Write each halide.kernel's cpu schedule from its recipe";
  let description = [{
    convert-kernel-to-halide builds algorithms and records a `recipe` on each
    kernel (with the few facts its schedule needs); this pass appends the
    `halide.schedule cpu` region the recipe calls for, its vector width from
    the module's `halide.target` (none: 32 bytes; the attention recipes use
    the `lanes` their lowering padded the keys to). A kernel without a
    recipe, or already scheduled for cpu, is an error naming it.

    ```mlir
    halide.kernel @k0_addf_f32 attributes {recipe = #halide.recipe<pointwise>} { ... }
    // becomes
    halide.kernel @k0_addf_f32 attributes {recipe = #halide.recipe<pointwise>} {
      ...
      halide.schedule cpu {
        halide.vectorize @out "d1" 8
        halide.parallel @out "d0"
      }
    }
    ```

    Pointwise kernels and reductions to a root whose static work (points,
    times the reduction's extent) is under `min-parallel` run on one thread:
    waking the thread pool for them cost more than it saved.
  }];
  let options = [
    Option<"minParallel", "min-parallel", "int64_t", "1 << 18",
           "least static work (elements) for which pointwise kernels and root reductions run in parallel">,
    Option<"w4Prefetch", "w4-prefetch", "int64_t", "0",
           "kernel.w4matmul: prefetch the packed weights this many blocks ahead (0: off)">,
  ];
  let dependentDialects = ["kiln::halide::HalideDialect"];
}

def ScheduleCuda : Pass<"kiln-schedule-cuda", "mlir::ModuleOp"> {
  let summary = "Write each halide.kernel's cuda schedule from its recipe";
  let description = [{
    As kiln-schedule-cpu, for `halide.schedule cuda`: stages computed at root
    and gpu_tile'd, one thread per point.
  }];
  let dependentDialects = ["kiln::halide::HalideDialect"];
}

#endif // KILN_TRANSFORMS_PASSES
