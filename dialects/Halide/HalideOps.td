//===- HalideOps.td - halide dialect ops -===//
#ifndef KILN_HALIDE_OPS
#define KILN_HALIDE_OPS

include "dialects/Halide/HalideDialect.td"
include "dialects/Halide/HalideAttrs.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Halide_KernelOp : Halide_Op<"kernel", [SymbolTable, Symbol, NoTerminator,
                                           IsolatedFromAbove, SingleBlock]> {
  let summary = "One Halide pipeline, compiled to one AOT function";
  let description = [{
    The symbol name becomes the C function name. Inputs become the function's
    buffer arguments in order, followed by the outputs.

    `recipe` (with `trans_b`, `b_panel` for matmuls and `root` on the funcs
    computed at root) says which schedule the kiln-schedule-cpu/cuda passes
    write: the lowering records what the schedule needs, the passes write
    the `halide.schedule` regions. The attention recipes record the head dim
    and value dim, the vector lanes the keys are padded to, the padded key
    count (absent when symbolic) and, blocked, the keys per block.

    ```mlir
    halide.kernel @k0_relu_f32 attributes {recipe = #halide.recipe<pointwise>} { ... }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, OptionalAttr<Halide_RecipeAttr>:$recipe,
                   UnitAttr:$trans_b, OptionalAttr<I64Attr>:$b_panel,
                   OptionalAttr<I64Attr>:$head_dim, OptionalAttr<I64Attr>:$value_dim,
                   OptionalAttr<I64Attr>:$lanes, OptionalAttr<I64Attr>:$padded_keys,
                   OptionalAttr<I64Attr>:$key_block);
  let builders = [
    OpBuilder<(ins "::llvm::StringRef":$name), [{
      build($_builder, $_state, $_builder.getStringAttr(name), nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
            nullptr, nullptr);
    }]>];
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let hasVerifier = 1;
}

// Extents (and rdom bounds) are a map of no dims over the module's symbols:
// printed `[768, 128]` when constant, else as the map, whose symbol k is the
// kernel's `halide.param @s<k>`.
def Halide_InputOp : Halide_Op<"input", [Symbol, HasParent<"KernelOp">]> {
  let summary = "An input buffer (ImageParam) with dense extents, innermost first";
  let description = [{
    ```mlir
    halide.input @A : f32 [768, 128]
    halide.input @B : f32 affine_map<()[s0, s1] -> (768, s0 * s1)>
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, TypeAttr:$element_type, AffineMapAttr:$extents);
  let assemblyFormat = "$sym_name `:` $element_type custom<Extents>($extents) attr-dict";
  let builders = [
    OpBuilder<(ins "::llvm::StringRef":$name, "::mlir::Type":$elementType, "::llvm::ArrayRef<int64_t>":$extents), [{
      build($_builder, $_state, name, elementType, constantExtents($_builder.getContext(), extents));
    }]>];
  let extraClassDeclaration = [{
    unsigned getRank() { return getExtents().getNumResults(); }
  }];
  let hasVerifier = 1;
}

def Halide_ParamOp : Halide_Op<"param", [Symbol, HasParent<"KernelOp">]> {
  let summary = "Symbol k of the module (a symbolic dim) as the kernel's int32 argument";
  let description = [{
    Named `s<k>`; the kernel takes it after its input buffers. Extents and
    `halide.sym` read it.
    ```mlir
    halide.param @s1
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name);
  let assemblyFormat = "$sym_name attr-dict";
  let extraClassDeclaration = [{
    /// k of `s<k>`.
    unsigned getIndex();
  }];
  let hasVerifier = 1;
}

def Halide_SymOp : Halide_Op<"sym", [Pure]> {
  let summary = "The value of a halide.param in a definition";
  let description = [{
    ```mlir
    %n = halide.sym @s1 : i32
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$param);
  let results = (outs I32:$result);
  let assemblyFormat = "$param attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Halide_FuncOp : Halide_Op<"func", [Symbol, HasParent<"KernelOp">]> {
  let summary = "A Func and its pure definition";
  let description = [{
    `vars` name the Func's dims (innermost first); the body takes one i32 per
    var and returns the value at that point, or with `tuple N` N values of
    the result type (a Halide Tuple; calls name the element). With `strict_float` its
    definitions are evaluated with IEEE semantics (Halide::strict_float):
    Halide compiles float math with LLVM's no-NaNs/no-infs flags, under which
    a NaN test of a value computed in the same kernel may fold to false.
    `root` (a tensor type: the func's row-major extents) marks a func that a
    root_update recipe computes at root.

    ```mlir
    halide.func @sum ["x", "y"] : f32 {
    ^bb0(%x: i32, %y: i32):
      %z = arith.constant 0.0 : f32
      halide.return %z : f32
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, StrArrayAttr:$vars, TypeAttr:$result_type,
                   OptionalAttr<I64Attr>:$tuple, UnitAttr:$strict_float,
                   OptionalAttr<TypeAttr>:$root);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name $vars `:` $result_type (`tuple` $tuple^)? (`strict_float` $strict_float^)? attr-dict-with-keyword $body";
  let extraClassDeclaration = [{
    /// Values per point: 1, or the tuple's size.
    unsigned getNumValues() { return getTuple() ? *getTuple() : 1; }
  }];
  let hasVerifier = 1;
}

def Halide_UpdateOp : Halide_Op<"update", [HasParent<"KernelOp">]> {
  let summary = "An update definition f(vars) = f(vars) <combine> value (or = value) over an RDom";
  let description = [{
    `rdom` holds (min, extent) pairs, one per reduction variable. The body takes
    the func's vars and then the reduction vars. `combine` is add, mul, max or
    min; or set, f(vars) = value, where the body may read f itself at the same
    vars (a recurrence, such as attention's running softmax state). A tuple
    func's updates are set. With `where`, the body returns one more value, an
    i1 predicate: the update visits just the points where it holds (Halide's
    RDom::where). Halide tests it as far out as the vars it reads allow: one
    of the reduction vars only once per reduction point, outside the pure
    loops inside it (a matmul over a run-time subset of k); one that also
    reads a pure var bounds the reduction loop by that var's range (causal
    attention's key blocks, trimmed per row tile).

    ```mlir
    halide.update @sum rdom [0, 128] combine add {
    ^bb0(%x: i32, %y: i32, %r: i32):
      %v = halide.call @in0(%r, %y) : (i32, i32) -> f32
      halide.return %v : f32
    }
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$func, AffineMapAttr:$rdom, Halide_CombineAttr:$combine,
                   UnitAttr:$where);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$func `rdom` custom<Extents>($rdom) `combine` $combine (`where` $where^)? attr-dict-with-keyword $body";
  let builders = [
    OpBuilder<(ins "::llvm::StringRef":$func, "::llvm::ArrayRef<int64_t>":$rdom, "::kiln::halide::Combine":$combine), [{
      build($_builder, $_state, func, constantExtents($_builder.getContext(), rdom), combine);
    }]>];
  let extraClassDeclaration = [{
    /// Reduction variables: (min, extent) pairs.
    unsigned getNumRVars() { return getRdom().getNumResults() / 2; }
  }];
  let hasVerifier = 1;
}

def Halide_OutputOp : Halide_Op<"output", [HasParent<"KernelOp">]> {
  let summary = "Marks a Func as a pipeline output with dense extents";
  let description = [{
    ```mlir
    halide.output @out [128, 32]
    halide.output @out affine_map<()[s0, s1] -> (128, s1, s0)>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$func, AffineMapAttr:$extents);
  let assemblyFormat = "$func custom<Extents>($extents) attr-dict";
  let builders = [
    OpBuilder<(ins "::llvm::StringRef":$func, "::llvm::ArrayRef<int64_t>":$extents), [{
      build($_builder, $_state, func, constantExtents($_builder.getContext(), extents));
    }]>];
  let extraClassDeclaration = [{
    unsigned getRank() { return getExtents().getNumResults(); }
  }];
  let hasVerifier = 1;
}

def Halide_CallOp : Halide_Op<"call", [Pure]> {
  let summary = "Reads an input buffer or a Func at a point (Halide order)";
  let description = [{
    A tuple func's value is read one element at a time (`element`).

    ```mlir
    %v = halide.call @A(%k, %m) : (i32, i32) -> f32
    %m = halide.call @st(%e, %i) {element = 2 : i64} : (i32, i32) -> f32
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee, Variadic<I32>:$indices, OptionalAttr<I64Attr>:$element);
  let results = (outs AnyTypeOf<[AnyFloat, AnyInteger]>:$result);
  let assemblyFormat = "$callee `(` $indices `)` attr-dict `:` functional-type($indices, $result)";
  let hasVerifier = 1;
}

def Halide_PromiseClampedOp : Halide_Op<"promise_clamped", [Pure, AllTypesMatch<["value", "min", "max", "result"]>]> {
  let summary = "An i32 the compiler proved to lie in [min, max] (Halide's unsafe_promise_clamped)";
  let description = [{
    Bounds inference takes the value to lie in [min, max], and no clamp runs:
    for an index read from a table whose entries were checked at compile
    time (kernel.sparse_matmul's constant tables, by its verifier). A value
    outside the range reads out of bounds: never use it on data not checked.

    ```mlir
    %p = halide.promise_clamped %x, %c0, %c99 : i32
    ```
  }];
  let arguments = (ins I32:$value, I32:$min, I32:$max);
  let results = (outs I32:$result);
  let assemblyFormat = "$value `,` $min `,` $max attr-dict `:` type($result)";
}

def Halide_IfThenElseOp : Halide_Op<"if_then_else", [Pure, AllTypesMatch<["then_value", "else_value", "result"]>]> {
  let summary = "One of two values, only that one evaluated (Halide's if_then_else)";
  let description = [{
    Unlike `arith.select`, which Halide evaluates on both sides, the value
    not chosen is never computed, and a condition over `halide.sym` alone
    makes bounds inference count the reads of each side only when it is
    taken: a read of a buffer that may be empty (a KV cache's past of length
    0) sits under `extent > 0`, and an empty buffer passes Halide's checks.

    ```mlir
    %v = halide.if_then_else %nonempty, %read, %zero : f32
    ```
  }];
  let arguments = (ins I1:$condition, AnyTypeOf<[AnyFloat, AnyInteger]>:$then_value,
                       AnyTypeOf<[AnyFloat, AnyInteger]>:$else_value);
  let results = (outs AnyTypeOf<[AnyFloat, AnyInteger]>:$result);
  let assemblyFormat = "$condition `,` $then_value `,` $else_value attr-dict `:` type($result)";
}

def Halide_ReturnOp : Halide_Op<"return", [Pure, Terminator,
                                           ParentOneOf<["FuncOp", "UpdateOp"]>]> {
  let summary = "The value (a tuple func's values) of a definition at a point";
  let description = [{
    ```mlir
    halide.return %v : f32
    halide.return %o, %l, %m : f32, f32, f32
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "$values attr-dict `:` type($values)";
}

def Halide_LaunchOp : Halide_Op<"launch", [DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Runs a halide.kernel on tensors, in the model's function";
  let description = [{
    Operands are the kernel's inputs in order; the result is its output.

    ```mlir
    %r = halide.launch @k0_add_f32(%a, %b) : (tensor<32x128xf32>, tensor<128xf32>) -> tensor<32x128xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$kernel, Variadic<AnyRankedTensor>:$inputs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$kernel `(` $inputs `)` attr-dict `:` functional-type($inputs, $result)";
}

//===----------------------------------------------------------------------===//
// Schedules: data, one region per target, applied in order.
//===----------------------------------------------------------------------===//

def Halide_ScheduleOp : Halide_Op<"schedule", [HasParent<"KernelOp">, NoTerminator, SingleBlock]> {
  let summary = "The schedule of a kernel for one target (cpu or cuda)";
  let description = [{
    ```mlir
    halide.schedule cuda {
      halide.gpu_tile @out ["x", "y"] [16, 16]
    }
    ```
  }];
  let arguments = (ins Halide_ScheduleTargetAttr:$target);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$target attr-dict-with-keyword $body";
}

class Halide_Directive<string mnemonic, string what> : Halide_Op<mnemonic, [HasParent<"ScheduleOp">]> {
  let summary = what;
  let description = [{ A schedule directive; `stage` 0 is the pure definition, 1 the update. }];
}

def Halide_ComputeRootOp : Halide_Directive<"compute_root", "Func::compute_root()"> {
  let arguments = (ins FlatSymbolRefAttr:$func);
  let assemblyFormat = "$func attr-dict";
}
def Halide_ComputeAtOp : Halide_Directive<"compute_at", "Func::compute_at(consumer, var)"> {
  let arguments = (ins FlatSymbolRefAttr:$func, FlatSymbolRefAttr:$consumer, StrAttr:$var);
  let assemblyFormat = "$func `,` $consumer $var attr-dict";
}
def Halide_SplitOp : Halide_Directive<"split", "Stage::split(var, outer, inner, factor)"> {
  let arguments = (ins FlatSymbolRefAttr:$func, StrAttr:$var, StrAttr:$outer, StrAttr:$inner,
                   I64Attr:$factor, DefaultValuedAttr<I64Attr, "0">:$stage);
  let assemblyFormat = "$func $var `->` $outer `,` $inner `by` $factor attr-dict";
}
def Halide_FuseOp : Halide_Directive<"fuse", "Stage::fuse(inner, outer, fused)"> {
  let arguments = (ins FlatSymbolRefAttr:$func, StrAttr:$inner, StrAttr:$outer, StrAttr:$fused,
                   DefaultValuedAttr<I64Attr, "0">:$stage);
  let assemblyFormat = "$func $inner `,` $outer `->` $fused attr-dict";
}
def Halide_ReorderOp : Halide_Directive<"reorder", "Stage::reorder(vars), innermost first"> {
  let arguments = (ins FlatSymbolRefAttr:$func, StrArrayAttr:$vars, DefaultValuedAttr<I64Attr, "0">:$stage);
  let assemblyFormat = "$func $vars attr-dict";
}
def Halide_VectorizeOp : Halide_Directive<"vectorize", "Stage::vectorize(var, width)"> {
  let arguments = (ins FlatSymbolRefAttr:$func, StrAttr:$var, I64Attr:$width,
                   DefaultValuedAttr<I64Attr, "0">:$stage);
  let assemblyFormat = "$func $var $width attr-dict";
}
def Halide_UnrollOp : Halide_Directive<"unroll", "Stage::unroll(var)"> {
  let arguments = (ins FlatSymbolRefAttr:$func, StrAttr:$var, DefaultValuedAttr<I64Attr, "0">:$stage);
  let assemblyFormat = "$func $var attr-dict";
}
def Halide_AtomicOp : Halide_Directive<"atomic", "Stage::atomic()"> {
  let description = [{
    Lets an update vectorize over a reduction var: the lanes combine as a
    VectorReduce, the form Halide matches to dot-product instructions
    (vpdpbusd for u8 x s8 on AVX512-VNNI). On a `sat_add` update Halide's
    associativity check is overridden (`atomic(true)`): the producer of
    such an update guarantees that no partial sum saturates.
  }];
  let arguments = (ins FlatSymbolRefAttr:$func, DefaultValuedAttr<I64Attr, "1">:$stage);
  let assemblyFormat = "$func attr-dict";
}
def Halide_PrefetchOp : Halide_Directive<"prefetch", "Stage::prefetch(input, at, from, offset)"> {
  let description = [{
    At each iteration of loop `at`, prefetches the part of input buffer
    `input` that iteration `from` + `offset` reads (non-faulting: a prefetch
    past the buffer's end is harmless). For streams the hardware prefetcher
    follows poorly, such as a memory-bound kernel's weights.

    ```mlir
    halide.prefetch @acc @in1 at "r0" from "r0" offset 2 {stage = 1}
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$func, FlatSymbolRefAttr:$input, StrAttr:$at, StrAttr:$from,
                   I64Attr:$offset, DefaultValuedAttr<I64Attr, "0">:$stage);
  let assemblyFormat = "$func $input `at` $at `from` $from `offset` $offset attr-dict";
}
def Halide_ParallelOp : Halide_Directive<"parallel", "Stage::parallel(var)"> {
  let arguments = (ins FlatSymbolRefAttr:$func, StrAttr:$var, DefaultValuedAttr<I64Attr, "0">:$stage);
  let assemblyFormat = "$func $var attr-dict";
}
def Halide_GpuTileOp : Halide_Directive<"gpu_tile", "Stage::gpu_tile over 1 to 3 vars"> {
  let arguments = (ins FlatSymbolRefAttr:$func, StrArrayAttr:$vars, DenseI64ArrayAttr:$sizes,
                   DefaultValuedAttr<I64Attr, "0">:$stage);
  let assemblyFormat = "$func $vars $sizes attr-dict";
  let hasVerifier = 1;
}
def Halide_GpuSingleThreadOp : Halide_Directive<"gpu_single_thread", "Stage::gpu_single_thread()"> {
  let arguments = (ins FlatSymbolRefAttr:$func, DefaultValuedAttr<I64Attr, "0">:$stage);
  let assemblyFormat = "$func attr-dict";
}

#endif // KILN_HALIDE_OPS
