import json

from claimsift.realtext import gum_document, onestop_document, select_onestop

CONLLU = """# newdoc id = GUM_interview_bees
# meta::sourceURL = https://example.org/bees
# meta::title = A beekeeper talks
# newpar
# newpar_block = head rend:::"bold" (1 s)
# text = A beekeeper talks
# text = Monday, May 4, 2015
# newpar
# newpar_block = figure (2 s) | caption (2 s)
# text = A hive.
# text = Image: Someone.
# newpar
# newpar_block = p (2 s)
# text = Ana Ruiz keeps bees.
# text = She has 40 hives.
# newpar
# newpar_block = sp who:::"#Wikinews" (1 s) | p (1 s)
# speaker = Wikinews
# text = How did you start?
# newpar
# newpar_block = sp who:::"#AnaBRuiz" (2 s) | p (2 s)
# text = My uncle gave me a hive.
# text = I was nine.
# newpar
# text = Later I bought more.
"""


def test_gum_rebuild_keeps_headline_captions_and_speakers():
    doc = gum_document(CONLLU)
    assert doc.id == "gum_interview_bees"
    assert doc.text.splitlines() == [
        "A beekeeper talks", "Monday, May 4, 2015", "A hive.", "Image: Someone.",
        "Ana Ruiz keeps bees. She has 40 hives.", "Wikinews: How did you start?",
        "Ana B Ruiz: My uncle gave me a hive. I was nine.", "Later I bought more."]
    assert doc.meta["written_for_project"] is False
    assert doc.meta["source"] == "gum_interview" and doc.meta["url"] == "https://example.org/bees"
    assert doc.meta["license"].startswith("CC BY")


def test_onestop_strips_bom_and_selects_reported_speech():
    a = onestop_document("\ufeffHeadline \nThe mayor said it was fine. \n\n\"No,\" she said.\n", "Town-adv")
    b = onestop_document("Other\nThe river is long.\n", "River-adv")
    assert a.id == "ose_town" and a.text == "Headline\nThe mayor said it was fine.\n\"No,\" she said.\n"
    assert a.meta["license"] == "CC BY-SA 4.0" and a.meta["source"] == "onestopenglish"
    assert select_onestop([b, a], 1) == [a]


def test_gum_markup_gives_heading_and_caption_lines_as_non_body_spans():
    doc = gum_document(CONLLU)
    spans = [(doc.text[s:e], reason) for s, e, reason in doc.meta["non_body"]]
    # the date under the headline is outside the heading block (1 s), so it is not marked
    assert spans == [("A beekeeper talks", "heading"), ("A hive.", "caption"), ("Image: Someone.", "caption")]


def test_markup_command_refreshes_metadata_and_refuses_a_changed_raw_file(tmp_path):
    from claimsift.realtext import main

    shared = tmp_path / "real_text"
    (shared / "gum").mkdir(parents=True)
    (shared / "onestopenglish_adv").mkdir()
    (shared / "gum" / "GUM_interview_bees.conllu").write_text(CONLLU, encoding="utf-8")
    raw, meta = tmp_path / "raw", tmp_path / "documents.jsonl"
    raw.mkdir()
    meta.write_text('{"id": "written_1", "genre": "news"}\n', encoding="utf-8")
    args = [str(shared), "--raw-dir", str(raw), "--metadata", str(meta)]
    assert main(["import", *args]) == 0
    records = [json.loads(ln) for ln in meta.read_text().splitlines()]
    del records[1]["non_body"]  # as imported before the markup was recorded
    meta.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert main(["markup", *args]) == 0
    assert len(json.loads(meta.read_text().splitlines()[1])["non_body"]) == 3
    assert json.loads(meta.read_text().splitlines()[0]) == {"id": "written_1", "genre": "news"}
    (raw / "gum_interview_bees.txt").write_text("edited\n", encoding="utf-8")
    assert main(["markup", *args]) == 2
