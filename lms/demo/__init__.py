"""The demo company that `manage.py seed_demo` loads."""
