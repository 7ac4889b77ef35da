"""The brief prose guard reads every way Chinese prose states a quantity (issue 14, defect 3).

「两万余条」, 「同比增长三成」, 「约三分之一」 passed the number guard; each is a quantity the
data do not hold (or cannot hold exactly), so the prose carrying it is rejected.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from gipr_llm.render.brief.llm_prose import prose_model
from gipr_llm.render.brief.numbers import quantities_in, untraced_numbers

ALLOWED = {Decimal(v) for v in ("20000", "271", "45.2", "33.3", "23", "2")}
GOOD = "全年办结271件，占全部申请的45.2%，依申请公开工作总体平稳。" * 2


@pytest.mark.parametrize(
    ("text", "untraced"),
    [
        ("共办理两万余条申请", ["两万余"]),
        ("同比增长三成", ["三成"]),
        ("约三分之一的申请予以公开", ["三分之一"]),
        ("近两成申请不予公开", ["两成"]),
        ("受理申请1.2万件", ["1.2万"]),
        ("增长了5倍", ["5"]),
        ("千分之五的申请被复议", ["千分之五"]),
        ("百分之三十点五的申请", ["百分之三十点五"]),
        ("约271件", ["271"]),  # approximate: the data hold exact figures
        ("共20000件，两万件，2万件", []),  # the same exact quantity, three ways
        ("占33.3%，即三分之一", []),  # a share that rounds to a stated percentage
        ("办结二十三件，一是加强培训，进一步统一规范", []),  # 一是, 进一步, 统一 are words
    ],
)
def test_quantities_that_cannot_be_traced_are_named(text, untraced):
    assert untraced_numbers(text, ALLOWED) == untraced


def test_approximation_is_read_before_and_after_the_number():
    [before] = quantities_in("约占三分之一")
    [after] = quantities_in("271件左右")
    [suffix] = quantities_in("两万余条")
    assert before.approximate and after.approximate and suffix.approximate
    assert suffix.value == 20000


@pytest.mark.parametrize("planted", ["两万余条", "同比增长三成", "约三分之一"])
def test_the_prose_model_rejects_the_campaigns_quantities(planted):
    model = prose_model(frozenset(ALLOWED))
    model.model_validate({"overview": GOOD, "assessment": GOOD})
    with pytest.raises(ValidationError, match="初稿中没有的数字"):
        model.model_validate({"overview": GOOD + f"申请量{planted}。", "assessment": GOOD})
