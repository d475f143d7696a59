# Two Dense layers whose sizes take --precision bf16's vector path: 64
# inputs and 32 hidden units are whole pairs of zmm vectors to round
# (vcvtne2ps2bf16), 32 and 16 units whole zmm accumulators (vdpbf16ps).
from keras import Sequential
from keras.layers import Dense

model = Sequential()
model.add(Dense(32, activation='relu', input_shape=(64,)))
model.add(Dense(16, activation='softmax'))
