"""A table's caption adds to its heading rather than repeating it: the grades and the work on the
staff student page and on the parent's page for their child say their order, not "Grades" under
the heading "Grades"."""

import re

from tests.conftest import sign_in

CAPTION = re.compile(r"<caption[^>]*>(.*?)</caption>", re.S)


def _captions(page: str) -> list[str]:
    return [caption.strip() for caption in CAPTION.findall(page)]


def test_the_student_page_captions_say_more_than_their_headings(client, teacher, child, learning):
    page = sign_in(client, teacher).get(f"/records/students/{child.pk}/").content.decode()
    captions = _captions(page)
    assert "Grades, the newest first" in captions
    assert "Work uploaded, the newest first, each file to download" in captions
    assert "Grades" not in captions and "Work" not in captions


def test_the_parents_page_captions_say_more_than_their_headings(client, parent, child, learning):
    page = sign_in(client, parent).get(f"/portal/children/{child.pk}/").content.decode()
    captions = _captions(page)
    assert "Grades, the newest first" in captions
    assert "Work uploaded, the newest first, each file to download" in captions
    assert "Grades" not in captions and "Work" not in captions
