// RUN: cnnc-opt %s -split-input-file --cnn-pad-in-place | FileCheck %s
// RUN: cnnc-opt %s -split-input-file --cnn-pad-in-place --one-shot-bufferize="bufferize-function-boundaries" --canonicalize --cse --canonicalize | FileCheck %s --check-prefix=BUF

// --cnn-pad-in-place: a padded tensor is a tensor.empty of the padded
// shape whose border is filled (one cnn.fill_border, which bufferizes to a
// fill per strip), and whose interior is the destination the source is
// computed into. No tensor.pad is left.

// A tile loop (a same-padded convolution's, here one row at a time) that
// starts from a tensor.empty, padded by one row and one column on each
// side: the padded tensor is made before the loop, its border filled, and
// the loop writes its interior; after the loop the interior is put
// back where it was taken from.
// CHECK-LABEL: func.func @tile_loop
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x4x8xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %c0
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x6x6x8xf32>
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[P4:.*]] = cnn.fill_border %[[ZERO]] into %[[E]] low = [0, 1, 1, 0] high = [0, 1, 1, 0] : tensor<?x6x6x8xf32>
// CHECK-NOT: linalg.fill
// CHECK: %[[IN:.*]] = tensor.extract_slice %[[P4]][0, 1, 1, 0] [%[[N]], 4, 4, 8] [1, 1, 1, 1] : tensor<?x6x6x8xf32> to tensor<?x4x4x8xf32>
// CHECK: %[[Y:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[IN]]) -> (tensor<?x4x4x8xf32>)
// CHECK: %[[PADDED:.*]] = tensor.insert_slice %[[Y]] into %[[P4]][0, 1, 1, 0] [%[[N]], 4, 4, 8] [1, 1, 1, 1] : tensor<?x4x4x8xf32> into tensor<?x6x6x8xf32>
// CHECK-NOT: tensor.pad
// CHECK: return %[[PADDED]]
//
// Bufferized, the loop writes a view of the padded buffer; the whole buffer
// is neither filled nor copied: only the four strips are filled.
// BUF-LABEL: func.func @tile_loop
// BUF: %[[B:.*]] = memref.alloc(%{{.*}}) {{.*}} : memref<?x6x6x8xf32>
// BUF-COUNT-4: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : memref<?x{{1x6|6x1}}x8xf32, strided<{{.*}}>>)
// BUF: %[[IN:.*]] = memref.subview %[[B]][0, 1, 1, 0] [%{{.*}}, 4, 4, 8] [1, 1, 1, 1]
// BUF: scf.for
// BUF: memref.subview %[[IN]]
// BUF: linalg.generic
// BUF-NOT: linalg.fill
// BUF-NOT: memref.copy
// BUF-NOT: linalg.copy
// BUF: return %[[B]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @tile_loop(%x: tensor<?x4x4x8xf32>) -> tensor<?x6x6x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x4x4x8xf32>
  %empty = tensor.empty(%n) : tensor<?x4x4x8xf32>
  %y = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %empty) -> (tensor<?x4x4x8xf32>) {
    %rows = scf.for %r = %c0 to %c4 step %c1 iter_args(%racc = %acc) -> (tensor<?x4x4x8xf32>) {
      %in = tensor.extract_slice %x[%i, %r, 0, 0] [1, 1, 4, 8] [1, 1, 1, 1] : tensor<?x4x4x8xf32> to tensor<1x1x4x8xf32>
      %out = tensor.extract_slice %racc[%i, %r, 0, 0] [1, 1, 4, 8] [1, 1, 1, 1] : tensor<?x4x4x8xf32> to tensor<1x1x4x8xf32>
      %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%in : tensor<1x1x4x8xf32>) outs(%out : tensor<1x1x4x8xf32>) {
      ^bb0(%a: f32, %b: f32):
        %m = arith.maximumf %a, %zero : f32
        linalg.yield %m : f32
      } -> tensor<1x1x4x8xf32>
      %next = tensor.insert_slice %relu into %racc[%i, %r, 0, 0] [1, 1, 4, 8] [1, 1, 1, 1] : tensor<1x1x4x8xf32> into tensor<?x4x4x8xf32>
      scf.yield %next : tensor<?x4x4x8xf32>
    }
    scf.yield %rows : tensor<?x4x4x8xf32>
  }
  %padded = tensor.pad %y low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<?x4x4x8xf32> to tensor<?x6x6x8xf32>
  return %padded : tensor<?x6x6x8xf32>
}

// -----

