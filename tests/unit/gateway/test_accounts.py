"""gateway.accounts.create_account refuses what a login body would refuse, before any write:
a username, password or display name with a control character could never log in; and a
department_staff account without its department (the projects it may act on follow it)."""

import pytest
from servicekit.clock import utcnow
from servicekit.errors import ValidationFailed

from gateway import accounts

GOOD = {
    "username": "zhang-san",
    "password": "a long enough password",
    "roles": ["deputy"],
    "area_code": "150622100",
    "display_name": "张三",
    "department": "住建局",  # any account may name one; department_staff must
}


@pytest.mark.parametrize("field", ["username", "password", "display_name", "department"])
def test_a_control_character_is_refused_naming_the_field(field):
    body = {**GOOD, field: GOOD[field] + "\x00"}
    with pytest.raises(ValidationFailed) as refused:
        accounts.create_account(None, **body, now=utcnow())  # refused before the session
    assert list(refused.value.details) == [field]


@pytest.mark.parametrize("department", [None, "", "   "])
def test_department_staff_without_a_department_is_refused(department):
    body = {**GOOD, "roles": ["department_staff"], "department": department}
    with pytest.raises(ValidationFailed) as refused:
        accounts.create_account(None, **body, now=utcnow())
    assert refused.value.message.startswith("部门工作人员账号须填写所属部门")
    assert list(refused.value.details) == ["department"]


def test_a_department_longer_than_100_characters_is_refused():
    body = {**GOOD, "roles": ["department_staff"], "department": "局" * 101}
    with pytest.raises(ValidationFailed) as refused:
        accounts.create_account(None, **body, now=utcnow())
    assert list(refused.value.details) == ["department"]
