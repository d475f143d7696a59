// RUN: cnnc-opt %s | FileCheck %s
// RUN: cnnc-opt %s | cnnc-opt | FileCheck %s
// RUN: cnnc-opt %s --mlir-print-op-generic | cnnc-opt | FileCheck %s

// cnn.layer_norm and its two backward ops in their custom form, with and
// without the optional gamma and beta, over the channels and over every
// axis after the batch; the printed form parses back to itself, and so
// does the generic form.

// CHECK-LABEL: func.func @layer_norm
func.func @layer_norm(%x: tensor<?x6x6x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>,
                      %g3: tensor<6x6x8xf32>) -> tensor<?x6x6x8xf32> {
  // CHECK: cnn.layer_norm %{{.*}} gamma %{{.*}} beta %{{.*}} axis = 3 epsilon = 1.000000e-03 : (tensor<?x6x6x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x6x6x8xf32>
  %0 = cnn.layer_norm %x gamma %g beta %b axis = 3 epsilon = 1.0e-3 : (tensor<?x6x6x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x6x6x8xf32>
  // CHECK: cnn.layer_norm %{{.*}} beta %{{.*}} axis = 3 epsilon = 0.000000e+00 : (tensor<?x6x6x8xf32>, tensor<8xf32>) -> tensor<?x6x6x8xf32>
  %1 = cnn.layer_norm %0 beta %b axis = 3 epsilon = 0.0 : (tensor<?x6x6x8xf32>, tensor<8xf32>) -> tensor<?x6x6x8xf32>
  // CHECK: cnn.layer_norm %{{.*}} gamma %{{.*}} axis = 1 epsilon = 1.000000e-03 : (tensor<?x6x6x8xf32>, tensor<6x6x8xf32>) -> tensor<?x6x6x8xf32>
  %2 = cnn.layer_norm %1 gamma %g3 axis = 1 epsilon = 1.0e-3 : (tensor<?x6x6x8xf32>, tensor<6x6x8xf32>) -> tensor<?x6x6x8xf32>
  // CHECK: cnn.layer_norm %{{.*}} axis = 3 epsilon
  %3 = cnn.layer_norm %2 axis = 3 epsilon = 1.0e-3 : (tensor<?x6x6x8xf32>) -> tensor<?x6x6x8xf32>
  return %3 : tensor<?x6x6x8xf32>
}

// CHECK-LABEL: func.func @gradients
func.func @gradients(%x: tensor<?x10xf32>, %dy: tensor<?x10xf32>, %g: tensor<10xf32>) -> tensor<?x10xf32> {
  // CHECK: cnn.layer_norm_param_grad %{{.*}}, %{{.*}} axis = 1 epsilon = 1.000000e-03 : (tensor<?x10xf32>, tensor<?x10xf32>) -> (tensor<10xf32>, tensor<10xf32>)
  %db, %dg = cnn.layer_norm_param_grad %x, %dy axis = 1 epsilon = 1.0e-3 : (tensor<?x10xf32>, tensor<?x10xf32>) -> (tensor<10xf32>, tensor<10xf32>)
  // CHECK: cnn.layer_norm_input_grad %{{.*}}, %{{.*}} gamma %{{.*}} axis = 1 epsilon = 1.000000e-03 : (tensor<?x10xf32>, tensor<?x10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  %dx = cnn.layer_norm_input_grad %x, %dy gamma %g axis = 1 epsilon = 1.0e-3 : (tensor<?x10xf32>, tensor<?x10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  // CHECK: cnn.layer_norm_input_grad %{{.*}}, %{{.*}} axis = 1 epsilon
  %dx2 = cnn.layer_norm_input_grad %dx, %dy axis = 1 epsilon = 1.0e-3 : (tensor<?x10xf32>, tensor<?x10xf32>) -> tensor<?x10xf32>
  return %dx2 : tensor<?x10xf32>
}
