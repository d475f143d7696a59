// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg | FileCheck %s

// Activations are elementwise linalg.generic ops (identity maps, all loops
// parallel) into a tensor.empty of the input's shape; softmax is two
// reductions and two elementwise generics; flatten is a
// tensor.collapse_shape; dropout and linear are the identity in the
// forward pass and leave nothing behind.

// relu is `0 > x ? 0 : x`: NaN stays NaN (Keras's relu), and the select
// is one x86 vmaxps with the NaN-returning operand order.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @relu
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[N:.*]] = tensor.dim %arg0, %c0
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x5x5x32xf32>
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg0 : tensor<?x5x5x32xf32>) outs(%[[E]] : tensor<?x5x5x32xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[NEG:.*]] = arith.cmpf ogt, %[[ZERO]], %[[IN]] : f32
// CHECK-NEXT: %[[M:.*]] = arith.select %[[NEG]], %[[ZERO]], %[[IN]] : f32
// CHECK-NEXT: linalg.yield %[[M]] : f32
// CHECK: return %[[Y]]
func.func @relu(%x: tensor<?x5x5x32xf32>) -> tensor<?x5x5x32xf32> {
  %0 = cnn.relu %x : tensor<?x5x5x32xf32>
  return %0 : tensor<?x5x5x32xf32>
}

// -----

// sigmoid is 1 / (1 + exp(-x)), its exp in MLIR's polynomial form (plain
// arithmetic that vectorizes; docs/compiler.md gives the accuracy).
// CHECK-LABEL: func.func @sigmoid
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[NEG:.*]] = arith.negf %[[IN]] : f32
// CHECK-NOT: math.exp
// CHECK: math.fma
// CHECK-NOT: math.exp
// CHECK: %[[DEN:.*]] = arith.addf %[[ONE]], %{{.*}} : f32
// CHECK-NEXT: %[[Y:.*]] = arith.divf %[[ONE]], %[[DEN]] : f32
// CHECK-NEXT: linalg.yield %[[Y]] : f32
func.func @sigmoid(%x: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %0 = cnn.sigmoid %x : tensor<?x128xf32>
  return %0 : tensor<?x128xf32>
}

// -----

// tanh in MLIR's polynomial form: no math.tanh (a tanhf call per element)
// is left.
// CHECK-LABEL: func.func @tanh
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NOT: math.tanh
// CHECK: math.fma
// CHECK-NOT: math.tanh
// CHECK: linalg.yield
func.func @tanh(%x: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %0 = cnn.tanh %x : tensor<?x128xf32>
  return %0 : tensor<?x128xf32>
}

// -----

