# Pooling windows as wide as the shape rules allow: over a 100x100 input a
# global pooling, and a 65536x65536 'same' window (one output, the window
# covers the whole input and far beyond).
from keras import Sequential
from keras.layers import Conv2D, Dense, Flatten, GlobalMaxPooling2D, MaxPooling2D

model = Sequential()
model.add(Conv2D(8, 3, padding='same', activation='relu', input_shape=(100, 100, 3)))
model.add(MaxPooling2D((65536, 65536), padding='same'))
model.add(Flatten())
model.add(Dense(10, activation='softmax'))
