from claimsift.features import model_input


def test_quote_context_prefix():
    rec = {"text": "They beat us.", "in_quote": True, "cue": "stated", "speaker": "Julián G."}
    assert model_input(rec) == "[in quote; cue: stated] They beat us."
    assert "Julián" not in model_input(rec)
    assert model_input(rec, use_quote_context=False) == "They beat us."
    assert model_input({"text": "Plain."}) == "Plain."


def test_reads_neighbours_only_for_context_neighbours():
    from claimsift.features import reads_neighbours

    assert reads_neighbours({"context": "neighbours"})
    assert not reads_neighbours({"context": "none"}) and not reads_neighbours({})
