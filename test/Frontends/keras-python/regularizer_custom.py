# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}regularizer_custom.py:7:62: error: unsupported regularizer 'OrthogonalRegularizer' (cnnc has l1, l2 and l1_l2)
# CHECK-NOT: error
# A regularizer cnnc does not have is refused, not dropped.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dense(4, kernel_regularizer=keras.regularizers.OrthogonalRegularizer(0.01))])
