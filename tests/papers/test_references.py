"""Reference lists are cut into entries (papers/references.py): numbered and author-year styles,
passages' overlap read once, in linear time and within its caps, whatever the input."""

from __future__ import annotations

from papers import join_passages, reading_order, split_entries
from papers.references import MAX_ENTRIES, MAX_ENTRY_CHARS
from tests.corpus.test_parser_properties import _assert_linear

BRACKETED = (
    "References\r\n[1] A. Author and B. Writer. A study of frame alignment. In CVPR, pages 1-8, 2020.\r\n"
    "[2] C. Person. Learning to fuse video fea\ufffe\r\ntures [3] times over. arXiv preprint arXiv:2101.00001, 2021.\r\n"
    "[3] D. Someone, E. Other, and F. Third. Deep restoration of old\r\nfilms. In ECCV, 2022.\r\n"
)
AUTHOR_YEAR = (
    "Ada Lovelace and Charles Babbage. Notes on the analytical engine. Scientific Memoirs, 3:666-731,\n"
    "1843.\n"
    "Alan Turing. On computable numbers, with an application to the entscheidungsproblem. Proceedings\n"
    "of the London Mathematical Society, 2(42):230-265, 1936.\n"
    "Claude E Shannon. A mathematical theory of communication. Bell System Technical Journal, 1948.\n"
)


def test_bracketed_entries_are_split_in_order_with_their_numbers():
    entries = split_entries(BRACKETED)
    assert [e.number for e in entries] == [1, 2, 3]
    assert entries[0].text.startswith("A. Author and B. Writer. A study of frame alignment.")
    # a bracketed number that breaks the run stays inside its entry; a word broken at a line end is joined
    assert "features [3] times over" in entries[1].text
    assert entries[2].text.endswith("Deep restoration of old films. In ECCV, 2022.")


def test_dotted_numbers_at_line_starts_and_chinese_entries():
    text = ("1. Wang, X., Li, Y.: Video restoration. In: ECCV (2020)\n2. Chan, K.: Basic video\nsuper-resolution. "
            "In: CVPR (2021)\n3. Zhou, S.: Flow guided transformer. In: ICCV (2022)\n")
    assert [e.text[:8] for e in split_entries(text)] == ["Wang, X.", "Chan, K.", "Zhou, S."]
    chinese = "参考文献\n[1] 张三, 李四. 视频超分辨率方法综述[J]. 计算机学报, 2020.\n[2] 王五. 图像修复[D]. 某大学, 2021.\n[3] 赵六. 深度学习[M]. 2019.\n"
    assert [e.text for e in split_entries(chinese)][1] == "王五. 图像修复[D]. 某大学, 2021."


def test_author_year_entries_split_where_a_line_ends_an_entry():
    entries = split_entries(AUTHOR_YEAR)
    assert [e.text.split(".")[0] for e in entries] == ["Ada Lovelace and Charles Babbage", "Alan Turing",
                                                       "Claude E Shannon"]
    assert all(e.number is None for e in entries)
    assert "Proceedings of the London Mathematical Society" in entries[1].text  # a wrapped line is not an entry


def test_the_chunk_overlap_is_read_once():
    first = "[1] A. Author. A study of frame alignment. In CVPR, 2020. [2] C. Person. Learning to fuse."
    second = "[2] C. Person. Learning to fuse. arXiv, 2021. [3] D. Someone. Deep restoration. In ECCV, 2022."
    joined = join_passages([first, second])
    assert joined.count("[2] C. Person. Learning to fuse.") == 1
    assert [e.number for e in split_entries(joined)] == [1, 2, 3]
    assert join_passages(["no shared text here at all", "Another passage entirely."]).count("\n") == 1


def test_entry_key_names_the_text_without_copying_it():
    entries = split_entries(BRACKETED)
    assert len({e.key for e in entries}) == 3 and all(len(e.key) == 12 for e in entries)
    assert split_entries(BRACKETED.replace("\r\n", "\n"))[0].key == entries[0].key


def test_caps_bound_what_one_list_can_produce():
    huge = "".join(f"[{i}] A. Author. Title number {i}. In CVPR, 2020.\n" for i in range(1, 5000))
    entries = split_entries(huge)
    assert len(entries) <= MAX_ENTRIES
    long_entry = "[1] A. " + "word " * 2000 + "\n[2] B. Short. 2020.\n[3] C. Short. 2021.\n"
    assert max(len(e.text) for e in split_entries(long_entry)) <= MAX_ENTRY_CHARS
    assert split_entries("") == [] and split_entries("\n\n\n") == []


def test_pathological_input_is_linear():
    markers = lambda n: "[1] " * n  # noqa: E731 — every marker extends no run
    _assert_linear(split_entries, markers, 5_000, 1.0)
    _assert_linear(split_entries, lambda n: "".join(f"[{i}] x\n" for i in range(n)), 3_000, 1.0)
    _assert_linear(split_entries, lambda n: "1. " * n + "\n", 5_000, 1.0)
    _assert_linear(split_entries, lambda n: "9" * n, 20_000, 1.0)  # one line of digits, no line end
    _assert_linear(split_entries, lambda n: "http://" + "a" * n + ".\nA", 20_000, 1.0)
    _assert_linear(split_entries, lambda n: "2020.\nA " * n, 5_000, 1.0)
    _assert_linear(lambda ts: join_passages(ts), lambda n: ["a" * 3000 + "b"] * n, 200, 1.0)


def test_author_year_entries_split_when_the_pdf_text_joined_the_lines():
    flat = ("References Ada Lovelace and Charles Babbage. Notes on the engine. Scientific Memoirs, 3:666-731, 1843. "
            "Turing, A. M. On computable numbers. Proc. London Math. Soc., 2(42):230-265, 1936. "
            "C. E. Shannon. A mathematical theory of communication. Bell System Technical Journal, 1948. "
            "Claude Shannon and Warren Weaver. The mathematical theory. University of Illinois Press, 1949.")
    assert [e.text.split(".")[0] for e in split_entries(flat)] == [
        "Ada Lovelace and Charles Babbage", "Turing, A", "C", "Claude Shannon and Warren Weaver"]
    # a year inside a title or a venue ("In 2008. Sixth ...") never numbers a list
    assert all(e.number is None for e in split_entries(flat))


def test_passages_are_put_back_in_reading_order():
    first = "Our method is best. References [1] A. Author. A study of frame alignment. In CVPR, 2020."
    second = "[1] A. Author. A study of frame alignment. In CVPR, 2020. [2] B. Person. Fusion. In ICCV, 2021."
    third = "[3] C. Other. Restoration. In ECCV, 2022. [4] D. Fourth. Super-resolution. In NeurIPS, 2023."
    page_two = "[5] E. Fifth. Denoising. In ICLR, 2024."
    shuffled = [(2, page_two), (1, third), (1, second), (1, first)]
    assert reading_order(shuffled) == [first, second, third, page_two]
    assert [e.number for e in split_entries(join_passages(reading_order(shuffled)))] == [1, 2, 3, 4, 5]
    assert split_entries(join_passages(reading_order(shuffled)))[0].text.startswith("A. Author.")
