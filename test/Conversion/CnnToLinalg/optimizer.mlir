// RUN: cnnc-opt %s --convert-cnn-to-linalg | FileCheck %s

// Adam: the shards' gradients summed (zeros, then a loop over the shards
// adding each row elementwise), the bias-corrected step size computed
// once, then one elementwise generic updating the parameters and both slots
// in place (the slots are rows of the state).
// CHECK-LABEL: func.func @adam
// CHECK: %[[ZEROS:.*]] = linalg.generic {{.*}} iterator_types = ["parallel"]} outs(%{{.*}} : tensor<44xf32>)
// CHECK: %[[G:.*]] = scf.for %[[SHARD:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[SUM:.*]] = %[[ZEROS]]) -> (tensor<44xf32>)
// CHECK: %[[ROW:.*]] = tensor.extract_slice %{{.*}}[%[[SHARD]], 0] [1, 44] [1, 1] : tensor<?x44xf32> to tensor<44xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel"]} ins(%[[ROW]] : tensor<44xf32>) outs(%[[SUM]] : tensor<44xf32>)
// CHECK: arith.addf
// CHECK: math.powf
// CHECK: math.powf
// CHECK: %[[M:.*]] = tensor.extract_slice %[[S:.*]][0, 0] [1, 44] [1, 1] : tensor<2x44xf32> to tensor<44xf32>
// CHECK: %[[V:.*]] = tensor.extract_slice %[[S]][1, 0] [1, 44] [1, 1] : tensor<2x44xf32> to tensor<44xf32>
// CHECK: %[[NEW:.*]]:3 = linalg.generic {{.*}} ins(%[[G]] : tensor<44xf32>) outs(%{{.*}}, %[[M]], %[[V]] : tensor<44xf32>, tensor<44xf32>, tensor<44xf32>)
// CHECK: math.sqrt
// CHECK: tensor.insert_slice %[[NEW]]#1 into %[[S]][0, 0]
// CHECK: tensor.insert_slice %[[NEW]]#2 into %{{.*}}[1, 0]
func.func @adam(%p: tensor<44xf32>, %s: tensor<2x44xf32>, %g: tensor<?x44xf32>, %i: i64) -> (tensor<44xf32>, tensor<2x44xf32>) {
  %0:2 = cnn.adam_update %p, %s, %g, %i {learning_rate = 1.0e-3, beta_1 = 0.9, beta_2 = 0.999, epsilon = 1.0e-7} : tensor<44xf32>, tensor<2x44xf32>, tensor<?x44xf32>
  return %0#0, %0#1 : tensor<44xf32>, tensor<2x44xf32>
}
