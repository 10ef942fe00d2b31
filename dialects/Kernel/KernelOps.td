//===- KernelOps.td - kernel dialect ops -===//
#ifndef KILN_KERNEL_OPS
#define KILN_KERNEL_OPS

include "dialects/Kernel/KernelDialect.td"
include "dialects/Kernel/KernelEnums.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributes.td"

def Kernel_Tensor : RankedTensorOf<[F32, F16, I64, I32, I16, I8, UI8, I1]>;

def Kernel_ElementwiseOp : Kernel_Op<"elementwise",
    [Pure, Kernel_SymbolicDims, IsolatedFromAbove, SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "out[d] = body(in_0[map_0(d)], ..., in_n[map_n(d)])";
  let description = [{
    Each input is read at the point its affine map gives for the output index
    (broadcasts map to 0, transposes permute, reshapes use floordiv/mod). The
    body computes one output element from one scalar per input with `arith`
    and `math` ops. With no inputs (`ins` left out) the body computes the
    element from its index alone (kernel.index_expr).

    ```mlir
    %r = kernel.elementwise ins(%a, %b : tensor<2x16xf32>, tensor<16xf32>)
           maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>] -> tensor<2x16xf32> {
    ^bb0(%x: f32, %y: f32):
      %s = arith.addf %x, %y : f32
      kernel.yield %s : f32
    }
    ```
  }];
  let arguments = (ins Variadic<Kernel_Tensor>:$inputs, AffineMapArrayAttr:$maps);
  let results = (outs Kernel_Tensor:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    (`ins` `(` $inputs^ `:` type($inputs) `)`)? `maps` $maps `->` type($result) attr-dict-with-keyword $body
  }];
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [OpBuilder<(ins "::mlir::Type":$result, "::mlir::ValueRange":$inputs,
                                 "::mlir::ArrayRef<::mlir::AffineMap>":$maps)>];
}

