// RUN: cnnc-opt %s | FileCheck %s
// RUN: cnnc-opt %s | cnnc-opt | FileCheck %s
// RUN: cnnc-opt %s --mlir-print-op-generic | cnnc-opt | FileCheck %s

// cnn.permute in its custom form, on an image and on a sequence; the
// result's axes after the batch are the input's in the order of `dims`.

// CHECK-LABEL: func.func @permute
func.func @permute(%x: tensor<?x4x5x3xf32>, %s: tensor<2x5x7xf32>) -> (tensor<?x3x4x5xf32>, tensor<2x7x5xf32>) {
  // CHECK: cnn.permute %{{.*}} dims = [2, 1, 3] : (tensor<?x4x5x3xf32>) -> tensor<?x5x4x3xf32>
  %0 = cnn.permute %x dims = [2, 1, 3] : (tensor<?x4x5x3xf32>) -> tensor<?x5x4x3xf32>
  // CHECK: cnn.permute %{{.*}} dims = [3, 2, 1] : (tensor<?x5x4x3xf32>) -> tensor<?x3x4x5xf32>
  %1 = cnn.permute %0 dims = [3, 2, 1] : (tensor<?x5x4x3xf32>) -> tensor<?x3x4x5xf32>
  // CHECK: cnn.permute %{{.*}} dims = [2, 1] : (tensor<2x5x7xf32>) -> tensor<2x7x5xf32>
  %2 = cnn.permute %s dims = [2, 1] : (tensor<2x5x7xf32>) -> tensor<2x7x5xf32>
  return %1, %2 : tensor<?x3x4x5xf32>, tensor<2x7x5xf32>
}
