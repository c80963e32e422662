"""The LLM engine: the rules engine drafts, the model reviews, the verifier decides.

    config  -> client (the one module that talks to litellm/instructor) -> answers -> merge
    engine  plans the calls over the report's parts, each with its slice of the rules
            engine's draft (draft); merge keeps what the verifier grounds (target_merge,
            area_merge, grounds); local runs the built-in model's server.
"""
