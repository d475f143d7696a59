// RUN: cnnc-opt %s --cnn-vectorize | FileCheck %s

// --precision bf16's ops (--cnn-bf16-contractions), as register tiles.
//
// The pair contraction of a Dense layer (dynamic batch, 800 inputs as 400
// pairs, 128 units): one row by all 128 columns (8 zmm accumulators, as
// the FP32 matmul's tile) and the pair whole; the other reduction by 1. The
// tile is a contraction of the extended bf16 operands, which
// --cnn-lower-bf16-dot turns into vdpbf16ps.
// CHECK-LABEL: func.func @dense
// CHECK: scf.for %{{.*}} = %c0 to %{{.*}} step %c1
// CHECK: scf.for %{{.*}} = %c0 to %c400 step %c1
// CHECK: vector.transfer_read {{.*}} vector<1x1x2xbf16>
// CHECK: vector.transfer_read {{.*}} vector<1x128x2xbf16>
// CHECK: arith.extf {{.*}} : vector<1x1x2xbf16> to vector<1x1x2xf32>
// CHECK: arith.extf {{.*}} : vector<1x128x2xbf16> to vector<1x128x2xf32>
// CHECK: vector.contract {{.*}} : vector<1x1x2xf32>, vector<1x128x2xf32> into vector<1x128xf32>
#x = affine_map<(m, n, k, p) -> (m, k, p)>
#w = affine_map<(m, n, k, p) -> (k, n, p)>
#o = affine_map<(m, n, k, p) -> (m, n)>
func.func @dense(%x: memref<?x400x2xbf16>, %w: memref<400x128x2xbf16>, %y: memref<?x128xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
    ins(%x, %w : memref<?x400x2xbf16>, memref<400x128x2xbf16>) outs(%y : memref<?x128xf32>) {
  ^bb0(%a: bf16, %b: bf16, %c: f32):
    %ae = arith.extf %a : bf16 to f32
    %be = arith.extf %b : bf16 to f32
    %m = arith.mulf %ae, %be : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  }
  return
}

// The Dense layer's input gradient (128 units as 64 pairs, 800 columns):
// 800 is 50 vectors, whose largest divisor up to 8 is 5; an odd count of
// accumulators LLVM would take apart lane by lane, so 2 vectors, 32 columns.
// CHECK-LABEL: func.func @input_gradient
// CHECK: scf.for %{{.*}} = %c0 to %c800 step %c32
// CHECK: vector.transfer_read {{.*}} vector<1x32x2xbf16>
// CHECK: vector.contract {{.*}} into vector<1x32xf32>
func.func @input_gradient(%x: memref<?x64x2xbf16>, %w: memref<64x800x2xbf16>, %y: memref<?x800xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
    ins(%x, %w : memref<?x64x2xbf16>, memref<64x800x2xbf16>) outs(%y : memref<?x800xf32>) {
  ^bb0(%a: bf16, %b: bf16, %c: f32):
    %ae = arith.extf %a : bf16 to f32
    %be = arith.extf %b : bf16 to f32
    %m = arith.mulf %ae, %be : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  }
  return
}

// The packing of the kernel into pairs: 16 columns by the pair per tile,
// two rows of 16 floats read, rounded, and written as 32 contiguous bf16.
// CHECK-LABEL: func.func @pack
// CHECK: scf.for %{{.*}} = %c0 to %c400 step %c1
// CHECK: scf.for %{{.*}} = %c0 to %c128 step %c16
// CHECK: vector.transfer_read {{.*}} vector<1x2x16xf32>
// CHECK: arith.truncf {{.*}} : vector<1x2x16xf32> to vector<1x2x16xbf16>
// CHECK: vector.transfer_write {{.*}} : vector<1x16x2xbf16>
#i = affine_map<(k, n, p) -> (k, p, n)>
#u = affine_map<(k, n, p) -> (k, n, p)>
func.func @pack(%w: memref<400x2x128xf32>, %p: memref<400x128x2xbf16>) {
  linalg.generic {indexing_maps = [#i, #u], iterator_types = ["parallel", "parallel", "parallel"]}
    ins(%w : memref<400x2x128xf32>) outs(%p : memref<400x128x2xbf16>) {
  ^bb0(%a: f32, %b: bf16):
    %t = arith.truncf %a : f32 to bf16
    linalg.yield %t : bf16
  }
  return
}
