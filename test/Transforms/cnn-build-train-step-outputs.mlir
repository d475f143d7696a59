// RUN: cnnc-opt %s -split-input-file --cnn-build-train-step --verify-diagnostics | FileCheck %s

// A model with two outputs trains each against the same labels with its own
// loss (`cnn.output_losses`): the softmax head's crossentropy from its
// logits, the linear head's mse on targets shaped like it (categorical
// labels: both heads read one-hot rows). loss_sum is Keras's total
// 1 · loss_a + 0.25 · loss_b; the second loss's gradient carries its weight
// in its scale; the shared input's gradient sums both heads'. Each head's
// own loss sum and count follow the gradients, and @train_gradients names
// the outputs.

// CHECK-LABEL: func.func @train_gradients
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>, %[[Y:.*]]: tensor<?x3xf32>, %[[WA:.*]]: tensor<4x3xf32> {{.*}}, %[[WB:.*]]: tensor<4x3xf32> {{.*}}, %[[SCALE:.*]]: f32, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64)
// CHECK-SAME: -> (tensor<f32>, tensor<f32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>)
// CHECK-SAME: attributes {cnn.outputs = ["a", "b"]}
// CHECK: %[[LA:.*]] = cnn.dense %[[X]], %[[WA]]
// CHECK: %[[LB:.*]] = cnn.dense %[[X]], %[[WB]]
// CHECK: %[[SA:.*]], %[[DA:.*]] = cnn.softmax_cross_entropy %[[LA]], %[[Y]], %[[SCALE]]
// CHECK: %[[CA:.*]] = cnn.count_correct %[[LA]], %[[Y]]
// CHECK: %[[A:.*]] = tensor.extract %[[SA]][]
// CHECK: %[[W:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[SCALEB:.*]] = arith.mulf %[[SCALE]], %[[W]]
// CHECK: %[[SB:.*]], %[[DB:.*]] = cnn.mean_squared_error %[[LB]], %[[Y]], %[[SCALEB]]
// CHECK: %[[CB:.*]] = cnn.count_correct %[[LB]], %[[Y]]
// CHECK: %[[B:.*]] = tensor.extract %[[SB]][]
// CHECK: %[[BW:.*]] = arith.mulf %[[B]], %[[W]]
// CHECK: %[[T:.*]] = arith.addf %[[A]], %[[BW]]
// CHECK: %[[TOTAL:.*]] = tensor.from_elements %[[T]] : tensor<f32>
// CHECK: %[[GWB:.*]] = cnn.dense_kernel_grad %[[X]], %[[DB]]
// CHECK: %[[GWA:.*]] = cnn.dense_kernel_grad %[[X]], %[[DA]]
// CHECK: return %[[TOTAL]], %[[CA]], %[[GWA]], %[[GWB]], %[[SA]], %[[CA]], %[[SB]], %[[CB]]

