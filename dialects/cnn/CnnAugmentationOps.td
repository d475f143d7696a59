//===- CnnAugmentationOps.td - Keras's augmentation layers ---*- tablegen -*-===//
//
// RandomFlip, RandomRotation, RandomZoom, RandomTranslation, RandomContrast
// and RandomBrightness: one op told apart by its kind, because cnnc gives
// them one meaning (the identity at inference) and one refusal (training).
// Their configs are checked by the frontends (Augmentation.cpp), where the
// file's positions are; the op keeps only what the IR needs to say which
// layer it is.
//
//===----------------------------------------------------------------------===//

#ifndef CNN_AUGMENTATION_OPS
#define CNN_AUGMENTATION_OPS

def Cnn_AugmentationKind : I32EnumAttr<"AugmentationKind",
    "the transformation a Keras augmentation layer draws in training", [
    I32EnumAttrCase<"flip", 0>,
    I32EnumAttrCase<"rotation", 1>,
    I32EnumAttrCase<"zoom", 2>,
    I32EnumAttrCase<"translation", 3>,
    I32EnumAttrCase<"contrast", 4>,
    I32EnumAttrCase<"brightness", 5>
  ]> {
  let cppNamespace = "::mlir::cnn";
}

def Cnn_RandomAugmentationOp : Cnn_Op<"random_augmentation"> {
  let summary = "Keras's Random* augmentation layers: identity outside training";
  let description = [{
    In prediction and evaluation Keras's augmentation layers pass their
    images through unchanged (`training=False`), and so does this op. In
    training Keras draws a random transformation per image from TensorFlow's
    generators; cnnc does not reproduce those draws, so
    --cnn-build-train-step refuses the op at its layer
    (keras-semantics.md, "Augmentation layers"). The input is a batch of
    images (N, H, W, C), as Keras requires.

    ```mlir
    %y = cnn.random_augmentation flip %x seed = 42 : tensor<?x28x28x1xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, Cnn_AugmentationKind:$kind,
                       OptionalAttr<I64Attr>:$seed);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $kind $input (`seed` `=` $seed^)? attr-dict `:` type($input)
  }];
}

#endif // CNN_AUGMENTATION_OPS
