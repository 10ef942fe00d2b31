//===- GraphEnums.td - The graph dialect's enum attributes -===//
//
// Kinds and modes are enums, not strings: an unknown value does not parse,
// and C++ switches on them. The graph and kernel dialects each have their
// own (same cases, same names); GraphToKernel maps one to the other.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_GRAPH_ENUMS
#define KILN_GRAPH_ENUMS

include "mlir/IR/EnumAttr.td"
include "dialects/Graph/GraphDialect.td"

def Graph_ReduceKind : I32EnumAttr<"ReduceKind", "How graph.reduce combines the reduced elements", [
  I32EnumAttrCase<"Mean", 0, "mean">,
  I32EnumAttrCase<"Sum", 1, "sum">,
  I32EnumAttrCase<"Max", 2, "max">,
  I32EnumAttrCase<"Min", 3, "min">,
  I32EnumAttrCase<"Prod", 4, "prod">,
  I32EnumAttrCase<"L1", 5, "l1">,
  I32EnumAttrCase<"L2", 6, "l2">,
  I32EnumAttrCase<"SumSquare", 7, "sum_square">,
  I32EnumAttrCase<"LogSum", 8, "log_sum">,
  I32EnumAttrCase<"LogSumExp", 9, "log_sum_exp">
]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::kiln::graph";
}
def Graph_ReduceKindAttr : EnumAttr<Graph_Dialect, Graph_ReduceKind, "reduce_kind"> {
  let assemblyFormat = "`<` $value `>`";
}
def Graph_ArgReduceKind : I32EnumAttr<"ArgReduceKind", "Whether graph.arg_reduce finds the largest or the smallest", [
  I32EnumAttrCase<"Max", 0, "max">,
  I32EnumAttrCase<"Min", 1, "min">
]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::kiln::graph";
}
def Graph_ArgReduceKindAttr : EnumAttr<Graph_Dialect, Graph_ArgReduceKind, "arg_reduce_kind"> {
  let assemblyFormat = "`<` $value `>`";
}
def Graph_PadMode : I32EnumAttr<"PadMode", "What graph.pad fills the new elements with", [
  I32EnumAttrCase<"Constant", 0, "constant">,
  I32EnumAttrCase<"Reflect", 1, "reflect">,
  I32EnumAttrCase<"Edge", 2, "edge">,
  I32EnumAttrCase<"Wrap", 3, "wrap">
]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::kiln::graph";
}
def Graph_PadModeAttr : EnumAttr<Graph_Dialect, Graph_PadMode, "pad_mode"> {
  let assemblyFormat = "`<` $value `>`";
}
def Graph_ScatterReduction : I32EnumAttr<"ScatterReduction", "How graph.scatter_nd combines an update with the element", [
  I32EnumAttrCase<"None", 0, "none">,
  I32EnumAttrCase<"Add", 1, "add">,
  I32EnumAttrCase<"Mul", 2, "mul">,
  I32EnumAttrCase<"Max", 3, "max">,
  I32EnumAttrCase<"Min", 4, "min">
]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::kiln::graph";
}
def Graph_ScatterReductionAttr : EnumAttr<Graph_Dialect, Graph_ScatterReduction, "scatter_reduction"> {
  let assemblyFormat = "`<` $value `>`";
}
def Graph_GeluApproximation : I32EnumAttr<"GeluApproximation", "graph.gelu exact (erf) or the tanh approximation", [
  I32EnumAttrCase<"None", 0, "none">,
  I32EnumAttrCase<"Tanh", 1, "tanh">
]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::kiln::graph";
}
def Graph_GeluApproximationAttr : EnumAttr<Graph_Dialect, Graph_GeluApproximation, "gelu_approximation"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // KILN_GRAPH_ENUMS
