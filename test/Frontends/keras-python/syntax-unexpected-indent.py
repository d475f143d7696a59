# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}syntax-unexpected-indent.py:6:5: error: unexpected indent
# An indented line that opens no block.
from keras import Sequential
model = Sequential()
    model.summary()
