// RUN: cnnc-opt %s -split-input-file -verify-diagnostics

// AlphaDropout's rate is in [0, 1), as Dropout's (a rate of 1 would make
// Keras's scale infinite): the model op and both training ops check it.

func.func @rate_one(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{rate must be in [0, 1), got 1.000000e+00}}
  %0 = cnn.alpha_dropout %x rate = 1.0 : tensor<?x8xf32>
  return
}

// -----

func.func @negative_rate(%x: tensor<?x8xf32>, %m: tensor<?x8xf32>) {
  // expected-error @+1 {{rate must be in [0, 1), got -1.000000e-01}}
  %0 = cnn.alpha_dropout_apply %x, %m rate = -0.1 : tensor<?x8xf32>
  return
}

// -----

func.func @grad_rate(%dy: tensor<?x8xf32>, %m: tensor<?x8xf32>) {
  // expected-error @+1 {{rate must be in [0, 1), got 1.500000e+00}}
  %0 = cnn.alpha_dropout_grad %dy, %m rate = 1.5 : tensor<?x8xf32>
  return
}
