import json

from claimsift import palette
from claimsift.labels import LABELS


def test_every_label_has_a_colour_and_a_tint_in_label_order():
    assert tuple(palette.COLORS) == LABELS and tuple(palette.TINTS) == LABELS
    assert len(set(palette.COLORS.values())) == len(LABELS)
    assert palette.vega_scale() == {"domain": list(LABELS), "range": [palette.COLORS[n] for n in LABELS]}


def test_css_and_json_carry_the_same_colours():
    css = palette.css()
    data = json.loads(palette.as_json())
    for name in LABELS:
        assert f"--label-{name}: {palette.COLORS[name]};" in css and data["colors"][name] == palette.COLORS[name]
        assert data["tints"][name] == palette.TINTS[name]
