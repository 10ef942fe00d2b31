//===- GraphOps.td - graph dialect ops -===//
#ifndef KILN_GRAPH_OPS
#define KILN_GRAPH_OPS

include "dialects/Graph/GraphDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributes.td"

def Graph_Tensor : RankedTensorOf<[F32, F16, I64, I32, I8, UI8, I1]>;

//===----------------------------------------------------------------------===//
// Elementwise with numpy broadcasting.
//===----------------------------------------------------------------------===//

class Graph_BinaryOp<string mnemonic, string onnx>
    : Graph_Op<mnemonic, [Pure]> {
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

class Graph_UnaryOp<string mnemonic, string onnx>
    : Graph_Op<mnemonic, [Pure]> {
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

def Graph_GeluOp : Graph_Op<"gelu", [Pure]> {
  let summary = "ONNX Gelu (opset 20), exact (erf) or tanh approximation";
  let description = [{
    ```mlir
    %r = graph.gelu %x {approximate = "none"} : (tensor<2x512xf32>) -> tensor<2x512xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DefaultValuedStrAttr<StrAttr, "none">:$approximate);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_CastOp : Graph_Op<"cast", [Pure]> {
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

def Graph_WhereOp : Graph_Op<"where", [Pure]> {
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

def Graph_MatMulOp : Graph_Op<"matmul", [Pure]> {
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

def Graph_GemmOp : Graph_Op<"gemm", [Pure]> {
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

def Graph_SoftmaxOp : Graph_Op<"softmax", [Pure]> {
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

def Graph_LayerNormOp : Graph_Op<"layer_norm", [Pure]> {
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

def Graph_ReduceOp : Graph_Op<"reduce", [Pure]> {
  let summary = "ONNX ReduceMean/Sum/Max/Min/Prod over static axes";
  let description = [{
    `kind` is one of mean, sum, max, min, prod. `axes` are non-negative and sorted;
    the result keeps reduced dims as 1 when `keepdims` is set.

    ```mlir
    %r = graph.reduce %x {kind = "mean", axes = [2], keepdims = true} : (tensor<2x16x128xf32>) -> tensor<2x16x1xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, StrAttr:$kind, I64ArrayAttr:$axes, BoolAttr:$keepdims);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ConvOp : Graph_Op<"conv", [Pure]> {
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

def Graph_ReshapeOp : Graph_Op<"reshape", [Pure]> {
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

def Graph_TransposeOp : Graph_Op<"transpose", [Pure]> {
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

def Graph_ExpandOp : Graph_Op<"expand", [Pure]> {
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

def Graph_SliceOp : Graph_Op<"slice", [Pure]> {
  let summary = "ONNX Slice with static, normalised starts and steps (one per dim)";
  let description = [{
    Result element i of dim d reads input element starts[d] + i * steps[d].

    ```mlir
    %r = graph.slice %x {starts = [0, 0, 0], steps = [1, 1, 1]} : (tensor<2x16x128xf32>) -> tensor<2x1x128xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, I64ArrayAttr:$starts, I64ArrayAttr:$steps);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ConcatOp : Graph_Op<"concat", [Pure]> {
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

def Graph_GatherOp : Graph_Op<"gather", [Pure]> {
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
}

#endif // KILN_GRAPH_OPS