// A linalg op whose destination is a fill of a tensor.empty (a backward
// relu mask written over a zeroed accumulator), followed back through the
// fill: the fill, and so the op, writes the interior. Padding by 2 on the
// bottom and right only (a 5x5 kernel's input gradient needs low 2, high 2;
// here high only) fills two strips. The value is -inf (a max pooling's).
// CHECK-LABEL: func.func @through_fill
// CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x6x6x8xf32>
// CHECK-NEXT: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK-NEXT: %[[P:.*]] = cnn.fill_border %[[NEG]] into %[[E]] low = [0, 0, 0, 0] high = [0, 2, 2, 0]
// CHECK: %[[IN:.*]] = tensor.extract_slice %[[P]][0, 0, 0, 0] [%{{.*}}, 4, 4, 8]
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[IN]] : tensor<?x4x4x8xf32>)
// CHECK: %[[G:.*]] = linalg.generic {{.*}} outs(%[[F]] : tensor<?x4x4x8xf32>)
// CHECK: tensor.insert_slice %[[G]] into %[[P]][0, 0, 0, 0] [%{{.*}}, 4, 4, 8]
// BUF-LABEL: func.func @through_fill
// BUF-NOT: memref.copy
// BUF-NOT: linalg.copy
// BUF: return
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @through_fill(%x: tensor<?x4x4x8xf32>) -> tensor<?x6x6x8xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %n = tensor.dim %x, %c0 : tensor<?x4x4x8xf32>
  %empty = tensor.empty(%n) : tensor<?x4x4x8xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%empty : tensor<?x4x4x8xf32>) -> tensor<?x4x4x8xf32>
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<?x4x4x8xf32>) outs(%fill : tensor<?x4x4x8xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<?x4x4x8xf32>
  %padded = tensor.pad %g low[0, 0, 0, 0] high[0, 2, 2, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %ninf : f32
  } : tensor<?x4x4x8xf32> to tensor<?x6x6x8xf32>
  return %padded : tensor<?x6x6x8xf32>
}

// -----

// A function's input is not computed here: it is copied into the interior,
// made where the pad was, and only the border is filled.
// CHECK-LABEL: func.func @argument
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x4x1xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %c0
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x6x6x1xf32>
// CHECK: %[[B:.*]] = cnn.fill_border %{{.*}} into %[[E]] low = [0, 1, 1, 0] high = [0, 1, 1, 0]
// CHECK: %[[P:.*]] = tensor.insert_slice %[[X]] into %[[B]][0, 1, 1, 0] [%[[N]], 4, 4, 1] [1, 1, 1, 1]
// CHECK-NEXT: return %[[P]]
// BUF-LABEL: func.func @argument
// BUF: memref.alloc
// BUF-COUNT-4: linalg.fill
// BUF: memref.copy
// BUF-NOT: linalg.fill
func.func @argument(%x: tensor<?x4x4x1xf32>) -> tensor<?x6x6x1xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<?x4x4x1xf32> to tensor<?x6x6x1xf32>
  return %padded : tensor<?x6x6x1xf32>
}

// -----

// Left as they are: a padding value that is not a constant, widths that
// are not, a padded dynamic dimension, and a pad inside a loop (its tensor
// and border would be made once per iteration).
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-4: tensor.pad
// CHECK-NOT: cnn.fill_border
func.func @left_alone(%x: tensor<?x4xf32>, %v: f32, %w: index) -> (tensor<?x6xf32>, tensor<?x?xf32>, tensor<?x4xf32>, tensor<?x6xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  %value = tensor.pad %x low[0, 1] high[0, 1] {
  ^bb0(%a: index, %b: index):
    tensor.yield %v : f32
  } : tensor<?x4xf32> to tensor<?x6xf32>
  %width = tensor.pad %x low[0, %w] high[0, 1] {
  ^bb0(%a: index, %b: index):
    tensor.yield %zero : f32
  } : tensor<?x4xf32> to tensor<?x?xf32>
  %dynamic = tensor.pad %x low[1, 0] high[1, 0] {
  ^bb0(%a: index, %b: index):
    tensor.yield %zero : f32
  } : tensor<?x4xf32> to tensor<?x4xf32>
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%n) : tensor<?x6xf32>
  %loop = scf.for %i = %c0 to %c2 step %c1 iter_args(%acc = %e) -> (tensor<?x6xf32>) {
    %p = tensor.pad %x low[0, 1] high[0, 1] {
    ^bb0(%a: index, %b: index):
      tensor.yield %zero : f32
    } : tensor<?x4xf32> to tensor<?x6xf32>
    %s = tensor.insert_slice %p into %acc[0, 0] [%n, 6] [1, 1] : tensor<?x6xf32> into tensor<?x6xf32>
    scf.yield %s : tensor<?x6xf32>
  }
  return %value, %width, %dynamic, %loop : tensor<?x6xf32>, tensor<?x?xf32>, tensor<?x4xf32>, tensor<?x6xf32>
}
