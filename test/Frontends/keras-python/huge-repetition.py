# RUN: cnnc %s --summary | FileCheck %s
# CHECK: Total params: 50
# Sequence repetition by huge counts, in statements cnnc skips, finishes at
# once (found by fuzz-keras-python: an empty tuple times 30**7 looped for
# minutes; a string times 2**62 wrapped the length check).
from keras import Sequential
from keras.layers import Dense, Input
nothing = ()*30**7
empty = ''*2**62
wrapped = 'ab'*2**62
listed = [1]*2**62
model = Sequential([Input((4,)), Dense(10)])
