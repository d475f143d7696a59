//===- EmitCInterface.cpp - Plain C entry points around the model ---------===//
//
// This file implements --cnn-emit-c-interface. After bufferization @forward
// takes memrefs, whose LLVM calling convention (descriptors expanded into
// pointers, offsets, sizes and strides) is not something a C caller should
// see. The pass adds, for @forward and the training step's functions,
//
//   void cnnc_forward(const float *input, int64_t batch,
//                     const float *const *params, float *output);
//
// (a model with several inputs takes one `input` pointer each, in its input
// order, and adds
//
//   void cnnc_forward_inputs(const float *const *inputs, int64_t batch,
//                            const float *const *params, float *output);
//
// the same with the inputs in an array, which the runtime calls whatever
// their number),
//   void cnnc_train_gradients(const float *input, const void *labels,
//                             int64_t batch, const float *const *params,
//                             float scale, int64_t seed, int64_t step,
//                             int64_t first_sample, float *stats,
//                             float *const *gradients);
//   void cnnc_evaluate(const float *input, const void *labels,
//                      int64_t batch, const float *const *params,
//                      float *stats);
//   (stats: the loss sum and the count, then, for a model of several
//   outputs, each output's loss sum and count)
//   void cnnc_apply_gradients(float *params, float *state,
//                             const float *gradients, int64_t shards,
//                             int64_t iteration, int64_t begin,
//                             int64_t count);
//
// each of which builds the descriptors from plain pointers (row-major; the
// dynamic sizes are the batch, or the shard count and the part of the
// parameters a call updates) and calls the function, now private. The
// descriptors become memrefs through unrealized casts that the LLVM
// conversion folds away.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMTypes.h"

