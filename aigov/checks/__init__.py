"""Every check of the build, one module per kind, each returning ``Problem``s (aigov/problems.py):

    files         what in sources/ is not a record file, or cannot be read safely
    yaml          what the YAML reader (aigov/yamlio.py) refuses, in plain words
    cells         each cell against its field in the Table Schemas
    keys          unique primary keys; foreign keys that point at rows that exist
    guards        template placeholders left in place; a symbol used by two records
    rules         rules across fields and tables, one named function each
    vocabularies  every allowed value has a definition
    catalogue     the code of every kind of problem, with its meaning

``aigov.pipeline`` runs them: files and yaml as it loads the sources, the rest in ``validate``.
Nothing is imported here, so that the YAML reader can use ``checks.yaml`` without the rest.
"""
