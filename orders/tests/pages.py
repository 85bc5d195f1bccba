"""Reading the till's pages in view tests, the way a browser would."""

from html.parser import HTMLParser

from django.conf import settings
from django.test import Client
from django.urls import reverse


class _FormReader(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.found = False
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = self.found = True
        elif self.inside and tag == "input" and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def form_values(response, form_id: str) -> dict[str, str]:
    """Return the named inputs of the form ``form_id`` with their values."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    assert reader.found, f"no form #{form_id} on the page"
    return reader.values


def log_in(client: Client, username: str) -> None:
    response = client.post(
        reverse("login"),
        {"username": username, "password": settings.KASSERPRO_DEMO_PASSWORD},
    )
    assert response.status_code == 302, response.content


def shift_open(client: Client, *, opening_cash: str = "100.00"):
    fields = form_values(client.get(reverse("till")), "shift-open")
    fields["opening_cash"] = opening_cash
    response = client.post(reverse("shift-open"), fields)
    assert response.status_code == 303, response.content
    return response


def pay(client: Client, **fields):
    """Submit the pay form as shown on the till now, with ``fields`` filled."""
    values = form_values(client.get(reverse("till")), "pay")
    values.update(fields)
    return client.post(reverse("till-pay"), values)


def shift_close_fields(client: Client, **counts) -> dict[str, str]:
    """Count the drawer on the shift page and return the confirm form's fields.

    ``counts`` are the count form's fields: ``counted_cash="105.00"``, or
    denominations such as ``n100="1"``.
    """
    preview = client.post(reverse("shift-close-preview"), counts)
    assert preview.status_code == 200, preview.content
    return form_values(preview, "shift-close")
