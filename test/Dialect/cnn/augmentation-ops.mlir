// RUN: cnnc-opt %s | FileCheck %s
// RUN: cnnc-opt %s | cnnc-opt | FileCheck %s
// RUN: cnnc-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// cnn.random_augmentation, Keras's six augmentation layers in one op: its
// kind names the layer, an optional seed is Keras's, and the result is the
// input's type (the identity at inference).

// CHECK-LABEL: func.func @kinds
func.func @kinds(%x: tensor<?x6x6x3xf32>) -> tensor<?x6x6x3xf32> {
  // CHECK: cnn.random_augmentation flip %{{.*}} seed = 42 : tensor<?x6x6x3xf32>
  %0 = cnn.random_augmentation flip %x seed = 42 : tensor<?x6x6x3xf32>
  // CHECK: cnn.random_augmentation rotation
  %1 = cnn.random_augmentation rotation %0 : tensor<?x6x6x3xf32>
  // CHECK: cnn.random_augmentation zoom
  %2 = cnn.random_augmentation zoom %1 : tensor<?x6x6x3xf32>
  // CHECK: cnn.random_augmentation translation
  %3 = cnn.random_augmentation translation %2 : tensor<?x6x6x3xf32>
  // CHECK: cnn.random_augmentation contrast
  %4 = cnn.random_augmentation contrast %3 : tensor<?x6x6x3xf32>
  // CHECK: cnn.random_augmentation brightness
  %5 = cnn.random_augmentation brightness %4 : tensor<?x6x6x3xf32>
  return %5 : tensor<?x6x6x3xf32>
}
// GENERIC: "cnn.random_augmentation"(%{{.*}}) <{kind = 0 : i32, seed = 42 : i64}>
