"""Image embeddings (open_clip CLIP or a weight-free style descriptor), the FAISS index, and
aesthetic search over creators' images."""
