"""The demo school: composes the core's and each app's own demo into one school (``seed_demo``).

It lives above both apps, and is listed last in ``INSTALLED_APPS``: nothing below imports it."""
