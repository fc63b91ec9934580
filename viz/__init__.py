"""The Dash user interface: ids, layout builders, pure figure builders, callbacks.

Only this package (and app.py) imports dash and plotly; the engine packages
`surfaces` and `optimizers` stay pure NumPy.
"""
