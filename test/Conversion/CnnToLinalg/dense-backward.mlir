// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg | FileCheck %s

// Dense's input gradient is a matmul with the kernel transposed; its
// kernel gradient a contraction of x and dy over their rows (x is not
// transposed).
// CHECK-DAG: #[[XMAP:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[DYMAP:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[KMAP:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @dense_grads
// CHECK: %[[KT:.*]] = linalg.transpose ins(%{{.*}} : tensor<8x3xf32>) outs(%{{.*}} : tensor<3x8xf32>) permutation = [1, 0]
// CHECK: linalg.matmul ins(%{{.*}}, %[[KT]] : tensor<?x3xf32>, tensor<3x8xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic {indexing_maps = [#[[XMAP]], #[[DYMAP]], #[[KMAP]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0, %arg2 : tensor<?x8xf32>, tensor<?x3xf32>) outs(%{{.*}} : tensor<8x3xf32>)
func.func @dense_grads(%x: tensor<?x8xf32>, %k: tensor<8x3xf32>, %dy: tensor<?x3xf32>) -> (tensor<?x8xf32>, tensor<8x3xf32>) {
  %0 = cnn.dense_input_grad %dy, %k : (tensor<?x3xf32>, tensor<8x3xf32>) -> tensor<?x8xf32>
  %1 = cnn.dense_kernel_grad %x, %dy : (tensor<?x8xf32>, tensor<?x3xf32>) -> tensor<8x3xf32>
  return %0, %1 : tensor<?x8xf32>, tensor<8x3xf32>
}
