"""The LLM provider layer: knows nothing of annual reports, imports only the data model.

``protocol`` is what the rest of the package needs from a model (``StructuredLLM``: messages
and a response model in, a validated instance out); ``providers`` builds one by name
(``make_llm``); ``openai_compat`` is the first provider (openai + instructor + tenacity);
``config`` reads the settings; ``cache`` stores replies on disk; ``fake`` is an in-process
provider for unit tests and ``scripted_server`` a local OpenAI-protocol HTTP server with
scripted replies, so tests drive the real client over real HTTP.
"""
