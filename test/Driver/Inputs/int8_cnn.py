# A small model of the lesson's shape for the int8 tests: two conv +
# max-pooling blocks, a hidden Dense (all three int8 under cnnc quantize)
# and the classifier (f32). The first conv has no activation, so that the
# second one's input is negative too: its zero point is not 0.
from keras import Sequential
from keras.layers import Conv2D, Dense, Flatten, MaxPooling2D

model = Sequential()
model.add(Conv2D(8, kernel_size=(3, 3), input_shape=(28, 28, 1)))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Conv2D(16, kernel_size=(3, 3), activation='relu'))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(32, activation='relu'))
model.add(Dense(10, activation='softmax'))
