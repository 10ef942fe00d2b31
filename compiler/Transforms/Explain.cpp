//===- Explain.cpp - Why a rewrite left a candidate alone -===//
#include "compiler/Transforms/Explain.h"

#include "llvm/Support/Debug.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

LogicalResult kiln::missed(Operation *op, const char *debugType, bool explain, const llvm::Twine &reason) {
  (void)debugType; // unused where LLVM's NDEBUG removes DEBUG_WITH_TYPE
  DEBUG_WITH_TYPE(debugType, llvm::dbgs() << "[" << debugType << "] " << op->getName() << " at "
                                          << op->getLoc() << ": " << reason << "\n");
  if (explain)
    op->emitRemark(reason);
  return failure();
}

LogicalResult kiln::missed(PatternRewriter &rewriter, Operation *op, const char *debugType, bool explain,
                           const llvm::Twine &reason) {
  (void)rewriter.notifyMatchFailure(op, reason);
  return missed(op, debugType, explain, reason);
}

std::string kiln::describe(Operation *op) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << op->getName() << " at " << op->getLoc();
  return s;
}
