# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}no-model.py:1:1: error: no Sequential model defined
# A script that builds no Sequential model.
import numpy as np
x = np.zeros((28, 28))
