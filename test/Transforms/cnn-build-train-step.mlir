// RUN: cnnc-opt %s -split-input-file --cnn-build-train-step --verify-diagnostics | FileCheck %s

// --cnn-build-train-step derives the training step from @forward and the
// module's compile() settings. Under a final softmax, crossentropy is taken
// from the logits (the softmax is left out of the step); dropout draws a
// mask in training and is the identity in @evaluate; every op gets its
// backward op, in reverse order; the model's input gets no gradient.

// CHECK-LABEL: func.func @train_gradients
// CHECK-SAME: (%[[X:.*]]: tensor<?x6x6x1xf32>, %[[Y:.*]]: tensor<?xi32>, %[[K:.*]]: tensor<3x3x1x2xf32> {cnn.param = "conv2d/kernel"}, %[[B:.*]]: tensor<2xf32> {cnn.param = "conv2d/bias"}, %[[W:.*]]: tensor<8x3xf32> {cnn.param = "dense/kernel"}, %[[SCALE:.*]]: f32, %[[SEED:.*]]: i64, %[[STEP:.*]]: i64, %[[FIRST:.*]]: i64)
// CHECK-SAME: -> (tensor<f32>, tensor<f32>, tensor<3x3x1x2xf32>, tensor<2xf32>, tensor<8x3xf32>)
// CHECK: %[[CONV:.*]] = cnn.conv2d %[[X]], %[[K]], %[[B]]
// CHECK: %[[RELU:.*]] = cnn.relu %[[CONV]]
// CHECK: %[[POOL:.*]] = cnn.max_pool2d %[[RELU]]
// CHECK: %[[FLAT:.*]] = cnn.flatten %[[POOL]]
// CHECK: %[[MASK:.*]] = cnn.dropout_mask %[[FLAT]], %[[SEED]], %[[STEP]], %[[FIRST]] rate = 2.500000e-01 stream = 0
// CHECK: %[[DROP:.*]] = cnn.multiply %[[FLAT]], %[[MASK]]
// CHECK: %[[LOGITS:.*]] = cnn.dense %[[DROP]], %[[W]]
// CHECK-NOT: cnn.softmax
// CHECK: %[[LOSS:.*]], %[[DLOGITS:.*]] = cnn.softmax_cross_entropy %[[LOGITS]], %[[Y]], %[[SCALE]]
// CHECK: %[[CORRECT:.*]] = cnn.count_correct %[[LOGITS]], %[[Y]]
// CHECK: %[[DW:.*]] = cnn.dense_kernel_grad %[[DROP]], %[[DLOGITS]]
// CHECK: %[[DDROP:.*]] = cnn.dense_input_grad %[[DLOGITS]], %[[W]]
// CHECK: %[[DFLAT:.*]] = cnn.multiply %[[DDROP]], %[[MASK]]
// CHECK: %[[DPOOL:.*]] = cnn.reshape %[[DFLAT]] : (tensor<?x8xf32>) -> tensor<?x2x2x2xf32>
// CHECK: %[[DRELU:.*]] = cnn.pool2d_grad max %[[RELU]], %[[DPOOL]] pool_size = [2, 2] strides = [2, 2] padding = valid
// CHECK: %[[DCONV:.*]] = cnn.activation_grad relu %[[RELU]], %[[DRELU]]
// CHECK: %[[DK:.*]] = cnn.conv2d_kernel_grad %[[X]], %[[DCONV]]
// CHECK: %[[DB:.*]] = cnn.bias_grad %[[DCONV]]
// CHECK-NOT: cnn.conv2d_input_grad
// CHECK: return %[[LOSS]], %[[CORRECT]], %[[DK]], %[[DB]], %[[DW]]

// CHECK-LABEL: func.func @evaluate
// CHECK-SAME: (%{{.*}}: tensor<?x6x6x1xf32>, %{{.*}}: tensor<?xi32>, %{{.*}}: tensor<3x3x1x2xf32> {{.*}}, %{{.*}}: tensor<2xf32> {{.*}}, %{{.*}}: tensor<8x3xf32> {{.*}}) -> (tensor<f32>, tensor<f32>)
// CHECK-NOT: dropout
// CHECK: cnn.softmax_cross_entropy
// CHECK: cnn.count_correct
// CHECK-NOT: grad

