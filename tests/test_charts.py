import base64

from claimsift import charts
from claimsift.palette import COLORS


def test_confusion_chart_normalises_rows_and_colours_label_axes():
    spec = charts.confusion_chart([[2, 2, 0], [0, 1, 0], [0, 0, 0]], "m: counts, real test split", normalise=True)
    cells = {(v["actual"], v["predicted"]): v["value"] for v in spec["data"]["values"]}
    assert cells[("finding", "finding")] == 0.5 and cells[("testimony", "testimony")] == 1.0
    assert cells[("argument", "argument")] == 0  # an empty row stays zero, no division error
    assert COLORS["testimony"] in spec["encoding"]["x"]["axis"]["labelColor"]["expr"]
    assert spec["title"]["text"] == ["m: counts,", "real test split"]


def test_img_tag_embeds_an_svg_rendered_offline_with_its_title_as_alt():
    spec = charts.per_label_chart({lab: {"precision": 0.5, "recall": 0.6, "f1": 0.55} for lab in COLORS},
                                  'm: per label, "real" <test>')
    tag = charts.img_tag(spec)
    assert 'alt="m: per label, &quot;real&quot; &lt;test&gt;"' in tag
    svg = base64.b64decode(tag.split("base64,")[1].rstrip('">')).decode()
    assert svg.startswith("<svg") and COLORS["finding"].lower() in svg.lower()
    assert "http://" not in svg.replace("http://www.w3.org", "") and "https://" not in svg
