# 'same' padding with strides: Keras pads so that out = ceil(in / stride),
# the odd extra row and column going to the bottom and right.
import tensorflow as tf

model = tf.keras.models.Sequential([
    tf.keras.layers.InputLayer(input_shape=(28, 28, 1)),
    tf.keras.layers.Conv2D(16, 3, strides=2, padding='same', activation='relu'),   # 14x14
    tf.keras.layers.Conv2D(32, (5, 5), strides=(2, 2), padding='same'),           # 7x7
    tf.keras.layers.MaxPool2D(pool_size=3, strides=2, padding='same'),             # 4x4
    tf.keras.layers.Conv2D(32, 3, dilation_rate=2, padding='same', activation='relu'),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(10, activation='softmax'),
], name='same_padding')

model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
              loss='sparse_categorical_crossentropy', metrics=['accuracy'])
