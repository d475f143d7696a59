// RUN: cnnc-opt %s | FileCheck %s
// RUN: cnnc-opt %s | cnnc-opt | FileCheck %s
// RUN: cnnc-opt %s --mlir-print-op-generic | cnnc-opt | FileCheck %s

// The merge ops in their custom form, with the shapes Keras gives: equal
// shapes, a size-1 dimension broadcast, a concatenation along any axis but
// the batch; and their gradients.

// CHECK-LABEL: func.func @merges
func.func @merges(%a: tensor<?x8x8x4xf32>, %b: tensor<?x8x8x4xf32>,
                  %c: tensor<?x1x1x4xf32>, %d: tensor<?x8x8x2xf32>)
    -> (tensor<?x8x8x4xf32>, tensor<?x8x8x6xf32>) {
  // CHECK: cnn.merge add %{{.*}}, %{{.*}} : (tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32>
  %0 = cnn.merge add %a, %b : (tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32>
  // CHECK: cnn.merge subtract
  %1 = cnn.merge subtract %0, %b : (tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32>
  // (1, 1, 4) broadcasts over (8, 8, 4), as in a squeeze-and-excitation.
  // CHECK: cnn.merge multiply %{{.*}}, %{{.*}} : (tensor<?x8x8x4xf32>, tensor<?x1x1x4xf32>) -> tensor<?x8x8x4xf32>
  %2 = cnn.merge multiply %1, %c : (tensor<?x8x8x4xf32>, tensor<?x1x1x4xf32>) -> tensor<?x8x8x4xf32>
  // CHECK: cnn.merge average %{{.*}}, %{{.*}}, %{{.*}} :
  %3 = cnn.merge average %2, %a, %b : (tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32>
  // CHECK: cnn.merge maximum
  %4 = cnn.merge maximum %3, %c : (tensor<?x8x8x4xf32>, tensor<?x1x1x4xf32>) -> tensor<?x8x8x4xf32>
  // CHECK: cnn.merge minimum
  %5 = cnn.merge minimum %4, %a : (tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32>
  // CHECK: cnn.concatenate %{{.*}}, %{{.*}} axis = -1 : (tensor<?x8x8x4xf32>, tensor<?x8x8x2xf32>) -> tensor<?x8x8x6xf32>
  %6 = cnn.concatenate %5, %d axis = -1 : (tensor<?x8x8x4xf32>, tensor<?x8x8x2xf32>) -> tensor<?x8x8x6xf32>
  return %5, %6 : tensor<?x8x8x4xf32>, tensor<?x8x8x6xf32>
}

// CHECK-LABEL: func.func @rows_and_columns
func.func @rows_and_columns(%a: tensor<?x3x5x2xf32>, %b: tensor<?x4x5x2xf32>) -> tensor<?x7x10x2xf32> {
  // CHECK: cnn.concatenate %{{.*}}, %{{.*}} axis = 1 : (tensor<?x3x5x2xf32>, tensor<?x4x5x2xf32>) -> tensor<?x7x5x2xf32>
  %0 = cnn.concatenate %a, %b axis = 1 : (tensor<?x3x5x2xf32>, tensor<?x4x5x2xf32>) -> tensor<?x7x5x2xf32>
  // The same tensor twice.
  // CHECK: cnn.concatenate %{{.*}}, %{{.*}} axis = -2 : (tensor<?x7x5x2xf32>, tensor<?x7x5x2xf32>) -> tensor<?x7x10x2xf32>
  %1 = cnn.concatenate %0, %0 axis = -2 : (tensor<?x7x5x2xf32>, tensor<?x7x5x2xf32>) -> tensor<?x7x10x2xf32>
  return %1 : tensor<?x7x10x2xf32>
}

// CHECK-LABEL: func.func @gradients
func.func @gradients(%dy: tensor<?x8x8x4xf32>, %a: tensor<?x8x8x4xf32>,
                     %c: tensor<?x1x1x4xf32>, %dcat: tensor<?x8x8x6xf32>)
    -> (tensor<?x1x1x4xf32>, tensor<?x8x8x2xf32>) {
  // CHECK: cnn.merge_grad maximum index = 1 %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>, tensor<?x1x1x4xf32>) -> tensor<?x1x1x4xf32>
  %0 = cnn.merge_grad maximum index = 1 %dy, %a, %c : (tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>, tensor<?x1x1x4xf32>) -> tensor<?x1x1x4xf32>
  // CHECK: cnn.concatenate_grad %{{.*}} axis = 3 offset = 4 : (tensor<?x8x8x6xf32>) -> tensor<?x8x8x2xf32>
  %1 = cnn.concatenate_grad %dcat axis = 3 offset = 4 : (tensor<?x8x8x6xf32>) -> tensor<?x8x8x2xf32>
  return %0, %1 : tensor<?x1x1x4xf32>, tensor<?x8x8x2xf32>
}
