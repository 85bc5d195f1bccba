from django.db import migrations


def staff_follows_role(apps, schema_editor):
    # Admin access follows the role from now on (User.save keeps it in
    # step); users saved before that get it here once.
    User = apps.get_model("accounts", "User")
    tenant_users = User.objects.filter(tenant__isnull=False)
    tenant_users.filter(role__in=["admin", "manager"]).update(is_staff=True)
    tenant_users.filter(role="cashier").update(is_staff=False, is_superuser=False)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_refresh_rotation")]

    operations = [migrations.RunPython(staff_follows_role, migrations.RunPython.noop)]
