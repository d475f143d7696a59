// REQUIRES: avx512vnni
// What --cnn-lower-int8-dot's vpdpbusd computes, run on this CPU: the
// 2x32 tile of cnn-lower-int8-dot.mlir on codes at the extremes (uint8 200,
// 255, 128: bytes with the sign bit set, which must read as unsigned; int8
// -128 and 127 columns) and an accumulator that is not zero. The expected
// rows are numpy's int64 c + a·bᵀ (a as uint8, b as int8). The same module
// without the pass (the contraction in i32 multiply-adds) prints the same.
// RUN: cnnc-opt %s --cnn-lower-int8-dot | FileCheck %s --check-prefix=IR
// IR-COUNT-4: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// The instruction itself, for a CPU with VNNI:
// RUN: cnnc-opt %s --cnn-lower-int8-dot --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --convert-arith-to-llvm --convert-cf-to-llvm --convert-func-to-llvm --reconcile-unrealized-casts \
// RUN:   | mlir-translate --mlir-to-llvmir | llc -mcpu=sapphirerapids | FileCheck %s --check-prefix=ASM
// ASM-COUNT-4: vpdpbusd {{.*}}%zmm
// RUN: cnnc-opt %s --cnn-lower-int8-dot --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --convert-arith-to-llvm --convert-cf-to-llvm --convert-func-to-llvm --reconcile-unrealized-casts \
// RUN:   | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s
// RUN: cnnc-opt %s --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --convert-arith-to-llvm --convert-cf-to-llvm --convert-func-to-llvm --reconcile-unrealized-casts \
// RUN:   | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s
// CHECK: ( -74752, 74167, 12825, 3047, 43103, 42124, 13160, 22668, -11858, -14536, -2249, 26059, 36882, 36864, -32597, -55611, -26782, 4081, 30750, -22377, -42812, -16512, 21760, -2105, -36015, -1578, -11220, -2180, -52843, -8066, 16824, -3617 )
// CHECK-NEXT: ( -13080, 14969, 4598, 11957, 12550, 7081, 10451, -1527, -5955, -1220, -10305, 11893, 8130, 11630, -10880, -8754, -3520, 484, 7688, -4341, -6232, -10310, 12840, 11261, -8661, 4594, 118, 5793, -5651, 3784, 6567, -5796 )

#lhs = affine_map<(m, n, k, p) -> (m, k, p)>
#rhs = affine_map<(m, n, k, p) -> (k, n, p)>
#acc = affine_map<(m, n, k, p) -> (m, n)>

// Its own function, called: the pass's folding would otherwise fold the
// extensions of constants, and nothing would match.
func.func @groups(%a: vector<2x1x4xi8>, %b: vector<1x32x4xi8>, %c: vector<2x32xi32>) -> vector<2x32xi32> {
  %ae = arith.extui %a : vector<2x1x4xi8> to vector<2x1x4xi32>
  %be = arith.extsi %b : vector<1x32x4xi8> to vector<1x32x4xi32>
  %r = vector.contract {indexing_maps = [#lhs, #rhs, #acc], iterator_types = ["parallel", "parallel", "reduction", "reduction"], kind = #vector.kind<add>} %ae, %be, %c : vector<2x1x4xi32>, vector<1x32x4xi32> into vector<2x32xi32>
  return %r : vector<2x32xi32>
}

func.func @main() {
  %a = arith.constant dense<[[[-56, 1, -1, -128]], [[0, 7, 100, 3]]]> : vector<2x1x4xi8>
  %b = arith.constant dense<[[[-128, -128, -128, -128], [127, 127, 127, 127], [-53, 33, 30, 123], [-66, -20, 114, -100], [51, 117, 106, 45], [100, -78, 65, 44], [1, 126, 88, -75], [123, 90, -33, 50], [72, -72, -62, -81], [-10, 116, -29, -41], [108, -16, -113, 39], [67, -16, 114, -128], [93, -62, 76, -8], [38, 66, 101, 27], [35, -18, -115, -80], [-99, 72, -100, -81], [-71, 57, -49, -1], [46, 13, -5, -30], [113, -77, 75, -85], [-6, 36, -54, -58], [-85, -125, -61, -79], [38, 107, -122, 54], [-25, 20, 118, -26], [-98, 81, 99, -61], [21, 34, -95, -125], [-123, 37, 30, 120], [25, 53, -9, -109], [-42, 23, 48, -47], [-96, 107, -70, -124], [-24, -125, 40, -104], [-49, -42, 56, 97], [45, 16, -70, 41]]]> : vector<1x32x4xi8>
  %c = arith.constant dense<[[0, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16, -17, -18, -19, -20, -21, -22, -23, -24, -25, -26, -27, -28, -29, -30, -31], [1000, 999, 998, 997, 996, 995, 994, 993, 992, 991, 990, 989, 988, 987, 986, 985, 984, 983, 982, 981, 980, 979, 978, 977, 976, 975, 974, 973, 972, 971, 970, 969]]> : vector<2x32xi32>
  %r = func.call @groups(%a, %b, %c) : (vector<2x1x4xi8>, vector<1x32x4xi8>, vector<2x32xi32>) -> vector<2x32xi32>
  %r0 = vector.extract %r[0] : vector<32xi32> from vector<2x32xi32>
  %r1 = vector.extract %r[1] : vector<32xi32> from vector<2x32xi32>
  vector.print %r0 : vector<32xi32>
  vector.print %r1 : vector<32xi32>
  return
}
