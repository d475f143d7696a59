# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}transpose-does-not-convolve-back.py:10:5: error: output size 8 does not convolve back to 5 with kernel 4 and stride 2 (TensorFlow refuses this output_padding too){{$}}
# CHECK-NOT: {{.}}
# An even kernel with 'same' padding and output_padding 0 gives 8 rows, which
# a stride-2 convolution maps back to 4, not 5: TensorFlow cannot run it.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    keras.Input(shape=(5, 5, 4)),
    layers.Conv2DTranspose(2, 4, strides=2, padding='same', output_padding=0),
])
