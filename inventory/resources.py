"""Catalogue import and export (django-import-export), one tenant at a time."""

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from inventory.models import Category, Product
from inventory.services import product_save

# Spreadsheets run a cell that starts with one of these as a formula. Text
# columns that do get a leading apostrophe on export, which spreadsheets
# show as text, and lose it again on import so a round trip changes nothing.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TEXT_COLUMNS = ("sku", "barcode", "name", "name_ar", "category")


class TenantCategoryWidget(ForeignKeyWidget):
    """Find a category by name among one tenant's categories only."""

    def __init__(self, *, tenant_id: int | None):
        super().__init__(Category, field="name")
        self.tenant_id = tenant_id

    def get_queryset(self, value, row, *args, **kwargs):
        return Category.objects.filter(tenant_id=self.tenant_id)


class ProductResource(resources.ModelResource):
    """Products keyed by sku, written into the importer's tenant only.

    The tenant never comes from the file: rows are looked up among, and
    created in, ``tenant_id``'s products, so a sku that another tenant also
    uses creates or updates this tenant's product and leaves theirs alone.
    Unknown category names are row errors rather than new categories.
    """

    category = fields.Field(
        attribute="category",
        column_name="category",
        widget=TenantCategoryWidget(tenant_id=None),
    )

    class Meta:
        model = Product
        fields = [
            "sku",
            "barcode",
            "name",
            "name_ar",
            "category",
            "unit",
            "price",
            "tax_rate",
            "track_stock",
            "is_active",
        ]
        import_id_fields = ["sku"]
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def __init__(self, *, tenant_id: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.tenant_id = tenant_id
        self.fields["category"].widget = TenantCategoryWidget(tenant_id=tenant_id)

    def before_import(self, dataset, **kwargs):
        if self.tenant_id is None:
            raise ValueError("A product import needs the importer's tenant.")

    def before_import_row(self, row, **kwargs):
        for column in TEXT_COLUMNS:
            value = row.get(column)
            if isinstance(value, str) and value[:1] == "'" and _formula(value[1:]):
                row[column] = value[1:]

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if field.column_name in TEXT_COLUMNS and _formula(value):
            return f"'{value}"
        return value

    def get_queryset(self):
        return Product.objects.filter(tenant_id=self.tenant_id)

    def init_instance(self, row=None):
        return Product(tenant_id=self.tenant_id)

    def do_instance_save(self, instance, is_create):
        product_save(tenant_id=self.tenant_id, product=instance)


def _formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)
