# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}no-model-functions.py:1:1: error: no Sequential model defined; the script defines load_data, preprocess: --entry NAME calls one with its defaults
# A script that builds no model and defines functions: the error lists them,
# as candidates for --entry (entry.py).
import numpy as np


def load_data(path='digits.npz'):
    return np.load(path)


def preprocess(x):
    return x / 255.0
