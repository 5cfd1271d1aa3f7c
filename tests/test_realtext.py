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
