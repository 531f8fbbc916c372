"""Dashboard panels. Each app registers the panels it contributes; each panel decides whom it is
for. The core never imports the apps (they register here from their AppConfig.ready)."""

from collections.abc import Callable

_PANELS: list[tuple[int, Callable]] = []


def register(order: int):
    """Decorator: ``fn(request) -> dict | None`` (None when the panel is not for this person)."""

    def wrap(fn):
        _PANELS.append((order, fn))
        _PANELS.sort(key=lambda pair: pair[0])
        return fn

    return wrap


def panels_for(request) -> list[dict]:
    panels = []
    for _, build in _PANELS:
        panel = build(request)
        if panel:
            panel.setdefault("links", [])
            panel.setdefault("items", [])
            panel.setdefault("body", "")
            panel.setdefault("empty_text", "")
            panels.append(panel)
    return panels
