"""The symptom diary: what was logged, where it is kept, and what it shows."""
