//===- CnnBase.td - The cnn dialect, its enums and attributes -*- tablegen -*-===//
//
// `cnn` is Keras's vocabulary as an MLIR dialect: one op per Keras layer kind,
// on builtin ranked tensors of f32 in NHWC layout with a dynamic batch.
//
//===----------------------------------------------------------------------===//

#ifndef CNN_BASE
#define CNN_BASE

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Cnn_Dialect : Dialect {
  let name = "cnn";
  let cppNamespace = "::mlir::cnn";
  let summary = "Keras-style convolutional networks";
  let description = [{
    The `cnn` dialect models a Keras Sequential CNN. Activations are tensors
    in NHWC layout (batch, rows, columns, channels) of f32; the batch may be
    dynamic. Every op infers its result type by Keras's shape rules, so the
    frontends never compute shapes themselves.

    A model is a `func.func @forward` whose first argument is the input and
    whose other arguments are the trainable parameters in Keras order, each
    carrying `cnn.param = "<layer>/<weight>"` and `cnn.initializer`. Each op
    carries `cnn.layer = #cnn.layer<"name", "Class">`, the Keras layer it
    implements; a layer such as `Conv2D(activation='relu')` is two ops.

    A module marked `cnn.model` is such a model: the verifier checks
    @forward's signature and body (ModelContract.h) whenever it verifies the
    module, until --convert-cnn-to-linalg lowers @forward and removes the
    mark. Its `cnn.training = #cnn.training<...>` holds compile()'s and
    fit()'s settings.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Registers the attributes (CnnAttrs.cpp, where their storage is).
    void registerAttributes();

    /// Discardable attribute names the dialect gives meaning to.
    static constexpr ::llvm::StringLiteral kLayerAttrName = "cnn.layer";
    static constexpr ::llvm::StringLiteral kParamAttrName = "cnn.param";
    static constexpr ::llvm::StringLiteral kInitializerAttrName = "cnn.initializer";
    static constexpr ::llvm::StringLiteral kModelNameAttrName = "cnn.model_name";
    static constexpr ::llvm::StringLiteral kTrainingAttrName = "cnn.training";
    /// Marks a module as a cnn-level model: the verifier then checks
    /// @forward's contract (ModelContract.h). --convert-cnn-to-linalg
    /// removes it with the cnn ops.
    static constexpr ::llvm::StringLiteral kModelAttrName = "cnn.model";
    /// Marks the linalg op ending a lowered fused_conv2d: --cnn-tile fuses
    /// its producers into its tiles.
    static constexpr ::llvm::StringLiteral kFusionRootAttrName = "cnn.fusion_root";
    /// `cnn.trainable = false` on a parameter argument: a weight Keras does
    /// not train (BatchNormalization's moving statistics, every weight of a
    /// layer with trainable=False). Absent means trainable.
    static constexpr ::llvm::StringLiteral kTrainableAttrName = "cnn.trainable";
    /// `cnn.regularizer = {l1 = .., l2 = ..}` on a parameter argument, and
    /// `cnn.activity_regularizer` on the op giving a layer's output: Keras's
    /// penalty l1 * sum|x| + l2 * sum x^2, which training adds to the loss.
    static constexpr ::llvm::StringLiteral kRegularizerAttrName = "cnn.regularizer";
    static constexpr ::llvm::StringLiteral kActivityRegularizerAttrName =
        "cnn.activity_regularizer";
    /// An op of a layer inside a nested model (a model used as a layer,
    /// which the frontend inlined): `cnn.nested` is the outermost nested
    /// model as a #cnn.layer (the summary's row), `cnn.nested_node` the node
    /// index the outer model calls it by ("model_1[1][0]").
    static constexpr ::llvm::StringLiteral kNestedAttrName = "cnn.nested";
    static constexpr ::llvm::StringLiteral kNestedNodeAttrName = "cnn.nested_node";
    /// A graph model's input argument: its Keras input name.
    static constexpr ::llvm::StringLiteral kInputAttrName = "cnn.input";
    /// On a result of @train_gradients: the slot holds the parameter's next
    /// value (a BatchNormalization's moving statistic, updated from the
    /// batch's statistics), not a gradient. The runtime moves it into the
    /// parameter, and the step needs the whole batch in one call.
    static constexpr ::llvm::StringLiteral kNextValueAttrName = "cnn.next_value";
    /// `cnn.output_losses` on a module with several outputs: one dictionary
    /// per @forward result, in result order, `{output = "dense_1", loss =
    /// "mse", from_logits = false, weight = 0.5 : f64}` (compile()'s loss
    /// per output and loss_weights; loss = "none": compile() gave that
    /// output no loss). Absent: every output trains with cnn.training's
    /// loss and weight 1.
    static constexpr ::llvm::StringLiteral kOutputLossesAttrName = "cnn.output_losses";
    /// `cnn.outputs = ["dense_1", ...]` on a training step of several
    /// outputs: the Keras names of the outputs whose loss sums and counts
    /// follow the gradients, in that order.
    static constexpr ::llvm::StringLiteral kOutputsAttrName = "cnn.outputs";
  }];
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Cnn_Padding : I32EnumAttr<"Padding", "Keras padding mode", [
    I32EnumAttrCase<"valid", 0>,
    I32EnumAttrCase<"same", 1>
  ]> {
  let cppNamespace = "::mlir::cnn";
}

def Cnn_PoolKind : I32EnumAttr<"PoolKind", "pooling reduction", [
    I32EnumAttrCase<"max", 0>,
    I32EnumAttrCase<"avg", 1>,
    I32EnumAttrCase<"min", 2>
  ]> {
  let cppNamespace = "::mlir::cnn";
}

def Cnn_ActivationKind : I32EnumAttr<"ActivationKind",
    "an elementwise activation whose derivative follows from its output", [
    I32EnumAttrCase<"relu", 0>,
    I32EnumAttrCase<"sigmoid", 1>,
    I32EnumAttrCase<"tanh", 2>
  ]> {
  let cppNamespace = "::mlir::cnn";
}

def Cnn_ActivationFunction : I32EnumAttr<"ActivationFunction",
    "a Keras activation function that cnn.activation computes", [
    // max(x, 0) generalised as Keras's ReLU layer: `alpha` is its
    // negative_slope, with `max_value` and `threshold` (LeakyReLU, relu6).
    I32EnumAttrCase<"relu", 0>,
    I32EnumAttrCase<"elu", 1>,
    I32EnumAttrCase<"selu", 2>,
    I32EnumAttrCase<"softplus", 3>,
    I32EnumAttrCase<"softsign", 4>,
    I32EnumAttrCase<"swish", 5>,
    I32EnumAttrCase<"gelu", 6>,
    I32EnumAttrCase<"gelu_tanh", 7>,
    // clip(alpha * x + 0.5, 0, 1): Keras 2's slope is 0.2, Keras 3's 1/6.
    I32EnumAttrCase<"hard_sigmoid", 8>,
    I32EnumAttrCase<"mish", 9>,
    I32EnumAttrCase<"exponential", 10>
  ]> {
  let cppNamespace = "::mlir::cnn";
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

def Cnn_LayerAttr : AttrDef<Cnn_Dialect, "Layer"> {
  let mnemonic = "layer";
  let summary = "the Keras layer an op belongs to";
  let description = [{
    `#cnn.layer<"conv2d", "Conv2D">`: the layer's Keras name and class. The
    summary table groups consecutive ops of one layer into one row.
  }];
  let parameters = (ins StringRefParameter<"Keras layer name">:$name,
                        StringRefParameter<"Keras class name">:$className);
  let assemblyFormat = "`<` $name `,` $className `>`";
}

include "dialects/cnn/CnnAttrs.td"

#endif // CNN_BASE
