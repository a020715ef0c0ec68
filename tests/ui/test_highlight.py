from ui.highlight import highlight, query_terms


def test_terms_drop_stop_words_and_split_chinese_into_pairs():
    assert query_terms("how does the DDPM add noise") == ["noise", "DDPM", "add"]
    assert set(query_terms("特征融合")) == {"特征融合", "特征", "征融", "融合"}


def test_marks_are_case_insensitive_and_text_is_escaped():
    marked = highlight("Feature <fusion> of 非对齐特征", "feature fusion 特征")
    assert marked == "<mark>Feature</mark> &lt;<mark>fusion</mark>&gt; of 非对齐<mark>特征</mark>"


def test_long_text_is_trimmed_around_the_first_match_and_keeps_lines():
    text = "filler words here. " * 60 + "\n\nthe deformable alignment step\nnext line"
    snippet = highlight(text, "deformable", width=120)
    assert snippet.startswith("…") and "<mark>deformable</mark>" in snippet
    assert "step\nnext line" in snippet and "\n\n" not in snippet


def test_a_query_word_marks_its_other_forms_but_not_words_that_contain_it():
    marked = highlight("Resized softmax attention: images are aligned by alignment of sizes.", "soft size align")
    assert marked == ("Resized softmax attention: images are <mark>aligned</mark> by <mark>alignment</mark> of "
                      "<mark>sizes</mark>.")


def test_identifiers_are_marked_whole_and_chinese_anywhere():
    marked = highlight("BasicVSR++ 使用光流对齐 and E2FGVI", "basicvsr 光流 e2fgvi")
    assert marked == "<mark>BasicVSR++</mark> 使用<mark>光流</mark>对齐 and <mark>E2FGVI</mark>"
