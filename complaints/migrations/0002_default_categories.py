from django.db import migrations

DEFAULT_CATEGORIES = [
    ("服务态度", "service-attitude", "门难进、脸难看、话难听"),
    ("办事效率", "efficiency", "推诿扯皮、久拖不办"),
    ("工作作风", "work-style", "慵懒散拖、在岗不作为"),
    ("吃拿卡要", "bribery", "吃拿卡要、索拿回扣"),
    ("营商环境", "business-environment", "损害营商环境、涉企乱检查乱收费"),
    ("其他", "other", "其他效能问题"),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    for order, (name, code, description) in enumerate(DEFAULT_CATEGORIES, start=1):
        Category.objects.get_or_create(
            code=code,
            defaults={"name": name, "description": description, "display_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
