"""Catalogue import and export (django-import-export), one tenant at a time."""

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from inventory.models import Category, Product
from inventory.services import product_save


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

    def get_queryset(self):
        return Product.objects.filter(tenant_id=self.tenant_id)

    def init_instance(self, row=None):
        return Product(tenant_id=self.tenant_id)

    def do_instance_save(self, instance, is_create):
        product_save(tenant_id=self.tenant_id, product=instance)
