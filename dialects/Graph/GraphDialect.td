//===- GraphDialect.td - The graph dialect: ONNX semantics on tensors -===//
#ifndef KILN_GRAPH_DIALECT
#define KILN_GRAPH_DIALECT

include "mlir/IR/OpBase.td"

def Graph_Dialect : Dialect {
  let name = "graph";
  let summary = "Tensor-level ops with ONNX semantics, opset differences normalised";
  let description = [{
    One op per ONNX concept. The importer normalises opset forms (attributes that
    became inputs, Unsqueeze/Squeeze/Flatten as reshapes) and folds shape
    arithmetic, so every op here has ranked tensors and attributes instead of
    constant operands. Shapes are static, or symbolic where the op supports it:
    `?` dims with an encoding that gives each dim as a polynomial of the
    model's symbols, `tensor<?x128xf32, affine_map<()[s0, s1] -> (s0 * s1, 128)>>`.

    ```mlir
    %0 = graph.matmul %x, %w : (tensor<2x16x128xf32>, tensor<128x128xf32>) -> tensor<2x16x128xf32>
    %1 = graph.add %0, %b : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
    ```
  }];
  let cppNamespace = "::kiln::graph";
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

// Symbolic dims (GraphTraits.h): every op checks its types' encodings; only
// ops with Graph_SymbolicDims accept `?` dims.
def Graph_ShapeEncoding : NativeOpTrait<"ShapeEncoding"> {
  let cppNamespace = "::kiln::graph::OpTrait";
}
def Graph_SymbolicDims : NativeOpTrait<"SymbolicDims"> {
  let cppNamespace = "::kiln::graph::OpTrait";
}

class Graph_Op<string mnemonic, list<Trait> traits = []>
    : Op<Graph_Dialect, mnemonic, !listconcat([Graph_ShapeEncoding], traits)>;

#endif // KILN_GRAPH_DIALECT