namespace cnnc {
#define GEN_PASS_DEF_EMITCINTERFACE
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;

namespace {

/// Builds the descriptor of `type` at `pointer`: row-major, contiguous
/// unless its layout gives other (static) strides. Its dynamic sizes are
/// `dynamicSizes`, outermost first.
static Value buildDescriptor(OpBuilder &b, Location loc, MemRefType type,
                             Value pointer, ArrayRef<Value> dynamicSizes) {
  MLIRContext *context = b.getContext();
  Type i64 = b.getI64Type();
  Type ptr = LLVM::LLVMPointerType::get(context);
  int64_t rank = type.getRank();
  auto array = LLVM::LLVMArrayType::get(i64, rank);
  // A 0-d memref's descriptor has no sizes and strides.
  SmallVector<Type> fields{ptr, ptr, i64};
  if (rank > 0)
    fields.append({array, array});
  auto structType = LLVM::LLVMStructType::getLiteral(context, fields);
  auto constant = [&](int64_t v) -> Value {
    return b.create<LLVM::ConstantOp>(loc, i64, b.getI64IntegerAttr(v));
  };
  Value desc = b.create<LLVM::UndefOp>(loc, structType);
  desc = b.create<LLVM::InsertValueOp>(loc, desc, pointer, 0);
  desc = b.create<LLVM::InsertValueOp>(loc, desc, pointer, 1);
  desc = b.create<LLVM::InsertValueOp>(loc, desc, constant(0), 2);
  // Strides: the layout's, or row-major from the innermost dimension out
  // (only the outermost size may then be dynamic).
  SmallVector<int64_t> strides;
  int64_t offset = 0;
  if (failed(getStridesAndOffset(type, strides, offset)) ||
      llvm::any_of(strides, ShapedType::isDynamic))
    llvm_unreachable("C entry points take static strides");
  unsigned next = 0;
  SmallVector<Value> dynamicSizeOf(rank);
  for (int64_t d = 0; d < rank; ++d)
    if (type.isDynamicDim(d))
      dynamicSizeOf[d] = dynamicSizes[next++];
  for (int64_t d = rank - 1; d >= 0; --d) {
    Value sizeValue =
        dynamicSizeOf[d] ? dynamicSizeOf[d] : constant(type.getDimSize(d));
    desc = b.create<LLVM::InsertValueOp>(loc, desc, sizeValue,
                                         ArrayRef<int64_t>{3, d});
    desc = b.create<LLVM::InsertValueOp>(loc, desc, constant(strides[d]),
                                         ArrayRef<int64_t>{4, d});
  }
  return b
      .create<UnrealizedConversionCastOp>(loc, TypeRange{type},
                                          ValueRange{desc})
      .getResult(0);
}

/// Where one argument of the MLIR function comes from in the C signature.
struct ArgSource {
  enum Kind { Pointer, ArrayElement, Scalar } kind;
  unsigned cParam;     // index of the C parameter
  int64_t element = 0; // ArrayElement: which pointer; Pointer: float offset
  /// The C parameters giving its dynamic sizes, outermost first; empty: the
  /// entry's dynamicSizeParam for each.
  SmallVector<unsigned, 2> sizeParams = {};
  /// A C parameter holding a further offset in floats, or -1.
  int offsetParam = -1;
};

/// A C entry point around a bufferized function.
struct CEntry {
  StringRef function, symbol;
  SmallVector<Type> cParams;
  unsigned dynamicSizeParam; // the C parameter giving the dynamic dimension
  SmallVector<ArgSource> sources;
};

/// The C signatures, documented in CHeader.cpp and CompiledModel.h. Reports
/// an error and returns nothing for a function without one.
std::optional<CEntry> entryFor(func::FuncOp function, unsigned inputCount,
                               unsigned paramCount, bool inputArray) {
  MLIRContext *context = function.getContext();
  Type ptr = LLVM::LLVMPointerType::get(context);
  Type i64 = IntegerType::get(context, 64), f32 = Float32Type::get(context);
  CEntry entry;
  entry.function = function.getName();
  auto pointers = [&](unsigned cParam, unsigned count) {
    for (unsigned i = 0; i < count; ++i)
      entry.sources.push_back({ArgSource::ArrayElement, cParam, i});
  };
  // A model of several outputs: each output's loss sum and count follow
  // the function's other arguments, and go to stats[2], stats[3], ...
  // after the total and the first count.
  auto outputStats = [&](unsigned cParam) {
    if (!function->hasAttr(cnn::CnnDialect::kOutputsAttrName))
      return;
    unsigned before = entry.sources.size();
    for (unsigned i = before; i < function.getNumArguments(); ++i)
      entry.sources.push_back(
          {ArgSource::Pointer, cParam, int64_t(2 + i - before)});
  };
  if (function.getName() == "forward" && inputArray) {
    // cnnc_forward_inputs(inputs, batch, params, output)
    entry.symbol = "cnnc_forward_inputs";
    entry.cParams = {ptr, i64, ptr, ptr};
    entry.dynamicSizeParam = 1;
    pointers(0, inputCount);
    pointers(2, paramCount);
    entry.sources.push_back({ArgSource::Pointer, 3});
  } else if (function.getName() == "forward") {
    // cnnc_forward(input..., batch, params, output): one pointer per input.
    entry.symbol = "cnnc_forward";
    entry.cParams.assign(inputCount, ptr);
    entry.cParams.append({i64, ptr, ptr});
    entry.dynamicSizeParam = inputCount;
    for (unsigned i = 0; i < inputCount; ++i)
      entry.sources.push_back({ArgSource::Pointer, i});
    pointers(inputCount + 1, paramCount);
    entry.sources.push_back({ArgSource::Pointer, inputCount + 2});
  } else if (function.getName() == "train_gradients") {
    // cnnc_train_gradients(input, labels, batch, params, scale, seed, step,
    //                      first_sample, stats, gradients)
    entry.symbol = "cnnc_train_gradients";
    entry.cParams = {ptr, ptr, i64, ptr, f32, i64, i64, i64, ptr, ptr};
    entry.dynamicSizeParam = 2;
    entry.sources.push_back({ArgSource::Pointer, 0});
    entry.sources.push_back({ArgSource::Pointer, 1});
    pointers(3, paramCount);
    for (unsigned c = 4; c < 8; ++c)
      entry.sources.push_back({ArgSource::Scalar, c});
    entry.sources.push_back({ArgSource::Pointer, 8, 0}); // loss sum
    entry.sources.push_back({ArgSource::Pointer, 8, 1}); // correct count
    pointers(9, paramCount);
    outputStats(8);
  } else if (function.getName() == "evaluate") {
    // cnnc_evaluate(input, labels, batch, params, stats)
    entry.symbol = "cnnc_evaluate";
    entry.cParams = {ptr, ptr, i64, ptr, ptr};
    entry.dynamicSizeParam = 2;
    entry.sources.push_back({ArgSource::Pointer, 0});
    entry.sources.push_back({ArgSource::Pointer, 1});
    pointers(3, paramCount);
    entry.sources.push_back({ArgSource::Pointer, 4, 0}); // loss sum
    entry.sources.push_back({ArgSource::Pointer, 4, 1}); // correct count
    outputStats(4);
  } else if (function.getName() == "apply_gradients") {
    // cnnc_apply_gradients(params, state, gradients, shards, iteration,
    //                      begin, count): parameters [begin, begin + count)
    // of each pointer's rows.
    entry.symbol = "cnnc_apply_gradients";
    entry.cParams = {ptr, ptr, ptr, i64, i64, i64, i64};
    entry.dynamicSizeParam = 6;
    entry.sources.push_back({ArgSource::Pointer, 0, 0, {6}, 5});
    entry.sources.push_back({ArgSource::Pointer, 1, 0, {6}, 5});
    entry.sources.push_back({ArgSource::Pointer, 2, 0, {3, 6}, 5});
    entry.sources.push_back({ArgSource::Scalar, 4});
  } else {
    function.emitError() << "@" << function.getName()
                         << " has no C entry point";
    return std::nullopt;
  }
  if (entry.sources.size() != function.getNumArguments()) {
    function.emitError() << "@" << function.getName() << " has "
                         << function.getNumArguments()
                         << " arguments; its C entry point expects "
                         << entry.sources.size();
    return std::nullopt;
  }
  return entry;
}

/// Writes the C entry point `entry` calling `function`.
void emitEntry(OpBuilder &b, func::FuncOp function, const CEntry &entry) {
  MLIRContext *context = b.getContext();
  Location loc = function.getLoc();
  Type ptr = LLVM::LLVMPointerType::get(context);
  auto wrapper = b.create<func::FuncOp>(loc, entry.symbol,
                                        b.getFunctionType(entry.cParams, {}));
  Block *body = wrapper.addEntryBlock();
  b.setInsertionPointToStart(body);

  SmallVector<Value> operands;
  for (auto [source, type] :
       llvm::zip_equal(entry.sources, function.getArgumentTypes())) {
    Value cParam = body->getArgument(source.cParam);
    if (source.kind == ArgSource::Scalar) {
      operands.push_back(cParam);
      continue;
    }
    Value pointer = cParam;
    if (source.kind == ArgSource::ArrayElement) {
      Value slot = b.create<LLVM::GEPOp>(
          loc, ptr, ptr, cParam,
          ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(source.element)});
      pointer = b.create<LLVM::LoadOp>(loc, ptr, slot);
    } else if (source.element != 0) {
      pointer = b.create<LLVM::GEPOp>(
          loc, ptr, b.getF32Type(), cParam,
          ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(source.element)});
    }
    if (source.offsetParam >= 0)
      pointer = b.create<LLVM::GEPOp>(
          loc, ptr, b.getF32Type(), pointer,
          ArrayRef<LLVM::GEPArg>{body->getArgument(source.offsetParam)});
    auto memref = cast<MemRefType>(type);
    SmallVector<Value> sizes;
    if (source.sizeParams.empty())
      sizes.assign(memref.getNumDynamicDims(),
                   body->getArgument(entry.dynamicSizeParam));
    for (unsigned c : source.sizeParams)
      sizes.push_back(body->getArgument(c));
    operands.push_back(buildDescriptor(b, loc, memref, pointer, sizes));
  }
  b.create<func::CallOp>(loc, function, operands);
  b.create<func::ReturnOp>(loc);
  // Internal: the object exports the cnnc_ symbols alone, so a program may
  // have its own `forward`.
  function.setPrivate();
  function->setAttr("llvm.linkage",
                    LLVM::LinkageAttr::get(context, LLVM::Linkage::Internal));
}

