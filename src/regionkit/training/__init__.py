"""Base models and fine-tuning with TensorFlow/Keras."""
