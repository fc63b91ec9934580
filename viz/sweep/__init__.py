"""The hyperparameter-landscape view: sweeps of thousands of runs at once, and basin maps.

``compute`` (pure NumPy: validation, grids, one vectorized simulate() call per chunk),
``figures`` (pure figure builders), ``layout`` (the view), ``callbacks`` (a Dash
background callback runs the sweep; clicking a cell loads it into the trajectory view),
``manager`` (the background-callback manager app.py installs: diskcache, or Celery
with Redis when ``REDIS_URL`` is set), ``ids`` (component ids of the view).
"""