struct EmitCInterface : cnnc::impl::EmitCInterfaceBase<EmitCInterface> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = module.lookupSymbol<func::FuncOp>("forward");
    // Memrefs with static strides and offset 0 (the C caller passes plain
    // pointers), and scalars.
    auto bufferized = [](func::FuncOp function) {
      return function.getNumResults() == 0 &&
             llvm::all_of(function.getArgumentTypes(), [](Type t) {
               auto memref = dyn_cast<MemRefType>(t);
               if (!memref)
                 return t.isIntOrFloat();
               SmallVector<int64_t> strides;
               int64_t offset;
               return succeeded(getStridesAndOffset(memref, strides, offset)) &&
                      offset == 0 &&
                      !llvm::any_of(strides, ShapedType::isDynamic);
             });
    };
    if (!forward || forward.getNumArguments() < 2 || !bufferized(forward)) {
      module.emitError("expected a bufferized 'func.func @forward' taking "
                       "memrefs with static strides and returning nothing");
      return signalPassFailure();
    }
    // @forward's arguments: inputs..., parameters..., output. The inputs
    // are the leading arguments with a dynamic (batch) dimension before
    // the output; parameters are static.
    unsigned inputCount = 0;
    auto isInput = [&](unsigned i) {
      auto memref = dyn_cast<MemRefType>(forward.getArgumentTypes()[i]);
      return memref && !memref.hasStaticShape();
    };
    while (inputCount + 1 < forward.getNumArguments() && isInput(inputCount))
      ++inputCount;
    if (inputCount == 0) {
      module.emitError("expected @forward to take its inputs (a dynamic "
                       "batch) before its parameters and output");
      return signalPassFailure();
    }
    unsigned paramCount = forward.getNumArguments() - inputCount - 1;
    SmallVector<func::FuncOp> functions(module.getOps<func::FuncOp>());
    OpBuilder b(&getContext());
    for (func::FuncOp function : functions) {
      if (function.isExternal() || function.isPrivate())
        continue;
      std::optional<CEntry> entry =
          entryFor(function, inputCount, paramCount, /*inputArray=*/false);
      if (!entry)
        return signalPassFailure();
      if (!bufferized(function)) {
        function.emitError("expected a bufferized function");
        return signalPassFailure();
      }
      b.setInsertionPointToEnd(module.getBody());
      emitEntry(b, function, *entry);
      // Several inputs: the array form too, for the runtime.
      b.setInsertionPointToEnd(module.getBody());
      if (function == forward && inputCount > 1)
        emitEntry(b, function,
                  *entryFor(function, inputCount, paramCount,
                            /*inputArray=*/true));
    }
  }
};

} // namespace
