// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg | FileCheck %s

// cnn.activation and its gradient are one elementwise linalg.generic each.
// Their exp, expm1, log1p, tanh and erf are already polynomials (no math
// op that would become a libm call per element is left), and the forward
// function ends by passing a NaN input through.

// CHECK-LABEL: func.func @elu
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<?x8xf32>)
// CHECK-NOT: math.exp
// CHECK-NOT: math.expm1
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[IN:.*]], %[[IN]] : f32
// CHECK-NEXT: %[[Y:.*]] = arith.select %[[NAN]], %[[IN]], %{{.*}} : f32
// CHECK-NEXT: linalg.yield %[[Y]] : f32
func.func @elu(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = cnn.activation elu %x alpha = 5.000000e-01 : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// CHECK-LABEL: func.func @gelu_mish_softplus
// CHECK-NOT: math.erf
// CHECK-NOT: math.tanh
// CHECK-NOT: math.log1p
// CHECK-NOT: math.exp
// CHECK: return
func.func @gelu_mish_softplus(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = cnn.activation gelu %x : tensor<?x8xf32>
  %1 = cnn.activation mish %0 : tensor<?x8xf32>
  %2 = cnn.activation softplus %1 : tensor<?x8xf32>
  return %2 : tensor<?x8xf32>
}

// -----

// relu with its parameters: min(x, max_value) above the threshold,
// alpha * (x - threshold) from it down.
// CHECK-LABEL: func.func @relu_general
// CHECK-DAG: %[[MAX:.*]] = arith.constant 6.000000e+00 : f32
// CHECK-DAG: %[[ALPHA:.*]] = arith.constant 1.000000e-01 : f32
// CHECK-DAG: %[[T:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[ABOVE:.*]] = arith.minimumf %[[IN]], %[[MAX]] : f32
// CHECK: %[[SHIFT:.*]] = arith.subf %[[IN]], %[[T]] : f32
// CHECK: %[[BELOW:.*]] = arith.mulf %[[ALPHA]], %[[SHIFT]] : f32
// CHECK: %[[GT:.*]] = arith.cmpf ogt, %[[IN]], %[[T]] : f32
// CHECK: arith.select %[[GT]], %[[ABOVE]], %[[BELOW]] : f32
func.func @relu_general(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = cnn.activation relu %x alpha = 1.000000e-01 max_value = 6.000000e+00 threshold = 5.000000e-01 : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// The gradient: dy * f'(x), from the input and the output gradient.
// CHECK-LABEL: func.func @elu_grad
// CHECK: linalg.generic {{.*}} ins(%arg0, %arg1 : tensor<?x8xf32>, tensor<?x8xf32>)
// CHECK: ^bb0(%[[X:.*]]: f32, %[[DY:.*]]: f32, %{{.*}}: f32):
// CHECK-NOT: math.exp
// CHECK: %[[DX:.*]] = arith.mulf %[[DY]], %{{.*}} : f32
// CHECK-NEXT: linalg.yield %[[DX]] : f32
func.func @elu_grad(%x: tensor<?x8xf32>, %dy: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = cnn.activation_input_grad elu %x, %dy alpha = 5.000000e-01 : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
