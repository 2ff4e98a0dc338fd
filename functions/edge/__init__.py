"""The CDN invalidation function: each change announced on the stack's bus purges what it made stale at the edge."""
