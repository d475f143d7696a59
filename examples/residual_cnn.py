# A small residual network for MNIST in Keras's functional API: a 3x3
# convolution, two residual blocks (conv-relu-conv, the block's input added
# back, relu), global average pooling and a softmax classifier.
#
#   cnnc examples/residual_cnn.py --summary
#   cnnc train examples/residual_cnn.py --epochs 1
from tensorflow import keras
from tensorflow.keras import layers
from keras.datasets import mnist

(X_train, y_train), (X_test, y_test) = mnist.load_data()


def residual_block(x, filters):
    y = layers.Conv2D(filters, 3, padding='same', activation='relu')(x)
    y = layers.Conv2D(filters, 3, padding='same')(y)
    y = layers.add([x, y])
    return layers.Activation('relu')(y)


def build_model():
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation='relu')(inputs)
    x = layers.MaxPooling2D(2)(x)
    x = residual_block(x, 32)
    x = residual_block(x, 32)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(10, activation='softmax')(x)
    return keras.Model(inputs=inputs, outputs=outputs, name='residual_cnn')


model = build_model()
model.summary()

model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(X_train, y_train, epochs=5, batch_size=32)
