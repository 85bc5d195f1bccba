"""Tenant isolation in the Django admin, walked over every registered model.

The walk reads ``admin.site._registry``: a model registered later is
covered without editing this file. Its admin must be a ``TenantAdmin`` (or
stay closed to tenant staff), and ``tenant_activity`` must leave a row of it
for tenant A, which the lookup below insists on.
"""

import csv
import io
import re
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.forms import ModelChoiceField
from django.test import Client
from django.urls import reverse

from accounts.models import Tenant
from inventory.models import Category, Product
from kasserpro.admin import TenantAdmin
from kasserpro.tenancy import scopes_disabled
from kasserpro.tests.admin_support import (
    PLAIN_STATIC,
    client_for,
    platform_superuser,
    tenant_activity,
    tenant_id_of,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _label(model) -> str:
    return model._meta.label


TENANT_MODELS = sorted(
    (m for m, a in admin.site._registry.items() if isinstance(a, TenantAdmin)),
    key=_label,
)
OTHER_MODELS = sorted(
    (m for m, a in admin.site._registry.items() if not isinstance(a, TenantAdmin)),
    key=_label,
)


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STATIC


@pytest.fixture
def world(lab):
    """The lab with business of every kind in both tenants."""
    lab.activity_a = tenant_activity(lab, cashier="c1", manager="admin-a")
    lab.activity_b = tenant_activity(lab, cashier="c4", manager="admin-b")
    with scopes_disabled():
        Product.objects.filter(tenant=lab.tenant_a, sku="P1").update(
            name="Only-in-A product"
        )
        Product.objects.create(
            tenant=lab.tenant_b, sku="B-ONLY", name="Only-in-B", price=Decimal("1")
        )
    return lab


def _url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _rows_of(model, tenant):
    if model is Tenant:
        return Tenant.objects.filter(pk=tenant.pk)
    return model._default_manager.filter(tenant=tenant)


def _row_of(model, tenant):
    with scopes_disabled():
        row = _rows_of(model, tenant).order_by("pk").first()
    assert row is not None, (
        f"the lab holds no {_label(model)} of {tenant.slug}: "
        "give tenant_activity one so the isolation walk can aim at it"
    )
    return row


def _object_urls(model, pk) -> list[str]:
    """Every admin URL of ``model`` that names one object, for ``pk``."""
    base = _url(model, "changelist")
    urls = []
    for pattern in admin.site._registry[model].get_urls():
        route = str(pattern.pattern)
        if len(re.findall(r"<[^>]+>", route)) == 1:
            urls.append(base + re.sub(r"<[^>]+>", quote(str(pk)), route))
    content_type = ContentType.objects.get_for_model(model)
    urls.append(reverse("admin:view_on_site", args=[content_type.pk, pk]))
    return urls


def _snapshot(tenant) -> dict[str, str]:
    with scopes_disabled():
        return {
            _label(model): serializers.serialize(
                "json", _rows_of(model, tenant).order_by("pk")
            )
            for model in TENANT_MODELS
        }


def _choices(field: ModelChoiceField) -> list:
    with scopes_disabled():
        return list(field.queryset)


def test_admin_registry_every_tenant_model_has_tenant_admin():
    for model in OTHER_MODELS:
        assert not any(f.name == "tenant" for f in model._meta.get_fields()), (
            f"{_label(model)} belongs to a tenant but its admin is no TenantAdmin"
        )


@pytest.mark.parametrize("model", TENANT_MODELS, ids=_label)
def test_admin_object_urls_other_tenant_not_found_and_unchanged(world, model):
    owner = client_for(world.user("admin-a"))
    client = client_for(world.user("admin-b"))
    row = _row_of(model, world.tenant_a)
    before = _snapshot(world.tenant_a)

    for url in _object_urls(model, row.pk):
        if not url.startswith("/admin/r/"):
            # The walk must aim at real pages: their owner gets them.
            assert owner.get(url, follow=True).status_code != 404, url
        assert client.get(url, follow=True).status_code == 404, url
        attack = {"post": "yes", "name": "taken over", "reason": "x", "note": "x"}
        assert client.post(url, attack, follow=True).status_code == 404, url
    client.post(
        _url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )

    assert _snapshot(world.tenant_a) == before


@pytest.mark.parametrize("model", OTHER_MODELS, ids=_label)
def test_admin_non_tenant_models_tenant_staff_refused(world, model):
    client = client_for(world.user("admin-b"))

    response = client.get(_url(model, "changelist"))

    assert response.status_code in (302, 403)


@pytest.mark.parametrize("model", TENANT_MODELS, ids=_label)
def test_admin_changelist_tenant_staff_sees_own_rows_only(world, model):
    client = client_for(world.user("admin-b"))
    row_of_a = _row_of(model, world.tenant_a)

    response = client.get(_url(model, "changelist"))
    aimed = client.get(_url(model, "changelist"), {"id": row_of_a.pk})

    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert rows, "tenant B's own rows are listed"
    assert {tenant_id_of(row) for row in rows} == {world.tenant_b.pk}
    assert aimed.status_code == 200
    assert aimed.context["cl"].result_count == 0


def test_admin_changelists_tenant_staff_never_show_other_tenant_marks(world):
    client = client_for(world.user("admin-b"))
    marks = [
        world.activity_a.order_number,
        world.activity_a.customer,
        world.activity_a.supplier,
        world.activity_a.expense_note,
        "Only-in-A",
        world.tenant_a.name,
        "Nasr City",
        "Heliopolis",
        "admin-a",
    ]

    pages = {
        _label(model): client.get(_url(model, "changelist")).content.decode()
        for model in TENANT_MODELS
    }

    leaks = [
        (page, mark) for page, html in pages.items() for mark in marks if mark in html
    ]
    assert leaks == []
    assert world.activity_b.order_number in pages["orders.Order"]


@pytest.mark.parametrize("model", TENANT_MODELS, ids=_label)
def test_admin_add_form_choices_tenant_staff_own_tenant_only(world, model):
    client = client_for(world.user("admin-b"))

    response = client.get(_url(model, "add"))

    if response.status_code == 403:
        return  # nobody adds these here
    assert response.status_code == 200
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        if isinstance(field, ModelChoiceField):
            owners = {tenant_id_of(choice) for choice in _choices(field)}
            assert owners <= {world.tenant_b.pk}, name


def test_admin_add_forms_tenant_staff_offer_their_branches_and_categories(world):
    client = client_for(world.user("admin-b"))

    product_form = client.get(_url(Product, "add")).context["adminform"].form
    user_form = client.get("/admin/accounts/user/add/").context["adminform"].form

    categories = _choices(product_form.fields["category"])
    assert categories
    assert {c.tenant_id for c in categories} == {world.tenant_b.pk}
    assert [b.code for b in _choices(user_form.fields["home_branch"])] == ["B1"]


def test_admin_product_add_tenant_staff_gets_their_tenant(world):
    client = client_for(world.user("admin-b"))

    response = client.post(
        _url(Product, "add"),
        {
            "tenant": world.tenant_a.pk,
            "sku": "NEW-B",
            "name": "Added by B",
            "unit": "piece",
            "price": "3.00",
            "tax_rate": "14.00",
            "track_stock": "on",
            "is_active": "on",
            "stock_rows-TOTAL_FORMS": "0",
            "stock_rows-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        created = Product.objects.get(sku="NEW-B")
    assert created.tenant_id == world.tenant_b.pk


def test_admin_product_add_duplicate_sku_refused_in_form(world):
    client = client_for(world.user("admin-b"))

    response = client.post(
        _url(Product, "add"),
        {
            "sku": "P1",
            "name": "Second P1",
            "unit": "piece",
            "price": "3.00",
            "tax_rate": "14.00",
            "stock_rows-TOTAL_FORMS": "0",
            "stock_rows-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    with scopes_disabled():
        assert Product.objects.filter(tenant=world.tenant_b, sku="P1").count() == 1


def test_admin_platform_superuser_sees_both_tenants(world):
    client = client_for(platform_superuser())
    with scopes_disabled():
        total = Product.objects.count()
        p1_a = Product.objects.get(tenant=world.tenant_a, sku="P1")
        p1_b = Product.objects.get(tenant=world.tenant_b, sku="P1")

    response = client.get(_url(Product, "changelist"), {"q": "P1"})
    everything = client.get(_url(Product, "changelist"), {"all": ""})

    assert response.status_code == 200
    listed = {tenant_id_of(p) for p in response.context["cl"].result_list}
    assert listed == {world.tenant_a.pk, world.tenant_b.pk}
    assert everything.context["cl"].result_count == total
    for product in (p1_a, p1_b):
        page = client.get(_url(Product, "change", product.pk))
        assert page.status_code == 200
        fields = page.context["adminform"].form.fields
        assert fields["tenant"].disabled, "a saved row never changes tenant"
        categories = {c.tenant_id for c in _choices(fields["category"])}
        assert categories == {product.tenant_id}


def test_admin_cashier_turned_away(world):
    cashier = world.user("c1")
    client = client_for(cashier)

    index = client.get("/admin/")
    products = client.get(_url(Product, "changelist"))

    assert cashier.is_staff is False
    assert index.status_code == 302 and "/admin/login/" in index.url
    assert products.status_code == 302 and "/admin/login/" in products.url


def test_admin_seeded_admin_logs_in_with_password(world):
    client = Client()

    # Through the login form: django-axes needs the request to count tries.
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "admin-a", "password": "kasserpro-demo"},
    )

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def _export_csv(client) -> list[dict]:
    url = _url(Product, "export")
    form = client.get(url).context["form"]
    data = {"format": "0", "resource": "0"}
    data.update(
        {
            name: "on"
            for name, field in form.fields.items()
            if name.startswith("product")
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_admin_product_csv_export_tenant_a_only_its_skus(world):
    with scopes_disabled():
        own = set(
            Product.objects.filter(tenant=world.tenant_a).values_list("sku", flat=True)
        )

    rows = _export_csv(client_for(world.user("admin-a")))

    assert {row["sku"] for row in rows} == own
    assert "B-ONLY" not in {row["sku"] for row in rows}


def test_admin_product_csv_export_formula_names_stay_text(world):
    with scopes_disabled():
        Product.objects.filter(tenant=world.tenant_a, sku="P1").update(
            name='=HYPERLINK("http://evil.example","x")'
        )

    rows = _export_csv(client_for(world.user("admin-a")))

    (p1,) = [row for row in rows if row["sku"] == "P1"]
    assert p1["name"] == '\'=HYPERLINK("http://evil.example","x")'


def _import_csv(client, text: str):
    upload = io.BytesIO(text.encode())
    upload.name = "products.csv"
    dry_run = client.post(
        _url(Product, "import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )
    assert dry_run.status_code == 200
    confirm = dry_run.context.get("confirm_form")
    assert confirm is not None, dry_run.context["result"].base_errors
    return client.post(_url(Product, "process_import"), confirm.initial)


def test_admin_product_csv_import_tenant_b_touches_tenant_b_only(world):
    with scopes_disabled():
        p1_a = Product.objects.get(tenant=world.tenant_a, sku="P1")
        before_a = _snapshot(world.tenant_a)
    text = (
        "id,tenant,sku,name,price,tax_rate,category\n"
        f"{p1_a.pk},{world.tenant_a.pk},P1,Imported by B,99.00,14.00,\n"
        f",{world.tenant_a.pk},NEW-B,New in B,5.00,14.00,\n"
    )

    response = _import_csv(client_for(world.user("admin-b")), text)

    assert response.status_code == 302
    with scopes_disabled():
        p1_b = Product.objects.get(tenant=world.tenant_b, sku="P1")
        new = Product.objects.get(sku="NEW-B")
    assert (p1_b.name, p1_b.price) == ("Imported by B", Decimal("99.00"))
    assert new.tenant_id == world.tenant_b.pk
    assert _snapshot(world.tenant_a) == before_a


def test_admin_product_csv_import_escaped_formula_loses_its_apostrophe(world):
    response = _import_csv(
        client_for(world.user("admin-b")),
        "sku,name,price,tax_rate\nNEW-B,'=1+1,5.00,14.00\n",
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert Product.objects.get(sku="NEW-B").name == "=1+1"


def test_admin_product_import_unknown_category_of_other_tenant_refused(world):
    with scopes_disabled():
        Category.objects.create(tenant=world.tenant_a, name="A-only shelf")
    upload = io.BytesIO(b"sku,name,price,category\nNEW-B,New,5.00,A-only shelf\n")
    upload.name = "products.csv"

    response = client_for(world.user("admin-b")).post(
        _url(Product, "import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )

    assert response.context.get("confirm_form") is None
    with scopes_disabled():
        assert not Product.objects.filter(sku="NEW-B").exists()


def test_admin_product_script_name_rendered_escaped(world):
    with scopes_disabled():
        product = Product.objects.get(tenant=world.tenant_a, sku="P1")
        Product.objects.filter(pk=product.pk).update(name=SCRIPT)
    client = client_for(world.user("admin-a"))

    changelist = client.get(_url(Product, "changelist"), {"q": "alert(1)"})
    change = client.get(_url(Product, "change", product.pk))

    for page in (changelist, change):
        html = page.content.decode()
        assert page.status_code == 200
        assert SCRIPT not in html
        assert ESCAPED_SCRIPT in html
