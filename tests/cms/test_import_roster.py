"""import_roster: CSV and XLSX, dry run, row-level errors, all or nothing, re-import updates."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cms.models import OfficialPage

EXAMPLES = Path(__file__).resolve().parents[2] / "deploy" / "examples"


@pytest.fixture
def units(make_unit):
    make_unit(name="县政务服务中心")
    make_unit(name="县市场监督管理局", short_name="县市场监管局")


@pytest.mark.django_db
@pytest.mark.parametrize("filename", ["roster.csv", "roster.xlsx"])
def test_example_file_imports_three_officials(units, roster, filename, capsys):
    call_command("import_roster", str(EXAMPLES / filename))
    assert set(OfficialPage.objects.values_list("title", flat=True)) == {
        "李晓梅",
        "王建国",
        "陈志强",
    }
    li = OfficialPage.objects.get(roster_code="EX0001")
    assert li.unit.name == "县政务服务中心" and li.gender == "F" and li.name_initials == "lxm"
    assert "新增 3" in capsys.readouterr().out


@pytest.mark.django_db
def test_dry_run_writes_nothing(units, roster):
    call_command("import_roster", str(EXAMPLES / "roster.csv"), "--dry-run")
    assert OfficialPage.objects.count() == 0


@pytest.mark.django_db
def test_reimport_updates_instead_of_duplicating(units, roster, tmp_path):
    call_command("import_roster", str(EXAMPLES / "roster.csv"))
    changed = (
        (EXAMPLES / "roster.csv").read_text(encoding="utf-8").replace("综合窗口科科长", "副主任")
    )
    path = tmp_path / "changed.csv"
    path.write_text(changed, encoding="utf-8")
    call_command("import_roster", str(path))
    assert OfficialPage.objects.count() == 3
    assert OfficialPage.objects.get(roster_code="EX0001").post == "副主任"


@pytest.mark.django_db
def test_broken_file_reports_every_row_error_and_imports_nothing(units, roster, tmp_path, capsys):
    path = tmp_path / "broken.csv"
    path.write_text(
        "编号,单位,姓名,性别,职务,任职起始\n"
        "A1,县政务服务中心,赵六,男,科长,2024-01-01\n"
        "A2,不存在局,钱七,X,,昨天\n"
        "A1,县政务服务中心,孙八,女,科员,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="未导入"):
        call_command("import_roster", str(path))
    err = capsys.readouterr().err
    assert "第3行「单位」" in err and "第3行「性别」" in err and "第3行「职务」" in err
    assert "第3行「任职起始」" in err and "第4行「编号」" in err
    assert OfficialPage.objects.count() == 0  # the good first row was not imported either


@pytest.mark.django_db
def test_gbk_csv_and_missing_columns(units, roster, tmp_path):
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("单位,姓名,性别,职务\n县政务服务中心,周九,男,科长\n".encode("gb18030"))
    call_command("import_roster", str(gbk))
    assert OfficialPage.objects.filter(title="周九").exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("姓名\n周九\n", encoding="utf-8")
    with pytest.raises(CommandError, match="缺少必填列"):
        call_command("import_roster", str(bad))
    text = tmp_path / "roster.txt"
    text.write_text("x", encoding="utf-8")
    with pytest.raises(CommandError, match="仅支持"):
        call_command("import_roster", str(text))
