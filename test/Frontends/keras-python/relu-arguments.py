# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}relu-arguments.py:7:49: error: 'max_value' must be a finite number >= 0, not -6.0{{$}}
# CHECK-NOT: {{.}}
# Keras refuses a negative max_value ("cannot be a negative value").
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.ReLU(max_value=-6.0)])
