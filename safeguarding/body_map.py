"""The regions of the body map: front and back of a simple outline (static/safeguarding/)."""

REGIONS = [
    ("front-head", "Front: head and face"),
    ("front-neck", "Front: neck"),
    ("front-chest", "Front: chest"),
    ("front-abdomen", "Front: tummy"),
    ("front-groin", "Front: groin"),
    ("front-left-arm", "Front: left arm"),
    ("front-right-arm", "Front: right arm"),
    ("front-left-hand", "Front: left hand"),
    ("front-right-hand", "Front: right hand"),
    ("front-left-leg", "Front: left leg"),
    ("front-right-leg", "Front: right leg"),
    ("front-left-foot", "Front: left foot"),
    ("front-right-foot", "Front: right foot"),
    ("back-head", "Back: head"),
    ("back-neck", "Back: neck"),
    ("back-upper-back", "Back: upper back"),
    ("back-lower-back", "Back: lower back"),
    ("back-buttocks", "Back: buttocks"),
    ("back-left-arm", "Back: left arm"),
    ("back-right-arm", "Back: right arm"),
    ("back-left-leg", "Back: left leg"),
    ("back-right-leg", "Back: right leg"),
    ("back-left-foot", "Back: left foot"),
    ("back-right-foot", "Back: right foot"),
]
LABELS = dict(REGIONS)


def describe(marks) -> list[dict]:
    """Marks as stored, with the region's words for display."""
    return [{**mark, "label": LABELS.get(mark.get("region"), mark.get("region"))} for mark in marks]
