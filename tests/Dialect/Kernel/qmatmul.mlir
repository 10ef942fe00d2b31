// RUN: kiln-opt %s -split-input-file | kiln-opt -split-input-file | FileCheck %s

// Per-row activation parameters, per-column weight scales, bias, epilogue.
// CHECK-LABEL: func.func @per_row
// CHECK:       kernel.qmatmul %arg0, %arg1 scales(%arg2, %arg3, %arg4, %arg5) bias %arg6 epilogue(%arg7)
// CHECK-SAME:    -> tensor<2x8x16xf32>
// CHECK:       ^bb0(%{{.*}}: f32, %{{.*}}: f32):
func.func @per_row(%q: tensor<2x8x32xui8>, %w: tensor<32x16xi8>, %s: tensor<2x8x1xf32>, %z: tensor<2x8x1xi32>,
                   %ws: tensor<16xf32>, %wc: tensor<16xi32>, %b: tensor<16xf32>, %r: tensor<2x8x16xf32>) -> tensor<2x8x16xf32> {
  %0 = kernel.qmatmul %q, %w scales(%s, %z, %ws, %wc) bias %b epilogue(%r) {epilogue_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>]}
      : (tensor<2x8x32xui8>, tensor<32x16xi8>, tensor<2x8x1xf32>, tensor<2x8x1xi32>, tensor<16xf32>, tensor<16xi32>, tensor<16xf32>, tensor<2x8x16xf32>) -> tensor<2x8x16xf32> {
  ^bb0(%acc: f32, %x: f32):
    %s1 = arith.addf %acc, %x : f32
    kernel.yield %s1 : f32
  }
  return %0 : tensor<2x8x16xf32>
}

// -----

// Per-tensor parameters (MatMulInteger's DynamicQuantizeLinear), B packed
// for vpdpbusd: [ceil(N/NR), ceil(K/4), NR, 4].
// CHECK-LABEL: func.func @packed
// CHECK:       kernel.qmatmul %arg0, %arg1 scales(%arg2, %arg3, %arg4, %arg5) {b_panel = 64 : i64}
func.func @packed(%q: tensor<8x30xui8>, %w: tensor<2x8x64x4xi8>, %s: tensor<f32>, %z: tensor<i32>,
                  %ws: tensor<f32>, %wc: tensor<100xi32>) -> tensor<8x100xf32> {
  %0 = kernel.qmatmul %q, %w scales(%s, %z, %ws, %wc) {b_panel = 64 : i64}
      : (tensor<8x30xui8>, tensor<2x8x64x4xi8>, tensor<f32>, tensor<i32>, tensor<f32>, tensor<100xi32>) -> tensor<8x100xf32>
  return %0 : tensor<8x100xf32>
}

// -----

// The kernel quantizes its f32 A per row itself (no a_scale / a_zero), after
// a LayerNorm prologue over K (scale and bias [K]).
// CHECK-LABEL: func.func @own_rows
// CHECK:       kernel.qmatmul %arg0, %arg1 scales(%arg2, %arg3) : (tensor<8x32xf32>
// CHECK:       kernel.qmatmul %arg0, %arg1 scales(%arg2, %arg3) norm(%arg4, %arg5) bias %arg5 {norm_epsilon = 9.99999974E-6 : f32}
// CHECK:       kernel.qmatmul %arg0, %arg1 scales(%arg2, %arg3) norm(%arg4) {norm_epsilon = 9.99999974E-6 : f32}
func.func @own_rows(%a: tensor<8x32xf32>, %w: tensor<32x32xi8>, %ws: tensor<32xf32>, %wc: tensor<32xi32>,
                    %g: tensor<32xf32>, %b: tensor<32xf32>) -> (tensor<8x32xf32>, tensor<8x32xf32>, tensor<8x32xf32>) {
  %0 = kernel.qmatmul %a, %w scales(%ws, %wc)
      : (tensor<8x32xf32>, tensor<32x32xi8>, tensor<32xf32>, tensor<32xi32>) -> tensor<8x32xf32>
  %1 = kernel.qmatmul %a, %w scales(%ws, %wc) norm(%g, %b) bias %b {norm_epsilon = 1.0e-5 : f32}
      : (tensor<8x32xf32>, tensor<32x32xi8>, tensor<32xf32>, tensor<32xi32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<8x32xf32>
  %2 = kernel.qmatmul %a, %w scales(%ws, %wc) norm(%g) {norm_epsilon = 1.0e-5 : f32}
      : (tensor<8x32xf32>, tensor<32x32xi8>, tensor<32xf32>, tensor<32xi32>, tensor<32xf32>) -> tensor<8x32xf32>
  return %0, %1, %2 : tensor<8x32xf32>, tensor<8x32xf32>, tensor<8x32xf32>
}
