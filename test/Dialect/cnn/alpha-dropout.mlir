// RUN: cnnc-opt %s | FileCheck %s
// RUN: cnnc-opt %s | cnnc-opt | FileCheck %s
// RUN: cnnc-opt %s --mlir-print-op-generic | cnnc-opt | FileCheck %s

// cnn.alpha_dropout (with and without a seed) and the two ops it becomes in
// training, in their custom form.

// CHECK-LABEL: func.func @alpha_dropout
func.func @alpha_dropout(%x: tensor<?x64xf32>, %mask: tensor<?x64xf32>) -> tensor<?x64xf32> {
  // CHECK: cnn.alpha_dropout %{{.*}} rate = 1.000000e-01 : tensor<?x64xf32>
  %0 = cnn.alpha_dropout %x rate = 0.1 : tensor<?x64xf32>
  // CHECK: cnn.alpha_dropout %{{.*}} rate = 0.000000e+00 seed = 7 : tensor<?x64xf32>
  %1 = cnn.alpha_dropout %0 rate = 0.0 seed = 7 : tensor<?x64xf32>
  // CHECK: cnn.alpha_dropout_apply %{{.*}}, %{{.*}} rate = 1.000000e-01 : tensor<?x64xf32>
  %2 = cnn.alpha_dropout_apply %1, %mask rate = 0.1 : tensor<?x64xf32>
  // CHECK: cnn.alpha_dropout_grad %{{.*}}, %{{.*}} rate = 1.000000e-01 : tensor<?x64xf32>
  %3 = cnn.alpha_dropout_grad %2, %mask rate = 0.1 : tensor<?x64xf32>
  return %3 : tensor<?x64xf32>
}
