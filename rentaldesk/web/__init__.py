"""The customers' web site (issue 12): :mod:`rentaldesk.web.app` builds the ASGI application around a
:class:`rentaldesk.web.storefront.Storefront`, the one object through which it reaches the engine.
Needs the ``web`` extra (Starlette, Jinja2, uvicorn); ``rentaldesk web`` serves it."""
