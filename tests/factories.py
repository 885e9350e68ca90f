"""factory_boy factories for the objects many tests build, each created through the real
service (unit_upsert, official_upsert, staff_user_create, case_submit), never by writing rows
directly, so a test's object has passed every rule a real one passes.

    unit = UnitFactory(name="县人社局")
    official = OfficialFactory(unit=unit)           # a unit of its own when none is given
    clerk = StaffUserFactory(role=roles.DEPARTMENT, unit=unit)
    case, receipt = CaseFactory(unit=unit)          # what case_submit returns
    rating = RatingFactory(official=official, level=2)  # through rating_submit, every rule
"""

import factory

from cms.models import Gender, OfficialRank, UnitKind
from cms.services import OfficialData, official_upsert, site_structure_ensure, unit_upsert
from complaints.models import Category
from complaints.services import case_submit
from portal.accounts import roles
from portal.accounts.services import staff_user_create
from portal.evaluation import rules
from portal.evaluation.choices import Channel
from portal.evaluation.services import RatingData, rating_submit

PASSWORD = "pw-12345678"


class UnitFactory(factory.Factory):
    class Meta:
        model = dict  # built by unit_upsert in _create

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.WINDOW
    latitude = "27.218000"
    longitude = "116.533000"

    @classmethod
    def _create(cls, model_class, **kwargs):
        unit, _ = unit_upsert(**kwargs)
        return unit


class OfficialFactory(factory.Factory):
    """An official's page under the roster (the site structure is ensured first)."""

    class Meta:
        model = OfficialData

    name = factory.Sequence(lambda n: f"测试{n}")
    gender = Gender.MALE
    unit = factory.SubFactory(UnitFactory)
    post = "科长"
    rank = OfficialRank.SECTION

    @classmethod
    def _create(cls, model_class, **kwargs):
        roster = site_structure_ensure()["officials"]
        page, _ = official_upsert(data=model_class(**kwargs), roster=roster)
        return page


class StaffUserFactory(factory.Factory):
    class Meta:
        model = dict

    username = factory.Sequence(lambda n: f"staff{n}")
    role = roles.OFFICE
    password = PASSWORD
    unit = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        email = kwargs.pop("email", "")
        user = staff_user_create(**kwargs)
        if email:
            user.email = email
            user.save(update_fields=["email"])
        return user


def _category():
    """A category from the complaints app's data migration (flushed in transactional tests,
    where it is made again)."""
    found = Category.objects.filter(code="efficiency").first()
    return found or Category.objects.create(name="办事效率", code="efficiency", display_order=2)


class CaseFactory(factory.Factory):
    """A submitted complaint; returns (case, receipt) like case_submit."""

    class Meta:
        model = dict

    category = factory.LazyFunction(_category)
    text = "窗口工作人员推诿扯皮，一件事跑了三次。"

    @classmethod
    def _create(cls, model_class, **kwargs):
        return case_submit(**kwargs)


class RatingFactory(factory.Factory):
    """A rating submitted through rating_submit (monthly limit, chain, warnings check and all).
    `voter` is the voter's identity as the view would pass it; a fresh one per rating unless
    given. Pass `anonymous=False, name=..., phone=...` for a named rating."""

    class Meta:
        model = dict

    official = factory.SubFactory(OfficialFactory)
    level = 4
    attitude = 4
    efficiency = 4
    style = 4
    reason = factory.LazyAttribute(lambda o: "理由" if rules.is_bad(o.level) else "")
    anonymous = True
    name = ""
    phone = ""
    channel = Channel.WEB
    voter = factory.Sequence(lambda n: f"voter-{n}")

    @classmethod
    def _create(cls, model_class, **kwargs):
        fields = ("level", "attitude", "efficiency", "style", "reason", "anonymous", "name")
        data = RatingData(**{f: kwargs.pop(f) for f in fields}, phone=kwargs.pop("phone"))
        return rating_submit(data=data, **kwargs)