// The update of the 44 parameters end to end, with Adam's defaults, on a
// part of them of any length (a thread's): state and gradient rows keep
// the stride of the whole vector.
// CHECK-LABEL: func.func @apply_gradients
// CHECK-SAME: (%[[P:.*]]: memref<?xf32>, %[[S:.*]]: memref<2x?xf32, strided<[44, 1]>>, %[[G:.*]]: memref<?x?xf32, strided<[44, 1]>>, %[[I:.*]]: i64)
// CHECK: %[[PT:.*]] = bufferization.to_tensor %[[P]] restrict writable
// CHECK: %[[ST:.*]] = bufferization.to_tensor %[[S]] restrict writable
// CHECK: %[[GT:.*]] = bufferization.to_tensor %[[G]] restrict :
// CHECK: %[[NP:.*]], %[[NS:.*]] = cnn.adam_update %[[PT]], %[[ST]], %[[GT]], %[[I]] {beta_1 = 9.000000e-01 : f64, beta_2 = 0.99899999999999999 : f64, epsilon = 9.9999999999999995E-8 : f64, learning_rate = 1.000000e-03 : f64}
// CHECK: bufferization.materialize_in_destination %[[NP]] in restrict writable %[[P]]
// CHECK: bufferization.materialize_in_destination %[[NS]] in restrict writable %[[S]]
module attributes {cnn.model, cnn.training = #cnn.training<loss = sparse_categorical_crossentropy, optimizer = #cnn.optimizer<adam>>} {
func.func @forward(%x: tensor<?x6x6x1xf32>, %k: tensor<3x3x1x2xf32> {cnn.param = "conv2d/kernel"}, %b: tensor<2xf32> {cnn.param = "conv2d/bias"}, %w: tensor<8x3xf32> {cnn.param = "dense/kernel"}) -> tensor<?x3xf32> {
  %0 = cnn.conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x6x6x1xf32>, tensor<3x3x1x2xf32>, tensor<2xf32>) -> tensor<?x4x4x2xf32>
  %1 = cnn.relu %0 : tensor<?x4x4x2xf32>
  %2 = cnn.max_pool2d %1 pool_size = [2, 2] padding = valid : (tensor<?x4x4x2xf32>) -> tensor<?x2x2x2xf32>
  %3 = cnn.flatten %2 : (tensor<?x2x2x2xf32>) -> tensor<?x8xf32>
  %4 = cnn.dropout %3 rate = 2.500000e-01 : tensor<?x8xf32>
  %5 = cnn.dense %4, %w : (tensor<?x8xf32>, tensor<8x3xf32>) -> tensor<?x3xf32>
  %6 = cnn.softmax %5 : tensor<?x3xf32>
  return %6 : tensor<?x3xf32>
}
}

// -----

module attributes {cnn.model} {
// No compile(): Keras's defaults, RMSprop and sparse categorical
// crossentropy. Without a softmax or sigmoid (which keep their logits)
// the output is taken as probabilities (cnn.cross_entropy); a second conv
// gets its input gradient.
// CHECK-LABEL: func.func @train_gradients
// CHECK: cnn.cross_entropy
// CHECK: cnn.conv2d_input_grad
// CHECK-LABEL: func.func @apply_gradients
// CHECK: cnn.rmsprop_update {{.*}} {epsilon = 9.9999999999999995E-8 : f64, learning_rate = 1.000000e-03 : f64, rho = 9.000000e-01 : f64}
func.func @forward(%x: tensor<?x5x5x1xf32>, %k1: tensor<2x2x1x1xf32>, %k2: tensor<2x2x1x2xf32>) -> tensor<?x2xf32> {
  %0 = cnn.conv2d %x, %k1 strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x5x5x1xf32>, tensor<2x2x1x1xf32>) -> tensor<?x4x4x1xf32>
  %1 = cnn.conv2d %0, %k2 strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x4x4x1xf32>, tensor<2x2x1x2xf32>) -> tensor<?x3x3x2xf32>
  %2 = cnn.global_avg_pool2d %1 : (tensor<?x3x3x2xf32>) -> tensor<?x2xf32>
  %3 = cnn.relu %2 : tensor<?x2xf32>
  return %3 : tensor<?x2xf32>
}
}

