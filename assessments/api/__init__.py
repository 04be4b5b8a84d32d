"""The API for other systems (HR's): roster and metrics in, results and certificates out."""
