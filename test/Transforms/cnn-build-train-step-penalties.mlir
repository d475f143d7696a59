// RUN: cnnc-opt %s -split-input-file --cnn-build-train-step --verify-diagnostics | FileCheck %s

// binary_crossentropy under a final sigmoid is taken from the logits (the
// sigmoid stays for the accuracy); class indices are its targets. An
// activity penalty goes onto the regularized output before the backward
// pass; a weight's penalty onto the weight's gradient after it, scaled by
// the samples this call sees (loss) and their share of the batch
// (gradient). @evaluate adds the same penalties to its loss.

// CHECK-LABEL: func.func @train_gradients
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>, %[[Y:.*]]: tensor<?xi32>, %[[W:.*]]: tensor<4x1xf32> {{.*}}, %[[SCALE:.*]]: f32,
// CHECK: %[[Z:.*]] = cnn.dense %[[X]], %[[W]]
// CHECK: %[[P:.*]] = cnn.sigmoid %[[Z]]
// CHECK: %[[LOSS:.*]], %[[DZ:.*]] = cnn.sigmoid_cross_entropy %[[Z]], %[[Y]], %[[SCALE]]
// CHECK: cnn.count_correct %[[P]], %[[Y]]
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[LOSS2:.*]], %[[DZ2:.*]] = cnn.penalty %[[Z]], %[[LOSS]], %[[ONE]], %[[SCALE]] l1 = 1.000000e-03 l2 = 0.000000e+00
// CHECK: %[[DZSUM:.*]] = cnn.merge add %[[DZ]], %[[DZ2]]
// CHECK: %[[DW:.*]] = cnn.dense_kernel_grad %[[X]], %[[DZSUM]]
// CHECK: %[[N:.*]] = tensor.dim %[[X]]
// CHECK: %[[SHARE:.*]] = arith.mulf %{{.*}}, %[[SCALE]]
// CHECK: %[[LOSS3:.*]], %[[DW2:.*]] = cnn.penalty %[[W]], %[[LOSS2]], %{{.*}}, %[[SHARE]] plus %[[DW]] : tensor<4x1xf32> l1 = 0.000000e+00 l2 = 1.000000e-02
// CHECK: return %[[LOSS3]], %{{.*}}, %[[DW2]]
// CHECK-LABEL: func.func @evaluate
// CHECK: cnn.sigmoid_cross_entropy
// CHECK: cnn.penalty
// CHECK: cnn.penalty
// CHECK-NOT: plus
// CHECK: return
module attributes {cnn.model, cnn.training = #cnn.training<loss = binary_crossentropy>} {
  func.func @forward(%x: tensor<?x4xf32>,
                     %w: tensor<4x1xf32> {cnn.param = "dense/kernel", cnn.regularizer = {l1 = 0.0 : f64, l2 = 0.01 : f64}})
      -> tensor<?x1xf32> {
    %z = cnn.dense %x, %w {cnn.activity_regularizer = {l1 = 0.001 : f64, l2 = 0.0 : f64}} : (tensor<?x4xf32>, tensor<4x1xf32>) -> tensor<?x1xf32>
    %p = cnn.sigmoid %z : tensor<?x1xf32>
    return %p : tensor<?x1xf32>
  }
}

// -----

// A frozen weight's regularizer adds nothing (Keras 3 sums the trainable
// weights' penalties).

// CHECK-LABEL: func.func @train_gradients
// CHECK-NOT: cnn.penalty
// CHECK-LABEL: func.func @evaluate
// CHECK-NOT: cnn.penalty
module attributes {cnn.model, cnn.training = #cnn.training<loss = mse>} {
  func.func @forward(%x: tensor<?x4xf32>,
                     %w: tensor<4x2xf32> {cnn.param = "dense/kernel", cnn.trainable = false, cnn.regularizer = {l1 = 0.0 : f64, l2 = 0.01 : f64}})
      -> tensor<?x2xf32> {
    %z = cnn.dense %x, %w : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
    return %z : tensor<?x2xf32>
  }
}

// -----

// binary_crossentropy reads class indices as the targets of one output.
module attributes {cnn.model, cnn.training = #cnn.training<loss = binary_crossentropy>} {
  func.func @forward(%x: tensor<?x4xf32>, %w: tensor<4x3xf32> {cnn.param = "dense/kernel"}) -> tensor<?x3xf32> {
    // expected-error @+1 {{binary_crossentropy trains on class labels 0 and 1, which need one output (Dense(1, activation='sigmoid')), and the model's output is (None, 3)}}
    %z = cnn.dense %x, %w : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
    return %z : tensor<?x3xf32>
  }
}

// -----

// A regularizer's factors are finite and at least 0.
module attributes {cnn.model} {
  // expected-error @+1 {{'cnn.regularizer' of argument 1 must be {l1 = <f64>, l2 = <f64>}, each finite and at least 0}}
  func.func @forward(%x: tensor<?x4xf32>, %w: tensor<4x3xf32> {cnn.param = "dense/kernel", cnn.regularizer = {l1 = -1.0 : f64, l2 = 0.0 : f64}}) -> tensor<?x3xf32> {
    %z = cnn.dense %x, %w : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
    return %z : tensor<?x3xf32>
  }
}
