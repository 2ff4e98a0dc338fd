"""The change log: every change to published content, in order, with its reason, and the events it sends."""
