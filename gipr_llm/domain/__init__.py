"""The bottom layer: the national template's vocabulary (``spec``), the data model every
stage hands on (``models``), text normalisation, the rule registry and the template's
arithmetic. Imports nothing else from the package."""
