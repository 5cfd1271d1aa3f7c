import pytest

from claimsift.records import load_params, read_jsonl, write_json, write_jsonl


def test_jsonl_roundtrip_and_errors(tmp_path):
    p = tmp_path / "a" / "r.jsonl"
    assert write_jsonl(p, [{"x": "é"}, {"y": 2}]) == 2
    assert list(read_jsonl(p)) == [{"x": "é"}, {"y": 2}]
    p.write_text('{"x": 1}\n{oops\n')
    with pytest.raises(ValueError, match=r"r\.jsonl:2: invalid JSON"):
        list(read_jsonl(p))


def test_params_section(tmp_path):
    (tmp_path / "params.yaml").write_text("a:\n  b: 1\n")
    assert load_params("a", tmp_path / "params.yaml") == {"b": 1}
    with pytest.raises(KeyError, match="no section 'z'"):
        load_params("z", tmp_path / "params.yaml")
    write_json(tmp_path / "m.json", {"k": 1})
    assert (tmp_path / "m.json").read_text() == '{\n  "k": 1\n}\n'
