// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg | FileCheck %s

// AlphaDropout: the identity in @forward; in training one generic each
// way, with Keras's constants for rate 0.1 computed in double and rounded
// to f32 (alpha' = -1.7580993408473766, a = 0.9212845161497115,
// b = 0.16197097005757022, from keras/layers/regularization/
// alpha_dropout.py's formulas evaluated in Python):
//   y = a * (mask != 0 ? x : alpha') + b,  dx = mask != 0 ? dy * a : 0.

// CHECK-LABEL: func.func @identity
// CHECK-NEXT: return %arg0
func.func @identity(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = cnn.alpha_dropout %x rate = 0.1 : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// CHECK-LABEL: func.func @apply
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[AP:.*]] = arith.constant -1.75809{{[0-9]*}} : f32
// CHECK-DAG: %[[A:.*]] = arith.constant 0.92128{{[0-9]*}} : f32
// CHECK-DAG: %[[B:.*]] = arith.constant 0.16197{{[0-9]*}} : f32
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[M:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[K:.*]] = arith.cmpf one, %[[M]], %[[ZERO]] : f32
// CHECK-NEXT: %[[T:.*]] = arith.select %[[K]], %[[X]], %[[AP]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.mulf %[[T]], %[[A]] : f32
// CHECK-NEXT: %[[Y:.*]] = arith.addf %[[S]], %[[B]] : f32
// CHECK-NEXT: linalg.yield %[[Y]]
func.func @apply(%x: tensor<?x8xf32>, %m: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = cnn.alpha_dropout_apply %x, %m rate = 0.1 : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// CHECK-LABEL: func.func @grad
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[A:.*]] = arith.constant 0.92128{{[0-9]*}} : f32
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0(%[[DY:.*]]: f32, %[[M:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[K:.*]] = arith.cmpf one, %[[M]], %[[ZERO]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.mulf %[[DY]], %[[A]] : f32
// CHECK-NEXT: %[[DX:.*]] = arith.select %[[K]], %[[S]], %[[ZERO]] : f32
// CHECK-NEXT: linalg.yield %[[DX]]
func.func @grad(%dy: tensor<?x8xf32>, %m: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = cnn.alpha_dropout_grad %dy, %m rate = 0.1 : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
