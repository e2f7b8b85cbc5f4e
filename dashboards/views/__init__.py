"""The dashboard's pages: one module per page, each with a ``render()`` that ``dashboards/app.py`` registers.

Pages read data only through ``dashboards.data_access`` and keep their logic in pure modules
(``dashboards.comparison``, ``dashboards.measures``, ``dashboards.charts``), so page code is layout.
"""
