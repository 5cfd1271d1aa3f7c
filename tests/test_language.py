"""The English check warns on clearly foreign text and stays quiet on English and short text."""

from claimsift.language import english_warning, looks_english

ENGLISH = ("Police arrested 31 people on Tuesday after the protest, and the court said that they "
           "would be held for two days while the inquiry was under way.")


def test_english_and_short_texts_pass():
    assert looks_english(ENGLISH)
    assert looks_english("Zu kurz, um es zu sagen.")  # under 8 words: no verdict, no warning
    assert english_warning(ENGLISH, "a") is None


def test_foreign_texts_warn():
    german = "Der Präsident sagte am Montag, dass die Regierung die Steuern im nächsten Jahr erhöhen werde."
    french = "Le président a déclaré lundi que le gouvernement augmenterait les impôts l'année prochaine."
    russian = "Президент заявил в понедельник, что правительство повысит налоги в следующем году."
    for text in (german, french, russian):
        assert not looks_english(text)
    assert english_warning(russian, "ru") == (
        "ru: the text does not look like English; claimsift's models are English-only, labels may be wrong")


def test_latin_share_counts_accented_letters_as_foreign():
    # Mostly non a-z letters: not English even with English function words around them.
    assert not looks_english("the of and " + "ñéüßø " * 40)
    assert looks_english("the of and " * 5 + "café résumé naïve")
