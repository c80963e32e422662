"""The LLM engine: plan calls, prompt, call the model, check answers, merge them.

    config  -> client (the one module that talks to litellm/instructor) -> answers -> merge
    engine  plans the calls over the report's parts; local runs the built-in model's server.
"""
