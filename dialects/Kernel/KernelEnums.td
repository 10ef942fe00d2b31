//===- KernelEnums.td - The kernel dialect's enum attributes -===//
//
// Kinds and modes are enums, not strings: an unknown value does not parse,
// and C++ switches on them. The graph and kernel dialects each have their
// own (same cases, same names); GraphToKernel maps one to the other.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_KERNEL_ENUMS
#define KILN_KERNEL_ENUMS

include "mlir/IR/EnumAttr.td"
include "dialects/Kernel/KernelDialect.td"

def Kernel_ReduceKind : I32EnumAttr<"ReduceKind", "How kernel.reduce combines the reduced elements", [
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
  let cppNamespace = "::kiln::kernel";
}
def Kernel_ReduceKindAttr : EnumAttr<Kernel_Dialect, Kernel_ReduceKind, "reduce_kind"> {
  let assemblyFormat = "`<` $value `>`";
}
def Kernel_ArgReduceKind : I32EnumAttr<"ArgReduceKind", "Whether kernel.arg_reduce finds the largest or the smallest", [
  I32EnumAttrCase<"Max", 0, "max">,
  I32EnumAttrCase<"Min", 1, "min">
]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::kiln::kernel";
}
def Kernel_ArgReduceKindAttr : EnumAttr<Kernel_Dialect, Kernel_ArgReduceKind, "arg_reduce_kind"> {
  let assemblyFormat = "`<` $value `>`";
}
def Kernel_ScanKind : I32EnumAttr<"ScanKind", "The combiner of kernel.scan", [
  I32EnumAttrCase<"Add", 0, "add">
]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::kiln::kernel";
}
def Kernel_ScanKindAttr : EnumAttr<Kernel_Dialect, Kernel_ScanKind, "scan_kind"> {
  let assemblyFormat = "`<` $value `>`";
}
def Kernel_PadMode : I32EnumAttr<"PadMode", "What kernel.pad fills the new elements with", [
  I32EnumAttrCase<"Constant", 0, "constant">,
  I32EnumAttrCase<"Reflect", 1, "reflect">,
  I32EnumAttrCase<"Edge", 2, "edge">,
  I32EnumAttrCase<"Wrap", 3, "wrap">
]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::kiln::kernel";
}
def Kernel_PadModeAttr : EnumAttr<Kernel_Dialect, Kernel_PadMode, "pad_mode"> {
  let assemblyFormat = "`<` $value `>`";
}
def Kernel_ScatterReduction : I32EnumAttr<"ScatterReduction", "How kernel.scatter_nd combines an update with the element", [
  I32EnumAttrCase<"None", 0, "none">,
  I32EnumAttrCase<"Add", 1, "add">,
  I32EnumAttrCase<"Mul", 2, "mul">,
  I32EnumAttrCase<"Max", 3, "max">,
  I32EnumAttrCase<"Min", 4, "min">
]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::kiln::kernel";
}
def Kernel_ScatterReductionAttr : EnumAttr<Kernel_Dialect, Kernel_ScatterReduction, "scatter_reduction"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // KILN_KERNEL_ENUMS
