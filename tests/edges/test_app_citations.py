"""A citation followed on the page (AppTest, fake embedder): a paper card says how the paper is
cited in the library, opens into the citing papers' titles, and a title searches for that paper."""

from __future__ import annotations




def test_a_card_says_who_cites_the_paper_and_the_title_searches_for_it(page):
    page.text_input(key="query").input("EDVR enhanced deformable convolutional networks video restoration").run()
    assert not page.exception
    lines = [e.label for e in page.expander if "in your library" in e.label]
    assert "cites 0 · cited by 1 in your library" in lines  # the demo's Offset Attention PDF cites EDVR
    buttons = [b for b in page.button if (b.key or "").startswith("cite-") and "Cited by" in b.key]
    assert buttons and buttons[0].label.startswith("Offset Attention")
    buttons[0].click().run()
    assert not page.exception
    assert page.text_input(key="query").value == buttons[0].label.rsplit(" (", 1)[0]
    # the citing paper's own card now: it cites EDVR
    assert any(e.label.startswith("cites ") and not e.label.startswith("cites 0 ") for e in page.expander)