def Kernel_YieldOp : Kernel_Op<"yield", [Pure, Kernel_SymbolicDims, Terminator, ParentOneOf<["ElementwiseOp", "MatMulOp", "QMatMulOp", "W4MatMulOp", "SparseMatMulOp", "SparseQMatMulOp", "AttentionOp"]>]> {
  let summary = "The value of one output element";
  let description = [{
    ```mlir
    kernel.yield %v : f32
    ```
  }];
  let arguments = (ins AnyType:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
  let builders = [OpBuilder<(ins), [{ }]>];
  let hasVerifier = 1;
}

def Kernel_IndexExprOp : Kernel_Op<"index_expr",
    [Pure, Kernel_SymbolicDims, ParentOneOf<["ElementwiseOp", "MatMulOp", "QMatMulOp", "W4MatMulOp", "SparseMatMulOp", "SparseQMatMulOp", "AttentionOp"]>]> {
  let summary = "Index and symbol arithmetic of the element being computed";
  let description = [{
    `map` takes the enclosing op's iteration dims (the output index of an
    elementwise body or a matmul epilogue, (b..., i, j) in an attention's
    score and probs regions) and the module's symbols to one i64: a Range
    with a symbolic limit (graph.iota), a symbol used as data. Fusing a
    producer composes the map with the consumer's read map.

    ```mlir
    %i = kernel.index_expr {map = affine_map<(d0, d1)[s0, s1] -> (d0 * s1 + d1)>} : i64
    ```
  }];
  let arguments = (ins AffineMapAttr:$map);
  let results = (outs I64:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Kernel_MatMulOp : Kernel_Op<"matmul", [Pure, Kernel_SymbolicDims, AttrSizedOperandSegments]> {
  let summary = "Batched matmul with broadcast batch dims: epilogue(alpha * A * op(B) (+ bias))";
  let description = [{
    A is [..., M, K]; B is [..., K, N], or [..., N, K] with `trans_b`. The
    optional bias broadcasts to the result (the first epilogue; fusion adds more).
    With `b_panel = NR`, B is a weight pre-packed by kiln-pack-weights into
    panels [ceil(N/NR), K, NR] (element [p, k, j] is B[k, p*NR + j], zero past
    N), the layout the register-tiled micro-kernel streams.

    The optional `epilogue` region (kiln-fuse-matmul-epilogue) maps each
    result element on its way out: its first argument is the accumulated
    value (after alpha and bias), the others are `epilogue_inputs` read
    through `epilogue_maps` (as kernel.elementwise reads its inputs); it
    yields the result element, whose type may differ from the operands'.

    ```mlir
    %r = kernel.matmul %a, %w : (tensor<2x16x128xf32>, tensor<128x512xf32>) -> tensor<2x16x512xf32>
    %p = kernel.matmul %a, %wp {b_panel = 16 : i64} : (tensor<2x16x128xf32>, tensor<32x128x16xf32>) -> tensor<2x16x512xf32>
    %e = kernel.matmul %a, %w epilogue(%res) {epilogue_maps = [affine_map<(d0, d1) -> (d0, d1)>]}
           : (tensor<16x128xf32>, tensor<128x512xf32>, tensor<16x512xf32>) -> tensor<16x512xf32> {
    ^bb0(%acc: f32, %r: f32):
      %s = arith.addf %acc, %r : f32
      kernel.yield %s : f32
    }
    ```
  }];
  let arguments = (ins Kernel_Tensor:$lhs, Kernel_Tensor:$rhs, Optional<Kernel_Tensor>:$bias,
                   Variadic<Kernel_Tensor>:$epilogue_inputs,
                   DefaultValuedAttr<BoolAttr, "false">:$trans_b,
                   DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                   OptionalAttr<I64Attr>:$b_panel,
                   OptionalAttr<AffineMapArrayAttr>:$epilogue_maps);
  let results = (outs Kernel_Tensor:$result);
  let regions = (region AnyRegion:$epilogue);
  let assemblyFormat = [{
    $lhs `,` $rhs (`,` $bias^)? (`epilogue` `(` $epilogue_inputs^ `)`)? attr-dict `:`
    functional-type(operands, results) ($epilogue^)?
  }];
  let extraClassDeclaration = [{
    bool hasEpilogue() { return !getEpilogue().empty(); }
    ::mlir::LogicalResult verifyEpilogue();
  }];
  let hasVerifier = 1;
}

def Kernel_QMatMulOp : Kernel_Op<"qmatmul", [Pure, Kernel_SymbolicDims, AttrSizedOperandSegments]> {
  let summary = "Quantized matmul: epilogue(f32(sum_k a * b - a_zero * b_colsum) * a_scale * b_scale (+ bias))";
  let description = [{
    A is u8 [..., M, K] with a zero point; B is a symmetric s8 weight [K, N]
    (zero point 0), so sum_k (a - a_zero) * b is the exact int32 product minus
    `a_zero * b_colsum`, where `b_colsum[n] = sum_k b[k, n]` is precomputed
    with the weight. `a_scale` and `a_zero` are one value for the tensor (rank
    0) or one per row ([..., M, 1]); `b_scale` is one value or one per column
    ([N]). The scales multiply each other before they scale the product (the
    order of onnxruntime's MatMulInteger + Cast + Mul form).

    With `b_panel = NR`, B is packed by kiln-pack-weights as
    [ceil(N/NR), ceil(K/4), NR, 4]: element [p, k/4, j, k%4] is B[k, p*NR + j]
    (zero past K and N), so one 64-byte vector holds 4 consecutive k of 16
    columns: the operand layout of vpdpbusd.

    The optional `epilogue` region maps each f32 result on its way out, as
    kernel.matmul's does (bias, GELU, residual).

    With an f32 A and no `a_scale`/`a_zero` (`scales(%ws, %wsum)`), the kernel
    quantizes A itself, per row, by int8-dynamic's rule (scale = (max(hi, 0) -
    min(lo, 0)) / 255 over the row, zero = round(-min(lo, 0) / scale), q =
    round(a / scale) + zero): no u8 copy of A and no row statistics leave the
    kernel. With `norm(%g, %b)` and `norm_epsilon` as well, A is LayerNorm(lhs)
    over K (kernel.layer_norm's formula, scale [K], optional bias [K]),
    computed in the same kernel before it is quantized.

    ```mlir
    %r = kernel.qmatmul %q, %w scales(%as, %az, %ws, %wsum)
           : (tensor<16x128xui8>, tensor<128x512xi8>, tensor<16x1xf32>, tensor<16x1xi32>,
              tensor<512xf32>, tensor<512xi32>) -> tensor<16x512xf32>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$lhs, Kernel_Tensor:$rhs, Optional<Kernel_Tensor>:$a_scale,
                   Optional<Kernel_Tensor>:$a_zero,
                   Kernel_Tensor:$b_scale, Kernel_Tensor:$b_colsum, Optional<Kernel_Tensor>:$bias,
                   Optional<Kernel_Tensor>:$norm_scale, Optional<Kernel_Tensor>:$norm_bias,
                   Variadic<Kernel_Tensor>:$epilogue_inputs,
                   OptionalAttr<I64Attr>:$b_panel,
                   OptionalAttr<AffineMapArrayAttr>:$epilogue_maps,
                   OptionalAttr<F32Attr>:$norm_epsilon);
  let results = (outs Kernel_Tensor:$result);
  let regions = (region AnyRegion:$epilogue);
  let assemblyFormat = [{
    $lhs `,` $rhs `scales` `(` custom<QScales>($a_scale, $a_zero, $b_scale, $b_colsum) `)`
    (`norm` `(` $norm_scale^ (`,` $norm_bias^)? `)`)? (`bias` $bias^)?
    (`epilogue` `(` $epilogue_inputs^ `)`)? attr-dict `:` functional-type(operands, results) ($epilogue^)?
  }];
  let extraClassDeclaration = [{
    bool hasEpilogue() { return !getEpilogue().empty(); }
    /// Whether the kernel quantizes its f32 A per row itself.
    bool quantizesRows() { return !getAScale(); }
    /// The contraction size K, from A.
    int64_t k() { return ::llvm::cast<::mlir::RankedTensorType>(getLhs().getType()).getShape().back(); }
  }];
  let hasVerifier = 1;
}

def Kernel_W4MatMulOp : Kernel_Op<"w4matmul", [Pure, Kernel_SymbolicDims, AttrSizedOperandSegments]> {
  let summary = "Matmul by a 4-bit weight in blocks along K: epilogue(sum_k a[k] * (q[k, n] - zero) * scale (+ bias))";
  let description = [{
    A is f32 [..., M, K]; the weight is 4-bit, q[k, n] in [0, 15], with one
    f32 `scale` and `zero` per block of `group_size` k and column n, stored
    in the weight's panels, [ceil(N/NR), ceil(K/G), NR] (zero past N), so a
    panel's parameters are contiguous too: w[k, n] = (q[k, n] - zero) * scale
    with both read at [n / NR, k / G, n % NR].
    B holds q packed in panels of `b_panel` = NR columns, two k per byte:
    [ceil(N/NR), ceil(K/G) * G / 2, NR] u8, byte [p, k/2, j] holds q[k, p*NR + j]
    in its low nibble for even k and its high nibble for odd k (zero past K and
    N). One vector load then feeds NR columns for two k, and the weights stay
    4-bit until a register unpacks them. The kernel sums a * q per block and
    applies `scale * (sum - zero * sum_k a)`, so the zero point and scale cost
    two operations per block, not per weight.

    `scale` may be f16 and `zero` ui8 (exact for integer zero points): a
    block of 32 then costs 16 + 3 bytes instead of 16 + 8, which is what a
    memory-bound decode step reads.

    The optional `epilogue` region maps each f32 result, as kernel.matmul's.

    ```mlir
    %r = kernel.w4matmul %a, %q scales(%s, %z) {b_panel = 64 : i64, group_size = 32 : i64}
           : (tensor<1x768xf32>, tensor<48x384x64xui8>, tensor<48x24x64xf32>, tensor<48x24x64xf32>)
           -> tensor<1x3072xf32>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$lhs, Kernel_Tensor:$rhs, Kernel_Tensor:$scale, Kernel_Tensor:$zero,
                   Optional<Kernel_Tensor>:$bias, Variadic<Kernel_Tensor>:$epilogue_inputs,
                   I64Attr:$group_size, I64Attr:$b_panel,
                   OptionalAttr<AffineMapArrayAttr>:$epilogue_maps);
  let results = (outs Kernel_Tensor:$result);
  let regions = (region AnyRegion:$epilogue);
  let assemblyFormat = [{
    $lhs `,` $rhs `scales` `(` $scale `,` $zero `)` (`bias` $bias^)?
    (`epilogue` `(` $epilogue_inputs^ `)`)? attr-dict `:` functional-type(operands, results) ($epilogue^)?
  }];
  let extraClassDeclaration = [{
    bool hasEpilogue() { return !getEpilogue().empty(); }
    /// The contraction size K, from A.
    int64_t k() { return ::llvm::cast<::mlir::RankedTensorType>(getLhs().getType()).getShape().back(); }
  }];
  let hasVerifier = 1;
}

def Kernel_SparseMatMulOp : Kernel_Op<"sparse_matmul", [Pure, Kernel_SymbolicDims, AttrSizedOperandSegments]> {
  let summary = "Matmul by a constant weight kept as its nonzero blocks: epilogue(sum over the blocks of a * w (+ bias))";
  let description = [{
    A is f32 [..., M, K]; the weight w [K, N] is stored as the blocks of
    `block_k` x `block_n` (along K x along N) that hold a nonzero, listed per
    column block (block_n columns), block-compressed sparse columns:
    - `offsets` (i32 [ceil(N/BN) + 1]): column block j's blocks are entries
      offsets[j] .. offsets[j+1] - 1;
    - `indices` (i16 or i32 [nnzb]): each block's row along K, in blocks
      (k = indices[p] * BK + i);
    - `values` (f32 [nnzb, BK, BN]): the block, zero past K and N.
    `max_blocks` is the longest column block's count: the kernel's loop bound
    (each column block's loop runs its own count). With `group` = G > 1 every
    column block's count is a multiple of G (padded with zero blocks), and the
    kernel keeps G partial sums per output, G independent FMA chains: what a
    single row of A (a decode step, no vector of rows to fill) needs. With
    `chunk` = C the lists are cut along K into chunks of C block rows and
    stored chunk-major: `offsets` has ceil(K/BK / C) * ceil(N/BN) + 1
    entries, list (c, j) (entries offsets[c * ceil(N/BN) + j] ..) holds
    column block j's blocks whose row is in [c*C, (c+1)*C) (what the speed
    relies on, not the result), and `max_blocks`
    is the longest list. The kernel walks the chunks outermost with the
    columns inside, so a chunk's band of A stays in L1 across the columns
    (group 1). kiln-sparsify builds all
    three from a constant weight, so the kernel is specialised to the
    weight's zero structure; when they are constants the verifier checks them
    (in-range indices, non-decreasing offsets) as the kernel's reads rely on it.

    The optional `epilogue` region maps each f32 result, as kernel.matmul's.

    ```mlir
    %r = kernel.sparse_matmul %a, %vals indices(%idx, %off) {block_k = 1 : i64, block_n = 1 : i64, max_blocks = 9 : i64}
           : (tensor<8x64xf32>, tensor<300x1x1xf32>, tensor<300xi32>, tensor<33xi32>) -> tensor<8x32xf32>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$lhs, Kernel_Tensor:$values, Kernel_Tensor:$indices, Kernel_Tensor:$offsets,
                   Optional<Kernel_Tensor>:$bias, Variadic<Kernel_Tensor>:$epilogue_inputs,
                   I64Attr:$block_k, I64Attr:$block_n, I64Attr:$max_blocks,
                   OptionalAttr<AffineMapArrayAttr>:$epilogue_maps,
                   DefaultValuedAttr<I64Attr, "1">:$group,
                   OptionalAttr<I64Attr>:$chunk);
  let results = (outs Kernel_Tensor:$result);
  let regions = (region AnyRegion:$epilogue);
  let assemblyFormat = [{
    $lhs `,` $values `indices` `(` $indices `,` $offsets `)` (`bias` $bias^)?
    (`epilogue` `(` $epilogue_inputs^ `)`)? attr-dict `:` functional-type(operands, results) ($epilogue^)?
  }];
  let extraClassDeclaration = [{
    bool hasEpilogue() { return !getEpilogue().empty(); }
    /// The contraction size K, from A.
    int64_t k() { return ::llvm::cast<::mlir::RankedTensorType>(getLhs().getType()).getShape().back(); }
    /// N, from the result.
    int64_t n() { return ::llvm::cast<::mlir::RankedTensorType>(getResult().getType()).getShape().back(); }
  }];
  let hasVerifier = 1;
}
def Kernel_SparseQMatMulOp : Kernel_Op<"sparse_qmatmul", [Pure, Kernel_SymbolicDims, AttrSizedOperandSegments]> {
  let summary = "kernel.sparse_matmul in int8: epilogue(f32(sum of a * w - a_zero * b_colsum) * a_scale * b_scale)";
  let description = [{
    kernel.sparse_matmul's block tables (`offsets`, `indices`, `max_blocks`;
    group 1) over kernel.qmatmul's quantization: A is u8 [..., M, K] with a
    scale and zero point per tensor (rank 0) or per row ([..., M, 1]); the
    stored blocks `values` are the s8 weight (symmetric, so zero point 0)
    [nnzb, block_k, block_n], scaled per column by `b_scale` (one value or
    [N]); `b_colsum[n]` sums column n's stored weights, so that
    sum (a - a_zero) * w = sum a * w - a_zero * b_colsum exactly in int32.
    `block_k` is a multiple of 4: each 4 consecutive k of a block are one
    i32 lane of vpdpbusd (4 u8 x s8 products), which the lowering gets by
    laying A out as [K/4, M, 4] (Intel's int8 SpMM, arXiv 2306.16601).

    ```mlir
    %r = kernel.sparse_qmatmul %q, %vals indices(%idx, %off) scales(%as, %az, %ws, %wsum)
           {block_k = 4 : i64, block_n = 1 : i64, max_blocks = 3 : i64}
           : (tensor<16x16xui8>, tensor<10x4x1xi8>, tensor<10xi32>, tensor<5xi32>,
              tensor<16x1xf32>, tensor<16x1xi32>, tensor<4xf32>, tensor<4xi32>) -> tensor<16x4xf32>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$lhs, Kernel_Tensor:$values, Kernel_Tensor:$indices, Kernel_Tensor:$offsets,
                   Kernel_Tensor:$a_scale, Kernel_Tensor:$a_zero, Kernel_Tensor:$b_scale, Kernel_Tensor:$b_colsum,
                   Optional<Kernel_Tensor>:$bias, Variadic<Kernel_Tensor>:$epilogue_inputs,
                   I64Attr:$block_k, I64Attr:$block_n, I64Attr:$max_blocks,
                   OptionalAttr<AffineMapArrayAttr>:$epilogue_maps);
  let results = (outs Kernel_Tensor:$result);
  let regions = (region AnyRegion:$epilogue);
  let assemblyFormat = [{
    $lhs `,` $values `indices` `(` $indices `,` $offsets `)`
    `scales` `(` $a_scale `,` $a_zero `,` $b_scale `,` $b_colsum `)` (`bias` $bias^)?
    (`epilogue` `(` $epilogue_inputs^ `)`)? attr-dict `:` functional-type(operands, results) ($epilogue^)?
  }];
  let extraClassDeclaration = [{
    bool hasEpilogue() { return !getEpilogue().empty(); }
    /// The contraction size K, from A.
    int64_t k() { return ::llvm::cast<::mlir::RankedTensorType>(getLhs().getType()).getShape().back(); }
    /// N, from the result.
    int64_t n() { return ::llvm::cast<::mlir::RankedTensorType>(getResult().getType()).getShape().back(); }
    /// kernel.sparse_matmul's group: one list per column block.
    int64_t getGroup() { return 1; }
  }];
  let hasVerifier = 1;
}

def Kernel_OutlierMatMulOp : Kernel_Op<"outlier_matmul", [Pure]> {
  let summary = "acc + sum over the k with mask[k] != 0 of a[..., m, k] * w[k, n]";
  let description = [{
    The 16-bit half of LLM.int8()'s split (kiln-quantize-int8-outlier): `mask`
    ([K] ui8) marks the activation columns that reached the outlier threshold
    in this call; they were zeroed before the int8 product `acc`, and here
    their f32 values multiply the weight's rows, kept in f16 (or f32), and add
    to it. The loop visits only the marked k (a predicated reduction, tested
    once per k), so a few outliers cost a few rank-1 updates, not a matmul.

    ```mlir
    %y = kernel.outlier_matmul %a, %w16 mask(%m) acc(%q)
           : (tensor<16x128xf32>, tensor<128x512xf16>, tensor<128xui8>, tensor<16x512xf32>) -> tensor<16x512xf32>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$lhs, Kernel_Tensor:$rhs, Kernel_Tensor:$mask, Kernel_Tensor:$acc);
  let results = (outs Kernel_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs `mask` `(` $mask `)` `acc` `(` $acc `)` attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kernel_AttentionOp : Kernel_Op<"attention", [Pure, Kernel_SymbolicDims]> {
  let summary = "softmax_j(score(alpha * q . k)) . v, without the score matrix in memory";
  let description = [{
    Scaled dot-product attention over batch dims (batch, heads, ...): with
    `b` the batch index, `i` a query row, `j` a key, `d` < `head_dim` and `e`
    a value column,

      s[b, i, j] = score(alpha * sum_d q[b, i, d] * k[b, j, d], inputs...)
      result[b, i, e] = sum_j softmax_j(s[b, i, :])[j] * v[b, j, e]

    q, k and v are read through `operand_maps`, which take (b..., i, d),
    (b..., j, d) and (b..., j, e) to their indices: head split transposes,
    grouped-query head sharing (h floordiv group) and the slices of a fused
    QKV projection are maps, not kernels. The optional `score` region (masks,
    biases: kiln-fuse-attention moves the QK^T matmul's epilogue here) takes
    the scaled score and one scalar per score input, read through
    `score_maps` from (b..., i, j). The optional `probs` region maps each
    probability before it weighs v (the exporters' `isnan(p) ? 0 : p` guard
    for fully masked rows). `key_len` is the key count: an i64, or when
    symbolic an `affine_map<()[s..] -> (keys)>` over the module's symbols. The result is [batch..., rows, E], or with
    `merged_heads = H` (the last batch dim is H heads) [batch'..., rows, H * E]
    (result[.., i, h * E + e] = out[.., h, i, e]): the head merge after
    attention is the layout it writes, not a kernel of its own.

    `causal = P` (kiln-fuse-attention sets it where the constant score inputs
    prove it) says that the score region sends every key j > i + P of query
    row i to a score whose exp is exactly 0 once the row max is taken (-inf,
    float lowest; not -1e4), and leaves key i + P unmasked: keys = P + rows
    (a past of P keys), no row is fully masked, and the lowering may skip the
    key blocks wholly above the diagonal with the same result.

    `sparse_threshold = T` (kiln-fuse-attention's sparse-threshold, from
    `--sparse-attention T`) makes it approximate, XAttention's block-sparse
    attention: past 512 keys, each query block of 128 rows attends only to the
    key blocks of 128 whose estimated probability mass, largest first,
    reaches T (and to key block 0 and its diagonal blocks).

    `int8` (kiln-quantize-attention, with --quantize int8-dynamic or
    int8-static on a CPU with an int8 dot product) lets the lowering run
    Q K^T and P V as u8 x s8 dot products: q per row and k per key quantized
    at run time (symmetric, 127 steps; q offset by 128), the unnormalised
    probabilities exp(s - max) as u8 in 255 steps, v per value column; the
    row sums are those of the quantized weights. Approximate, like the
    weight quantization; ignored by the forms it does not cover (online
    softmax, symbolic rows or keys, a probs region other than the exporters'
    NaN guard).

    ```mlir
    %o = kernel.attention %q, %k, %v scores(%mask) {alpha = 0.125 : f32, head_dim = 64 : i64, key_len = 128 : i64,
           operand_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d2, d1 * 64 + d3)>, ...],
           score_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d3)>]}
         : (tensor<1x128x768xf32>, tensor<1x128x768xf32>, tensor<1x128x768xf32>, tensor<1x128xf32>)
         -> tensor<1x12x128x64xf32> score {
    ^bb0(%s: f32, %m: f32):
      %r = arith.addf %s, %m : f32
      kernel.yield %r : f32
    }
    ```
  }];
  let arguments = (ins Kernel_Tensor:$q, Kernel_Tensor:$k, Kernel_Tensor:$v,
                   Variadic<Kernel_Tensor>:$score_inputs,
                   AffineMapArrayAttr:$operand_maps, AnyAttrOf<[I64Attr, AffineMapAttr]>:$key_len,
                   I64Attr:$head_dim,
                   DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                   OptionalAttr<AffineMapArrayAttr>:$score_maps,
                   OptionalAttr<I64Attr>:$merged_heads,
                   OptionalAttr<I64Attr>:$causal,
                   OptionalAttr<F32Attr>:$sparse_threshold,
                   UnitAttr:$int8);
  let results = (outs Kernel_Tensor:$result);
  let regions = (region AnyRegion:$score, AnyRegion:$probs);
  let assemblyFormat = [{
    $q `,` $k `,` $v (`scores` `(` $score_inputs^ `)`)? attr-dict `:`
    functional-type(operands, results) (`score` $score^)? (`probs` $probs^)?
  }];
  let extraClassDeclaration = [{
    bool hasScore() { return !getScore().empty(); }
    bool hasProbs() { return !getProbs().empty(); }
    /// The attention's own result shape [batch..., rows, E], before any head
    /// merge; static shapes only (see canonicalShapeExprs).
    ::llvm::SmallVector<int64_t> canonicalShape() {
      auto r = ::llvm::cast<::mlir::RankedTensorType>(getType()).getShape();
      ::llvm::SmallVector<int64_t> s(r.begin(), r.end());
      if (auto h = getMergedHeads()) {
        int64_t heads = (int64_t)*h;
        if (s.size() >= 2 && heads > 0) {
          s.back() /= heads;
          s.insert(s.end() - 2, heads);
        }
      }
      return s;
    }
    /// canonicalShape() as SymExprs, for symbolic dims.
    ::llvm::SmallVector<::kiln::SymExpr> canonicalShapeExprs();
    /// The key count, from either form of `key_len`.
    ::kiln::SymExpr keyLen();
    /// `key_len` for `keys`: an i64 when constant, else a map over `numSymbols`.
    static ::mlir::Attribute keyLenAttr(::mlir::MLIRContext *ctx, const ::kiln::SymExpr &keys,
                                        unsigned numSymbols);
    /// Number of batch dims of the canonical shape (heads included).
    unsigned numBatchDims() { return canonicalShape().size() - 2; }
    ::mlir::AffineMap operandMap(unsigned i) {
      return ::llvm::cast<::mlir::AffineMapAttr>(getOperandMaps()[i]).getValue();
    }
  }];
  let hasVerifier = 1;
}

def Kernel_ReduceOp : Kernel_Op<"reduce", [Pure, Kernel_SymbolicDims]> {
  let summary = "Reduction over axes; reduced dims kept or dropped";
  let description = [{
    `kind` is mean, sum, max, min, prod, l1, l2, sum_square, log_sum or
    log_sum_exp (as in graph.reduce).

    ```mlir
    %r = kernel.reduce %x {kind = #kernel.reduce_kind<mean>, axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$input, Kernel_ReduceKindAttr:$kind, I64ArrayAttr:$axes, BoolAttr:$keepdims);
  let results = (outs Kernel_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kernel_SoftmaxOp : Kernel_Op<"softmax", [Pure, Kernel_SymbolicDims]> {
  let summary = "Softmax along one axis (max-subtracted)";
  let description = [{
    ```mlir
    %r = kernel.softmax %x {axis = 3 : i64} : (tensor<2x4x16x16xf32>) -> tensor<2x4x16x16xf32>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$input, I64Attr:$axis);
  let results = (outs Kernel_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kernel_LogSoftmaxOp : Kernel_Op<"log_softmax", [Pure, Kernel_SymbolicDims]> {
  let summary = "LogSoftmax along one axis: x - max - log(sum(exp(x - max)))";
  let description = [{
    ```mlir
    %r = kernel.log_softmax %x {axis = 1 : i64} : (tensor<2x1000xf32>) -> tensor<2x1000xf32>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$input, I64Attr:$axis);
  let results = (outs Kernel_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kernel_RMSNormOp : Kernel_Op<"rms_norm", [Pure, Kernel_SymbolicDims]> {
  let summary = "RMS normalisation over the dims from `axis` on, times scale";
  let description = [{
    ```mlir
    %r = kernel.rms_norm %x, %g {axis = 2 : i64, epsilon = 1.0e-06 : f32}
        : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$input, Kernel_Tensor:$scale, I64Attr:$axis, F32Attr:$epsilon);
  let results = (outs Kernel_Tensor:$result);
  let assemblyFormat = "$input `,` $scale attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kernel_ArgReduceOp : Kernel_Op<"arg_reduce", [Pure]> {
  let summary = "Index (i64) of the max or min along one axis";
  let description = [{
    Ties give the first index, or the last with `select_last_index`.

    ```mlir
    %r = kernel.arg_reduce %x {kind = #kernel.arg_reduce_kind<max>, axis = 1 : i64, keepdims = false, select_last_index = false}
        : (tensor<3x4xf32>) -> tensor<3xi64>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$input, Kernel_ArgReduceKindAttr:$kind, I64Attr:$axis, BoolAttr:$keepdims,
                   BoolAttr:$select_last_index);
  let results = (outs Kernel_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kernel_ScanOp : Kernel_Op<"scan", [Pure]> {
  let summary = "Inclusive or exclusive prefix combine (kind \"add\": CumSum) along one axis";
  let description = [{
    ```mlir
    %r = kernel.scan %x {kind = #kernel.scan_kind<add>, axis = 1 : i64, exclusive = false, reverse = true}
        : (tensor<2x16xf32>) -> tensor<2x16xf32>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$input, Kernel_ScanKindAttr:$kind, I64Attr:$axis, BoolAttr:$exclusive,
                   BoolAttr:$reverse);
  let results = (outs Kernel_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kernel_TopKOp : Kernel_Op<"topk", [Pure]> {
  let summary = "Indices (i64) of the k largest or smallest elements along one axis, sorted";
  let description = [{
    k is the result's size along `axis`; equal values keep the lower index
    first. The values are a kernel.gather_elements of these indices.

    ```mlir
    %i = kernel.topk %x {axis = 1 : i64, largest = true} : (tensor<3x4xf32>) -> tensor<3x2xi64>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$input, I64Attr:$axis, BoolAttr:$largest);
  let results = (outs Kernel_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kernel_LayerNormOp : Kernel_Op<"layer_norm", [Pure, Kernel_SymbolicDims]> {
  let summary = "Layer normalisation over the dims from `axis` on, with scale and optional bias";
  let description = [{
    ```mlir
    %r = kernel.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-12 : f32}
        : (tensor<2x16x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$input, Kernel_Tensor:$scale, Optional<Kernel_Tensor>:$bias,
                   I64Attr:$axis, F32Attr:$epsilon);
  let results = (outs Kernel_Tensor:$result);
  let assemblyFormat = "$input `,` $scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kernel_GatherOp : Kernel_Op<"gather", [Pure, Kernel_SymbolicDims]> {
  let summary = "Gather along `axis`; indices are clamped into range";
  let description = [{
    ```mlir
    %r = kernel.gather %table, %ids {axis = 0 : i64} : (tensor<1000x128xf32>, tensor<2x16xi64>) -> tensor<2x16x128xf32>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$data, Kernel_Tensor:$indices, I64Attr:$axis);
  let results = (outs Kernel_Tensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kernel_GatherElementsOp : Kernel_Op<"gather_elements", [Pure]> {
  let summary = "GatherElements along `axis`";
  let description = [{
    ```mlir
    %r = kernel.gather_elements %x, %i {axis = 1 : i64} : (tensor<4x8xf32>, tensor<4x2xi64>) -> tensor<4x2xf32>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$data, Kernel_Tensor:$indices, I64Attr:$axis);
  let results = (outs Kernel_Tensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kernel_GatherNDOp : Kernel_Op<"gather_nd", [Pure]> {
  let summary = "GatherND with batch_dims";
  let description = [{
    ```mlir
    %r = kernel.gather_nd %x, %i {batch_dims = 0 : i64} : (tensor<2x16xi1>, tensor<2x1x1x16x2xi64>) -> tensor<2x1x1x16xi1>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$data, Kernel_Tensor:$indices, I64Attr:$batch_dims);
  let results = (outs Kernel_Tensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kernel_PadOp : Kernel_Op<"pad", [Pure]> {
  let summary = "Pad (constant / reflect / edge / wrap) with static begin and end pads";
  let description = [{
    `pads` holds the begin pads of every dim, then the end pads; negative pads
    crop. Constant mode fills with the scalar `value`.

    ```mlir
    %r = kernel.pad %x, %v {mode = #kernel.pad_mode<reflect>, pads = [0, 2, 0, 1]} : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x7xf32>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$input, Kernel_Tensor:$value, Kernel_PadModeAttr:$mode, I64ArrayAttr:$pads);
  let results = (outs Kernel_Tensor:$result);
  let assemblyFormat = "$input `,` $value attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kernel_TriluOp : Kernel_Op<"trilu", [Pure]> {
  let summary = "Upper or lower triangle of the last two dims (the rest zeroed)";
  let description = [{
    `k` (an i64 scalar read at run time) is the diagonal: (i, j) is kept when
    j - i >= k (`upper`) or j - i <= k.

    ```mlir
    %r = kernel.trilu %x, %k {upper = false} : (tensor<4x4xf32>, tensor<i64>) -> tensor<4x4xf32>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$input, Kernel_Tensor:$k, BoolAttr:$upper);
  let results = (outs Kernel_Tensor:$result);
  let assemblyFormat = "$input `,` $k attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kernel_ScatterNDOp : Kernel_Op<"scatter_nd", [Pure]> {
  let summary = "ScatterND: data with the indexed slices replaced or combined with updates";
  let description = [{
    `reduction` is none (the last of repeated indices wins), add, mul, max
    or min. Indices are clamped into range like the gathers'.

    ```mlir
    %r = kernel.scatter_nd %data, %idx, %upd {reduction = #kernel.scatter_reduction<none>}
        : (tensor<4x4x4xf32>, tensor<2x1xi64>, tensor<2x4x4xf32>) -> tensor<4x4x4xf32>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$data, Kernel_Tensor:$indices, Kernel_Tensor:$updates,
                   Kernel_ScatterReductionAttr:$reduction);
  let results = (outs Kernel_Tensor:$result);
  let assemblyFormat = "$data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kernel_ConcatOp : Kernel_Op<"concat", [Pure, Kernel_SymbolicDims]> {
  let summary = "Concatenation along `axis`";
  let description = [{
    ```mlir
    %r = kernel.concat %a, %b {axis = 1 : i64} : (tensor<2x1x8xf32>, tensor<2x16x8xf32>) -> tensor<2x17x8xf32>
    ```
  }];
  let arguments = (ins Variadic<Kernel_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Kernel_Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kernel_ConvOp : Kernel_Op<"conv", [Pure]> {
  let summary = "Direct N-D convolution (NCHW), with bias";
  let description = [{
    ```mlir
    %r = kernel.conv %x, %w, %b {strides = [8, 8], pads = [0, 0, 0, 0], dilations = [1, 1], group = 1 : i64}
        : (tensor<1x3x32x32xf32>, tensor<128x3x8x8xf32>, tensor<128xf32>) -> tensor<1x128x4x4xf32>
    ```
  }];
  let arguments = (ins Kernel_Tensor:$input, Kernel_Tensor:$weight, Optional<Kernel_Tensor>:$bias,
                   I64ArrayAttr:$strides, I64ArrayAttr:$pads, I64ArrayAttr:$dilations, I64Attr:$group);
  let results = (outs Kernel_Tensor:$result);
  let assemblyFormat = "$input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // KILN_KERNEL_OPS
