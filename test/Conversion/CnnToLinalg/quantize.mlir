// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg | FileCheck %s

// The int8 ops are one elementwise generic each, the per-channel values a
// constant vector indexed by the last dimension. Each product and sum is
// its own f32 op, as numpy's reference computes them.

// quantize_input, scale 0.5 (inverse 2), zero point 3:
// clamp(rint(x * 2) + 3, 0, 255) - 3.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>)
// CHECK-DAG: %[[HI:.*]] = arith.constant 2.550000e+02 : f32
// CHECK-DAG: %[[LO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[Z:.*]] = arith.constant 3.000000e+00 : f32
// CHECK-DAG: %[[INV:.*]] = arith.constant 2.000000e+00 : f32
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<?x4xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[S:.*]] = arith.mulf %[[IN]], %[[INV]] : f32
// CHECK-NEXT: %[[R:.*]] = math.roundeven %[[S]] : f32
// CHECK-NEXT: %[[Q:.*]] = arith.addf %[[R]], %[[Z]] : f32
// CHECK-NEXT: %[[Q1:.*]] = arith.maximumf %[[Q]], %[[LO]] : f32
// CHECK-NEXT: %[[Q2:.*]] = arith.minimumf %[[Q1]], %[[HI]] : f32
// CHECK-NEXT: %[[C:.*]] = arith.subf %[[Q2]], %[[Z]] : f32
// CHECK-NEXT: linalg.yield %[[C]] : f32
func.func @forward(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = cnn.quantize_input %x scale = 0.5 zero_point = 3 : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// quantize_kernel, scales 0.25 and 0.5 (inverses 4 and 2) by output
// channel: clamp(rint(K * inv[c]), -127, 127).
// CHECK-LABEL: func.func @kernel
// CHECK-SAME: (%[[K:.*]]: tensor<3x3x1x2xf32>)
// CHECK-DAG: %[[HI:.*]] = arith.constant 1.270000e+02 : f32
// CHECK-DAG: %[[LO:.*]] = arith.constant -1.270000e+02 : f32
// CHECK-DAG: %[[INV:.*]] = arith.constant dense<[4.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID:.*]], #[[CH:.*]], #[[ID]]], {{.*}} ins(%[[K]], %[[INV]] : tensor<3x3x1x2xf32>, tensor<2xf32>)
// CHECK-NEXT: ^bb0(%[[W:.*]]: f32, %[[I:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[WS:.*]] = arith.mulf %[[W]], %[[I]] : f32
// CHECK-NEXT: %[[WR:.*]] = math.roundeven %[[WS]] : f32
// CHECK-NEXT: %[[W1:.*]] = arith.maximumf %[[WR]], %[[LO]] : f32
// CHECK-NEXT: %[[W2:.*]] = arith.minimumf %[[W1]], %[[HI]] : f32
// CHECK-NEXT: linalg.yield %[[W2]] : f32
func.func @kernel(%k: tensor<3x3x1x2xf32>) -> tensor<3x3x1x2xf32> {
  %0 = cnn.quantize_kernel %k scales = [0.25, 0.5] : tensor<3x3x1x2xf32>
  return %0 : tensor<3x3x1x2xf32>
}

// -----

// dequantize: a * m[c] + bias[c], then without bias a * m[c].
// CHECK-LABEL: func.func @dequantize
// CHECK-SAME: (%[[A:.*]]: tensor<?x5x2xf32>, %[[B:.*]]: tensor<2xf32>)
// CHECK-DAG: %[[ONES:.*]] = arith.constant dense<1.000000e+00> : tensor<2xf32>
// CHECK-DAG: %[[M:.*]] = arith.constant dense<[1.250000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[A]], %[[M]], %[[B]] : tensor<?x5x2xf32>, tensor<2xf32>, tensor<2xf32>)
// CHECK-NEXT: ^bb0(%[[AA:.*]]: f32, %[[MM:.*]]: f32, %[[BB:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[AA]], %[[MM]] : f32
// CHECK-NEXT: %[[PB:.*]] = arith.addf %[[P]], %[[BB]] : f32
// CHECK-NEXT: linalg.yield %[[PB]] : f32
// CHECK: linalg.generic {{.*}} ins(%[[Y]], %[[ONES]] : tensor<?x5x2xf32>, tensor<2xf32>)
// CHECK-NEXT: ^bb0(%[[AA2:.*]]: f32, %[[MM2:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[P2:.*]] = arith.mulf %[[AA2]], %[[MM2]] : f32
// CHECK-NEXT: linalg.yield %[[P2]] : f32
func.func @dequantize(%a: tensor<?x5x2xf32>, %b: tensor<2xf32>) -> tensor<?x5x2xf32> {
  %0 = cnn.dequantize %a bias %b multipliers = [0.125, 0.25] : (tensor<?x5x2xf32>, tensor<2xf32>) -> tensor<?x5x2xf32>
  %1 = cnn.dequantize %0 multipliers = [1.0, 1.0] : (tensor<?x5x2xf32>) -> tensor<?x5x2xf32>
  return %1 : tensor<?x5x2xf32>
}
