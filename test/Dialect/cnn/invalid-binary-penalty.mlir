// RUN: cnnc-opt %s -split-input-file -verify-diagnostics

func.func @binary_indices_need_one_column(%p: tensor<?x3xf32>, %labels: tensor<?xi32>, %scale: f32) {
  // expected-error @+1 {{'cnn.binary_cross_entropy' op expects one output column with class indices as targets}}
  %l, %g = cnn.binary_cross_entropy %p, %labels, %scale : (tensor<?x3xf32>, tensor<?xi32>, f32) -> (tensor<f32>, tensor<?x3xf32>)
  return
}

// -----

func.func @negative_factor(%w: tensor<4xf32>, %loss: tensor<f32>, %n: f32) {
  // expected-error @+1 {{'cnn.penalty' op expects finite factors, at least 0}}
  %l, %g = cnn.penalty %w, %loss, %n, %n l1 = -1.0e-02 l2 = 0.0 : tensor<4xf32>, tensor<f32>
  return
}

// -----

func.func @grad_in_type(%w: tensor<4xf32>, %loss: tensor<f32>, %n: f32, %dw: tensor<5xf32>) {
  // expected-error @+1 {{'cnn.penalty' op expects 'grad_in' of the input's type}}
  %l, %g = cnn.penalty %w, %loss, %n, %n plus %dw : tensor<5xf32> l1 = 0.0 l2 = 0.0 : tensor<4xf32>, tensor<f32>
  return
}

// -----

func.func @activity_regularizer_shape(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'cnn.activity_regularizer' must be {l1 = <f64>, l2 = <f64>}, each finite and at least 0}}
  %y = cnn.relu %x {cnn.activity_regularizer = {l1 = 0.01 : f64}} : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
