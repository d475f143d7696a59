//===- Passes.td - cnnc's passes ------------------------------*- tablegen -*-===//
//
// Every pass cnnc runs of its own, in pipeline order. Each lives in its own
// file and has its own lit test under test/Transforms or test/Conversion.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_COMPILER_PASSES
#define CNNC_COMPILER_PASSES

include "mlir/Pass/PassBase.td"

def CheckModelSize : Pass<"cnn-check-model-size", "::mlir::ModuleOp"> {
  let summary = "Refuse a model of more layers than cnnc compiles";
  let description = [{
    Counts @forward's layers (runs of ops of one `cnn.layer`; an op without
    one is a layer of its own) and fails at the first one past
    `cnn::kMaxModelLayers`, with its location: compile time is not linear
    that far (docs/compiler.md, "Not linear yet"). Reading, checking and
    summarizing a deeper model is not compiling it, so only the pipeline
    refuses it.
  }];
}

def BuildTrainStep : Pass<"cnn-build-train-step", "::mlir::ModuleOp"> {
  let summary = "Derive the training step (loss, backward pass, optimizer) from @forward";
  let description = [{
    Adds `@train_gradients(x, labels, params..., scale, seed, step,
    first_sample) -> (loss_sum, correct, gradients...)`: the forward pass in
    training mode, the loss compile() names (from the logits under a final
    softmax, as Keras), the accuracy count and the backward op of every op;
    and `@apply_gradients(params, state, gradients, iteration)`: the
    optimizer's update of all parameters laid end to end, in place, summing
    the gradients of the batch's shards. Keras's defaults fill in what
    `cnn.training` does not say (RMSprop and sparse categorical
    crossentropy, as compile()). Also adds `@evaluate(x, labels, params...)
    -> (loss_sum, correct)`, the same loss and count in inference mode.
    A model with several outputs trains each against the same labels with
    its loss and weight (`cnn.output_losses`): `loss_sum` is the weighted
    total, and each output's loss sum and count follow the other results.
  }];
  let dependentDialects = [
    "::mlir::cnn::CnnDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect"
  ];
}

