from claimsift.plots import confusion_spec, render_png, write_confusion_csv


def test_csv_and_png(tmp_path):
    y_true, y_pred = ["finding", "argument"], ["finding", "testimony"]
    write_confusion_csv(tmp_path / "c.csv", y_true, y_pred)
    assert (tmp_path / "c.csv").read_text() == "actual,predicted\nfinding,finding\nargument,testimony\n"
    spec = confusion_spec(y_true, y_pred, "t")
    cells = {(v["actual"], v["predicted"]): v["count"] for v in spec["data"]["values"]}
    assert len(cells) == 9 and cells[("argument", "testimony")] == 1 and sum(cells.values()) == 2
    render_png(spec, tmp_path / "c.png")
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
