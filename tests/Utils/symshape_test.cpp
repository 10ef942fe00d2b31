//===- symshape_test.cpp - Unit test of SymShape (ctest unit.symshape) -===//
//
// Types built by makeType satisfy the invariant the graph verifiers check and
// read back through dimExprs; broadcastSym follows numpy on equal polynomials
// and 1 only. Prints only failures and one summary line; exits 1 on failure.
//
//===----------------------------------------------------------------------===//
#include "dialects/Utils/SymShape.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"

#include "tests/Utils/Check.h"

#include <cstdio>

using namespace kiln;

int main() {
  mlir::MLIRContext ctx;
  mlir::Builder b(&ctx);
  mlir::Type f32 = b.getF32Type();
  SymExpr s0 = SymExpr::symbol(0), s1 = SymExpr::symbol(1), c1 = SymExpr::constant(1);
  SymExpr c128 = SymExpr::constant(128);
  SymExpr s01 = *mul(s0, s1);

  // All-constant dims give the static type, with no encoding.
  auto st = makeType({SymExpr::constant(2), c128}, f32, &ctx);
  CHECK(st == mlir::RankedTensorType::get({2, 128}, f32));
  CHECK(!isSymbolic(st) && shapeEncodingError(st).empty());

  // [s0*s1, 128] over two symbols: `?` dim, canonical encoding, read back.
  auto t = makeType({s01, c128}, f32, &ctx, 2);
  CHECK(isSymbolic(t) && numSymbols(t) == 2 && shapeEncodingError(t).empty());
  CHECK(t.getShape()[0] == mlir::ShapedType::kDynamic && t.getShape()[1] == 128);
  CHECK(dimExprs(t) == llvm::SmallVector<SymExpr>({s01, c128}));
  CHECK(makeType({s01, c128}, f32, &ctx, 2) == t);
  // The symbol count is at least what the dims use.
  CHECK(numSymbols(makeType({s1}, f32, &ctx)) == 2);
  CHECK(sameShape(t, makeType({s01, c128}, f32, &ctx, 3)));
  CHECK(!sameShape(t, makeType({s0, c128}, f32, &ctx, 2)));

  CHECK(numElementsExpr({s0, s1, c128}) == *mul(s01, c128));
  CHECK(shapeString({s0, *add(s1, c1), c128}) == "[s0,s1 + 1,128]");

  // [s0, s1, 128] + [128] -> [s0, s1, 128]; [1, 128] vs [s0, 1] -> [s0, 128].
  auto bc = broadcastSym({s0, s1, c128}, {c128});
  CHECK(succeeded(bc) && *bc == llvm::SmallVector<SymExpr>({s0, s1, c128}));
  bc = broadcastSym({c1, c128}, {s0, c1});
  CHECK(succeeded(bc) && *bc == llvm::SmallVector<SymExpr>({s0, c128}));
  std::string why;
  CHECK(failed(broadcastSym({s0, SymExpr::constant(4)}, {s1, SymExpr::constant(4)}, &why)));
  CHECK(why == "dim 0 is s0 in one shape and s1 in the other");
  // A symbol is not broadcast against a static size other than 1.
  CHECK(failed(broadcastSym({s0}, {SymExpr::constant(4)})));

  return kiln::test::finish("symshape");
}
