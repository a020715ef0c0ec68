"""The eval harness: BEIR folders, gold files and metrics, through the CLI with the fake embedder."""

import json

import pytest
from click.testing import CliRunner

import cli
from evaluation import EvaluationInputError, load_beir, load_gold
from tests.support.fakes import use_fake_models

DOCS = {
    "d1": ("Deformable alignment", "Deformable convolution aligns neighbouring video frames."),
    "d2": ("Diffusion", "Diffusion models add gaussian noise and learn to remove it."),
    "d3": ("Attention", "Self-attention cost grows quadratically with sequence length."),
    "d4": ("Residual", "Identity shortcuts make deep networks easy to optimise."),
}
QUERIES = {"q1": "aligning video frames with deformable convolution", "q2": "gaussian noise diffusion", "q3": "unjudged"}


@pytest.fixture(autouse=True)
def fake_model(monkeypatch, tmp_path):
    use_fake_models(monkeypatch)
    monkeypatch.setenv("PAPERSEARCH_MODEL", "fake-hash-64")
    monkeypatch.setenv("PAPERSEARCH_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def beir(tmp_path):
    folder = tmp_path / "tiny-beir"
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text(
        "\n".join(json.dumps({"_id": i, "title": t, "text": x}) for i, (t, x) in DOCS.items()), encoding="utf-8"
    )
    (folder / "queries.jsonl").write_text(
        "\n".join(json.dumps({"_id": i, "text": t}) for i, t in QUERIES.items()), encoding="utf-8"
    )
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n")
    return folder


def run(*args):
    return CliRunner().invoke(cli.main, [str(a) for a in args])


def test_beir_eval_reports_metrics_and_caches_the_index(beir):
    first = run("eval", "--beir", beir, "--split", "test", "--mode", "lexical", "--json")
    assert first.exit_code == 0, first.output
    scores = json.loads(first.stdout.strip().splitlines()[-1])
    assert set(scores) == {"ndcg@10", "recall@100", "mrr@10"}
    assert scores["mrr@10"] == 1.0 and scores["recall@100"] == 1.0
    second = run("eval", "--beir", beir, "--split", "test", "--mode", "dense", "--json")
    assert "0 new, 0 changed, 0 deleted, 4 unchanged" in second.output  # nothing re-embedded


def test_beir_folder_missing_a_file_is_named(beir):
    (beir / "qrels" / "test.tsv").unlink()
    result = run("eval", "--beir", beir, "--split", "test")
    assert result.exit_code == 1 and "missing qrels/test.tsv" in result.output
    with pytest.raises(EvaluationInputError, match="missing queries.jsonl"):
        (beir / "queries.jsonl").unlink()
        load_beir(beir, "test")


def test_gold_eval_on_a_library(small_library, tmp_path):
    assert run("build", "--library", small_library).exit_code == 0
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"query": "高斯噪声", "relevant": {"notes/扩散模型.md": 2}, "type": "zh"}, ensure_ascii=False)
        + "\n\n"
        + json.dumps({"query": "multi-head attention", "relevant": {"pdfs/transformers.pdf": 1}})
        + "\n",
        encoding="utf-8",
    )
    result = run("eval", "--gold", gold, "--library", small_library, "--mode", "hybrid", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["mrr@10"] == 1.0


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "gold.jsonl:2: not valid JSON"),
        ('{"query": "", "relevant": {"a.md": 1}}', "gold.jsonl:2: 'query' must be"),
        ('{"query": "x", "relevant": {"missing.md": 1}}', "gold.jsonl:2: 'missing.md' is not an indexed file"),
        ('{"query": "x", "relevant": {"a.md": 5}}', "gold.jsonl:2: grade for 'a.md' must be 1 or 2"),
        ('["x"]', "gold.jsonl:2: expected an object"),
    ],
)
def test_bad_gold_lines_are_reported_with_their_line(tmp_path, line, message):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"query": "ok", "relevant": {"a.md": 2}}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(EvaluationInputError, match=message.replace("(", r"\(")):
        load_gold(gold, {"a.md"})


def test_a_gold_file_that_is_not_text_is_refused_as_such(small_library, tmp_path):
    assert run("build", "--library", small_library).exit_code == 0
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(b'{"query": "ok", "relevant": {"notes/alignment.md": 2}}\n\x89PNG\r\n\x1a\n\x00\x00')
    result = CliRunner().invoke(cli.main, ["eval", "--gold", str(gold), "--library", str(small_library)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: Gold file {gold} is not UTF-8 text (line 2 has the byte 0x89)."


def test_eval_needs_exactly_one_source():
    result = run("eval", "--json")
    assert result.exit_code == 2 and "either --beir DIR or --gold FILE" in result.output


def test_metrics_match_hand_computed_values():
    from evaluation.metrics import trec_metrics

    qrels = {"a": {"x": 1}, "b": {"y": 2, "z": 1}}
    run = {"a": {f"n{i}": 100.0 - i for i in range(10)} | {"x": 50.0}, "b": {"z": 3.0, "y": 2.0, "w": 1.0}}
    scores = trec_metrics(qrels, run)
    # a: x at rank 11 -> nDCG@10 0, recall 1, RR@10 0.  b: z (grade 1) then y (grade 2), with
    # trec_eval's linear gains (as BEIR reports): DCG = 1/1 + 2/log2(3), ideal = 2/1 + 1/log2(3)
    ideal = 2 + 1 / 1.5849625
    dcg = 1 + 2 / 1.5849625
    assert scores["ndcg@10"] == round((0 + dcg / ideal) / 2, 4)
    assert scores["recall@100"] == 1.0
    assert scores["mrr@10"] == 0.5


def test_a_judged_file_the_build_skipped_counts_as_a_miss(small_library, tmp_path):
    from tests.support.pdf_factory import write_blank_pdf

    write_blank_pdf(small_library / "pdfs" / "scan.pdf")
    assert run("build", "--library", small_library).exit_code == 0
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"query": "scanned page", "relevant": {"pdfs/scan.pdf": 2}}) + "\n", encoding="utf-8")
    result = run("eval", "--gold", gold, "--library", small_library, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["ndcg@10"] == 0.0
