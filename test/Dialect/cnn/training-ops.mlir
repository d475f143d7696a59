// RUN: cnnc-opt %s | cnnc-opt | FileCheck %s

// The training ops round-trip in their custom forms.

// CHECK-LABEL: func.func @backward
func.func @backward(%x: tensor<?x13x13x32xf32>, %y: tensor<?x11x11x32xf32>,
                    %dy: tensor<?x11x11x32xf32>, %k: tensor<3x3x32x32xf32>,
                    %d: tensor<?x800xf32>, %w: tensor<800x128xf32>,
                    %dd: tensor<?x128xf32>, %p: tensor<?x5x5x32xf32>,
                    %s: i64, %alpha: tensor<1x1x32xf32>) {
  // CHECK: cnn.conv2d_input_grad %{{.*}}, %{{.*}} strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x11x11x32xf32>, tensor<3x3x32x32xf32>) -> tensor<?x13x13x32xf32>
  %0 = cnn.conv2d_input_grad %dy, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x11x11x32xf32>, tensor<3x3x32x32xf32>) -> tensor<?x13x13x32xf32>
  // CHECK: cnn.conv2d_kernel_grad %{{.*}}, %{{.*}} strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x13x13x32xf32>, tensor<?x11x11x32xf32>) -> tensor<3x3x32x32xf32>
  %1 = cnn.conv2d_kernel_grad %x, %dy strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x13x13x32xf32>, tensor<?x11x11x32xf32>) -> tensor<3x3x32x32xf32>
  // CHECK: cnn.bias_grad %{{.*}} : (tensor<?x11x11x32xf32>) -> tensor<32xf32>
  %2 = cnn.bias_grad %dy : (tensor<?x11x11x32xf32>) -> tensor<32xf32>
  // CHECK: cnn.dense_input_grad %{{.*}}, %{{.*}} : (tensor<?x128xf32>, tensor<800x128xf32>) -> tensor<?x800xf32>
  %3 = cnn.dense_input_grad %dd, %w : (tensor<?x128xf32>, tensor<800x128xf32>) -> tensor<?x800xf32>
  // CHECK: cnn.dense_kernel_grad %{{.*}}, %{{.*}} : (tensor<?x800xf32>, tensor<?x128xf32>) -> tensor<800x128xf32>
  %4 = cnn.dense_kernel_grad %d, %dd : (tensor<?x800xf32>, tensor<?x128xf32>) -> tensor<800x128xf32>
  // CHECK: cnn.pool2d_grad max %{{.*}}, %{{.*}} pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x11x11x32xf32>, tensor<?x5x5x32xf32>) -> tensor<?x11x11x32xf32>
  %5 = cnn.pool2d_grad max %y, %p pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x11x11x32xf32>, tensor<?x5x5x32xf32>) -> tensor<?x11x11x32xf32>
  // CHECK: cnn.global_pool2d_grad avg %{{.*}}, %{{.*}} : (tensor<?x11x11x32xf32>, tensor<?x32xf32>) -> tensor<?x11x11x32xf32>
  %g = cnn.bias_grad %d : (tensor<?x800xf32>) -> tensor<800xf32>
  %gp = cnn.global_avg_pool2d %y : (tensor<?x11x11x32xf32>) -> tensor<?x32xf32>
  %gg = cnn.global_pool2d_grad avg %y, %gp : (tensor<?x11x11x32xf32>, tensor<?x32xf32>) -> tensor<?x11x11x32xf32>
  // CHECK: cnn.activation_grad relu %{{.*}}, %{{.*}} : tensor<?x11x11x32xf32>
  %6 = cnn.activation_grad relu %y, %dy : tensor<?x11x11x32xf32>
  // CHECK: cnn.activation_input_grad elu %{{.*}}, %{{.*}} alpha = 5.000000e-01 : tensor<?x11x11x32xf32>
  %ag = cnn.activation_input_grad elu %y, %dy alpha = 5.000000e-01 : tensor<?x11x11x32xf32>
  // CHECK: cnn.prelu_input_grad %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x5x5x32xf32>, tensor<1x1x32xf32>, tensor<?x5x5x32xf32>) -> tensor<?x5x5x32xf32>
  %pg = cnn.prelu_input_grad %p, %alpha, %p : (tensor<?x5x5x32xf32>, tensor<1x1x32xf32>, tensor<?x5x5x32xf32>) -> tensor<?x5x5x32xf32>
  // CHECK: cnn.prelu_alpha_grad %{{.*}}, %{{.*}} : (tensor<?x5x5x32xf32>, tensor<?x5x5x32xf32>) -> tensor<1x1x32xf32>
  %pag = cnn.prelu_alpha_grad %p, %p : (tensor<?x5x5x32xf32>, tensor<?x5x5x32xf32>) -> tensor<1x1x32xf32>
  // CHECK: cnn.softmax_grad %{{.*}}, %{{.*}} axis = 1 : tensor<?x128xf32>
  %7 = cnn.softmax_grad %dd, %dd axis = 1 : tensor<?x128xf32>
  // CHECK: cnn.reshape %{{.*}} : (tensor<?x800xf32>) -> tensor<?x5x5x32xf32>
  %8 = cnn.reshape %d : (tensor<?x800xf32>) -> tensor<?x5x5x32xf32>
  // CHECK: cnn.dropout_mask %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} rate = 5.000000e-01 stream = 2 : tensor<?x800xf32>
  %9 = cnn.dropout_mask %d, %s, %s, %s rate = 5.000000e-01 stream = 2 : tensor<?x800xf32>
  // CHECK: cnn.multiply %{{.*}}, %{{.*}} : tensor<?x800xf32>
  %10 = cnn.multiply %d, %9 : tensor<?x800xf32>
  return
}

