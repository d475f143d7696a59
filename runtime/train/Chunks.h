//===- Chunks.h - The fixed cut of a batch into micro-chunks ----*- C++ -*-===//
//
// A batch's gradient is the sum of its chunks' gradients, and float sums
// depend on their order. So that 1 thread, T threads and N MPI ranks x T
// threads train to the same bits, the cut depends on the number of images
// only: chunk k holds images [k * size, (k + 1) * size) (the last one
// fewer), each chunk's gradient goes to a buffer of its own whoever
// computes it, and the buffers are added in chunk order, c0 + c1 + c2 ...
// (docs/compiler.md, "Deterministic reduction").
//
// Workers (ranks, then threads within a rank) take contiguous runs of
// chunks: worker w of W owns chunks [C * w / W, C * (w + 1) / W). Which
// worker computes a chunk changes nothing but speed.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_TRAIN_CHUNKS_H
#define CNNC_RUNTIME_TRAIN_CHUNKS_H

#include <algorithm>
#include <cstdint>

namespace cnnc {

/// Images per chunk of a training batch. Each chunk costs a call of the
/// compiled step and a gradient row the size of the model, which the
/// update reads back; at the lesson's batch of 32, chunks of 8 made an
/// epoch on 2 threads 4-5 % slower than the old one shard per thread,
/// chunks of 16 (2 per batch, one per thread, as before) as fast
/// (docs/compiler.md §10). Larger batches split over more workers.
constexpr int64_t kTrainChunkImages = 16;
/// Images per chunk of an evaluation: only the loss sum and the count come
/// back, so chunks can be larger (fewer calls).
constexpr int64_t kEvalChunkImages = 32;

/// How many chunks of `chunkImages` `images` make.
inline int64_t chunkCount(int64_t images, int64_t chunkImages) {
  return (images + chunkImages - 1) / chunkImages;
}

/// A run of chunks [begin, end).
struct ChunkRange {
  int64_t begin = 0, end = 0;
  int64_t size() const { return end - begin; }
};

/// The chunks worker `worker` of `workers` owns out of `chunks`.
inline ChunkRange chunksOfWorker(int64_t chunks, int64_t worker,
                                 int64_t workers) {
  return {chunks * worker / workers, chunks * (worker + 1) / workers};
}

/// The images [first, first + count) of chunk `chunk` of `images`.
inline int64_t chunkFirstImage(int64_t chunk, int64_t chunkImages) {
  return chunk * chunkImages;
}
inline int64_t chunkImageCount(int64_t chunk, int64_t images,
                               int64_t chunkImages) {
  return std::min(chunkImages, images - chunk * chunkImages);
}

} // namespace cnnc

#endif // CNNC_RUNTIME_TRAIN_CHUNKS_H
