"""`klik crisis-eval` and `klik crisis-train` as a content editor runs them."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from bot.process.crisis_train import train
from flows.content import DEFAULT_CONTENT_DIR
from flows.crisis import CrisisDetector, CrisisLexicon
from flows.crisis.evaluate import parse_corpus
from flows.crisis.model import CrisisModel
from tests.bot.process.test_cli import klik

CRISIS = [
    ("suicide", "worry", "ik wil niet meer leven"),
    ("suicide", "acute", "ik sta op de brug en ik spring"),
    ("abuse", "worry", "mijn pa slaat me elke avond"),
    ("self_harm", "worry", "ik snij mezelf weer"),
    ("homeless_tonight", "acute", "ik slaap vannacht op straat"),
    ("suicide", "acute", "i want to die tonight"),
    ("abuse", "worry", "my stepdad hits me"),
    ("self_harm", "worry", "i cut myself again"),
    ("violence", "acute", "they said they will stab me"),
    ("homeless_tonight", "acute", "i have nowhere to sleep tonight"),
]
EVERYDAY = [
    "ik heb zin in pizza",
    "school was saai vandaag",
    "mijn fiets is kapot",
    "ik wil een bijbaantje",
    "we gaan morgen zwemmen",
    "i want a pizza tonight",
    "my bike is broken",
    "school was boring today",
    "i need a side job",
    "we go swimming tomorrow",
]


def _tsv(path: Path, *rows: str) -> Path:
    """A corpus file of tab-separated rows, one message each."""
    path.write_text("".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def _corpus(path: Path) -> Path:
    crisis = [f"nl\tcrisis\t{category}\t{level}\t{text}" for category, level, text in CRISIS]
    return _tsv(path, *crisis, *(f"nl\tnone\t-\t-\t{text}" for text in EVERYDAY))


def test_crisis_eval_prints_the_figures_and_fails_below_the_target(tmp_path: Path) -> None:
    corpus = _tsv(
        tmp_path / "tiny.tsv",
        "nl\tcrisis\tsuicide\tacute\tik sta op de brug en ik ga springen",
        "nl\tcrisis\tabuse\tworry\tmijn fiets is gestolen",
        "nl\tnone\t-\t-\tik heb zin in pizza",
    )
    result = klik("crisis-eval", str(corpus))
    assert result.returncode == 1, result.stderr
    assert "nl             2   50.0 %" in result.stdout
    assert f"  {corpus}:2  abuse/worry  mijn fiets is gestolen" in result.stdout
    assert "NOT met" in result.stdout


def test_crisis_eval_passes_when_every_message_is_judged_right(tmp_path: Path) -> None:
    corpus = _tsv(
        tmp_path / "tiny.tsv",
        "nl\tcrisis\tsuicide\tacute\tik sta op de brug en ik ga springen",
        "nl\tnone\t-\t-\tik heb zin in pizza",
    )
    result = klik("crisis-eval", "--quiet", str(corpus))
    assert result.returncode == 0, result.stdout
    assert result.stdout.rstrip().endswith(": met")


def test_crisis_eval_refuses_a_broken_corpus_line_by_its_place(tmp_path: Path) -> None:
    corpus = _tsv(tmp_path / "broken.tsv", "nl\tcrisis\tik wil dood")
    result = klik("crisis-eval", str(corpus))
    assert result.returncode == 2
    assert f"{corpus}:1: expected 5 tab-separated columns, found 3" in result.stderr


def test_training_writes_weights_the_service_reads_and_that_tell_the_two_apart(
    tmp_path: Path,
) -> None:
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, content)
    out = content / "crisis-model.tsv"
    out.unlink()
    result = klik(
        "crisis-train", "--dir", str(content), "--out", str(out), str(_corpus(tmp_path / "c.tsv"))
    )
    assert result.returncode == 0, result.stderr
    model = CrisisModel.parse(out.read_text(encoding="utf-8").splitlines())
    rules = CrisisDetector(
        CrisisLexicon.model_validate(yaml.safe_load((content / "crisis.yaml").read_text()))
    )
    crisis = model.hear(*rules.reading("ik wil niet meer leven")).crisis
    everyday = model.hear(*rules.reading("ik heb zin in pizza")).crisis
    assert crisis > 0.5 > everyday


def test_training_refuses_a_corpus_without_every_category(tmp_path: Path) -> None:
    corpus = _tsv(
        tmp_path / "c.tsv",
        "nl\tcrisis\tsuicide\tacute\tik wil dood",
        "nl\tcrisis\tsuicide\tworry\tik zie het niet meer zitten",
        "nl\tnone\t-\t-\tik wil taart",
    )
    result = klik("crisis-train", "--out", str(tmp_path / "m.tsv"), str(corpus))
    assert result.returncode == 2
    assert "needs crisis messages of every category" in result.stderr
    assert not (tmp_path / "m.tsv").exists()


def test_training_twice_on_the_same_corpus_gives_the_same_file(tmp_path: Path) -> None:
    lexicon = CrisisLexicon.model_validate(
        yaml.safe_load((DEFAULT_CONTENT_DIR / "crisis.yaml").read_text(encoding="utf-8"))
    )
    rules = CrisisDetector(lexicon)
    with _corpus(tmp_path / "c.tsv").open(encoding="utf-8") as handle:
        examples = parse_corpus(handle, "c.tsv")
    assert train(examples, rules) == train(examples, rules)
