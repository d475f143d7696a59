# A small residual network for MNIST, the kind a ResNet starts with: a 3x3
# convolution of 32 channels, two residual blocks (conv-BN-relu-conv-BN, the
# block's input added back, relu), global average pooling and a softmax
# classifier. bench/models times it against the same network in PyTorch;
# residual_bn_cnn.json is its tf.keras 2.12 to_json().
#
#   cnnc examples/residual_bn_cnn.py --summary
#   cnnc train examples/residual_bn_cnn.py --epochs 1
from tensorflow import keras
from tensorflow.keras import layers
from keras.datasets import mnist

(X_train, y_train), (X_test, y_test) = mnist.load_data()


def residual_block(x, filters):
    # No bias before a BatchNormalization: its beta takes that role.
    y = layers.Conv2D(filters, 3, padding='same', use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.Activation('relu')(y)
    y = layers.Conv2D(filters, 3, padding='same', use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    y = layers.Add()([x, y])
    return layers.Activation('relu')(y)


inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(32, 3, padding='same', activation='relu')(inputs)
x = residual_block(x, 32)
x = residual_block(x, 32)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(10, activation='softmax')(x)
model = keras.Model(inputs=inputs, outputs=outputs, name='residual_bn_cnn')
model.summary()

model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(X_train, y_train, epochs=5, batch_size=32)