// -----

module attributes {cnn.model} {
// A sigmoid output under a categorical loss: Keras takes the logits the
// sigmoid keeps, so the loss is the softmax crossentropy of its input; the
// sigmoid stays for the accuracy.
// CHECK-LABEL: func.func @train_gradients
// CHECK: %[[Z:.*]] = cnn.global_avg_pool2d
// CHECK: %[[P:.*]] = cnn.sigmoid %[[Z]]
// CHECK: cnn.softmax_cross_entropy %[[Z]]
// CHECK: cnn.count_correct %[[P]]
func.func @forward(%x: tensor<?x5x5x1xf32>, %k: tensor<2x2x1x2xf32>) -> tensor<?x2xf32> {
  %0 = cnn.conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x5x5x1xf32>, tensor<2x2x1x2xf32>) -> tensor<?x4x4x2xf32>
  %1 = cnn.global_avg_pool2d %0 : (tensor<?x4x4x2xf32>) -> tensor<?x2xf32>
  %2 = cnn.sigmoid %1 : tensor<?x2xf32>
  return %2 : tensor<?x2xf32>
}
}

// -----

// mse takes targets shaped like the output; SGD with Nesterov momentum.
// CHECK-LABEL: func.func @train_gradients
// CHECK-SAME: %{{.*}}: tensor<?x2xf32>, %{{.*}}: tensor<?x4xf32>
// CHECK: cnn.mean_squared_error
// CHECK: cnn.activation_grad tanh
// CHECK-LABEL: func.func @apply_gradients
// CHECK-SAME: memref<1x?xf32, strided<[12, 1]>>
// CHECK: cnn.sgd_update {{.*}} {learning_rate = 1.000000e-01 : f64, momentum = 9.000000e-01 : f64, nesterov = true}
module attributes {cnn.model, cnn.training = #cnn.training<loss = mse, optimizer = #cnn.optimizer<sgd, learning_rate = 0.1, momentum = 0.9, nesterov = true>>} {
func.func @forward(%x: tensor<?x2xf32>, %w: tensor<2x4xf32>, %b: tensor<4xf32>) -> tensor<?x4xf32> {
  %0 = cnn.dense %x, %w, %b : (tensor<?x2xf32>, tensor<2x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %1 = cnn.tanh %0 : tensor<?x4xf32>
  return %1 : tensor<?x4xf32>
}
}

// -----

module attributes {cnn.model} {
// A model whose output is not (batch, classes) cannot be trained.
func.func @forward(%x: tensor<?x5x5x1xf32>, %k: tensor<2x2x1x3xf32>) -> tensor<?x4x4x3xf32> {
  // expected-error @+1 {{training needs a (batch, classes) output, and the model's output is (None, 4, 4, 3)}}
  %0 = cnn.conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x5x5x1xf32>, tensor<2x2x1x3xf32>) -> tensor<?x4x4x3xf32>
  return %0 : tensor<?x4x4x3xf32>
}
}

// -----

module attributes {cnn.model} {
// The pass runs before fusion: a fused op has no backward op.
func.func @forward(%x: tensor<?x5x5x1xf32>, %k: tensor<2x2x1x3xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{--cnn-build-train-step runs before fusion: cnn.fused_conv2d has no backward op}}
  %0 = cnn.fused_conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid relu : (tensor<?x5x5x1xf32>, tensor<2x2x1x3xf32>) -> tensor<?x4x4x3xf32>
  %1 = cnn.global_max_pool2d %0 : (tensor<?x4x4x3xf32>) -> tensor<?x3xf32>
  return %1 : tensor<?x3xf32>
}
}

// -----

