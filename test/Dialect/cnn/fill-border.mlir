// RUN: cnnc-opt %s -split-input-file | cnnc-opt -split-input-file | FileCheck %s
// RUN: cnnc-opt %s -split-input-file --one-shot-bufferize="bufferize-function-boundaries" --canonicalize | FileCheck %s --check-prefix=BUF

// cnn.fill_border sets a padded tensor's border and keeps its interior. It
// round-trips, and bufferizes in place to one fill per strip of its
// destination's buffer: the interior is not touched, the buffer not copied.

// Padded by one row and column on each side: four strips, the rows across
// the whole width, the columns across the whole height.
// CHECK-LABEL: func.func @same_3x3
// CHECK: cnn.fill_border %{{.*}} into %{{.*}} low = [0, 1, 1, 0] high = [0, 1, 1, 0] : tensor<?x6x6x8xf32>
// BUF-LABEL: func.func @same_3x3
// BUF-SAME: (%[[B:[^:]*]]: memref<?x6x6x8xf32
// BUF: %[[N:.*]] = memref.dim %[[B]], %c0
// BUF: %[[TOP:.*]] = memref.subview %[[B]][0, 0, 0, 0] [%[[N]], 1, 6, 8] [1, 1, 1, 1]
// BUF: linalg.fill ins(%{{.*}} : f32) outs(%[[TOP]] :
// BUF: %[[BOTTOM:.*]] = memref.subview %[[B]][0, 5, 0, 0] [%[[N]], 1, 6, 8] [1, 1, 1, 1]
// BUF: linalg.fill ins(%{{.*}} : f32) outs(%[[BOTTOM]] :
// BUF: %[[LEFT:.*]] = memref.subview %[[B]][0, 0, 0, 0] [%[[N]], 6, 1, 8] [1, 1, 1, 1]
// BUF: linalg.fill ins(%{{.*}} : f32) outs(%[[LEFT]] :
// BUF: %[[RIGHT:.*]] = memref.subview %[[B]][0, 0, 5, 0] [%[[N]], 6, 1, 8] [1, 1, 1, 1]
// BUF: linalg.fill ins(%{{.*}} : f32) outs(%[[RIGHT]] :
// BUF-NOT: linalg.fill
// BUF-NOT: memref.alloc
// BUF-NOT: memref.copy
// BUF: return %[[B]]
func.func @same_3x3(%e: tensor<?x6x6x8xf32>) -> tensor<?x6x6x8xf32> {
  %zero = arith.constant 0.0 : f32
  %b = cnn.fill_border %zero into %e low = [0, 1, 1, 0] high = [0, 1, 1, 0] : tensor<?x6x6x8xf32>
  return %b : tensor<?x6x6x8xf32>
}

// -----

// A border on one side of one dimension is one strip; dimensions without
// a border have none.
// CHECK-LABEL: func.func @one_side
// CHECK: cnn.fill_border %{{.*}} into %{{.*}} low = [0, 0] high = [2, 0] : tensor<5x3xf32>
// BUF-LABEL: func.func @one_side
// BUF: %[[S:.*]] = memref.subview %{{.*}}[3, 0] [2, 3] [1, 1]
// BUF: linalg.fill ins(%{{.*}} : f32) outs(%[[S]] :
// BUF-NOT: linalg.fill
func.func @one_side(%e: tensor<5x3xf32>) -> tensor<5x3xf32> {
  %neg = arith.constant 0xFF800000 : f32
  %b = cnn.fill_border %neg into %e low = [0, 0] high = [2, 0] : tensor<5x3xf32>
  return %b : tensor<5x3xf32>
}
