# A model on flat vectors: no image goes into it.
from keras import Sequential
from keras.layers import Dense

model = Sequential()
model.add(Dense(10, activation='softmax', input_shape=(784,)))
