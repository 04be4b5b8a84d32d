"""The scoring: the policy HR edits, the five-part arithmetic (pure) and its explanations."""
