// RUN: cnnc-opt %s -split-input-file --cnn-materialize-output --verify-diagnostics | FileCheck %s

// --cnn-materialize-output appends an output argument to @forward, marked
// writable for bufferization, and returns the result through
// bufferization.materialize_in_destination into it: once bufferized, the
// caller's buffer holds the result and @forward returns nothing. Only
// @forward changes; its existing arguments keep their attributes.

// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>, %[[K:.*]]: tensor<4x2xf32> {cnn.param = "dense/kernel"}, %[[OUT:.*]]: memref<?x2xf32>) {
// CHECK-NEXT: %[[Y:.*]] = cnn.dense %[[X]], %[[K]]
// CHECK-NEXT: bufferization.materialize_in_destination %[[Y]] in restrict writable %[[OUT]] : (tensor<?x2xf32>, memref<?x2xf32>) -> ()
// CHECK-NEXT: return{{$}}
// A helper function is left alone.
// CHECK-LABEL: func.func @helper
// CHECK-SAME: (%{{.*}}: tensor<2xf32>) -> tensor<2xf32>
// CHECK-NOT: materialize_in_destination
func.func @forward(%x: tensor<?x4xf32>, %k: tensor<4x2xf32> {cnn.param = "dense/kernel"}) -> tensor<?x2xf32> {
  %0 = cnn.dense %x, %k : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}
func.func @helper(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}

// -----

// A 4-D result (a model ending in a convolution) works the same way.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: %{{.*}}: memref<?x26x26x8xf32>) {
// CHECK: bufferization.materialize_in_destination
func.func @forward(%x: tensor<?x28x28x1xf32>, %k: tensor<3x3x1x8xf32>) -> tensor<?x26x26x8xf32> {
  %0 = cnn.conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x28x28x1xf32>, tensor<3x3x1x8xf32>) -> tensor<?x26x26x8xf32>
  return %0 : tensor<?x26x26x8xf32>
}

// -----

// Two results whose accumulators CSE made one zero fill of one
// tensor.empty (@evaluate's loss sum and accuracy count) get a fill and an
// empty each: eliminate-empty-tensors then puts each in its own output
// buffer, where a shared one would have both results written to one.
// CHECK-LABEL: func.func @evaluate
// CHECK: %[[EA:.*]] = tensor.empty() : tensor<f32>
// CHECK-NEXT: %[[EB:.*]] = tensor.empty() : tensor<f32>
// CHECK-NEXT: %[[ZB:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EB]] : tensor<f32>)
// CHECK-NEXT: %[[ZA:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EA]] : tensor<f32>)
// CHECK-NEXT: %[[LOSS:.*]] = linalg.reduce ins(%arg0 : tensor<4xf32>) outs(%[[ZB]] : tensor<f32>)
// CHECK: %[[COUNT:.*]] = linalg.reduce ins(%arg1 : tensor<4xf32>) outs(%[[ZA]] : tensor<f32>)
// CHECK: bufferization.materialize_in_destination %[[LOSS]]
// CHECK: bufferization.materialize_in_destination %[[COUNT]]
func.func @forward(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}
func.func @evaluate(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<f32>, tensor<f32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<f32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<f32>) -> tensor<f32>
  %loss = linalg.reduce ins(%a : tensor<4xf32>) outs(%z : tensor<f32>) dimensions = [0]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  %count = linalg.reduce ins(%b : tensor<4xf32>) outs(%z : tensor<f32>) dimensions = [0]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  return %loss, %count : tensor<f32>, tensor<f32>
}

// -----

//===----------------------------------------------------------------------===//
// Errors: a module without a model the pass can handle
//===----------------------------------------------------------------------===//

// No @forward at all.
// expected-error @+1 {{expected 'func.func @forward' with a body and one result}}
module {
  func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
}

// -----

// @forward is only declared.
// expected-error @+1 {{expected 'func.func @forward' with a body and one result}}
module {
  func.func private @forward(tensor<?x4xf32>) -> tensor<?x2xf32>
}

// -----

// @forward has two results.
// expected-error @+1 {{expected 'func.func @forward' with a body and one result}}
module {
  func.func @forward(%x: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
    return %x, %x : tensor<?x4xf32>, tensor<?x4xf32>
  }
}

// -----

// A fill whose uses are a slice taken out and inserted back (a pooling
// gradient that writes the covered part of a zeroed tensor) stays one fill:
// a copy there would split the in-place update in two.
// CHECK-LABEL: func.func @forward
// CHECK-COUNT-1: linalg.fill
// CHECK-NOT: linalg.fill
func.func @forward(%x: tensor<?x4xf32>) -> tensor<?x5xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%n) : tensor<?x5xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<?x5xf32>) -> tensor<?x5xf32>
  %part = tensor.extract_slice %z[0, 0] [%n, 4] [1, 1] : tensor<?x5xf32> to tensor<?x4xf32>
  %sum = linalg.add ins(%x, %x : tensor<?x4xf32>, tensor<?x4xf32>) outs(%part : tensor<?x4xf32>) -> tensor<?x4xf32>
  %r = tensor.insert_slice %sum into %z[0, 0] [%n, 4] [1, 1] : tensor<?x4xf32> into tensor<?x5xf32>
  return %r : tensor<?x5xf32>
}
