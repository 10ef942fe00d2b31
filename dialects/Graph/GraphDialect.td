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
    arithmetic, so every op here has ranked tensors with static shapes and
    attributes instead of constant operands.

    ```mlir
    %0 = graph.matmul %x, %w : (tensor<2x16x128xf32>, tensor<128x128xf32>) -> tensor<2x16x128xf32>
    %1 = graph.add %0, %b : (tensor<2x16x128xf32>, tensor<128xf32>) -> tensor<2x16x128xf32>
    ```
  }];
  let cppNamespace = "::kiln::graph";
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

class Graph_Op<string mnemonic, list<Trait> traits = []>
    : Op<Graph_Dialect, mnemonic, traits>;

#endif // KILN_GRAPH_DIALECT
