//===- CnnAttrs.td - The model's training contract --------*- tablegen -*-===//
//
// compile()'s and fit()'s settings as typed attributes: the module's
// `cnn.training = #cnn.training<...>`. Keras's defaults for what a model
// file leaves unsaid live with these attributes (KerasDefaults.h and the
// helpers of CnnAttrs.h), nowhere else.
//
//===----------------------------------------------------------------------===//

#ifndef CNN_ATTRS
#define CNN_ATTRS

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Cnn_Loss : I32EnumAttr<"Loss", "a Keras loss cnnc trains with", [
    I32EnumAttrCase<"SparseCategoricalCrossentropy", 0,
                    "sparse_categorical_crossentropy">,
    I32EnumAttrCase<"CategoricalCrossentropy", 1, "categorical_crossentropy">,
    // Keras's alias `mean_squared_error` is read as mse.
    I32EnumAttrCase<"MeanSquaredError", 2, "mse">,
    I32EnumAttrCase<"BinaryCrossentropy", 3, "binary_crossentropy">
  ]> {
  let cppNamespace = "::mlir::cnn";
  let genSpecializedAttr = 0;
}

def Cnn_OptimizerKind : I32EnumAttr<"OptimizerKind",
    "a Keras optimizer cnnc trains with", [
    I32EnumAttrCase<"Adam", 0, "adam">,
    I32EnumAttrCase<"SGD", 1, "sgd">,
    I32EnumAttrCase<"RMSprop", 2, "rmsprop">
  ]> {
  let cppNamespace = "::mlir::cnn";
  let genSpecializedAttr = 0;
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

class Cnn_OptionalDouble<string desc>
    : OptionalParameter<"std::optional<HashableDouble>", desc>;

def Cnn_OptimizerAttr : AttrDef<Cnn_Dialect, "Optimizer"> {
  let mnemonic = "optimizer";
  let summary = "a Keras optimizer and the settings the model file gives";
  let description = [{
    `#cnn.optimizer<adam, learning_rate = 0.002, beta_1 = 0.8>`: the kind,
    then the hyper-parameters the model file (or a flag) gave, under their
    Keras names. What is absent is Keras's default: `withDefaults()` fills
    it in. Only the kind's own settings are allowed:

      adam:    learning_rate, beta_1, beta_2, epsilon
      sgd:     learning_rate, momentum, nesterov
      rmsprop: learning_rate, rho, epsilon

    Every number is finite and non-negative; beta_1, beta_2, momentum and
    rho are at most 1.
  }];
  let parameters = (ins
    EnumParameter<Cnn_OptimizerKind>:$kind,
    Cnn_OptionalDouble<"step size">:$learningRate,
    Cnn_OptionalDouble<"Adam's first-moment decay">:$beta1,
    Cnn_OptionalDouble<"Adam's second-moment decay">:$beta2,
    Cnn_OptionalDouble<"Adam's and RMSprop's denominator offset">:$epsilon,
    Cnn_OptionalDouble<"SGD's momentum">:$momentum,
    OptionalParameter<"std::optional<bool>", "SGD's Nesterov momentum">:$nesterov,
    Cnn_OptionalDouble<"RMSprop's decay">:$rho
  );
  let builders = [
    AttrBuilder<(ins "OptimizerKind":$kind), [{
      return $_get($_ctxt, kind, std::nullopt, std::nullopt, std::nullopt,
                   std::nullopt, std::nullopt, std::nullopt, std::nullopt);
    }]>
  ];
  let skipDefaultBuilders = 0;
  let genVerifyDecl = 1;
  let hasCustomAssemblyFormat = 1;
  let extraClassDeclaration = [{
    /// The Keras names of the settings `kind` has, in printing order.
    static ::llvm::ArrayRef<::llvm::StringRef> settingNames(OptimizerKind kind);
    /// Every setting of the kind, Keras's default where none is given.
    OptimizerAttr withDefaults() const;
    /// A setting by its Keras name (nesterov as 1 or 0); none when absent
    /// or not a setting of any optimizer.
    std::optional<double> getSetting(::llvm::StringRef name) const;
    /// This optimizer with `name` set (which must be one of settingNames).
    OptimizerAttr withSetting(::llvm::StringRef name, double value) const;
  }];
}

def Cnn_TrainingAttr : AttrDef<Cnn_Dialect, "Training"> {
  let mnemonic = "training";
  let summary = "compile()'s and fit()'s settings, as far as the model gives them";
  let description = [{
    The module's `cnn.training`:

      #cnn.training<loss = sparse_categorical_crossentropy, from_logits,
                    optimizer = #cnn.optimizer<adam, learning_rate = 0.001>,
                    metrics = ["accuracy"], epochs = 5, batch_size = 32,
                    validation_split = 0.1, shuffle = true>

    Every field is optional. Without a loss, training uses Keras's
    sparse_categorical_crossentropy; without an optimizer, compile()'s
    default rmsprop (getLossOrDefault, getOptimizerOrDefault). epochs is
    non-negative, batch_size positive, validation_split in [0, 1).
  }];
  let parameters = (ins
    OptionalParameter<"std::optional<Loss>", "compile(loss=...)">:$loss,
    DefaultValuedParameter<"bool", "false", "the loss takes logits">:$fromLogits,
    OptionalParameter<"OptimizerAttr", "compile(optimizer=...)">:$optimizer,
    OptionalParameter<"ArrayAttr", "compile(metrics=[...]), strings">:$metrics,
    OptionalParameter<"std::optional<int64_t>", "fit(epochs=...)">:$epochs,
    OptionalParameter<"std::optional<int64_t>", "fit(batch_size=...)">:$batchSize,
    Cnn_OptionalDouble<"fit(validation_split=...)">:$validationSplit,
    OptionalParameter<"std::optional<bool>", "fit(shuffle=...)">:$shuffle
  );
  let genVerifyDecl = 1;
  let hasCustomAssemblyFormat = 1;
  let extraClassDeclaration = [{
    /// The loss training uses: the model's, else Keras's default.
    Loss getLossOrDefault() const;
    /// The optimizer training uses, every setting filled in: the model's,
    /// else compile()'s default (rmsprop), with Keras's defaults.
    OptimizerAttr getOptimizerOrDefault() const;
  }];
}

#endif // CNN_ATTRS
