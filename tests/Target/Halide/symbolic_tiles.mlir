// A matmul's row tile over symbolic rows (seq s1) gets the schedule a static
// row count gets: the translation specializes out on s1 >= 4, where the row
// split shifts inwards, so the accumulator is a constant 4 x 48 tile (on the
// stack, its rows unrolled), and below it splits the rows by 1, a constant
// 1 x 48 tile, as a static row count of 1 gets. Halide's lowered statement
// (HL_DEBUG_CODEGEN=2) shows both branches; unit.matmul_symbolic runs them.
// RUN: rm -rf %t && mkdir -p %t
// RUN: kiln-opt %s -convert-kernel-to-halide -kiln-schedule-cpu -o %t/tiles.mlir
// RUN: env HL_DEBUG_CODEGEN=2 kiln-translate --halide-to-objects %t/tiles.mlir --target x86-64-linux-avx2-fma --output-dir %t --name tiles 2>&1 | FileCheck %s

// CHECK-LABEL: Lowering after final simplification
// CHECK:      produce out {
// CHECK-NEXT:   if (4 <= s1) {
// CHECK:          let out.s0.d1.d1_i.base = min(out.s0.d1.d1_o*4, s1 + -4)
// CHECK-NEXT:     allocate acc[float32 * 48 * 4 * 1 * 1]
// CHECK-NOT:      halide_malloc
// CHECK:        } else {
// CHECK:          for (out.s0.d1.d1_o, 0, s1) {
// CHECK-NEXT:       allocate acc[float32 * 48 * 1 * 1 * 1]
// CHECK-NOT:  halide_malloc
// CHECK:      Module.compile(): object
func.func @packed(%a: tensor<?x?x128xf32, affine_map<()[s0, s1] -> (s0, s1, 128)>>, %w: tensor<8x128x48xf32>)
    -> tensor<?x?x384xf32, affine_map<()[s0, s1] -> (s0, s1, 384)>> {
  %0 = kernel.matmul %a, %w {b_panel = 48 : i64}
       : (tensor<?x?x128xf32, affine_map<()[s0, s1] -> (s0, s1, 128)>>, tensor<8x128x48xf32>)
       -> tensor<?x?x384xf32, affine_map<()[s0, s1] -> (s0, s1, 384)>>
  return %0 : tensor<?x?x384xf32, affine_map<()[s0, s1] -> (s0, s1, 384)>>
}
