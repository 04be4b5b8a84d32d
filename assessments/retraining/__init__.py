"""The loop back to training: rules that give courses (manual 4.3.2, 5.3, 3.3.3)."""