// CHECK-LABEL: func.func @evaluate
// CHECK-SAME: -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>)
// CHECK-SAME: attributes {cnn.outputs = ["a", "b"]}
// CHECK: return %{{.*}}, %[[ECA:.*]], %{{.*}}, %[[ECA]], %{{.*}}, %{{.*}} :
module attributes {cnn.model, cnn.training = #cnn.training<optimizer = #cnn.optimizer<sgd>>,
                   cnn.output_losses = [{output = "a", loss = "categorical_crossentropy", from_logits = false, weight = 1.0 : f64},
                                        {output = "b", loss = "mse", from_logits = false, weight = 0.25 : f64}]} {
func.func @forward(%x: tensor<?x4xf32>, %wa: tensor<4x3xf32> {cnn.param = "a/kernel"}, %wb: tensor<4x3xf32> {cnn.param = "b/kernel"}) -> (tensor<?x3xf32>, tensor<?x3xf32>) {
  %0 = cnn.dense %x, %wa {cnn.layer = #cnn.layer<"a", "Dense">} : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %1 = cnn.softmax %0 {cnn.layer = #cnn.layer<"a", "Dense">} : tensor<?x3xf32>
  %2 = cnn.dense %x, %wb {cnn.layer = #cnn.layer<"b", "Dense">} : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  return %1, %2 : tensor<?x3xf32>, tensor<?x3xf32>
}
}

// -----

// Without cnn.output_losses every output takes cnn.training's loss with
// weight 1, and the outputs are named by their layers.

// CHECK-LABEL: func.func @train_gradients
// CHECK-SAME: attributes {cnn.outputs = ["left", "right"]}
// CHECK: %[[SL:.*]], %{{.*}} = cnn.mean_squared_error
// CHECK: %[[SR:.*]], %{{.*}} = cnn.mean_squared_error
// CHECK-NOT: arith.constant {{.*}} : f32
// CHECK: arith.addf
module attributes {cnn.model, cnn.training = #cnn.training<loss = mse>} {
func.func @forward(%x: tensor<?x4xf32>, %w: tensor<4x3xf32> {cnn.param = "left/kernel"}) -> (tensor<?x3xf32>, tensor<?x3xf32>) {
  %0 = cnn.dense %x, %w {cnn.layer = #cnn.layer<"left", "Dense">} : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %1 = cnn.relu %0 {cnn.layer = #cnn.layer<"right", "ReLU">} : tensor<?x3xf32>
  return %0, %1 : tensor<?x3xf32>, tensor<?x3xf32>
}
}

// -----

// Every output trains against the same labels: class indices for one and
// one-hot rows for the other cannot both be.

module attributes {cnn.model,
                   cnn.output_losses = [{output = "a", loss = "sparse_categorical_crossentropy", from_logits = true, weight = 1.0 : f64},
                                        {output = "b", loss = "mse", from_logits = false, weight = 1.0 : f64}]} {
func.func @forward(%x: tensor<?x4xf32>, %wa: tensor<4x3xf32> {cnn.param = "a/kernel"}, %wb: tensor<4x3xf32> {cnn.param = "b/kernel"}) -> (tensor<?x3xf32>, tensor<?x3xf32>) {
  %0 = cnn.dense %x, %wa {cnn.layer = #cnn.layer<"a", "Dense">} : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  // expected-error @+1 {{every output trains against the same labels, and output 'b' (mse, (None, 3)) would need other labels than output 'a' (sparse_categorical_crossentropy): give the outputs losses that read the same labels}}
  %1 = cnn.dense %x, %wb {cnn.layer = #cnn.layer<"b", "Dense">} : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  return %0, %1 : tensor<?x3xf32>, tensor<?x3xf32>
}
}

// -----

// A malformed cnn.output_losses (hand-written IR) is refused.

// expected-error @+1 {{'cnn.output_losses' has 1 entries for 2 outputs}}
module attributes {cnn.model,
                   cnn.output_losses = [{output = "a", loss = "mse", from_logits = false, weight = 1.0 : f64}]} {
func.func @forward(%x: tensor<?x4xf32>, %w: tensor<4x3xf32> {cnn.param = "a/kernel"}) -> (tensor<?x3xf32>, tensor<?x3xf32>) {
  %0 = cnn.dense %x, %w : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  return %0, %0 : tensor<?x3xf32>, tensor<?x3xf32>
}
}

// -----

// expected-error @+1 {{each entry of 'cnn.output_losses' is {output = "name", loss = "<Keras loss>", from_logits = <bool>, weight = <finite f64>}, not {loss = "hinge", output = "a"}}}
module attributes {cnn.model, cnn.output_losses = [{output = "a", loss = "hinge"}]} {
func.func @forward(%x: tensor<?x4xf32>, %w: tensor<4x3xf32> {cnn.param = "a/kernel"}) -> tensor<?x3xf32> {
  %0 = cnn.dense %x, %w : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
}

// -----

// Several inputs would need as many image sets.

module attributes {cnn.model} {
// expected-error @+1 {{training takes models of one input so far; this one has 2 inputs}}
func.func @forward(%x: tensor<?x4xf32>, %z: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = cnn.merge add %x, %z : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
}
