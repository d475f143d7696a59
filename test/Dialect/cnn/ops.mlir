// RUN: cnnc-opt %s | FileCheck %s
// RUN: cnnc-opt %s | cnnc-opt | FileCheck %s
// RUN: cnnc-opt %s --mlir-print-op-generic | cnnc-opt | FileCheck %s

// Every op in its custom form; the printed form parses back to itself, and
// so does the generic form.

// CHECK-LABEL: func.func @lesson
// CHECK-SAME: {cnn.param = "conv2d/kernel"}
func.func @lesson(%x: tensor<?x28x28x1xf32>,
                  %k1: tensor<3x3x1x32xf32> {cnn.param = "conv2d/kernel"},
                  %b1: tensor<32xf32> {cnn.param = "conv2d/bias"},
                  %k2: tensor<800x10xf32>, %b2: tensor<10xf32>)
    -> tensor<?x10xf32> {
  // CHECK: cnn.conv2d %{{.*}}, %{{.*}}, %{{.*}} strides = [1, 1] dilation = [1, 1] padding = valid {cnn.layer = #cnn.layer<"conv2d", "Conv2D">} : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  %0 = cnn.conv2d %x, %k1, %b1 strides = [1, 1] dilation = [1, 1] padding = valid {cnn.layer = #cnn.layer<"conv2d", "Conv2D">} : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  // CHECK: cnn.relu %{{.*}} : tensor<?x26x26x32xf32>
  %1 = cnn.relu %0 : tensor<?x26x26x32xf32>
  // CHECK: cnn.max_pool2d %{{.*}} pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
  %2 = cnn.max_pool2d %1 pool_size = [2, 2] strides = [2, 2] padding = valid : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
  // Without strides the window moves by its own size: 13 -> 6.
  // CHECK: cnn.min_pool2d %{{.*}} pool_size = [2, 2] padding = valid : (tensor<?x13x13x32xf32>) -> tensor<?x6x6x32xf32>
  %3 = cnn.min_pool2d %2 pool_size = [2, 2] padding = valid : (tensor<?x13x13x32xf32>) -> tensor<?x6x6x32xf32>
  // CHECK: cnn.avg_pool2d %{{.*}} pool_size = [3, 3] strides = [1, 1] padding = valid : (tensor<?x6x6x32xf32>) -> tensor<?x4x4x32xf32>
  %4 = cnn.avg_pool2d %3 pool_size = [3, 3] strides = [1, 1] padding = valid : (tensor<?x6x6x32xf32>) -> tensor<?x4x4x32xf32>
  // CHECK: cnn.crop2d %{{.*}} rows = 3 cols = 4 : (tensor<?x4x4x32xf32>) -> tensor<?x3x4x32xf32>
  %c = cnn.crop2d %4 rows = 3 cols = 4 : (tensor<?x4x4x32xf32>) -> tensor<?x3x4x32xf32>
  // CHECK: cnn.flatten %{{.*}} : (tensor<?x4x4x32xf32>) -> tensor<?x512xf32>
  %5 = cnn.flatten %4 : (tensor<?x4x4x32xf32>) -> tensor<?x512xf32>
  // CHECK: cnn.dropout %{{.*}} rate = 5.000000e-01 seed = 7 : tensor<?x512xf32>
  %6 = cnn.dropout %5 rate = 0.5 seed = 7 : tensor<?x512xf32>
  // CHECK: cnn.dense %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x800xf32>, tensor<800x10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  %p = cnn.max_pool2d %2 pool_size = [2, 2] padding = valid : (tensor<?x13x13x32xf32>) -> tensor<?x6x6x32xf32>
  %q = cnn.avg_pool2d %p pool_size = [2, 2] strides = [1, 1] padding = valid : (tensor<?x6x6x32xf32>) -> tensor<?x5x5x32xf32>
  %r = cnn.flatten %q : (tensor<?x5x5x32xf32>) -> tensor<?x800xf32>
  %8 = cnn.dense %r, %k2, %b2 : (tensor<?x800xf32>, tensor<800x10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  // CHECK: cnn.softmax %{{.*}} : tensor<?x10xf32>
  %9 = cnn.softmax %8 : tensor<?x10xf32>
  return %9 : tensor<?x10xf32>
}

// CHECK-LABEL: func.func @same_padding_and_dilation
func.func @same_padding_and_dilation(%x: tensor<1x7x7x3xf32>, %k: tensor<3x3x3x8xf32>) -> tensor<1x4x4x8xf32> {
  // 'same' gives ceil(7 / 2) = 4; a static batch is kept.
  // CHECK: cnn.conv2d %{{.*}}, %{{.*}} strides = [2, 2] dilation = [1, 1] padding = same : (tensor<1x7x7x3xf32>, tensor<3x3x3x8xf32>) -> tensor<1x4x4x8xf32>
  %0 = cnn.conv2d %x, %k strides = [2, 2] dilation = [1, 1] padding = same : (tensor<1x7x7x3xf32>, tensor<3x3x3x8xf32>) -> tensor<1x4x4x8xf32>
  // A 3-tap kernel dilated by 2 spans 5 cells: 7 -> 3.
  // CHECK: cnn.conv2d %{{.*}}, %{{.*}} strides = [1, 1] dilation = [2, 2] padding = valid : (tensor<1x7x7x3xf32>, tensor<3x3x3x8xf32>) -> tensor<1x3x3x8xf32>
  %1 = cnn.conv2d %x, %k strides = [1, 1] dilation = [2, 2] padding = valid : (tensor<1x7x7x3xf32>, tensor<3x3x3x8xf32>) -> tensor<1x3x3x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// CHECK-LABEL: func.func @global_pooling
func.func @global_pooling(%x: tensor<?x5x5x32xf32>) -> (tensor<?x32xf32>, tensor<?x32xf32>, tensor<?x1x1x32xf32>) {
  // CHECK: cnn.global_max_pool2d %{{.*}} : (tensor<?x5x5x32xf32>) -> tensor<?x32xf32>
  %0 = cnn.global_max_pool2d %x : (tensor<?x5x5x32xf32>) -> tensor<?x32xf32>
  // CHECK: cnn.global_avg_pool2d %{{.*}} : (tensor<?x5x5x32xf32>) -> tensor<?x32xf32>
  %1 = cnn.global_avg_pool2d %x : (tensor<?x5x5x32xf32>) -> tensor<?x32xf32>
  // CHECK: cnn.global_min_pool2d %{{.*}} keepdims : (tensor<?x5x5x32xf32>) -> tensor<?x1x1x32xf32>
  %2 = cnn.global_min_pool2d %x keepdims : (tensor<?x5x5x32xf32>) -> tensor<?x1x1x32xf32>
  return %0, %1, %2 : tensor<?x32xf32>, tensor<?x32xf32>, tensor<?x1x1x32xf32>
}

// CHECK-LABEL: func.func @activations
func.func @activations(%x: tensor<?x5x5x32xf32>, %alpha: tensor<1x1x32xf32>) -> tensor<?x5x5x32xf32> {
  // CHECK: cnn.sigmoid %{{.*}} : tensor<?x5x5x32xf32>
  %0 = cnn.sigmoid %x : tensor<?x5x5x32xf32>
  // CHECK: cnn.tanh %{{.*}} : tensor<?x5x5x32xf32>
  %1 = cnn.tanh %0 : tensor<?x5x5x32xf32>
  // CHECK: cnn.activation relu %{{.*}} alpha = 1.000000e-01 max_value = 6.000000e+00 threshold = 5.000000e-01 : tensor<?x5x5x32xf32>
  %a1 = cnn.activation relu %1 alpha = 1.000000e-01 max_value = 6.000000e+00 threshold = 5.000000e-01 : tensor<?x5x5x32xf32>
  // CHECK: cnn.prelu %{{.*}}, %{{.*}} : (tensor<?x5x5x32xf32>, tensor<1x1x32xf32>) -> tensor<?x5x5x32xf32>
  %p = cnn.prelu %a1, %alpha : (tensor<?x5x5x32xf32>, tensor<1x1x32xf32>) -> tensor<?x5x5x32xf32>
  // CHECK: cnn.activation gelu_tanh %{{.*}} : tensor<?x5x5x32xf32>
  %a2 = cnn.activation gelu_tanh %a1 : tensor<?x5x5x32xf32>
  // CHECK: cnn.activation hard_sigmoid %{{.*}} alpha = 2.000000e-01 : tensor<?x5x5x32xf32>
  %a3 = cnn.activation hard_sigmoid %a2 alpha = 2.000000e-01 : tensor<?x5x5x32xf32>
  // CHECK: cnn.linear %{{.*}} : tensor<?x5x5x32xf32>
  %2 = cnn.linear %1 : tensor<?x5x5x32xf32>
  // CHECK: cnn.softmax %{{.*}} axis = 2 : tensor<?x5x5x32xf32>
  %3 = cnn.softmax %2 axis = 2 : tensor<?x5x5x32xf32>
  return %3 : tensor<?x5x5x32xf32>
}

// Dense on a rank-4 tensor applies to the last axis, as in Keras.
// CHECK-LABEL: func.func @shape_layers
func.func @shape_layers(%x: tensor<?x28x28xf32>) -> tensor<?x25x27x1xf32> {
  // CHECK: cnn.rescaling %{{.*}} scale = 0.0039215686274509803 offset = -5.000000e-01 : tensor<?x28x28xf32>
  %0 = cnn.rescaling %x scale = 3.9215686274509803E-3 offset = -5.000000e-01 : tensor<?x28x28xf32>
  // CHECK: cnn.reshape %{{.*}} : (tensor<?x28x28xf32>) -> tensor<?x28x28x1xf32>
  %1 = cnn.reshape %0 : (tensor<?x28x28xf32>) -> tensor<?x28x28x1xf32>
  // CHECK: cnn.zero_padding2d %{{.*}} padding = [1, 2, 3, 0] : (tensor<?x28x28x1xf32>) -> tensor<?x31x31x1xf32>
  %2 = cnn.zero_padding2d %1 padding = [1, 2, 3, 0] : (tensor<?x28x28x1xf32>) -> tensor<?x31x31x1xf32>
  // CHECK: cnn.cropping2d %{{.*}} cropping = [2, 4, 0, 4] : (tensor<?x31x31x1xf32>) -> tensor<?x25x27x1xf32>
  %3 = cnn.cropping2d %2 cropping = [2, 4, 0, 4] : (tensor<?x31x31x1xf32>) -> tensor<?x25x27x1xf32>
  return %3 : tensor<?x25x27x1xf32>
}

// CHECK-LABEL: func.func @dense_on_last_axis
func.func @dense_on_last_axis(%x: tensor<?x5x5x32xf32>, %k: tensor<32x128xf32>) -> tensor<?x5x5x128xf32> {
  // CHECK: cnn.dense %{{.*}}, %{{.*}} : (tensor<?x5x5x32xf32>, tensor<32x128xf32>) -> tensor<?x5x5x128xf32>
  %0 = cnn.dense %x, %k : (tensor<?x5x5x32xf32>, tensor<32x128xf32>) -> tensor<?x5x5x128xf32>
  return %0 : tensor<?x5x5x128xf32>
}
