"""Extension points so apps above cms can add to its pages without cms importing them.

evaluation registers a provider in its AppConfig.ready(): a callable
`provider(*, request, official) -> dict` whose result is merged into the profile context.
"""

official_context_providers: list = []
