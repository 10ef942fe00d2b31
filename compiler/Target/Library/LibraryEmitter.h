//===- LibraryEmitter.h - The model's archive, header and tables -===//
#ifndef KILN_COMPILER_TARGET_LIBRARY_LIBRARYEMITTER_H
#define KILN_COMPILER_TARGET_LIBRARY_LIBRARYEMITTER_H

#include "dialects/Halide/HalideOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>
#include <vector>

namespace kiln {

struct LibraryOptions {
  std::string dir;          ///< output folder
  std::string name;         ///< model name: prefix of every symbol
  std::string source;       ///< the ONNX file, for the header comment
  std::string targetString; ///< Halide target, recorded in the model table
  bool cuda = false;
};

/// A tensor's storage in the arena: [offset, offset + size).
struct ArenaSlot {
  int64_t offset = 0, size = 0;
};

/// True when `kernel` reads its input `j` only at the index of the output
/// element it computes, so the output may be written over it (in place).
bool readsPointwise(halide::KernelOp kernel, size_t j);

/// Liveness-based first-fit placement of intermediates: runtime/src/plan.h's
/// kiln_plan_arena, the planner the runtime uses for symbolic models. `sizes[i]`,
/// `defs[i]` and `lastUses[i]` give each tensor's bytes, defining step and last
/// reading step; two tensors share bytes only when one is dead before the other
/// is written, or when `reuse[i]` names the input tensor i may overwrite (empty:
/// none). Returns the slots and sets `arenaSize`; nullopt if the sizes overflow.
std::optional<std::vector<ArenaSlot>> planArena(const std::vector<int64_t> &sizes,
                                                const std::vector<int> &defs,
                                                const std::vector<int> &lastUses,
                                                const std::vector<int> &reuse, int64_t &arenaSize);

/// Writes DIR/libNAME.a (kernel objects + weights + model table + one Halide
/// runtime) and DIR/NAME.h from a module at the halide level (func @main made
/// of halide.launch ops and graph.constant weights). `objects` are the kernel
/// and runtime objects emitHalideObjects wrote. Compiles the generated C and
/// assembly with the system C compiler ($CC or cc) and archives with ar.
mlir::LogicalResult emitLibrary(mlir::ModuleOp module, const LibraryOptions &options,
                                const std::vector<std::string> &objects);

} // namespace kiln

#endif
