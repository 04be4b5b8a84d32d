"""Integration tokens: administrators let another system (HR's) call the API."""
