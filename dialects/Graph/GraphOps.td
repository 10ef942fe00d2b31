//===- GraphOps.td - graph dialect ops -===//
#ifndef KILN_GRAPH_OPS
#define KILN_GRAPH_OPS

include "dialects/Graph/GraphDialect.td"
include "dialects/Graph/GraphEnums.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributes.td"

def Graph_Tensor : RankedTensorOf<[F32, F16, I64, I32, I16, I8, UI8, I1]>;

//===----------------------------------------------------------------------===//
// Elementwise with numpy broadcasting.
//===----------------------------------------------------------------------===//

class Graph_BinaryOp<string mnemonic, string onnx>
    : Graph_Op<mnemonic, [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX " # onnx # " (numpy broadcasting)";
  let description = [{
    The result shape is the numpy broadcast of the operand shapes.

    ```mlir
    %r = graph.}] # mnemonic # [{ %a, %b : (tensor<2x16xf32>, tensor<16xf32>) -> tensor<2x16xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_AddOp : Graph_BinaryOp<"add", "Add">;
def Graph_SubOp : Graph_BinaryOp<"sub", "Sub">;
def Graph_MulOp : Graph_BinaryOp<"mul", "Mul">;
def Graph_DivOp : Graph_BinaryOp<"div", "Div">;
def Graph_PowOp : Graph_BinaryOp<"pow", "Pow">;
def Graph_AndOp : Graph_BinaryOp<"and", "And">;
def Graph_OrOp : Graph_BinaryOp<"or", "Or">;
def Graph_EqualOp : Graph_BinaryOp<"equal", "Equal">;
def Graph_GreaterOp : Graph_BinaryOp<"greater", "Greater">;
def Graph_GreaterOrEqualOp : Graph_BinaryOp<"greater_or_equal", "GreaterOrEqual">;
def Graph_LessOp : Graph_BinaryOp<"less", "Less">;
def Graph_LessOrEqualOp : Graph_BinaryOp<"less_or_equal", "LessOrEqual">;
def Graph_XorOp : Graph_BinaryOp<"xor", "Xor">;
def Graph_MaxOp : Graph_BinaryOp<"max", "Max (two operands; the importer chains more)">;
def Graph_MinOp : Graph_BinaryOp<"min", "Min (two operands; the importer chains more)">;

def Graph_ModOp : Graph_Op<"mod", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX Mod: remainder with the divisor's sign, or C fmod with `fmod`";
  let description = [{
    Without `fmod` (integers only in ONNX) the result has the sign of the
    divisor, as Python's `%`; with `fmod` it has the sign of the dividend, as
    C's `fmod`. Numpy broadcasting.

    ```mlir
    %r = graph.mod %a, %b {fmod = true} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs, DefaultValuedAttr<BoolAttr, "false">:$fmod);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

class Graph_UnaryOp<string mnemonic, string onnx>
    : Graph_Op<mnemonic, [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX " # onnx # " (elementwise)";
  let description = [{
    ```mlir
    %r = graph.}] # mnemonic # [{ %x : (tensor<2x16xf32>) -> tensor<2x16xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_SqrtOp : Graph_UnaryOp<"sqrt", "Sqrt">;
def Graph_ErfOp : Graph_UnaryOp<"erf", "Erf">;
def Graph_TanhOp : Graph_UnaryOp<"tanh", "Tanh">;
def Graph_ExpOp : Graph_UnaryOp<"exp", "Exp">;
def Graph_NegOp : Graph_UnaryOp<"neg", "Neg">;
def Graph_ReluOp : Graph_UnaryOp<"relu", "Relu">;
def Graph_SigmoidOp : Graph_UnaryOp<"sigmoid", "Sigmoid">;
def Graph_IsNaNOp : Graph_UnaryOp<"isnan", "IsNaN">;
def Graph_NotOp : Graph_UnaryOp<"not", "Not">;
def Graph_AbsOp : Graph_UnaryOp<"abs", "Abs">;
def Graph_CeilOp : Graph_UnaryOp<"ceil", "Ceil">;
def Graph_FloorOp : Graph_UnaryOp<"floor", "Floor">;
def Graph_RoundOp : Graph_UnaryOp<"round", "Round: to the nearest integer, halves to even">;
def Graph_CosOp : Graph_UnaryOp<"cos", "Cos">;
def Graph_SinOp : Graph_UnaryOp<"sin", "Sin">;
def Graph_LogOp : Graph_UnaryOp<"log", "Log">;
def Graph_ReciprocalOp : Graph_UnaryOp<"reciprocal", "Reciprocal">;
def Graph_SignOp : Graph_UnaryOp<"sign", "Sign">;
def Graph_SoftplusOp : Graph_UnaryOp<"softplus", "Softplus: log(1 + exp(x))">;

def Graph_HardSigmoidOp : Graph_Op<"hard_sigmoid", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX HardSigmoid: max(0, min(1, alpha * x + beta))";
  let description = [{
    ```mlir
    %r = graph.hard_sigmoid %x {alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32} : (tensor<8xf32>) -> tensor<8xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, F32Attr:$alpha, F32Attr:$beta);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_IsInfOp : Graph_Op<"isinf", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX IsInf: true for +inf (detect_positive) and -inf (detect_negative)";
  let description = [{
    ```mlir
    %r = graph.isinf %x {detect_negative = false, detect_positive = true} : (tensor<8xf32>) -> tensor<8xi1>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DefaultValuedAttr<BoolAttr, "true">:$detect_positive,
                   DefaultValuedAttr<BoolAttr, "true">:$detect_negative);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ClipOp : Graph_Op<"clip", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX Clip: min(max(x, lo), hi) with scalar bounds";
  let description = [{
    `lo` and `hi` are scalars (rank 0) of the input's element type; the
    importer gives an absent bound the lowest or highest value of the type.

    ```mlir
    %r = graph.clip %x, %lo, %hi : (tensor<3x4xf32>, tensor<f32>, tensor<f32>) -> tensor<3x4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$lo, Graph_Tensor:$hi);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `,` $lo `,` $hi attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_GeluOp : Graph_Op<"gelu", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX Gelu (opset 20), exact (erf) or tanh approximation";
  let description = [{
    ```mlir
    %r = graph.gelu %x {approximate = #graph.gelu_approximation<none>} : (tensor<2x512xf32>) -> tensor<2x512xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DefaultValuedAttr<Graph_GeluApproximationAttr, "::kiln::graph::GeluApproximation::None">:$approximate);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_CastOp : Graph_Op<"cast", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX Cast: the target type is the result's element type";
  let description = [{
    ```mlir
    %r = graph.cast %x : (tensor<2x16xi64>) -> tensor<2x16xi1>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_WhereOp : Graph_Op<"where", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX Where: select with numpy broadcasting of all three operands";
  let description = [{
    ```mlir
    %r = graph.where %c, %a, %b : (tensor<2x1x1x16xi1>, tensor<f32>, tensor<f32>) -> tensor<2x1x1x16xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$condition, Graph_Tensor:$x, Graph_Tensor:$y);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$condition `,` $x `,` $y attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Contractions and normalisations.
//===----------------------------------------------------------------------===//

def Graph_MatMulOp : Graph_Op<"matmul", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX MatMul (numpy matmul: batch dims broadcast, 1-D operands promoted)";
  let description = [{
    ```mlir
    %r = graph.matmul %a, %b : (tensor<2x16x128xf32>, tensor<128x512xf32>) -> tensor<2x16x512xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_GemmOp : Graph_Op<"gemm", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX Gemm: alpha * op(A) * op(B) + beta * C";
  let description = [{
    ```mlir
    %r = graph.gemm %a, %b, %c {trans_b = true} : (tensor<2x128xf32>, tensor<64x128xf32>, tensor<64xf32>) -> tensor<2x64xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$a, Graph_Tensor:$b, Optional<Graph_Tensor>:$c,
                   DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                   DefaultValuedAttr<F32Attr, "1.0">:$beta,
                   DefaultValuedAttr<BoolAttr, "false">:$trans_a,
                   DefaultValuedAttr<BoolAttr, "false">:$trans_b);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_MatMulNBitsOp : Graph_Op<"matmul_nbits", [Pure, Graph_SymbolicDims]> {
  let summary = "com.microsoft MatMulNBits with 4 bits: A x W, W[k, n] = (q[k, n] - zero) * scale per block along K";
  let description = [{
    A is f32 [..., K]. `b` holds the weight as MatMulNBits stores it: u8
    [N, ceil(K/block_size), block_size/2], two k per byte, the even k in the
    low nibble. `scales` and `zeros` are f32 [N, ceil(K/block_size)] (the
    importer unpacks MatMulNBits' 4-bit zero points; 8 where it has none).
    An optional `bias` [N] is added. convert-graph-to-kernel repacks the
    constant weight into kernel.w4matmul's layout.

    ```mlir
    %r = graph.matmul_nbits %a, %q, %s, %z {block_size = 32 : i64}
           : (tensor<1x768xf32>, tensor<3072x24x16xui8>, tensor<3072x24xf32>, tensor<3072x24xf32>) -> tensor<1x3072xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$a, Graph_Tensor:$b, Graph_Tensor:$scales, Graph_Tensor:$zeros,
                   Optional<Graph_Tensor>:$bias, I64Attr:$block_size);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$a `,` $b `,` $scales `,` $zeros (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_SoftmaxOp : Graph_Op<"softmax", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX Softmax (opset 13+: along one axis)";
  let description = [{
    ```mlir
    %r = graph.softmax %x {axis = 3 : i64} : (tensor<2x4x16x16xf32>) -> tensor<2x4x16x16xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_LogSoftmaxOp : Graph_Op<"log_softmax", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX LogSoftmax (opset 13+: along one axis)";
  let description = [{
    `x - max - log(sum(exp(x - max)))` along `axis`.

    ```mlir
    %r = graph.log_softmax %x {axis = 1 : i64} : (tensor<2x1000xf32>) -> tensor<2x1000xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_RMSNormOp : Graph_Op<"rms_norm", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX RMSNormalization (opset 23) over the dims from `axis` to the last";
  let description = [{
    `x / sqrt(mean(x^2) + epsilon) * scale`, the mean taken over the dims from
    `axis` on; `scale` broadcasts to those dims.

    ```mlir
    %r = graph.rms_norm %x, %g {axis = 2 : i64, epsilon = 1.0e-06 : f32}
        : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$scale, I64Attr:$axis, F32Attr:$epsilon);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `,` $scale attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_LayerNormOp : Graph_Op<"layer_norm", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX LayerNormalization over the dims from `axis` to the last";
  let description = [{
    ```mlir
    %r = graph.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-12 : f32}
        : (tensor<2x16x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$scale, Optional<Graph_Tensor>:$bias,
                   I64Attr:$axis, F32Attr:$epsilon);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `,` $scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ReduceOp : Graph_Op<"reduce", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX ReduceMean/Sum/Max/Min/Prod/L1/L2/SumSquare/LogSum/LogSumExp over static axes";
  let description = [{
    `kind` is one of mean, sum, max, min, prod, l1 (sum of |x|), l2
    (sqrt of the sum of squares), sum_square, log_sum, log_sum_exp. `axes` are
    non-negative and sorted; the result keeps reduced dims as 1 when
    `keepdims` is set.

    ```mlir
    %r = graph.reduce %x {kind = #graph.reduce_kind<mean>, axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_ReduceKindAttr:$kind, I64ArrayAttr:$axes, BoolAttr:$keepdims);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ArgReduceOp : Graph_Op<"arg_reduce", [Pure]> {
  let summary = "ONNX ArgMax / ArgMin along one axis (int64 indices)";
  let description = [{
    `kind` is "max" or "min". Ties give the first index, or the last with
    `select_last_index`.

    ```mlir
    %r = graph.arg_reduce %x {kind = #graph.arg_reduce_kind<max>, axis = 1 : i64, keepdims = true, select_last_index = false}
        : (tensor<3x4xf32>) -> tensor<3x1xi64>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_ArgReduceKindAttr:$kind, I64Attr:$axis, BoolAttr:$keepdims,
                   DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_CumSumOp : Graph_Op<"cumsum", [Pure]> {
  let summary = "ONNX CumSum along a static axis";
  let description = [{
    `exclusive` leaves out the element itself; `reverse` sums from the end.

    ```mlir
    %r = graph.cumsum %x {axis = 1 : i64, exclusive = false, reverse = false} : (tensor<2x16xi64>) -> tensor<2x16xi64>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, I64Attr:$axis,
                   DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                   DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_TopKOp : Graph_Op<"topk", [Pure]> {
  let summary = "ONNX TopK with a static k: values and int64 indices along `axis`";
  let description = [{
    k is the size of the results' `axis` dim. Results are sorted (largest
    first, or smallest first without `largest`); equal values keep the lower
    index first.

    ```mlir
    %v, %i = graph.topk %x {axis = 1 : i64, largest = true} : (tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, I64Attr:$axis, DefaultValuedAttr<BoolAttr, "true">:$largest);
  let results = (outs Graph_Tensor:$values, Graph_Tensor:$indices);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ConvOp : Graph_Op<"conv", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX Conv (NCHW / NCW), as in patch embeddings";
  let description = [{
    `pads` holds begin pads then end pads per spatial dim, as in ONNX.

    ```mlir
    %r = graph.conv %x, %w, %b {strides = [8, 8], pads = [0, 0, 0, 0], dilations = [1, 1], group = 1 : i64}
        : (tensor<1x3x32x32xf32>, tensor<128x3x8x8xf32>, tensor<128xf32>) -> tensor<1x128x4x4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$weight, Optional<Graph_Tensor>:$bias,
                   I64ArrayAttr:$strides, I64ArrayAttr:$pads, I64ArrayAttr:$dilations, I64Attr:$group);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Data movement.
//===----------------------------------------------------------------------===//

def Graph_ReshapeOp : Graph_Op<"reshape", [Pure, Graph_SymbolicDims]> {
  let summary = "Reshape, Flatten, Squeeze and Unsqueeze: the result type is the new shape";
  let description = [{
    ```mlir
    %r = graph.reshape %x : (tensor<2x16x128xf32>) -> tensor<2x16x4x32xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_TransposeOp : Graph_Op<"transpose", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX Transpose: result dim i is input dim perm[i]";
  let description = [{
    ```mlir
    %r = graph.transpose %x {perm = [0, 2, 1, 3]} : (tensor<2x16x4x32xf32>) -> tensor<2x4x16x32xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, I64ArrayAttr:$perm);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ExpandOp : Graph_Op<"expand", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX Expand: broadcast to the result shape";
  let description = [{
    ```mlir
    %r = graph.expand %x : (tensor<1x16xi64>) -> tensor<2x16xi64>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_SliceOp : Graph_Op<"slice", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX Slice with normalised starts and steps (one per dim)";
  let description = [{
    Result element i of dim d reads input element starts[d] + i * steps[d].
    A start may be symbolic (GPT-2's causal mask sliced from its buffer at
    rows [past, past + seq)): `start_map`, over the function's symbols, then
    gives every dim's start, and `starts` holds its constant results (0 where
    it is symbolic). A symbolic start takes a step of 1; its bounds are
    run-time constraints (kiln.constraints), as symbolic sizes' are.

    ```mlir
    %r = graph.slice %x {starts = [0, 0, 0], steps = [1, 1, 1]} : (tensor<2x16x128xf32>) -> tensor<2x1x128xf32>
    %c = graph.slice %b {start_map = affine_map<()[s0, s1] -> (0, 0, s0, 0)>, starts = [0, 0, 0, 0], steps = [1, 1, 1, 1]} : (tensor<1x1x64x64xi1>) -> tensor<1x1x?x?xi1, #enc>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, I64ArrayAttr:$starts, I64ArrayAttr:$steps,
                   OptionalAttr<AffineMapAttr>:$start_map);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_PadOp : Graph_Op<"pad", [Pure]> {
  let summary = "ONNX Pad with static pads (negative pads crop)";
  let description = [{
    `pads` holds the begin pads of every dim, then the end pads. `mode` is
    constant (fill with the scalar `value`), reflect (mirror without the edge),
    edge (repeat the edge) or wrap (opset 19).

    ```mlir
    %r = graph.pad %x, %v {mode = #graph.pad_mode<constant>, pads = [0, 2, 0, 1]} : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x7xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$value, Graph_PadModeAttr:$mode, I64ArrayAttr:$pads);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `,` $value attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_TriluOp : Graph_Op<"trilu", [Pure]> {
  let summary = "ONNX Trilu: keep the upper or lower triangle of the last two dims";
  let description = [{
    With `upper`, element (i, j) is kept when j - i >= k, else when j - i <= k;
    the others are zero. The diagonal `k` is an i64 scalar, as in ONNX (it
    does not change the shape, so it may be known only at run time).

    ```mlir
    %r = graph.trilu %x, %k {upper = true} : (tensor<2x4x4xf32>, tensor<i64>) -> tensor<2x4x4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$k, BoolAttr:$upper);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `,` $k attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ScatterNDOp : Graph_Op<"scatter_nd", [Pure]> {
  let summary = "ONNX ScatterND: data with slices replaced (or combined) by updates";
  let description = [{
    `reduction` is none, add, mul, max or min (opset 16/18). With none and
    repeated indices, the last update wins.

    ```mlir
    %r = graph.scatter_nd %data, %idx, %upd {reduction = #graph.scatter_reduction<none>}
        : (tensor<4x4x4xf32>, tensor<2x1xi64>, tensor<2x4x4xf32>) -> tensor<4x4x4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_Tensor:$indices, Graph_Tensor:$updates,
                   DefaultValuedAttr<Graph_ScatterReductionAttr, "::kiln::graph::ScatterReduction::None">:$reduction);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ConcatOp : Graph_Op<"concat", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX Concat along `axis`";
  let description = [{
    ```mlir
    %r = graph.concat %a, %b {axis = 1 : i64} : (tensor<2x1x8xf32>, tensor<2x16x8xf32>) -> tensor<2x17x8xf32>
    ```
  }];
  let arguments = (ins Variadic<Graph_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_GatherOp : Graph_Op<"gather", [Pure, Graph_SymbolicDims]> {
  let summary = "ONNX Gather along `axis` (embedding lookups)";
  let description = [{
    Negative indices count from the end, as in ONNX.

    ```mlir
    %r = graph.gather %table, %ids {axis = 0 : i64} : (tensor<1000x128xf32>, tensor<2x16xi64>) -> tensor<2x16x128xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_Tensor:$indices, I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_GatherElementsOp : Graph_Op<"gather_elements", [Pure]> {
  let summary = "ONNX GatherElements along `axis`";
  let description = [{
    ```mlir
    %r = graph.gather_elements %x, %i {axis = 1 : i64} : (tensor<1x128xi64>, tensor<1x16xi64>) -> tensor<1x16xi64>
    ```
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_Tensor:$indices, I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_GatherNDOp : Graph_Op<"gather_nd", [Pure]> {
  let summary = "ONNX GatherND";
  let description = [{
    ```mlir
    %r = graph.gather_nd %x, %i {batch_dims = 0 : i64} : (tensor<2x16xi1>, tensor<2x1x1x16x2xi64>) -> tensor<2x1x1x16xi1>
    ```
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_Tensor:$indices, I64Attr:$batch_dims);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Values: index arithmetic and constants.
//===----------------------------------------------------------------------===//

def Graph_IotaOp : Graph_Op<"iota", [Pure, Graph_SymbolicDims]> {
  let summary = "A tensor of index arithmetic: element (d0, ..) is `value` at the index";
  let description = [{
    `value` maps the element's index (one dim per result dim) and the module's
    symbols to the element, so Range with a symbolic limit and a symbol used
    as data need no run-time input. The map's symbols are the result type's
    when it is symbolic.

    ```mlir
    %r = graph.iota {value = affine_map<(d0)[s0, s1] -> (d0 * 2 + s1)>}
        : tensor<?xi64, affine_map<()[s0, s1] -> (s0)>>
    ```
  }];
  let arguments = (ins AffineMapAttr:$value);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Graph_ConstantOp : Graph_Op<"constant", [Pure, ConstantLike]> {
  let summary = "A constant tensor: an initializer or a folded value";
  let description = [{
    Weights are `dense_resource` blobs that point into the imported model's memory,
    so they never pass through the printer; small folded values are `dense`.

    ```mlir
    %w = graph.constant dense_resource<w_query> : tensor<128x128xf32> : tensor<128x128xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$value attr-dict `:` type($result)";
  let hasVerifier = 1;
  // ConstantLike ops must fold to their value: MLIR's folder dedupes constants by it.
  let hasFolder = 1;
}

#endif // KILN_GRAPH_OPS
