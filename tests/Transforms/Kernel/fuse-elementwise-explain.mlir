// RUN: kiln-opt %s -split-input-file -kiln-fuse-elementwise=explain -verify-diagnostics | FileCheck %s

// Each producer left alone says which rule kept it (kiln-fuse-elementwise's
// "Left alone" cases).

// A producer with two users would be computed twice.
// CHECK-LABEL: func.func @shared_producer
// CHECK-COUNT-3: kernel.elementwise
func.func @shared_producer(%x: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  // expected-remark @+1 {{not fused into its consumer: the producer has 2 uses (fusing would compute it twice)}}
  %e = kernel.elementwise ins(%x : tensor<4x4xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x4xf32> {
  ^bb0(%a: f32):
    %v = math.exp %a : f32
    kernel.yield %v : f32
  }
  %r1 = kernel.elementwise ins(%e : tensor<4x4xf32>) maps [affine_map<(d0, d1) -> (d0, d1)>] -> tensor<4x4xf32> {
  ^bb0(%a: f32):
    %v = arith.addf %a, %a : f32
    kernel.yield %v : f32
  }
  %r2 = kernel.elementwise ins(%e : tensor<4x4xf32>) maps [affine_map<(d0, d1) -> (d1, d0)>] -> tensor<4x4xf32> {
  ^bb0(%a: f32):
    %v = arith.mulf %a, %a : f32
    kernel.yield %v : f32
  }
  return %r1, %r2 : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// A matmul's pointwise consumer read through a transpose stays apart: it is
// the matmul's epilogue-to-be.
// CHECK-LABEL: func.func @keep_epilogue_apart
// CHECK: kernel.matmul
// CHECK-COUNT-2: kernel.elementwise
func.func @keep_epilogue_apart(%a: tensor<8x16xf32>, %w: tensor<16x32xf32>, %b: tensor<32xf32>) -> tensor<4x8x8xf32> {
  %m = kernel.matmul %a, %w : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
  // expected-remark @+1 {{not fused into its consumer: it becomes the epilogue of kernel.matmul at}}
  %add = kernel.elementwise ins(%m, %b : tensor<8x32xf32>, tensor<32xf32>)
           maps [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>] -> tensor<8x32xf32> {
  ^bb0(%x: f32, %y: f32):
    %s = arith.addf %x, %y : f32
    kernel.yield %s : f32
  }
  %t = kernel.elementwise ins(%add : tensor<8x32xf32>) maps [affine_map<(d0, d1, d2) -> (d1, d0 * 8 + d2)>] -> tensor<4x8x8xf32> {
  ^bb0(%x: f32):
    kernel.yield %x : f32
  }
  return %t : tensor<4x8x8xf32>
}
