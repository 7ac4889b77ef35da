"""简报: the one-page Chinese briefing a leader reads, for one report or a batch (汇总).

- ``figures`` / ``batch_figures``: every number, computed from the validated report and its
  check findings, in a registry so each number in the text can be traced;
- ``template`` / ``batch_template``: the brief written without an LLM;
- ``llm_prose``: the LLM rewrites the two connecting paragraphs, numbers checked;
- ``markdown`` / ``docx`` / ``chart``: output; ``run``: the ``gipr brief`` command's work.
"""
