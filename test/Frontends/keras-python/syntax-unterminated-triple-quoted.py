# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}syntax-unterminated-triple-quoted.py:4:1: error: unterminated triple-quoted string
# A docstring that is never closed.
'''Trains a CNN.
from keras import Sequential