// CHECK-LABEL: func.func @losses
func.func @losses(%z: tensor<?x10xf32>, %labels: tensor<?xi32>, %t: tensor<?x10xf32>, %scale: f32) {
  // CHECK: cnn.softmax_cross_entropy %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x10xf32>, tensor<?xi32>, f32) -> (tensor<f32>, tensor<?x10xf32>)
  %l0, %g0 = cnn.softmax_cross_entropy %z, %labels, %scale : (tensor<?x10xf32>, tensor<?xi32>, f32) -> (tensor<f32>, tensor<?x10xf32>)
  // CHECK: cnn.cross_entropy %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x10xf32>, tensor<?x10xf32>, f32)
  %l1, %g1 = cnn.cross_entropy %z, %t, %scale : (tensor<?x10xf32>, tensor<?x10xf32>, f32) -> (tensor<f32>, tensor<?x10xf32>)
  // CHECK: cnn.mean_squared_error
  %l2, %g2 = cnn.mean_squared_error %z, %t, %scale : (tensor<?x10xf32>, tensor<?x10xf32>, f32) -> (tensor<f32>, tensor<?x10xf32>)
  // CHECK: cnn.count_correct %{{.*}}, %{{.*}} : (tensor<?x10xf32>, tensor<?xi32>) -> tensor<f32>
  %c = cnn.count_correct %z, %labels : (tensor<?x10xf32>, tensor<?xi32>) -> tensor<f32>
  return
}

// CHECK-LABEL: func.func @crop_grad
func.func @crop_grad(%dy: tensor<?x12x12x32xf32>) -> tensor<?x13x13x32xf32> {
  // CHECK: cnn.crop2d_grad %{{.*}} : (tensor<?x12x12x32xf32>) -> tensor<?x13x13x32xf32>
  %0 = cnn.crop2d_grad %dy : (tensor<?x12x12x32xf32>) -> tensor<?x13x13x32xf32>
  return %0 : tensor<?x13x13x32xf32>
}

// CHECK-LABEL: func.func @updates
func.func @updates(%p: tensor<44xf32>, %s2: tensor<2x44xf32>, %s1: tensor<1x44xf32>, %g: tensor<?x44xf32>, %i: i64) {
  // CHECK: cnn.adam_update %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {beta_1 = 9.000000e-01 : f64, beta_2 = 0.99899999999999999 : f64, epsilon = 9.9999999999999995E-8 : f64, learning_rate = 1.000000e-03 : f64} : tensor<44xf32>, tensor<2x44xf32>, tensor<?x44xf32>
  %0:2 = cnn.adam_update %p, %s2, %g, %i {learning_rate = 1.0e-3, beta_1 = 0.9, beta_2 = 0.999, epsilon = 1.0e-7} : tensor<44xf32>, tensor<2x44xf32>, tensor<?x44xf32>
  // CHECK: cnn.sgd_update
  %1:2 = cnn.sgd_update %p, %s1, %g, %i {learning_rate = 1.0e-2, momentum = 0.9, nesterov = true} : tensor<44xf32>, tensor<1x44xf32>, tensor<?x44xf32>
  // CHECK: cnn.rmsprop_update
  %2:2 = cnn.rmsprop_update %p, %s1, %g, %i {learning_rate = 1.0e-3, rho = 0.9, epsilon = 1.0e-7} : tensor<44xf32>, tensor<1x44xf32>, tensor<?x44xf32>
  return
}
