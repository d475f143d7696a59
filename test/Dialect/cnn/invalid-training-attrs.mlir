// RUN: cnnc-opt %s -split-input-file -verify-diagnostics

// #cnn.training and #cnn.optimizer check their settings where they are
// written; each check has a case here.

// expected-error @+1 {{unsupported loss 'hinge': cnnc trains with sparse_categorical_crossentropy, categorical_crossentropy, binary_crossentropy or mse}}
module attributes {cnn.training = #cnn.training<loss = hinge>} {
}

// -----

// expected-error @+1 {{unsupported optimizer 'adagrad': cnnc trains with adam, sgd or rmsprop}}
module attributes {cnn.training = #cnn.training<optimizer = #cnn.optimizer<adagrad>>} {
}

// -----

// A setting no optimizer of cnnc's has.
// expected-error @+1 {{unsupported adam setting 'amsgrad'}}
module attributes {cnn.training = #cnn.training<optimizer = #cnn.optimizer<adam, amsgrad = 1.0>>} {
}

// -----

// A setting of another optimizer.
// expected-error @+1 {{unsupported adam setting 'rho'}}
module attributes {cnn.training = #cnn.training<optimizer = #cnn.optimizer<adam, rho = 0.9>>} {
}

// -----

// expected-error @+1 {{unsupported sgd setting 'epsilon'}}
module attributes {cnn.training = #cnn.training<optimizer = #cnn.optimizer<sgd, epsilon = 1.0e-07>>} {
}

// -----

// expected-error @+1 {{unsupported rmsprop setting 'nesterov'}}
module attributes {cnn.training = #cnn.training<optimizer = #cnn.optimizer<rmsprop, nesterov = true>>} {
}

// -----

// expected-error @+1 {{optimizer setting 'learning_rate' must be a finite non-negative number, not -1.000000e-03}}
module attributes {cnn.training = #cnn.training<optimizer = #cnn.optimizer<adam, learning_rate = -0.001>>} {
}

// -----

// expected-error @+1 {{optimizer setting 'epsilon' must be a finite non-negative number, not INF}}
module attributes {cnn.training = #cnn.training<optimizer = #cnn.optimizer<rmsprop, epsilon = 0x7FF0000000000000>>} {
}

// -----

// expected-error @+1 {{optimizer setting 'beta_2' must be in [0, 1], not 1.500000e+00}}
module attributes {cnn.training = #cnn.training<optimizer = #cnn.optimizer<adam, beta_2 = 1.5>>} {
}

// -----

// expected-error @+1 {{optimizer setting 'momentum' must be in [0, 1], not 2.000000e+00}}
module attributes {cnn.training = #cnn.training<optimizer = #cnn.optimizer<sgd, momentum = 2.0>>} {
}

// -----

// expected-error @+1 {{'learning_rate' is given twice}}
module attributes {cnn.training = #cnn.training<optimizer = #cnn.optimizer<sgd, learning_rate = 0.1, learning_rate = 0.2>>} {
}

// -----

// expected-error @+1 {{unknown training setting 'steps_per_epoch'}}
module attributes {cnn.training = #cnn.training<steps_per_epoch = 10>} {
}

// -----

// expected-error @+1 {{metrics must be strings}}
module attributes {cnn.training = #cnn.training<metrics = [1]>} {
}

// -----

// expected-error @+1 {{epochs must not be negative, not -1}}
module attributes {cnn.training = #cnn.training<epochs = -1>} {
}

// -----

// expected-error @+1 {{batch_size must be positive, not 0}}
module attributes {cnn.training = #cnn.training<batch_size = 0>} {
}

// -----

// expected-error @+1 {{validation_split must be in [0, 1), not 1.000000e+00}}
module attributes {cnn.training = #cnn.training<validation_split = 1.0>} {
}

// -----

// expected-error @+1 {{expected a #cnn.optimizer}}
module attributes {cnn.training = #cnn.training<optimizer = "adam">} {
}

// -----

// expected-error @+1 {{'cnn.training' must be a #cnn.training}}
module attributes {cnn.training = {loss = "mse"}} {
}

// -----

// expected-error @+1 {{'cnn.training' belongs on the module}}
func.func @f() attributes {cnn.training = #cnn.training<>} {
  return
}
