"""LLM narrative extraction over any OpenAI-compatible endpoint.

Core (provider-agnostic): ``prompt`` (versioned prompt files), ``schema`` (the reply models
the LLM fills), ``grounding`` (every fact must be backed by a quote in the report),
``cache`` (responses on disk), ``extract`` (one grounded, cached call per report),
``table_retry`` (表三 after a parse failure). Provider: ``client`` (openai + instructor +
tenacity), behind ``protocol.StructuredLLM``. ``config`` reads the settings;
``scripted_server`` is a local OpenAI-protocol server with scripted replies for tests.
The stage entry point is ``gipr_llm.narrative.extract_narrative``.
"""
