"""Golden-file regression: when a prompt, a model or the parser changes, show what changed.

- ``store``     the layout of ``golden/<case>/`` and the JSON format of its files;
- ``recording`` LLM replies recorded next to each case, and their replay through the
  real openai + instructor path against the local scripted server;
- ``run``       a fresh run of the pipeline on a case, in ``replay`` or ``rules`` mode,
  shaped like ``expected.json``;
- ``diff``      the field-level difference between an expected and a fresh document;
- ``evaluate``  precision/recall of narrative facts against the hand-written golden facts.

The commands are ``gipr golden check|update|record`` and ``gipr eval``.
"""