module attributes {cnn.model} {
// A cropped convolution's input gets its gradient back at full size: the
// input gradient of the 3x3 it was given, padded with zeros (crop2d_grad).
// CHECK-LABEL: func.func @train_gradients
// CHECK: %[[DX:.*]] = cnn.conv2d_input_grad {{.*}} -> tensor<?x3x3x1xf32>
// CHECK: cnn.crop2d_grad %[[DX]] : (tensor<?x3x3x1xf32>) -> tensor<?x4x4x1xf32>
func.func @forward(%x: tensor<?x5x5x1xf32>, %k1: tensor<2x2x1x1xf32>, %k2: tensor<2x2x1x2xf32>) -> tensor<?x2xf32> {
  %0 = cnn.conv2d %x, %k1 strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x5x5x1xf32>, tensor<2x2x1x1xf32>) -> tensor<?x4x4x1xf32>
  %1 = cnn.crop2d %0 rows = 3 cols = 3 : (tensor<?x4x4x1xf32>) -> tensor<?x3x3x1xf32>
  %2 = cnn.conv2d %1, %k2 strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x3x3x1xf32>, tensor<2x2x1x2xf32>) -> tensor<?x2x2x2xf32>
  %3 = cnn.global_avg_pool2d %2 : (tensor<?x2x2x2xf32>) -> tensor<?x2xf32>
  return %3 : tensor<?x2xf32>
}
}

// -----

module attributes {cnn.model} {
// A shared layer (one kernel used by two dense ops): its gradient is the
// sum of both calls', added as the backward pass reaches them.
// CHECK-LABEL: func.func @train_gradients
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x3xf32>, %{{[^:]*}}: tensor<?xi32>, %[[W:[^:]*]]: tensor<3x3xf32>
// CHECK: %[[H:.*]] = cnn.dense %[[X]], %[[W]]
// CHECK: %[[Y:.*]] = cnn.dense %[[H]], %[[W]]
// CHECK: %[[G2:.*]] = cnn.dense_kernel_grad %[[H]], %{{.*}}
// CHECK: %[[DH:.*]] = cnn.dense_input_grad
// CHECK: %[[G1:.*]] = cnn.dense_kernel_grad %[[X]], %[[DH]]
// CHECK: %[[SUM:.*]] = cnn.merge add %[[G2]], %[[G1]]
// CHECK: return {{.*}}, %[[SUM]] :
func.func @forward(%x: tensor<?x3xf32>, %w: tensor<3x3xf32>) -> tensor<?x3xf32> {
  %0 = cnn.dense %x, %w {cnn.layer = #cnn.layer<"d", "Dense">} : (tensor<?x3xf32>, tensor<3x3xf32>) -> tensor<?x3xf32>
  %1 = cnn.dense %0, %w {cnn.layer = #cnn.layer<"d", "Dense">, cnn.call = 1 : i64} : (tensor<?x3xf32>, tensor<3x3xf32>) -> tensor<?x3xf32>
  return %1 : tensor<?x3xf32>
}
}

// -----

module attributes {cnn.model} {
// A shared trainable BatchNormalization: each call would move the one set
// of moving statistics; refused at its second call.
func.func @forward(%x: tensor<?x3xf32>, %g: tensor<3xf32>, %be: tensor<3xf32>, %m: tensor<3xf32> {cnn.trainable = false}, %v: tensor<3xf32> {cnn.trainable = false}) -> tensor<?x3xf32> {
  %0 = cnn.batch_norm %x gamma %g beta %be mean %m variance %v epsilon = 1.0e-3 momentum = 0.99 {cnn.layer = #cnn.layer<"bn", "BatchNormalization">} : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  // expected-error @+1 {{BatchNormalization 'bn' is called more than once (a shared layer): cnnc does not train a shared BatchNormalization, whose moving statistics each call moves (freeze it, trainable=False, to train the rest)}}
  %1 = cnn.batch_norm %0 gamma %g beta %be mean %m variance %v epsilon = 1.0e-3 momentum = 0.99 {cnn.layer = #cnn.layer<"bn", "BatchNormalization">, cnn.call = 1 : i64} : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  return %1 : tensor<?x3xf32>
}
}

// -----

// A module that is not marked as a model is not one.
// expected-error @+1 {{--cnn-build-train-step needs a cnn model: a module marked 'cnn.model'}}
module {
func.func @forward(%x: tensor<?x2xf32>, %w: tensor<2x4xf32>) -> tensor<?x4xf32> {
  %0 = cnn.dense %x, %w : (tensor<?x2xf32>, tensor<2x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
}
