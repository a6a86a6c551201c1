"""The diary on the web: its pages, their forms, and its JSON API."""
