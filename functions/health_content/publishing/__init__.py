"""Publishing: bring the serving index in line with the content bucket, one document key at a time.

``kinds`` is the table of document kinds publishing dispatches over; ``publisher`` syncs one
key; ``report`` is the outcome operators read; ``source`` is the port to the content bucket.
"""
