"""gateway.accounts.create_account refuses what a login body would refuse, before any write:
a username, password or display name with a control character could never log in."""

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
}


@pytest.mark.parametrize("field", ["username", "password", "display_name"])
def test_a_control_character_is_refused_naming_the_field(field):
    body = {**GOOD, field: GOOD[field] + "\x00"}
    with pytest.raises(ValidationFailed) as refused:
        accounts.create_account(None, **body, now=utcnow())  # refused before the session
    assert list(refused.value.details) == [field]
