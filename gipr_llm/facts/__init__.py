"""Facts stage: the narrative facts (主动公开条数, problems, measures, fees) with their quotes,
from the rules extractor and, when configured, an LLM; grounding decides which are kept."""