// The lesson's softmax on (batch, 10), along the last axis:
//   m = max over axis 1 (from -inf), e = exp(x - m), s = sum of e over
//   axis 1 (from 0), y = e / s.
// The row statistics are (batch,) tensors read through (d0, d1) -> (d0).
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @softmax
// CHECK-DAG: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[MINIT:.*]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<?xf32>)
// CHECK: %[[MAX:.*]] = linalg.reduce ins(%arg0 : tensor<?x10xf32>) outs(%[[MINIT]] : tensor<?xf32>) dimensions = [1]
// CHECK: arith.maximumf
// CHECK: %[[EXPS:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[ROW]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%arg0, %[[MAX]] : tensor<?x10xf32>, tensor<?xf32>)
// CHECK: arith.subf
// CHECK-NEXT: math.exp
// CHECK: %[[SINIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<?xf32>)
// CHECK: %[[SUM:.*]] = linalg.reduce ins(%[[EXPS]] : tensor<?x10xf32>) outs(%[[SINIT]] : tensor<?xf32>) dimensions = [1]
// CHECK: arith.addf
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[ROW]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[EXPS]], %[[SUM]] : tensor<?x10xf32>, tensor<?xf32>)
// CHECK: arith.divf
// CHECK: return %[[Y]]
func.func @softmax(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %0 = cnn.softmax %x : tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// Softmax along axis 0 (over the batch) reduces to a (10,) tensor, read
// through (d0, d1) -> (d1).
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @softmax_axis0
// CHECK: linalg.reduce ins(%arg0 : tensor<4x10xf32>) outs(%{{.*}} : tensor<10xf32>) dimensions = [0]
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[COL]], #{{.*}}]
func.func @softmax_axis0(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %0 = cnn.softmax %x axis = 0 : tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// -----

// Flatten is row-major: (N, 5, 5, 32) -> (N, 800), dims 1..3 collapsed.
// CHECK-LABEL: func.func @flatten
// CHECK: %[[Y:.*]] = tensor.collapse_shape %arg0 {{\[}}[0], [1, 2, 3]] : tensor<?x5x5x32xf32> into tensor<?x800xf32>
// CHECK-NEXT: return %[[Y]]
func.func @flatten(%x: tensor<?x5x5x32xf32>) -> tensor<?x800xf32> {
  %0 = cnn.flatten %x : (tensor<?x5x5x32xf32>) -> tensor<?x800xf32>
  return %0 : tensor<?x800xf32>
}

// -----

// Dropout (inference) and linear are the identity: the function returns
// its argument and nothing is computed.
// CHECK-LABEL: func.func @dropout_and_linear
// CHECK-NEXT: return %arg0 : tensor<?x128xf32>
func.func @dropout_and_linear(%x: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %0 = cnn.dropout %x rate = 0.5 seed = 3 : tensor<?x128xf32>
  %1 = cnn.linear %0 : tensor<?x128xf32>
  return %1 : tensor<?x128xf32>
}

// -----

// Nothing of the cnn dialect survives the conversion of a whole model
// tail: flatten, dropout, dense, relu, dense, softmax.
// CHECK-LABEL: func.func @classifier_tail
// CHECK-NOT: cnn.
// CHECK: tensor.collapse_shape
// CHECK-NOT: cnn.
// CHECK: linalg.matmul
// CHECK-NOT: cnn.
// CHECK: arith.select
// CHECK-NOT: cnn.
// CHECK: linalg.matmul
// CHECK-NOT: cnn.
// CHECK: math.exp
// CHECK-NOT: cnn.
// CHECK: return
func.func @classifier_tail(%x: tensor<?x5x5x32xf32>, %k1: tensor<800x128xf32>, %b1: tensor<128xf32>,
                           %k2: tensor<128x10xf32>, %b2: tensor<10xf32>) -> tensor<?x10xf32> {
  %0 = cnn.flatten %x : (tensor<?x5x5x32xf32>) -> tensor<?x800xf32>
  %1 = cnn.dropout %0 rate = 0.5 : tensor<?x800xf32>
  %2 = cnn.dense %1, %k1, %b1 : (tensor<?x800xf32>, tensor<800x128xf32>, tensor<128xf32>) -> tensor<?x128xf32>
  %3 = cnn.relu %2 : tensor<?x128xf32>
  %4 = cnn.dense %3, %k2, %b2 : (tensor<?x128xf32>, tensor<128x10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  %5 = cnn.softmax %4 : tensor<?x10xf32>
  return %5 : tensor<?x10xf32>
}

// -----

// crop2d is a slice of the top-left corner (a view once bufferized).
// CHECK-LABEL: func.func @crop
// CHECK: %[[N:.*]] = tensor.dim %arg0, %c0
// CHECK: tensor.extract_slice %arg0[0, 0, 0, 0] [%[[N]], 12, 11, 32] [1, 1, 1, 1] : tensor<?x13x13x32xf32> to tensor<?x12x11x32xf32>
func.func @crop(%x: tensor<?x13x13x32xf32>) -> tensor<?x12x11x32xf32> {
  %0 = cnn.crop2d %x rows = 12 cols = 11 : (tensor<?x13x13x32xf32>) -> tensor<?x12x11x32xf32>
  return %0 : tensor<?x12x11x32xf32>
}
