//===- CnnChunkOps.td - Sums across a batch's chunks ----------*- tablegen -*-===//
//
// Not a Keras layer: ops of the lowering. The runtime computes a training
// batch as fixed chunks of images, one call of @train_gradients each, on
// all threads (docs/compiler.md §10). A statistic of the whole batch (a
// trainable BatchNormalization's mean and variance, and the sums its input
// gradient needs) is then a sum over every chunk's call: each call sums its
// own images and the runtime adds those partial sums in chunk order and
// hands every call the total. The runtime's function is reached through a
// hook (--cnn-lower-chunk-sums); a call that nothing else shares its batch
// with sees its own sums back.
//
//===----------------------------------------------------------------------===//

#ifndef CNN_CHUNK_OPS
#define CNN_CHUNK_OPS

def Cnn_F64Vector : 1DTensorOf<[F64]>;

def Cnn_SumAcrossChunksOp : Op<Cnn_Dialect, "sum_across_chunks", [
    Pure, AllTypesMatch<["partial", "total"]>]> {
  let summary = "this call's partial sums added up over the batch's chunks";
  let description = [{
    `total[i]` is `partial[i]` added over every call of the step that
    computes the same batch, in chunk order, from +0: the same bits at any
    thread count. The vector is static and of f64, so that counts of
    elements (one slot of it, by convention the first) add exactly.
    Bufferized in place, it becomes cnn.sum_across_chunks_in_place.

    ```mlir
    %total = cnn.sum_across_chunks %partial : tensor<9xf64>
    ```
  }];
  let arguments = (ins Cnn_F64Vector:$partial);
  let results = (outs Cnn_F64Vector:$total);
  let assemblyFormat = "$partial attr-dict `:` type($partial)";
  let hasVerifier = 1;
}

def Cnn_SumAcrossChunksInPlaceOp : Op<Cnn_Dialect,
    "sum_across_chunks_in_place"> {
  let summary = "cnn.sum_across_chunks on a buffer, the total replacing it";
  let description = [{
    What one-shot bufferization makes of cnn.sum_across_chunks: the buffer
    holds this call's partial sums before and the batch's totals after.
    --cnn-lower-chunk-sums turns it into a call of the runtime's hook.

    ```mlir
    cnn.sum_across_chunks_in_place %buffer : memref<9xf64>
    ```
  }];
  let arguments = (ins Arg<MemRefRankOf<[F64], [1]>, "the sums",
                           [MemRead, MemWrite]>:$buffer);
  let assemblyFormat = "$buffer attr-dict `:` type($buffer)";
  let hasVerifier = 1;
}

#endif // CNN_CHUNK_OPS
