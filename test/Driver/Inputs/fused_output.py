# A model whose output is a fused conv+relu+pool (no Flatten after it).
from keras.layers import Conv2D,MaxPooling2D
from keras import Sequential
model = Sequential()
model.add(Conv2D(32,kernel_size=(3,3),padding="valid", activation="relu", input_shape=(28,28,1)))
model.add(MaxPooling2D(pool_size=(2, 2), strides=2, padding="valid"))
