"""The web studio at ``/studio`` (SPEC §11): sign in with an API key, browse, review, compare, make, verify.

Server-rendered HTML (Jinja2 templates in ``templates/``) with small vanilla JS and CSS in ``static/``: no
build step, no build server. Every page reads the catalog through the tenant's catalog facade
(``Service.catalog(tenant)``); generate and edit go through the queue API with the session cookie.
``router`` is mounted by ``api.app.create_app``.
"""
