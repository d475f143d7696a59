// RUN: cnnc-opt %s --cnn-lower-bf16-dot --split-input-file | FileCheck %s

// A register tile of a bf16 pair contraction (--cnn-bf16-contractions,
// tiled by --cnn-vectorize): 2 rows by 32 columns, one pair of the
// reduction. Each row's pair is one 32-bit word broadcast to 16 lanes; the
// columns' 16 pairs are 32 contiguous bf16; each row and 16 columns is one
// vdpbf16ps into its f32 accumulators: 2 x 2 calls.

#lhs = affine_map<(m, n, k, p) -> (m, k, p)>
#rhs = affine_map<(m, n, k, p) -> (k, n, p)>
#acc = affine_map<(m, n, k, p) -> (m, n)>

// CHECK-LABEL: func.func @pairs
// CHECK-NOT: vector.contract
// CHECK: %[[COLS:.*]] = vector.shape_cast %{{.*}} : vector<1x32x2xbf16> to vector<64xbf16>
// CHECK: %[[C0:.*]] = vector.extract_strided_slice %[[COLS]] {offsets = [0], sizes = [32], strides = [1]}
// CHECK: %[[C1:.*]] = vector.extract_strided_slice %[[COLS]] {offsets = [32], sizes = [32], strides = [1]}
// CHECK: %[[PAIR:.*]] = vector.extract %{{.*}}[0, 0] : vector<2xbf16> from vector<2x1x2xbf16>
// CHECK: %[[WORD:.*]] = vector.bitcast %[[PAIR]] : vector<2xbf16> to vector<1xi32>
// CHECK: %[[SPLAT:.*]] = vector.broadcast %[[WORD]] : vector<1xi32> to vector<16xi32>
// CHECK: %[[A:.*]] = vector.bitcast %[[SPLAT]] : vector<16xi32> to vector<32xbf16>
// CHECK: %[[ACC:.*]] = vector.extract %{{.*}}[0] : vector<32xf32> from vector<2x32xf32>
// CHECK: %[[LANES:.*]] = vector.extract_strided_slice %[[ACC]] {offsets = [0], sizes = [16], strides = [1]}
// CHECK: llvm.call_intrinsic "llvm.x86.avx512bf16.dpbf16ps.512"(%[[LANES]], %[[A]], %[[C0]]) : (vector<16xf32>, vector<32xbf16>, vector<32xbf16>) -> vector<16xf32>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512bf16.dpbf16ps.512"(%{{.*}}, %[[A]], %[[C1]])
// CHECK: vector.extract %{{.*}}[1, 0] : vector<2xbf16> from vector<2x1x2xbf16>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512bf16.dpbf16ps.512"(%{{.*}}, %{{.*}}, %[[C0]])
// CHECK: llvm.call_intrinsic "llvm.x86.avx512bf16.dpbf16ps.512"(%{{.*}}, %{{.*}}, %[[C1]])
// CHECK-NOT: dpbf16ps
// CHECK: return
func.func @pairs(%a: vector<2x1x2xbf16>, %b: vector<1x32x2xbf16>, %c: vector<2x32xf32>) -> vector<2x32xf32> {
  %ae = arith.extf %a : vector<2x1x2xbf16> to vector<2x1x2xf32>
  %be = arith.extf %b : vector<1x32x2xbf16> to vector<1x32x2xf32>
  %r = vector.contract {indexing_maps = [#lhs, #rhs, #acc], iterator_types = ["parallel", "parallel", "reduction", "reduction"], kind = #vector.kind<add>} %ae, %be, %c : vector<2x1x2xf32>, vector<1x32x2xf32> into vector<2x32xf32>
  return %r : vector<2x32xf32>
}

// -----

// Not a bf16 pair contraction, left for --cnn-lower-vectors: operands that
// are f32 to begin with; 8 columns (not a whole zmm of accumulators); a
// reduction of 3 rather than a pair.

#lhs = affine_map<(m, n, k, p) -> (m, k, p)>
#rhs = affine_map<(m, n, k, p) -> (k, n, p)>
#acc = affine_map<(m, n, k, p) -> (m, n)>

// CHECK-LABEL: func.func @f32_operands
// CHECK: vector.contract
// CHECK-NOT: llvm.call_intrinsic
func.func @f32_operands(%a: vector<1x1x2xf32>, %b: vector<1x32x2xf32>, %c: vector<1x32xf32>) -> vector<1x32xf32> {
  %r = vector.contract {indexing_maps = [#lhs, #rhs, #acc], iterator_types = ["parallel", "parallel", "reduction", "reduction"], kind = #vector.kind<add>} %a, %b, %c : vector<1x1x2xf32>, vector<1x32x2xf32> into vector<1x32xf32>
  return %r : vector<1x32xf32>
}

// CHECK-LABEL: func.func @eight_columns
// CHECK: vector.contract
// CHECK-NOT: llvm.call_intrinsic
func.func @eight_columns(%a: vector<1x1x2xbf16>, %b: vector<1x8x2xbf16>, %c: vector<1x8xf32>) -> vector<1x8xf32> {
  %ae = arith.extf %a : vector<1x1x2xbf16> to vector<1x1x2xf32>
  %be = arith.extf %b : vector<1x8x2xbf16> to vector<1x8x2xf32>
  %r = vector.contract {indexing_maps = [#lhs, #rhs, #acc], iterator_types = ["parallel", "parallel", "reduction", "reduction"], kind = #vector.kind<add>} %ae, %be, %c : vector<1x1x2xf32>, vector<1x8x2xf32> into vector<1x8xf32>
  return %r : vector<1x8xf32>
}

// CHECK-LABEL: func.func @three
// CHECK: vector.contract
// CHECK-NOT: llvm.call_intrinsic
func.func @three(%a: vector<1x1x3xbf16>, %b: vector<1x32x3xbf16>, %c: vector<1x32xf32>) -> vector<1x32xf32> {
  %ae = arith.extf %a : vector<1x1x3xbf16> to vector<1x1x3xf32>
  %be = arith.extf %b : vector<1x32x3xbf16> to vector<1x32x3xf32>
  %r = vector.contract {indexing_maps = [#lhs, #rhs, #acc], iterator_types = ["parallel", "parallel", "reduction", "reduction"], kind = #vector.kind<add>} %ae, %be, %c : vector<1x1x3xf32>, vector<1x32x3xf32> into vector<1x32xf32>
  return %r : vector<1x32xf32>
}

// -----

// Rounding to bf16: 48 lanes are one vcvtne2ps2bf16 (lanes 0-31; its
// second operand gives the low half) and one vcvtneps2bf16 (32-47); 8
// lanes are not a whole zmm and stay arith.truncf (LLVM's own conversion).

// CHECK-LABEL: func.func @round
// CHECK: %[[FLAT:.*]] = vector.shape_cast %{{.*}} : vector<3x16xf32> to vector<48xf32>
// CHECK: %[[LO:.*]] = vector.extract_strided_slice %[[FLAT]] {offsets = [16], sizes = [16], strides = [1]}
// CHECK: %[[HI:.*]] = vector.extract_strided_slice %[[FLAT]] {offsets = [0], sizes = [16], strides = [1]}
// CHECK: llvm.call_intrinsic "llvm.x86.avx512bf16.cvtne2ps2bf16.512"(%[[LO]], %[[HI]]) : (vector<16xf32>, vector<16xf32>) -> vector<32xbf16>
// CHECK: %[[LAST:.*]] = vector.extract_strided_slice %[[FLAT]] {offsets = [32], sizes = [16], strides = [1]}
// CHECK: llvm.call_intrinsic "llvm.x86.avx512bf16.cvtneps2bf16.512"(%[[LAST]]) : (vector<16xf32>) -> vector<16xbf16>
// CHECK: vector.shape_cast %{{.*}} : vector<48xbf16> to vector<3x16xbf16>
// CHECK: arith.truncf %{{.*}} : vector<8xf32> to vector<8xbf16>
func.func @round(%a: vector<3x16xf32>, %b: vector<8xf32>) -> (vector<3x16xbf16>, vector<8xbf16>) {
  %r = arith.truncf %a : vector<3x16xf32> to vector<3x16xbf16>
  %s = arith.truncf %b : vector<8xf32> to vector<8xbf16>
  return %r, %s : vector<3x16xbf16>, vector<8xbf16>
}

// -----

// A tile of packed pairs read at a column offset of its buffer (the Dense
// input gradient's 800 columns): one 1-D read of the 64 bf16 at 2j of the
// buffer with its last two dimensions collapsed, not 32 reads of one pair.

// CHECK-LABEL: func.func @pair_read
// CHECK-SAME: (%[[BUF:.*]]: memref<4x64x2xbf16>, %[[K:.*]]: index, %[[J:.*]]: index)
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %[[BUF]] {{\[\[}}0], [1, 2]] : memref<4x64x2xbf16> into memref<4x128xbf16>
// CHECK: %[[AT:.*]] = arith.muli %[[J]], %c2
// CHECK: %[[READ:.*]] = vector.transfer_read %[[FLAT]][%[[K]], %[[AT]]], %{{.*}} {in_bounds = [true]} : memref<4x128xbf16>, vector<64xbf16>
// CHECK: vector.shape_cast %[[READ]] : vector<64xbf16> to vector<1x32x2xbf16>
func.func @pair_read(%buf: memref<4x64x2xbf16>, %k: index, %j: index) -> vector<1x32x2xbf16> {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : bf16
  %r = vector.transfer_read %buf[%k, %j, %c0], %pad {in_bounds = [true, true, true]} : memref<4x64x2xbf16>, vector<1x32x2xbf16>
  return %r : vector<1x32x2xbf16>
}
