"""The bottom layer: facts the rest of the product reads and no code of its own above them.

Project paths (``reference.paths``), the measure catalogue (``reference.catalogue``, from the seed
``seeds/reference/measure_catalogue.csv``), one reader for each reference seed (``reference.geography``) and
the table of status words (``reference.status``). Nothing here imports the project's other packages.
"""
