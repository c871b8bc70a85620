"""Video generation: the model registry, the providers and the job manager."""
