"""Side-by-side timing scripts (jaxnets vs PyTorch, vs the hardware peak); see README.md."""
