// RUN: cnnc-opt %s --cnn-lower-int8-dot --split-input-file | FileCheck %s

// A register tile of an int8 group contraction: 2 rows of uint8 input codes
// by 32 columns of int8 kernel codes, one group of 4 reduction steps, into
// i32 accumulators. Each row's 4 codes are one 32-bit word broadcast to 16
// lanes; the columns' 16 groups are 64 contiguous bytes; each row and 16
// columns is one vpdpbusd (unsigned codes first): 2 x 2 calls.

#lhs = affine_map<(m, n, k, p) -> (m, k, p)>
#rhs = affine_map<(m, n, k, p) -> (k, n, p)>
#acc = affine_map<(m, n, k, p) -> (m, n)>

// CHECK-LABEL: func.func @groups
// CHECK-NOT: vector.contract
// CHECK: %[[COLS:.*]] = vector.shape_cast %{{.*}} : vector<1x32x4xi8> to vector<128xi8>
// CHECK: %[[S0:.*]] = vector.extract_strided_slice %[[COLS]] {offsets = [0], sizes = [64], strides = [1]}
// CHECK: %[[B0:.*]] = vector.bitcast %[[S0]] : vector<64xi8> to vector<16xi32>
// CHECK: %[[S1:.*]] = vector.extract_strided_slice %[[COLS]] {offsets = [64], sizes = [64], strides = [1]}
// CHECK: %[[B1:.*]] = vector.bitcast %[[S1]] : vector<64xi8> to vector<16xi32>
// CHECK: %[[GROUP:.*]] = vector.extract %{{.*}}[0, 0] : vector<4xi8> from vector<2x1x4xi8>
// CHECK: %[[WORD:.*]] = vector.bitcast %[[GROUP]] : vector<4xi8> to vector<1xi32>
// CHECK: %[[SPLAT:.*]] = vector.broadcast %[[WORD]] : vector<1xi32> to vector<16xi32>
// CHECK: %[[ACC:.*]] = vector.extract %{{.*}}[0] : vector<32xi32> from vector<2x32xi32>
// CHECK: %[[LANES:.*]] = vector.extract_strided_slice %[[ACC]] {offsets = [0], sizes = [16], strides = [1]}
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%[[LANES]], %[[SPLAT]], %[[B0]]) : (vector<16xi32>, vector<16xi32>, vector<16xi32>) -> vector<16xi32>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%{{.*}}, %[[SPLAT]], %[[B1]])
// CHECK: vector.extract %{{.*}}[1, 0] : vector<4xi8> from vector<2x1x4xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK-NOT: vpdpbusd
// CHECK: return
func.func @groups(%a: vector<2x1x4xi8>, %b: vector<1x32x4xi8>, %c: vector<2x32xi32>) -> vector<2x32xi32> {
  %ae = arith.extui %a : vector<2x1x4xi8> to vector<2x1x4xi32>
  %be = arith.extsi %b : vector<1x32x4xi8> to vector<1x32x4xi32>
  %r = vector.contract {indexing_maps = [#lhs, #rhs, #acc], iterator_types = ["parallel", "parallel", "reduction", "reduction"], kind = #vector.kind<add>} %ae, %be, %c : vector<2x1x4xi32>, vector<1x32x4xi32> into vector<2x32xi32>
  return %r : vector<2x32xi32>
}

// -----

// Not a vpdpbusd tile, left for --cnn-lower-vectors: the signed codes as
// the broadcast row (vpdpbusd's first source is unsigned); both operands
// signed; 8 columns (not a whole zmm); a group of 2.

#lhs = affine_map<(m, n, k, p) -> (m, k, p)>
#rhs = affine_map<(m, n, k, p) -> (k, n, p)>
#acc = affine_map<(m, n, k, p) -> (m, n)>

// CHECK-LABEL: func.func @signed_row
// CHECK: vector.contract
// CHECK-NOT: llvm.call_intrinsic
func.func @signed_row(%a: vector<1x1x4xi8>, %b: vector<1x32x4xi8>, %c: vector<1x32xi32>) -> vector<1x32xi32> {
  %ae = arith.extsi %a : vector<1x1x4xi8> to vector<1x1x4xi32>
  %be = arith.extui %b : vector<1x32x4xi8> to vector<1x32x4xi32>
  %r = vector.contract {indexing_maps = [#lhs, #rhs, #acc], iterator_types = ["parallel", "parallel", "reduction", "reduction"], kind = #vector.kind<add>} %ae, %be, %c : vector<1x1x4xi32>, vector<1x32x4xi32> into vector<1x32xi32>
  return %r : vector<1x32xi32>
}

// CHECK-LABEL: func.func @both_signed
// CHECK: vector.contract
// CHECK-NOT: llvm.call_intrinsic
func.func @both_signed(%a: vector<1x1x4xi8>, %b: vector<1x32x4xi8>, %c: vector<1x32xi32>) -> vector<1x32xi32> {
  %ae = arith.extsi %a : vector<1x1x4xi8> to vector<1x1x4xi32>
  %be = arith.extsi %b : vector<1x32x4xi8> to vector<1x32x4xi32>
  %r = vector.contract {indexing_maps = [#lhs, #rhs, #acc], iterator_types = ["parallel", "parallel", "reduction", "reduction"], kind = #vector.kind<add>} %ae, %be, %c : vector<1x1x4xi32>, vector<1x32x4xi32> into vector<1x32xi32>
  return %r : vector<1x32xi32>
}

// CHECK-LABEL: func.func @eight_columns
// CHECK: vector.contract
// CHECK-NOT: llvm.call_intrinsic
func.func @eight_columns(%a: vector<1x1x4xi8>, %b: vector<1x8x4xi8>, %c: vector<1x8xi32>) -> vector<1x8xi32> {
  %ae = arith.extui %a : vector<1x1x4xi8> to vector<1x1x4xi32>
  %be = arith.extsi %b : vector<1x8x4xi8> to vector<1x8x4xi32>
  %r = vector.contract {indexing_maps = [#lhs, #rhs, #acc], iterator_types = ["parallel", "parallel", "reduction", "reduction"], kind = #vector.kind<add>} %ae, %be, %c : vector<1x1x4xi32>, vector<1x8x4xi32> into vector<1x8xi32>
  return %r : vector<1x8xi32>
}

// CHECK-LABEL: func.func @pairs
// CHECK: vector.contract
// CHECK-NOT: llvm.call_intrinsic
func.func @pairs(%a: vector<1x1x2xi8>, %b: vector<1x32x2xi8>, %c: vector<1x32xi32>) -> vector<1x32xi32> {
  %ae = arith.extui %a : vector<1x1x2xi8> to vector<1x1x2xi32>
  %be = arith.extsi %b : vector<1x32x2xi8> to vector<1x32x2xi32>
  %r = vector.contract {indexing_maps = [#lhs, #rhs, #acc], iterator_types = ["parallel", "parallel", "reduction", "reduction"], kind = #vector.kind<add>} %ae, %be, %c : vector<1x1x2xi32>, vector<1x32x2xi32> into vector<1x32xi32>
  return %r : vector<1x32xi32>
}

// -----

// A convolution's register tile in the layout the int8 convolutions would
// need (docs/compiler.md "int8 inference"): one image row of 10 output
// columns, one group of 4 input channels (NHWC: 4 contiguous codes of a
// pixel, no packing), one tap, 32 filters of the kernel packed
// [KH, KW, C/4, F, 4]. It is the Dense form with the rows the output
// columns: 10 rows x 2 zmm of filters, 20 vpdpbusd.

#lhs = affine_map<(n, w, f, c, p) -> (n, w, c, p)>
#rhs = affine_map<(n, w, f, c, p) -> (c, f, p)>
#acc = affine_map<(n, w, f, c, p) -> (n, w, f)>

// CHECK-LABEL: func.func @conv_row
// CHECK-NOT: vector.contract
// CHECK: vector.extract %{{.*}}[0, 0, 0] : vector<4xi8> from vector<1x10x1x4xi8>
// CHECK-COUNT-2: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK: vector.extract %{{.*}}[0, 9, 0] : vector<4xi8> from vector<1x10x1x4xi8>
// CHECK-COUNT-2: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK-NOT: vpdpbusd
// CHECK: vector.shape_cast %{{.*}} : vector<10x32xi32> to vector<1x10x32xi32>
func.func @conv_row(%a: vector<1x10x1x4xi8>, %b: vector<1x32x4xi8>, %c: vector<1x10x32xi32>) -> vector<1x10x32xi32> {
  %ae = arith.extui %a : vector<1x10x1x4xi8> to vector<1x10x1x4xi32>
  %be = arith.extsi %b : vector<1x32x4xi8> to vector<1x32x4xi32>
  %r = vector.contract {indexing_maps = [#lhs, #rhs, #acc], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"], kind = #vector.kind<add>} %ae, %be, %c : vector<1x10x1x4xi32>, vector<1x32x4xi32> into vector<1x10x32xi32>
  return %r : vector<1x10x32xi32>
}