def EmitModelInfo : Pass<"cnn-emit-model-info", "::mlir::ModuleOp"> {
  let summary = "Describe the model to the runtime in a constant string";
  let description = [{
    Adds `llvm.mlir.global constant @cnnc_model_info`: the input and output
    shapes, each parameter's name, shape and initializer, and, when the
    module has a training step, its loss, label kind, optimizer and
    settings (the format is runtime/model/ModelInfo.h). Runs on `cnn` IR,
    which still carries the names.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def CropUnpooledBorder : Pass<"cnn-crop-unpooled-border", "::mlir::func::FuncOp"> {
  let summary = "Do not compute the rows and columns no pooling window reads";
  let description = [{
    A `valid` pooling whose windows stop short of its input's last rows or
    columns (2x2 windows over 11x11 read 10x10) never reads them. When that
    input is a `valid` conv2d (through an elementwise activation), the
    convolution is given `cnn.crop2d` of its input, cut to what the read
    rows and columns need, so they are not computed, nor, in training,
    their gradients (a fifth of the lesson's second convolution, three
    times over). Runs before the training step is derived, so that
    the backward pass sees the smaller convolution.
  }];
  let dependentDialects = ["::mlir::cnn::CnnDialect"];
}

def FoldBatchNorm : Pass<"cnn-fold-batch-norm", "::mlir::func::FuncOp"> {
  let summary = "Fold an inference batch_norm into the conv2d or dense before it";
  let description = [{
    In the inference functions (@forward, @evaluate; not @train_gradients,
    whose batch_norm uses the batch's statistics or needs its own backward
    op), a `cnn.batch_norm` whose input is a conv2d or dense used by it alone
    becomes part of that layer: the layer takes
    `cnn.fold_batch_norm_kernel` of its kernel and `cnn.fold_batch_norm_bias`
    of its bias (the scale gamma / sqrt(moving_variance + epsilon) per
    output channel), and the batch_norm goes. The folded weights are
    computed from the unfolded parameters at each call (kernel-sized work,
    not activation-sized), so the object keeps Keras's parameters and a
    conv -> BN -> relu -> pooling chain fuses like conv -> relu -> pooling.
  }];
  let dependentDialects = ["::mlir::cnn::CnnDialect"];
}

def FuseConvReluPool : Pass<"cnn-fuse-conv-relu-pool", "::mlir::func::FuncOp"> {
  let summary = "Fuse conv2d -> relu -> pooling chains into cnn.fused_conv2d";
  let description = [{
    Rewrites `conv2d -> relu` into `fused_conv2d relu`, and a pooling of a
    `fused_conv2d` into the same op with `pool`. The lowering of the fused
    op computes each pooled output from its convolution window while it is
    hot, so the full-size convolution output is never materialised. Only
    single-use chains are fused: a value needed elsewhere stays unfused.
    Every stride, padding and dilation is fused: the fused op's semantics
    are those of the chain, whatever its attributes.
  }];
  let dependentDialects = ["::mlir::cnn::CnnDialect"];
}

def ConvertCnnToLinalg : Pass<"convert-cnn-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower cnn ops to linalg, tensor, arith and math on tensors";
  let description = [{
    conv2d becomes linalg.conv_2d_nhwc_hwcf into a bias-initialised tensor
    (after a tensor.pad for 'same'); pooling becomes linalg.pooling_nhwc_*
    over an input padded with -inf / +inf / 0, average pooling dividing by
    the in-bounds count; dense becomes linalg.matmul (a contraction on the
    last axis for rank > 2); flatten a tensor.collapse_shape; activations and
    softmax linalg.generic / linalg.reduce. Dropout is the identity (the
    forward pass is inference). An op the lowering does not support is a
    located error naming it. The module is no longer a cnn-level model
    afterwards: the pass removes its `cnn.model` mark.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def TileAndFuse : Pass<"cnn-tile", "::mlir::func::FuncOp"> {
  let summary = "Tile linalg loop nests and fuse producers into the tiles";
  let description = [{
    Tiles each pooling (and each remaining convolution and matmul) by image
    and output row, and fuses its producers (the convolution and its bias
    and relu) into the tile loop, so that a fused_conv2d's convolution is
    computed one pooled row at a time while it is in cache.
  }];
  let options = [
    Option<"rowsPerTile", "rows-per-tile", "int64_t", /*default=*/"1",
           "Output rows computed per tile">,
  ];
  let dependentDialects = [
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect",
    "::mlir::linalg::LinalgDialect"
  ];
}

def PadInPlace : Pass<"cnn-pad-in-place", "::mlir::func::FuncOp"> {
  let summary = "Write a padded tensor's interior in place, fill only its border";
  let description = [{
    Rewrites each constant tensor.pad in a function's body (static widths,
    no padding of a dynamic dimension) as a tensor.empty of the padded
    shape, a cnn.fill_border of its border (bufferized to a fill of each
    border strip), and an insert_slice of the source into the interior. When the source is computed into a tensor.empty (a
    tile loop's or a linalg op's destination, followed back through
    destinations), that destination becomes the interior's extract_slice,
    so that after bufferization the producer writes straight into the
    padded buffer: no memset of the whole buffer, no copy of the interior.
  }];
  let dependentDialects = [
    "::mlir::tensor::TensorDialect", "::mlir::arith::ArithDialect",
    "::mlir::cnn::CnnDialect"
  ];
}

def Vectorize : Pass<"cnn-vectorize", "::mlir::func::FuncOp"> {
  let summary = "Tile linalg ops to register-sized tiles and vectorize them";
  let description = [{
    Tiles every linalg op so that each tile has static sizes that fit the
    vector registers, then vectorizes it: convolutions are tiled to one
    output row of `conv-width` pixels by up to `vector-channels` filters, one
    kernel tap and a few input channels, decomposed to 1-D convolutions and
    vectorized into outer products (NHWC with 32 channels is two AVX-512
    vectors), or, with 1, 2, 4 or 8 filters and unit strides, to a row by the whole kernel
    whose 16 lanes hold filters x input channels; pooling likewise; matmuls row by row; other contractions 8
    rows by up to 32 columns; transposes of the innermost dimension in
    16x16 blocks; elementwise ops along their innermost dimension. Sizes
    divide each static dimension, so those tiles are whole; an elementwise
    loop whose innermost dimension is dynamic and contiguous (the
    optimizer's update) is tiled by 16 with a masked last tile. An op whose
    tile is not static otherwise stays as loops.
  }];
  let options = [
    Option<"convWidth", "conv-width", "int64_t", /*default=*/"14",
           "Most output pixels of a convolution row computed at once">,
    Option<"vectorChannels", "vector-channels", "int64_t", /*default=*/"32",
           "Most output channels per vectorized tile">,
    Option<"reductionChannels", "reduction-channels", "int64_t",
           /*default=*/"8", "Most input channels per reduction step">,
  ];
  let dependentDialects = [
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::vector::VectorDialect"
  ];
}

def LowerVectors : Pass<"cnn-lower-vectors", "::mlir::func::FuncOp"> {
  let summary = "Hoist and lower vector ops to FMA-ready form after bufferization";
  let description = [{
    Folds subviews into vector transfers (so that hoisting sees them), hoists
    loop-invariant transfers (keeping a convolution's accumulators in
    registers across its reduction loops), and lowers contractions to outer
    products (vector.fma), transfers to loads and stores, and
    multi-reductions, ready for convert-vector-to-llvm.
  }];
  let dependentDialects = [
    "::mlir::vector::VectorDialect", "::mlir::memref::MemRefDialect"
  ];
}

def MaterializeOutput : Pass<"cnn-materialize-output", "::mlir::ModuleOp"> {
  let summary = "Make @forward write its result into a caller-provided buffer";
  let description = [{
    Appends an output memref argument to @forward and writes the result into
    it (bufferization.materialize_in_destination restrict writable), so that
    after bufferization the caller's output buffer is written in place and
    the function returns nothing.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect"];
}

def EmitCInterface : Pass<"cnn-emit-c-interface", "::mlir::ModuleOp"> {
  let summary = "Add the plain C entry point cnnc_forward around @forward";
  let description = [{
    After bufferization: adds `cnnc_forward(const float *input, int64_t
    batch, const float *const *params, float *output)`, which builds the
    memref descriptors of @forward's arguments from plain pointers and the
    batch size, and calls it.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def OutlineLoopNests : Pass<"cnn-outline-loop-nests", "::mlir::ModuleOp"> {
  let summary = "Give every top-level loop nest a function of its own";
  let description = [{
    After bufferization: each loop or linalg op directly in a function's
    body (one per layer step) moves into a private function,
    `@<function>_nest<N>`, called in its place, so that no later analysis
    in MLIR or LLVM sees more than one nest at a time (their cost grows
    faster than a function's size). The nest receives the buffers it uses
    and the scalars it reads; constants and views are rebuilt inside it
    from those buffers, so that aliasing views stay visible as such. The
    functions are internal and `no_inline`.
  }];
  let dependentDialects = [
    "::mlir::func::FuncDialect", "::mlir::LLVM::LLVMDialect"
  ];
}

def PlanMemory : Pass<"cnn-plan-memory", "::mlir::ModuleOp"> {
  let summary = "Place each function's buffers in one workspace, reusing bytes";
  let description = [{
    After bufferization and buffer hoisting: every allocation at the top of
    a function becomes a memref.view into one workspace. Buffers live from
    the first step (call, loop or linalg op) that uses them, or a view of
    them, to the last; buffers whose lives do not overlap share bytes.
    Sizes are affine in the batch n (one dynamic dimension of an argument):
    constant buffers are packed at the workspace's start, per-sample ones
    after them, each region greedily by size (first fit, 64-byte aligned),
    so one plan holds for every n.

    @forward takes its workspace as a new last argument (memref<?xi8>): the
    pass adds @forward_workspace_bytes(n) -> C + S * n, makes each caller
    allocate the workspace around the call, and records the plan on
    @forward as `cnnc.memory_plan` (compiler/Transforms/MemoryPlan.h). Every
    other function (the training step's) allocates its workspace itself,
    once per call. A buffer whose size is not a * n or b, or that leaves its
    function, stays a heap allocation of its own.
  }];
  let options = [
    Option<"freeWorkspaces", "free-workspaces", "bool", /*default=*/"true",
           "Free each workspace after its last use (off when buffer "
           "deallocation runs later and frees them)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect", "::mlir::LLVM::LLVMDialect"
  ];
}

def EmitWorkspaceInterface : Pass<"cnn-emit-workspace-interface", "::mlir::ModuleOp"> {
  let summary = "Add cnnc_forward_ws, cnnc_workspace_bytes and cnnc_param_elements";
  let description = [{
    After --cnn-emit-c-interface and --cnn-plan-memory: adds
    `cnnc_forward_ws(input, batch, params, output, workspace)`, cnnc_forward
    with the caller's workspace in place of the one it allocates;
    `cnnc_workspace_bytes(batch)`, the bytes that workspace needs; and the
    constant array `cnnc_param_elements`, each parameter's element count.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect"
  ];
}

def Bf16Contractions : Pass<"cnn-bf16-contractions", "::mlir::func::FuncOp"> {
  let summary = "Multiply bf16 pairs with FP32 accumulation (--precision bf16)";
  let description = [{
    On linalg on tensors, after --convert-cnn-to-linalg: every f32
    `linalg.matmul` x·W whose reduction K is static and even (a Dense
    layer's forward pass, and its input gradient dy·Wᵀ) becomes a
    contraction over pairs of the reduction, out[m, n] += Σ_{k, p}
    bf16(x)[m, k, p] · bf16(W)[k, n, p], the operands rounded to bf16
    (nearest even) and the sum in f32: x is rounded in place and viewed as
    [M, K/2, 2]; W is packed once per call as [K/2, N, 2], so that the 16
    pairs of 16 output columns are 32 contiguous bf16, what one
    `vdpbf16ps` reads (--cnn-lower-bf16-dot). Weights stay f32: only the
    multiplication's operands are rounded.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect"
  ];
}

def LowerBf16Dot : Pass<"cnn-lower-bf16-dot", "::mlir::func::FuncOp"> {
  let summary = "Lower bf16 pair contractions and conversions to AVX512-BF16 intrinsics";
  let description = [{
    Between --cnn-vectorize and --cnn-lower-vectors. A vector.contract of
    operands extended from bf16 into f32 accumulators, whose innermost
    reduction is a pair (last in both operands) and whose accumulator's
    innermost dimension is whole 16-lane vectors, becomes one
    `llvm.x86.avx512bf16.dpbf16ps.512` per row and 16 lanes (the row's pair
    broadcast as a 32-bit word, the lanes' 16 pairs as 32 contiguous bf16).
    An arith.truncf from f32 to bf16 of whole 16-lane vectors becomes
    `llvm.x86.avx512bf16.cvtne2ps2bf16.512` (32 lanes) or
    `cvtneps2bf16.512` (16): round to nearest even, as the hardware does.
    MLIR 19's x86vector dialect has neither.
  }];
  let dependentDialects = [
    "::mlir::vector::VectorDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::arith::ArithDialect",
    // A pair read of a packed tile becomes one read of a collapsed buffer.
    "::mlir::memref::MemRefDialect"
  ];
}

def LowerInt8Dot : Pass<"cnn-lower-int8-dot", "::mlir::func::FuncOp"> {
  let summary = "Lower uint8 x int8 group contractions to AVX512-VNNI vpdpbusd";
  let description = [{
    Between --cnn-vectorize and --cnn-lower-vectors, for --precision int8.
    A vector.contract of uint8 codes (arith.extui from i8) by int8 codes
    (arith.extsi from i8) into i32 accumulators, whose innermost reduction
    is a group of 4 (last in both operands) and whose accumulator's
    innermost dimension is whole 16-lane vectors along the int8 operand,
    becomes one `llvm.x86.avx512.vpdpbusd.512` per row and 16 lanes (the
    row's 4 codes broadcast as a 32-bit word, the lanes' 16 groups as 64
    contiguous bytes). MLIR 19's x86vector dialect has no VNNI op.
  }];
  let dependentDialects = [
    "::mlir::vector::VectorDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::arith::ArithDialect"
  ];
}

def QuantizeInt8 : Pass<"cnn-quantize-int8", "::mlir::ModuleOp"> {
  let summary = "Run the conv2d and dense layers cnn.int8 names in int8";
  let description = [{
    For `--precision int8`, on cnn IR. The module attribute `cnn.int8`
    (from a `cnnc quantize` file) maps layer names to {input_scale,
    input_zero_point, kernel_scales}. Each named cnn.conv2d or cnn.dense
    gets its input coded as uint8 (cnn.quantize_input: per tensor, with a
    zero point) and its kernel as int8 (cnn.quantize_kernel: per output
    channel, symmetric), becomes the same op on those integer codes without
    bias (exact integer sums: the int32 accumulator), and is followed by
    cnn.dequantize (the rescaling s_x * s_k[c] and the bias, in f32).
    Layers not named stay f32; an entry that names no such layer is an
    error.
  }];
  let dependentDialects = ["::mlir::cnn::CnnDialect"];
}

def ForwardFirstOutput : Pass<"cnn-forward-first-output", "::mlir::ModuleOp"> {
  let summary = "Keep @forward's first output in a training module of several outputs";
  let description = [{
    After --cnn-build-train-step, whose @train_gradients and @evaluate take
    every output's loss: compiled code (its model description, C entry
    point and memory plan) has one forward output so far, so @forward
    returns its first output alone and loses the ops only the others need.
    The runtime's forward pass in a training run (eval_images_per_second)
    then times that output's part of the graph; `cnnc predict` compiles
    each output on its own and is not affected. A module of one output, or
    without a training step, is left as it is.
  }];
}

def GradientReadyHook : Pass<"cnn-gradient-ready-hook", "::mlir::ModuleOp"> {
  let summary = "Call the runtime when the last layers' gradients are final";
  let description = [{
    After bufferization, on @train_gradients: finds the largest run of
    trailing parameters [s, P) whose gradient buffers are all written for
    the last time before any gradient buffer of [0, s) is first written
    (a model's Dense layers before its convolutions), and calls
    `cnnc_gradient_ready(s)` right after that last write. The call goes
    through the weak global `cnnc_gradient_ready_hook` (null unless the
    runtime sets it), so that an MPI rank can start summing those
    gradients while the rest of the backward pass runs. Nothing is added
    when no such run exists.
  }];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect", "::mlir::arith::ArithDialect"
  ];
}

def LowerChunkSums : Pass<"cnn-lower-chunk-sums", "::mlir::ModuleOp"> {
  let summary = "Let the runtime add the chunks' partial sums of a batch";
  let description = [{
    Turns each cnn.sum_across_chunks_in_place into a call of
    `cnnc_sum_across_chunks(pointer, length)` through the weak global
    `cnnc_sum_across_chunks_hook`, null unless the runtime sets it: the
    runtime adds the doubles of every chunk's call of the step in chunk
    order and writes the total into each chunk's buffer. Unset, the buffer
    is left as it is (the call computes the whole batch). Runs after the
    loops, before the lowering to LLVM.
  }];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect", "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

def FuseEpilogue : Pass<"cnn-fuse-epilogue", "::mlir::func::FuncOp"> {
  let summary = "Move a fused conv's tile root through its per-channel epilogue and pooling";
  let description = [{
    Between convert-cnn-to-linalg and --cnn-tile. A fusion root (a lowered
    fused_conv2d's relu or pooling) whose only consumer is an elementwise
    generic with per-channel static operands (an inference batch_norm after
    the relu) passes its mark on to that generic, and then to a max, min or
    sum pooling reading the result unpadded if the chain has no pooling
    yet (then on through an average's division). --cnn-tile then computes
    conv -> relu -> BN -> pooling tile by tile: the BN costs no pass over
    the activations and the pooling fuses as if it were not there.
  }];
}

#endif // CNNC_COMPILER_PASSES
