// RUN: cnnc-opt %s -split-input-file | FileCheck %s
// RUN: cnnc-opt %s -split-input-file | cnnc-opt -split-input-file | FileCheck %s
// RUN: cnnc-opt %s -split-input-file --mlir-print-op-generic | cnnc-opt -split-input-file | FileCheck %s

// The module's compile() and fit() settings, #cnn.training, and its
// optimizer, #cnn.optimizer: every field printed in one order, whatever
// the order written; numbers as the shortest decimal that reads back; what
// the model file left unsaid is absent (Keras's defaults are applied by the
// attribute's helpers, not written here).

// CHECK-LABEL: module attributes
// CHECK-SAME: cnn.model
// CHECK-SAME: cnn.training = #cnn.training<loss = sparse_categorical_crossentropy, from_logits = true, optimizer = #cnn.optimizer<adam, learning_rate = 0.002, beta_1 = 0.8, beta_2 = 0.999, epsilon = 1.0e-07>, metrics = ["accuracy"], epochs = 5, batch_size = 32, validation_split = 0.1, shuffle = false>
module attributes {cnn.model, cnn.training = #cnn.training<shuffle = false, validation_split = 0.1, batch_size = 32, epochs = 5, metrics = ["accuracy"], optimizer = #cnn.optimizer<adam, epsilon = 1.0e-07, beta_2 = 0.999, beta_1 = 0.8, learning_rate = 0.002>, from_logits = true, loss = sparse_categorical_crossentropy>} {
  func.func @forward(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    %0 = cnn.softmax %x : tensor<?x4xf32>
    return %0 : tensor<?x4xf32>
  }
}

// -----

// Keras's alias mean_squared_error is read as mse; SGD's settings.
// CHECK-LABEL: module attributes
// CHECK-SAME: cnn.training = #cnn.training<loss = mse, optimizer = #cnn.optimizer<sgd, learning_rate = 0.05, momentum = 0.9, nesterov = true>>
module attributes {cnn.training = #cnn.training<loss = mean_squared_error, optimizer = #cnn.optimizer<sgd, nesterov = true, momentum = 0.9, learning_rate = 0.05>>} {
}

// -----

// RMSprop's; from_logits = false is the default and not printed.
// CHECK-LABEL: module attributes
// CHECK-SAME: cnn.training = #cnn.training<loss = categorical_crossentropy, optimizer = #cnn.optimizer<rmsprop, learning_rate = 0.0001, rho = 0.95, epsilon = 1.0e-06>>
module attributes {cnn.training = #cnn.training<loss = categorical_crossentropy, from_logits = false, optimizer = #cnn.optimizer<rmsprop, learning_rate = 1.0e-4, rho = 0.95, epsilon = 1.0e-6>>} {
}

// -----

// Nothing given: every default; an optimizer with none of its settings.
// CHECK-LABEL: module attributes
// CHECK-SAME: cnn.training = #cnn.training<>
// CHECK-SAME: x.optimizer = #cnn.optimizer<adam>
module attributes {cnn.training = #cnn.training<>, x.optimizer = #cnn.optimizer<adam>} {
}
